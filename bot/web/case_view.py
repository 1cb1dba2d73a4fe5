"""One ärende's page: its answers (read-only), findings, facts with their sources, its
history (who, what, when) and the responsible official. Reached only through the
coordinator's own rows (bot/web/listing.py), so another coordinator's ärende is not found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.arende.budget import Budget, FactSource
from bot.arende.loading import load_arenden_by_id
from bot.engine.overview_view import SWEDISH_TIME
from bot.mall.amounts import format_kronor
from bot.mall.dates import format_swedish_date
from bot.mall.template import TemplateCatalog
from bot.review.checks import run_checks
from bot.review.findings import Severity
from bot.review.spelling import SpellChecker
from bot.web.listing import CaseLine
from storage import ledger_repository as ledger_repo
from storage import repository as repo
from storage.access_repository import audit_events
from storage.models import Answer, BudgetLedgerEntry, Case, User

UNKNOWN = "okänt"
ACTIONS = {
    "case_registered": "registrerade ärendet",
    "case_created": "började redovisningen",
    "responsible_set": "gjorde någon ansvarig",
    "member_removed": "tog bort en medarbetare",
    "budget_confirmed": "bekräftade budgeten",
    "documents_made": "skapade dokumenten",
    "signed_pdf_received": "skickade in den signerade PDF:en",
    "submit_confirmed": "skickade redovisningen till registratorn",
    "reminder_sent_now": "skickade en påminnelse från översikten",
}
SOURCES = {"read": "läst ur budgetsvaret och bekräftat", "corrected": "rättat"}
HISTORY_LIMIT = 200


@dataclass(frozen=True)
class Fact:
    name: str
    value: str
    source: str


@dataclass(frozen=True)
class Event:
    when: datetime
    who: str
    what: str

    @property
    def when_text(self) -> str:
        local = self.when.astimezone(SWEDISH_TIME)
        return f"{format_swedish_date(local.date())} {local:%H:%M}"


@dataclass(frozen=True)
class CasePage:
    line: CaseLine
    case: Case
    template_name: str
    answers: list[tuple[int, str, str | None]]  # number, question, answer (None: none yet)
    findings: list[tuple[str, str]]  # severity in Swedish, message
    facts: list[Fact]
    history: list[Event]
    responsible: User | None
    responsible_reachable: bool


class _NoUnknownWords:
    """Spelling findings are notes (INFO), which the page leaves out; not loading the
    dictionary (seconds on first use) keeps the first ärende page quick."""

    def unknown_words(self, _text: str) -> list[object]:
        return []


def _no_spelling() -> SpellChecker:
    return cast(SpellChecker, _NoUnknownWords())


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))


def _day(moment: datetime) -> str:
    return format_swedish_date(_aware(moment).astimezone(SWEDISH_TIME).date())


def case_page(session: Session, line: CaseLine, catalog: TemplateCatalog, today: date) -> CasePage:
    case = session.get(Case, line.row.case_id)
    assert case is not None  # the line was read from it in this transaction
    names = {u.id: u.display_name for u in session.scalars(select(User))}
    template = catalog.get(case.template_id) if case.template_id in catalog else None
    current = repo.current_answers(session, case.id)
    answers = {key: a.text for key, a in current.items() if a.text.strip()}
    questions = template.questions if template else ()
    listed = [(i + 1, q.text, answers.get(q.key)) for i, q in enumerate(questions)]
    arende = load_arenden_by_id(session, [case.id], catalog)[case.id]
    entry = ledger_repo.current_entry(session, case.id)
    findings: list[tuple[str, str]] = []
    if template is not None:
        checked = run_checks(template, answers, arende.case_facts(), spell_checker=_no_spelling)
        for found in checked:
            if found.severity is not Severity.INFO:
                word = "fel" if found.severity is Severity.ERROR else "varning"
                findings.append((word, found.message))
    responsible = session.get(User, case.responsible_user_id) if case.responsible_user_id else None
    return CasePage(
        line=line,
        case=case,
        template_name=template.name if template else case.template_id,
        answers=listed,
        findings=findings,
        facts=_facts(case, arende.budget, entry, names),
        history=_history(session, case, names, questions),
        responsible=responsible,
        responsible_reachable=bool(
            responsible and responsible.active and responsible.external_id.startswith("telegram:")
        ),
    )


def _facts(
    case: Case, budget: Budget, entry: BudgetLedgerEntry | None, names: dict[int, str]
) -> list[Fact]:
    """The registered facts, each with who gave it; the budget from the ledger when the
    official confirmed it. A fact nobody gave is shown as unknown."""
    by = f"registrerat av {names.get(case.created_by_user_id, UNKNOWN)}, {_day(case.created_at)}"

    def registered(name: str, value: str | None) -> Fact:
        return Fact(name, value, by) if value else Fact(name, UNKNOWN, "")

    facts = [
        registered("Nämnd", case.committee),
        registered("Beslutsdatum", _date(case.decision_date)),
        registered("Sista svarsdatum", _date(case.last_reply_date)),
        registered("Mottagare", ", ".join(case.recipients or [])),
    ]
    facts += _money(case, budget, entry, names, by)
    return facts


def _money(
    case: Case, budget: Budget, entry: BudgetLedgerEntry | None, names: dict[int, str], by: str
) -> list[Fact]:
    """Granted and used as the model decides them (bot/arende/budget.py), each with where it
    came from: confirmed by the official, registered, or read from the report."""
    confirmed = ""
    if entry is not None:
        how = SOURCES.get(entry.source, "bekräftat")
        who = names.get(entry.confirmed_by_user_id, UNKNOWN)
        confirmed = f"{how} av {who}, {_day(entry.confirmed_at)}"
    sources = {
        FactSource.CONFIRMED: confirmed,
        FactSource.REGISTERED: by,
        FactSource.REPORT: "enligt redovisningens budgetsvar, inte bekräftat av handläggaren än",
    }
    facts = []
    for name, amount in (("Beviljat", budget.granted), ("Använt", budget.used)):
        if amount is None:
            facts.append(Fact(name, UNKNOWN, "inte bekräftat av handläggaren än"))
        else:
            facts.append(Fact(name, format_kronor(amount.kronor), sources[amount.source]))
    return facts


def _date(day: date | None) -> str | None:
    return format_swedish_date(day) if day else None


def _history(
    session: Session, case: Case, names: dict[int, str], questions: tuple[object, ...]
) -> list[Event]:
    events = [
        Event(_aware(e.created_at), names.get(e.user_id, "Redovisa") if e.user_id else "Redovisa",
              ACTIONS.get(e.action, e.action))
        for e in audit_events(session, case.id)
    ]  # fmt: skip
    numbers = {getattr(q, "key", ""): i + 1 for i, q in enumerate(questions)}
    rows = session.execute(
        select(Answer.question_key, Answer.version, Answer.author_user_id, Answer.created_at)
        .where(Answer.case_id == case.id)
        .order_by(Answer.id.desc())
        .limit(HISTORY_LIMIT)
    )
    for key, version, author, created in rows:
        number = numbers.get(key)
        what = f"svarade på fråga {number}" if number else f"svarade ({key})"
        if version > 1:
            what = f"ändrade svaret på fråga {number or key} (version {version})"
        events.append(Event(_aware(created), names.get(author, UNKNOWN), what))
    events.sort(key=lambda e: e.when, reverse=True)
    return events[:HISTORY_LIMIT]

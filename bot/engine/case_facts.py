"""The facts of an ärende with their sources: one place that decides them (issue 20).

The facts are the nämnd, the decision (body and date), the granted amount, the last reply
date, the recipient and the copy recipients, and the report period. Each value given is a
row of `case_facts` (storage/fact_repository.py) with its source: the coordinator's
registration or correction, the official (read back and confirmed in the chat), a file the
official read in and confirmed, or the mall's usual values the official chose. A
coordinator's value outranks every other; among the others the newest stands. The
ärende's columns (`cases.committee`, …) are kept equal to the current values, so every
output that reads them agrees; when the model of the ärende (issue 19) arrives, `sheet_of`
is what it folds in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.arende.given_facts import standing
from bot.mall.amounts import format_kronor
from bot.mall.dates import format_swedish_date
from bot.mall.template import Template
from storage import fact_repository as facts_repo
from storage.fact_repository import COORDINATOR_SOURCES
from storage.models import Case

FACT_NAMES = (
    "committee",
    "decided_by",
    "decision_date",
    "granted_amount_kr",
    "last_reply_date",
    "recipient",
    "copy_to",
    "report_period",
)
DATE_FACTS = ("decision_date", "last_reply_date")


@dataclass(frozen=True)
class Fact:
    """One fact's current value (JSON form), who gave it and when; `source` None: nobody."""

    name: str
    value: Any = None
    source: str | None = None
    user_id: int | None = None
    given_at: datetime | None = None

    @property
    def known(self) -> bool:
        return self.value not in (None, "", [])

    @property
    def from_coordinator(self) -> bool:
        return self.source in COORDINATOR_SOURCES


@dataclass(frozen=True)
class FactSheet:
    """Every fact of one ärende, and each one's history (oldest first)."""

    facts: dict[str, Fact]
    history: dict[str, tuple[Fact, ...]]
    registered: bool

    def get(self, name: str) -> Fact:
        return self.facts.get(name, Fact(name))


def _column_value(case: Case, name: str) -> Any:
    recipients = list(case.recipients or [])
    if name == "recipient":
        return recipients[0] if recipients else None
    if name == "copy_to":
        return recipients[1:] if recipients else None
    if name in DATE_FACTS:
        day = getattr(case, name)
        return day.isoformat() if day else None
    if name in ("committee", "granted_amount_kr"):
        return getattr(case, name)
    return None


def sheet_of(session: Session, case: Case) -> FactSheet:
    """The ärende's facts: a coordinator's newest value, else anyone's newest value
    (bot/arende/given_facts.py); an
    ärende registered before its facts had rows reads its columns as the registration's."""
    history: dict[str, list[Fact]] = {}
    for row in facts_repo.fact_rows(session, case.id):
        fact = Fact(row.name, row.value, row.source, row.user_id, row.created_at)
        history.setdefault(row.name, []).append(fact)
    registered = case.registered_at is not None
    current: dict[str, Fact] = {}
    for name in FACT_NAMES:
        if (given := standing(history.get(name, []))) is not None:
            current[name] = given
        elif (value := _column_value(case, name)) not in (None, []):
            source = "registration" if registered else None
            current[name] = Fact(name, value, source)
    return FactSheet(current, {k: tuple(v) for k, v in history.items()}, registered)


def apply_to_case(case: Case, sheet: FactSheet) -> None:
    """Keep the ärende's columns equal to its current facts."""
    committee = sheet.get("committee")
    case.committee = str(committee.value) if committee.known else None
    granted = sheet.get("granted_amount_kr")
    case.granted_amount_kr = int(granted.value) if granted.known else None
    for name in DATE_FACTS:
        fact = sheet.get(name)
        setattr(case, name, date.fromisoformat(str(fact.value)) if fact.known else None)
    recipient, copy = sheet.get("recipient"), sheet.get("copy_to")
    copies = [str(a) for a in (copy.value or [])] if copy.known else []
    if recipient.known:
        case.recipients = [str(recipient.value), *[a for a in copies if a != recipient.value]]
    else:
        case.recipients = []


def keep_fact(
    session: Session,
    case: Case,
    name: str,
    value: Any,
    *,
    source: str,
    user_id: int | None,
    now: datetime,
) -> FactSheet:
    """Store a value for the fact (its history keeps the earlier ones) and bring the
    ärende's columns up to date; returns the facts as they now stand."""
    if name not in FACT_NAMES:
        raise ValueError(f"unknown fact {name!r}")
    facts_repo.record_fact(session, case.id, name, value, source=source, user_id=user_id, now=now)
    sheet = sheet_of(session, case)
    apply_to_case(case, sheet)
    session.flush()
    return sheet


def show_value(name: str, value: Any) -> str:
    """A fact's value the Swedish way: 28 februari 2020, 500 000 kr, a@b.se, c@d.se."""
    if value in (None, "", []):
        return "–"
    if name in DATE_FACTS:
        return format_swedish_date(date.fromisoformat(str(value)))
    if name == "granted_amount_kr":
        return format_kronor(int(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def decided_by(sheet: FactSheet, template: Template) -> Fact:
    """Which body decided on the funds: as given, else as the mall's own text names it."""
    given = sheet.get("decided_by")
    if given.known or not template.decided_by:
        return given
    return Fact("decided_by", template.decided_by, "mall_text")

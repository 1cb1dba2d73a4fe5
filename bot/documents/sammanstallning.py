"""The coordinator's sammanställning: every ärende of a year with its figures and state.

For each ärende: nämnd, perspectives (as registered), granted, used (confirmed, else read
from the budget answer), share used, state (ej påbörjad, utkast, signerad, inskickad) and
the main open findings of the rule-based review; totals per nämnd and overall.
Rendering as XLSX and as a PDF with a chart is in sammanstallning_render.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.documents.phrases import Phrases, phrases
from bot.documents.sammanstallning_remarks import RemarkFacts, board_remarks
from bot.documents.signed_state import changed_after_signing
from bot.documents.tjansteskrivelse import read_budget
from bot.mall.namnder import match_namnd
from bot.mall.template import Template, TemplateCatalog
from bot.review.checks import run_checks
from bot.review.findings import CaseFacts, Severity
from bot.review.perspectives import Perspective, load_keywords
from storage import repository as repo
from storage.models import Case
from storage.submission_repository import cases_of_year

MAIN_FINDINGS = 3  # per ärende
COMMITTEE_KEY = "namnd"  # the question whose answer names the nämnd

# (template, answers, case facts) -> the main open findings, as Swedish sentences
FindingsFor = Callable[[Template, Mapping[str, str], CaseFacts], Sequence[str]]


def texts() -> Phrases:
    return phrases("sammanstallning")


class CaseState(StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SIGNED = "signed"
    SUBMITTED = "submitted"

    def label(self) -> str:
        return texts()(f"state_{self.value}")


def case_state(case: Case, answered: int) -> CaseState:
    """inskickad once mailed, signerad once a signed PDF was verified, else by the answers."""
    if case.submitted_at is not None:
        return CaseState.SUBMITTED
    if case.signed_at is not None:
        return CaseState.SIGNED
    return CaseState.DRAFT if answered else CaseState.NOT_STARTED


@dataclass(frozen=True)
class SummaryRow:
    case_number: str
    committee: str | None
    perspectives: tuple[str, ...]  # Swedish labels, as registered
    granted_kr: int | None
    used_kr: int | None
    state: CaseState
    findings: tuple[str, ...]

    @property
    def share_used(self) -> float | None:
        """Used over granted (0.83 for 83 %); None when either is unknown."""
        if self.used_kr is None or not self.granted_kr:
            return None
        return self.used_kr / self.granted_kr


@dataclass(frozen=True)
class CommitteeTotal:
    """An unknown amount never counts as 0 kr: `used_kr` sums the known ones (None when
    none is known) and `used_unknown` says how many ärenden lack the figure."""

    committee: str | None
    cases: int
    granted_kr: int | None  # None when no granted amount is known
    used_kr: int | None  # of the ärenden whose use is known; None when none is
    used_unknown: int  # ärenden whose use is not known
    granted_known_use_kr: int  # granted to the ärenden whose use is known

    @property
    def share_used(self) -> float | None:
        """Used over granted, counting only the ärenden whose use is known."""
        if self.used_kr is None or not self.granted_known_use_kr:
            return None
        return self.used_kr / self.granted_known_use_kr


@dataclass(frozen=True)
class Sammanstallning:
    year: int
    made: date
    rows: tuple[SummaryRow, ...]

    def by_committee(self) -> tuple[CommitteeTotal, ...]:
        """One total per nämnd, in the order the nämnder first appear."""
        groups: dict[str | None, list[SummaryRow]] = {}
        for row in self.rows:
            groups.setdefault(row.committee, []).append(row)
        return tuple(_total(committee, rows) for committee, rows in groups.items())

    def total(self) -> CommitteeTotal:
        return _total(None, list(self.rows))


def _total(committee: str | None, rows: Sequence[SummaryRow]) -> CommitteeTotal:
    granted = [r.granted_kr for r in rows if r.granted_kr is not None]
    used = [r.used_kr for r in rows if r.used_kr is not None]
    return CommitteeTotal(
        committee=committee,
        cases=len(rows),
        granted_kr=sum(granted) if granted else None,
        used_kr=sum(used) if used else None,
        used_unknown=sum(1 for r in rows if r.used_kr is None),
        granted_known_use_kr=sum(r.granted_kr or 0 for r in rows if r.used_kr is not None),
    )


def committee_of(case: Case, answers: Mapping[str, str]) -> str | None:
    """The ärende's nämnd as Malmö stad's list spells it: its registered or given nämnd,
    else the one the answer to question 1 names surely; one nämnd is one row everywhere."""
    for written in (case.committee, answers.get(COMMITTEE_KEY)):
        if written and written.strip():
            match = match_namnd(written)
            return match.name if match is not None and match.sure else case.committee
    return None


def rule_findings(template: Template, answers: Mapping[str, str], facts: CaseFacts) -> list[str]:
    """The errors, then the warnings, of the rule-based review (spelling is left out)."""
    found = run_checks(template, dict(answers), facts)
    ranked = [f for f in found if f.severity is Severity.ERROR] + [
        f for f in found if f.severity is Severity.WARNING
    ]
    return [f.message for f in ranked]


def _perspective_labels(values: Sequence[str] | None) -> tuple[str, ...]:
    if not values:
        return ()
    labels = load_keywords()
    return tuple(
        labels[Perspective(v)].label for v in values if v in Perspective._value2member_map_
    )


def build_sammanstallning(
    session: Session,
    year: int,
    catalog: TemplateCatalog,
    today: date,
    findings_for: FindingsFor | None = None,
    coordinator_id: int | None = None,
) -> Sammanstallning:
    """Every ärende of `year` (storage.submission_repository.cases_of_year) with its row;
    the remarks are kommunstyrelsen's (sammanstallning_remarks.py) unless `findings_for`
    gives others."""
    rows = []
    for case in cases_of_year(session, year, coordinator_id):
        answers = {k: a.text for k, a in repo.current_answers(session, case.id).items()}
        answered = sum(1 for text in answers.values() if text.strip())
        state = case_state(case, answered)
        changed = state is CaseState.SIGNED and bool(changed_after_signing(session, [case.id]))
        if changed:
            state = CaseState.DRAFT  # changed after the signature: to be signed again
        template = catalog.get(case.template_id) if case.template_id in catalog else None
        granted, used = case.granted_amount_kr, case.used_amount_kr
        findings: tuple[str, ...] = ()
        committee = committee_of(case, answers)
        if template is not None:
            granted, used = read_budget(template, answers, granted, used)
            if findings_for is not None and answered:
                facts = CaseFacts(
                    case_number=case.case_number, granted_amount_kr=case.granted_amount_kr
                )
                findings = tuple(findings_for(template, answers, facts))[:MAIN_FINDINGS]
            elif findings_for is None:
                remark_facts = RemarkFacts(
                    answered=answered,
                    unanswered_required=sum(
                        1 for q in template.questions
                        if q.required and not answers.get(q.key, "").strip()
                    ),
                    questions=len(template.questions),
                    granted_kr=granted,
                    used_kr=used,
                    committee=committee,
                    last_reply_date=case.last_reply_date,
                    submitted=case.submitted_at is not None,
                    changed_after_signing=changed,
                    today=today,
                )  # fmt: skip
                findings = tuple(board_remarks(remark_facts))[:MAIN_FINDINGS]
        rows.append(
            SummaryRow(
                case_number=case.case_number,
                committee=committee,
                perspectives=_perspective_labels(case.perspectives),
                granted_kr=granted,
                used_kr=used,
                state=state,
                findings=findings,
            )
        )
    return Sammanstallning(year=year, made=today, rows=tuple(rows))

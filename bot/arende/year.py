"""The sammanställning of a year, made from the models of its ärenden."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.arende.loading import load_arenden
from bot.arende.model import Arende
from bot.documents.sammanstallning import (
    MAIN_FINDINGS,
    FindingsFor,
    Sammanstallning,
    SummaryRow,
    perspective_labels,
)
from bot.documents.sammanstallning_remarks import RemarkFacts, board_remarks
from bot.mall.case_status import CaseStatus
from bot.mall.template import TemplateCatalog
from storage.submission_repository import cases_of_year


def remarks_for_the_board(arende: Arende, today: date) -> list[str]:
    """What is missing or late in the ärende's report, for kommunstyrelsen."""
    template = arende.template
    if template is None:
        return []
    return board_remarks(
        RemarkFacts(
            answered=arende.answered,
            unanswered_required=sum(
                1 for q in template.questions if q.required and q.key not in arende.answers
            ),
            questions=len(template.questions),
            granted_kr=arende.budget.granted_kr,
            used_kr=arende.budget.used_kr,
            committee=arende.committee,
            last_reply_date=arende.last_reply_date,
            submitted=arende.submitted_at is not None,
            changed_after_signing=arende.status is CaseStatus.CHANGED_AFTER_SIGNING,
            today=today,
        )
    )


def summary_row(arende: Arende, today: date, findings_for: FindingsFor | None = None) -> SummaryRow:
    """The ärende's row: the model's figures, nämnd and status, and the remarks for
    kommunstyrelsen (or, with `findings_for`, those findings)."""
    if findings_for is None:
        findings = tuple(remarks_for_the_board(arende, today))[:MAIN_FINDINGS]
    elif arende.template is not None and arende.answers:
        found = findings_for(arende.template, arende.answers, arende.case_facts())
        findings = tuple(found)[:MAIN_FINDINGS]
    else:
        findings = ()
    return SummaryRow(
        case_number=arende.case_number,
        committee=arende.committee,
        perspectives=perspective_labels(arende.perspectives),
        granted_kr=arende.budget.granted_kr,
        used_kr=arende.budget.used_kr,
        state=arende.status,
        findings=findings,
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
    with `coordinator_id`, those the coordinator may see, as /oversikt shows them."""
    cases = cases_of_year(session, year, coordinator_id)
    rows = tuple(summary_row(a, today, findings_for) for a in load_arenden(session, cases, catalog))
    return Sammanstallning(year=year, made=today, rows=rows)

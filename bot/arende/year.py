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
    rule_findings,
)
from bot.mall.template import TemplateCatalog
from storage.submission_repository import cases_of_year


def summary_row(arende: Arende, findings_for: FindingsFor = rule_findings) -> SummaryRow:
    """The ärende's row: the model's figures and status, the rule review's main findings."""
    findings: tuple[str, ...] = ()
    if arende.template is not None and arende.answers:
        found = findings_for(arende.template, arende.answers, arende.case_facts())
        findings = tuple(found)[:MAIN_FINDINGS]
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
    findings_for: FindingsFor = rule_findings,
) -> Sammanstallning:
    """Every ärende of `year` (storage.submission_repository.cases_of_year) with its row."""
    arenden = load_arenden(session, cases_of_year(session, year), catalog)
    rows = tuple(summary_row(a, findings_for) for a in arenden)
    return Sammanstallning(year=year, made=today, rows=rows)

"""What a document shows of an ärende: the fields it reads, taken from a stored case or a snapshot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from bot.documents.importer import ImportedReport
from bot.documents.model import DocumentCase


class CaseRecord(Protocol):
    """The fields of an ärende that a document shows."""

    @property
    def case_number(self) -> str: ...
    @property
    def committee(self) -> str | None: ...
    @property
    def decision_date(self) -> date | None: ...
    @property
    def last_reply_date(self) -> date | None: ...
    @property
    def recipients(self) -> Sequence[str]: ...
    @property
    def granted_amount_kr(self) -> int | None: ...


def document_case(case: CaseRecord) -> DocumentCase:
    """What the document needs from an ärende (a stored Case or a report snapshot)."""
    return DocumentCase(
        case_number=case.case_number,
        committee=case.committee,
        decision_date=case.decision_date,
        last_reply_date=case.last_reply_date,
        recipients=tuple(case.recipients or ()),
        granted_amount_kr=case.granted_amount_kr,
        confirmed_granted_kr=getattr(case, "confirmed_granted_kr", None),
        confirmed_used_kr=getattr(case, "confirmed_used_kr", None),
        decided_by=getattr(case, "decided_by", None),
        report_period=getattr(case, "report_period", None),
    )


def file_facts(report: ImportedReport) -> dict[str, object]:
    """The ärende's facts a file read in holds, as `render --from` prints them (decision
    date, granted amount, last reply date, recipient and copy recipients), by fact name in stored form."""
    facts: dict[str, object] = {}
    if report.decision_day is not None:
        facts["decision_date"] = report.decision_day.isoformat()
    if report.granted_amount_kr is not None:
        facts["granted_amount_kr"] = report.granted_amount_kr
    if report.last_reply_day is not None:
        facts["last_reply_date"] = report.last_reply_day.isoformat()
    recipients = list(dict.fromkeys(report.recipients))
    if recipients:
        facts["recipient"] = recipients[0]
        facts["copy_to"] = recipients[1:]
    return facts

"""What a document shows of an ärende: the fields it reads, taken from a stored case or a snapshot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

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
    )

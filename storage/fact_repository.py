"""The ärende's facts as given, with their history (table `case_facts`, migration 0009).

Each function takes the caller's Session; the caller owns the transaction. A row is one
value given for one fact by one source; the newest row per (ärende, fact) of the strongest
source is the fact's current value (bot/engine/case_facts.py decides that). The columns of
`cases` (committee, decision_date, …) keep the current value for the outputs that read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case, CaseFact

SOURCES = ("registration", "coordinator", "official", "file", "mall", "answer")
COORDINATOR_SOURCES = ("registration", "coordinator")


def record_fact(
    session: Session,
    case_id: int,
    name: str,
    value: Any,
    *,
    source: str,
    user_id: int | None,
    now: datetime,
) -> CaseFact:
    """Add a value for the fact; earlier values stay as its history."""
    if source not in SOURCES:
        raise ValueError(f"unknown fact source {source!r}")
    row = CaseFact(
        case_id=case_id, name=name, value=value, source=source, user_id=user_id, created_at=now
    )
    session.add(row)
    session.flush()
    return row


def fact_rows(session: Session, case_id: int) -> Sequence[CaseFact]:
    """Every value given for the ärende's facts, oldest first."""
    return session.scalars(
        select(CaseFact).where(CaseFact.case_id == case_id).order_by(CaseFact.id)
    ).all()


def record_registration(session: Session, case: Case, user_id: int, now: datetime) -> None:
    """The registration's facts (already on the ärende's columns) as the coordinator's rows;
    the ärende is registered from now on."""
    case.registered_at = now
    recipients = list(case.recipients or [])
    given: dict[str, Any] = {
        "committee": case.committee,
        "granted_amount_kr": case.granted_amount_kr,
        "decision_date": case.decision_date.isoformat() if case.decision_date else None,
        "last_reply_date": case.last_reply_date.isoformat() if case.last_reply_date else None,
        "recipient": recipients[0] if recipients else None,
        "copy_to": recipients[1:] if recipients else None,
    }
    for name, value in given.items():
        if value not in (None, []):
            record_fact(
                session, case.id, name, value, source="registration", user_id=user_id, now=now
            )

"""The budget ledger: confirmed budget figures per ärende, every confirmation kept.

Each function takes the caller's Session; the caller owns the transaction. The newest
entry of an ärende is its current figures; the model of the ärende (bot/arende/budget.py)
is the one place that decides what they mean.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import BudgetLedgerEntry

SOURCES = ("read", "corrected")


@dataclass(frozen=True)
class ActivityCostRow:
    label: str
    value: int


def record_entry(
    session: Session,
    case_id: int,
    *,
    granted_kr: int,
    used_kr: int,
    remaining_kr: int,
    activities: Sequence[ActivityCostRow] = (),
    source: str,
    user_id: int,
    now: datetime,
) -> BudgetLedgerEntry:
    """Add the confirmed figures as the ärende's current entry; earlier ones stay."""
    if source not in SOURCES:
        raise ValueError(f"unknown ledger source {source!r}")
    entry = BudgetLedgerEntry(
        case_id=case_id,
        granted_kr=granted_kr,
        used_kr=used_kr,
        remaining_kr=remaining_kr,
        activities=[{"label": a.label, "value": a.value} for a in activities],
        source=source,
        confirmed_by_user_id=user_id,
        confirmed_at=now,
    )
    session.add(entry)
    session.flush()
    return entry


def current_entry(session: Session, case_id: int) -> BudgetLedgerEntry | None:
    """The ärende's newest confirmed figures, or None when none were confirmed."""
    return session.scalar(
        select(BudgetLedgerEntry)
        .where(BudgetLedgerEntry.case_id == case_id)
        .order_by(BudgetLedgerEntry.id.desc())
        .limit(1)
    )


def history(session: Session, case_id: int) -> list[BudgetLedgerEntry]:
    """Every confirmation of the ärende, oldest first."""
    return list(
        session.scalars(
            select(BudgetLedgerEntry)
            .where(BudgetLedgerEntry.case_id == case_id)
            .order_by(BudgetLedgerEntry.id)
        )
    )


def current_entries(session: Session, case_ids: Collection[int]) -> dict[int, BudgetLedgerEntry]:
    """The current entry of each of these ärenden that has one."""
    if not case_ids:
        return {}
    newest = (
        select(func.max(BudgetLedgerEntry.id))
        .where(BudgetLedgerEntry.case_id.in_(case_ids))
        .group_by(BudgetLedgerEntry.case_id)
    )
    rows = session.scalars(select(BudgetLedgerEntry).where(BudgetLedgerEntry.id.in_(newest)))
    return {row.case_id: row for row in rows}

"""What the model of an ärende is built from, read for many ärenden at once: the current
answers, the budget ledger, the newest verified signed PDF and the values given for some of
the facts of each (bot/arende/loading.py).

Each function takes the caller's Session and reads only; a few queries serve any number of
ärenden, so the overview and the dashboard cost the same few round trips for 2 000 ärenden
as for one.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from storage.models import Answer, BudgetLedgerEntry, CaseFact, SignedReport


def current_answer_texts(session: Session, case_ids: Collection[int]) -> dict[int, dict[str, str]]:
    """The newest version of each answer of each ärende, by question key."""
    result: dict[int, dict[str, str]] = {case_id: {} for case_id in case_ids}
    if not case_ids:
        return result
    newest = (
        select(
            Answer.case_id.label("case_id"),
            Answer.question_key.label("question_key"),
            func.max(Answer.version).label("version"),
        )
        .where(Answer.case_id.in_(case_ids))
        .group_by(Answer.case_id, Answer.question_key)
        .subquery()
    )
    rows = session.execute(
        select(Answer.case_id, Answer.question_key, Answer.text).join(
            newest,
            and_(
                Answer.case_id == newest.c.case_id,
                Answer.question_key == newest.c.question_key,
                Answer.version == newest.c.version,
            ),
        )
    )
    for case_id, key, text in rows:
        result[case_id][key] = text
    return result


def ledger_histories(
    session: Session, case_ids: Collection[int]
) -> dict[int, list[BudgetLedgerEntry]]:
    """Every confirmation of the budget of each ärende, oldest first."""
    result: dict[int, list[BudgetLedgerEntry]] = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return result
    entries = session.scalars(
        select(BudgetLedgerEntry)
        .where(BudgetLedgerEntry.case_id.in_(case_ids))
        .order_by(BudgetLedgerEntry.case_id, BudgetLedgerEntry.id)
    )
    for entry in entries:
        result[entry.case_id].append(entry)
    return result


def latest_signed_reports(session: Session, case_ids: Collection[int]) -> dict[int, SignedReport]:
    """The newest verified signed PDF of each ärende that has one."""
    if not case_ids:
        return {}
    ranked = (
        select(
            SignedReport.id,
            func.row_number()
            .over(
                partition_by=SignedReport.case_id,
                order_by=(SignedReport.received_at.desc(), SignedReport.id.desc()),
            )
            .label("rank"),
        )
        .where(SignedReport.case_id.in_(case_ids))
        .subquery()
    )
    newest = select(ranked.c.id).where(ranked.c.rank == 1)
    rows = session.scalars(select(SignedReport).where(SignedReport.id.in_(newest)))
    return {row.case_id: row for row in rows}


def fact_histories(
    session: Session, case_ids: Collection[int], names: Collection[str]
) -> dict[int, dict[str, list[CaseFact]]]:
    """The values given for the facts `names` of each ärende, by fact, oldest first."""
    result: dict[int, dict[str, list[CaseFact]]] = {case_id: {} for case_id in case_ids}
    if not case_ids or not names:
        return result
    rows = session.scalars(
        select(CaseFact)
        .where(CaseFact.case_id.in_(case_ids), CaseFact.name.in_(names))
        .order_by(CaseFact.id)
    )
    for row in rows:
        result[row.case_id].setdefault(row.name, []).append(row)
    return result

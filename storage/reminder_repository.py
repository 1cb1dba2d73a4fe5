"""Queries for reminders and the overview; each takes the caller's Session.

Claiming is the one place where two bot instances meet: on PostgreSQL the due rows are
locked with `SELECT ... FOR UPDATE SKIP LOCKED` and marked claimed in the same short
transaction; on SQLite, which has one writer at a time, a single
`UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING` does the same.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from storage.models import Answer, Case, Reminder, User
from storage.visibility import coordinator_sees

FINISHED_STATUSES = ("finished", "sent_for_signature")
LIVE_STATUSES = ("pending", "claimed", "sent")


@dataclass(frozen=True)
class NewReminder:
    recipient_user_id: int
    kind: str
    due_at: datetime


@dataclass(frozen=True)
class ClaimedReminder:
    """A claimed reminder with what it takes to write and send it."""

    id: int
    kind: str
    due_at: datetime
    claim_token: str
    attempts: int
    case_id: int
    case_number: str
    template_id: str
    committee: str | None
    last_reply_date: date | None
    recipient_user_id: int
    recipient_external_id: str
    responsible_name: str | None


def replace_case_reminders(
    session: Session, case_id: int, rows: Sequence[NewReminder], now: datetime
) -> None:
    """Cancel the ärende's pending and claimed reminders and add `rows` in their place."""
    cancel_case_reminders(session, case_id)
    session.add_all(
        Reminder(
            case_id=case_id,
            recipient_user_id=row.recipient_user_id,
            kind=row.kind,
            due_at=row.due_at,
            status="pending",
            attempts=0,
            created_at=now,
        )
        for row in rows
    )
    session.flush()


def cancel_case_reminders(session: Session, case_id: int) -> int:
    """Cancel what the ärende still has to send; a message already in flight may still go."""
    result = session.execute(
        update(Reminder)
        .where(Reminder.case_id == case_id, Reminder.status.in_(("pending", "claimed")))
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def reminders_of_case(session: Session, case_id: int) -> Sequence[Reminder]:
    return session.scalars(
        select(Reminder).where(Reminder.case_id == case_id).order_by(Reminder.due_at, Reminder.id)
    ).all()


def reminded_since(session: Session, case_id: int, since: datetime) -> set[int]:
    """The users a reminder about the ärende was sent to at `since` or later (a weekly one
    that has gone pending again, or been cancelled since, still counts)."""
    return set(
        session.scalars(
            select(Reminder.recipient_user_id).where(
                Reminder.case_id == case_id, Reminder.sent_at >= since
            )
        )
    )


def _reclaimable(now: datetime, lease: timedelta) -> ColumnElement[bool]:
    return or_(
        and_(Reminder.status == "pending", Reminder.due_at <= now),
        and_(Reminder.status == "claimed", Reminder.claimed_at <= now - lease),
    )


def _superseded(now: datetime) -> ColumnElement[bool]:
    """A later reminder to the same person about the same ärende is also due by now."""
    later = aliased(Reminder)
    return exists().where(
        later.case_id == Reminder.case_id,
        later.recipient_user_id == Reminder.recipient_user_id,
        later.status.in_(LIVE_STATUSES),
        later.due_at <= now,
        later.due_at > Reminder.due_at,
    )


def _not_to_be_sent(now: datetime, max_attempts: int) -> ColumnElement[bool]:
    finished_case = exists().where(
        Case.id == Reminder.case_id,
        or_(Case.status.in_(FINISHED_STATUSES), Case.last_reply_date.is_(None)),
    )
    inactive_user = exists().where(
        User.id == Reminder.recipient_user_id,
        or_(User.active.is_(False), User.role == "none"),  # locked out, or never let in
    )
    return or_(finished_case, inactive_user, _superseded(now), Reminder.attempts >= max_attempts)


def _cancel_dead(session: Session, now: datetime, lease: timedelta, max_attempts: int) -> None:
    """Cancel due rows that must not go out: finished ärende, gone user, superseded, given up."""
    dead = select(Reminder.id).where(_reclaimable(now, lease), _not_to_be_sent(now, max_attempts))
    if session.get_bind().dialect.name == "postgresql":
        dead = dead.with_for_update(skip_locked=True)
    session.execute(
        update(Reminder)
        .where(Reminder.id.in_(dead.scalar_subquery()))
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )


def claim_due(
    session: Session,
    now: datetime,
    token: str,
    limit: int,
    lease: timedelta,
    max_attempts: int = 5,
) -> list[ClaimedReminder]:
    """Claim up to `limit` due reminders for the caller, who commits at once.

    Due means pending with `due_at <= now`, or claimed longer than `lease` ago and never
    marked sent (its sender died). Of several due reminders to one person about one ärende
    only the latest is sent; the earlier ones, and those of a finished ärende, are cancelled.
    """
    _cancel_dead(session, now, lease, max_attempts)
    candidates = (
        select(Reminder.id)
        .where(_reclaimable(now, lease), ~_not_to_be_sent(now, max_attempts))
        .order_by(Reminder.due_at, Reminder.recipient_user_id, Reminder.id)
        .limit(limit)
    )
    values = {
        "status": "claimed",
        "claim_token": token,
        "claimed_at": now,
        "attempts": Reminder.attempts + 1,
    }
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.scalars(candidates.with_for_update(skip_locked=True)))
        if not ids:
            return []
        session.execute(
            update(Reminder)
            .where(Reminder.id.in_(ids))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    else:
        ids = list(
            session.scalars(
                update(Reminder)
                .where(Reminder.id.in_(candidates.scalar_subquery()))
                .values(**values)
                .returning(Reminder.id)
                .execution_options(synchronize_session=False)
            )
        )
        if not ids:
            return []
    return _claimed_details(session, ids)


def _claimed_details(session: Session, ids: Collection[int]) -> list[ClaimedReminder]:
    recipient = aliased(User)
    responsible = aliased(User)
    rows = session.execute(
        select(
            Reminder.id,
            Reminder.kind,
            Reminder.due_at,
            Reminder.claim_token,
            Reminder.attempts,
            Case.id,
            Case.case_number,
            Case.template_id,
            Case.committee,
            Case.last_reply_date,
            Reminder.recipient_user_id,
            recipient.external_id,
            responsible.display_name,
        )
        .join(Case, Case.id == Reminder.case_id)
        .join(recipient, recipient.id == Reminder.recipient_user_id)
        .outerjoin(responsible, responsible.id == Case.responsible_user_id)
        .where(Reminder.id.in_(ids))
        .order_by(Reminder.due_at, Reminder.recipient_user_id, Reminder.id)
    ).all()
    return [ClaimedReminder(*cast(tuple[Any, ...], row)) for row in rows]


def mark_sent(session: Session, ids: Collection[int], token: str, now: datetime) -> int:
    """Mark reminders sent, if they are still claimed with this token; returns how many."""
    result = session.execute(
        update(Reminder)
        .where(Reminder.id.in_(ids), Reminder.status == "claimed", Reminder.claim_token == token)
        .values(status="sent", sent_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def repeat_after_sending(
    session: Session, reminder_id: int, token: str, now: datetime, next_due_at: datetime
) -> bool:
    """A repeating reminder was sent: make it pending again at `next_due_at`."""
    result = session.execute(
        update(Reminder)
        .where(
            Reminder.id == reminder_id,
            Reminder.status == "claimed",
            Reminder.claim_token == token,
        )
        .values(
            status="pending",
            sent_at=now,
            due_at=next_due_at,
            claim_token=None,
            claimed_at=None,
            attempts=0,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def cancel_claimed(session: Session, ids: Collection[int], token: str) -> int:
    """Give up on claimed reminders that can never be delivered (the chat is gone)."""
    result = session.execute(
        update(Reminder)
        .where(Reminder.id.in_(ids), Reminder.status == "claimed", Reminder.claim_token == token)
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _current_answers() -> Select[int, str]:
    """(case_id, question_key) of every answer whose newest version is not empty."""
    newest = (
        select(
            Answer.case_id.label("case_id"),
            Answer.question_key.label("question_key"),
            func.max(Answer.version).label("version"),
        )
        .group_by(Answer.case_id, Answer.question_key)
        .subquery()
    )
    return (
        select(Answer.case_id, Answer.question_key)
        .join(
            newest,
            and_(
                Answer.case_id == newest.c.case_id,
                Answer.question_key == newest.c.question_key,
                Answer.version == newest.c.version,
            ),
        )
        .where(func.length(func.trim(Answer.text)) > 0)
    )


def answered_question_keys(session: Session, case_ids: Collection[int]) -> dict[int, set[str]]:
    """The question keys each ärende has a non-empty current answer to."""
    result: dict[int, set[str]] = {case_id: set() for case_id in case_ids}
    if not case_ids:
        return result
    query = _current_answers().where(Answer.case_id.in_(case_ids))
    for case_id, key in session.execute(query):
        result[case_id].add(key)
    return result


@dataclass(frozen=True)
class OverviewRow:
    """One line of /oversikt: an ärende and how far its report has come."""

    case_id: int
    case_number: str
    committee: str | None
    template_id: str
    last_reply_date: date | None
    responsible_name: str | None
    answered: int
    open_findings: int | None = None  # errors and warnings of the last review
    submitted_at: datetime | None = None  # when the signed report was mailed
    # The status of bot/mall/case_status.py, filled in from the model of the ärende
    # (bot/arende); storage does not decide it.
    state: str = ""


def overview_rows(session: Session, coordinator_id: int | None = None) -> list[OverviewRow]:
    """Every ärende (or those the coordinator may see, storage/visibility.py), by deadline.

    Ärenden without a last reply date come last; ties are broken by diarienummer.
    """
    current = _current_answers().subquery()
    answered = (
        select(current.c.case_id, func.count().label("answered"))
        .group_by(current.c.case_id)
        .subquery()
    )
    count = func.coalesce(answered.c.answered, 0)
    query = (
        select(
            Case.id,
            Case.case_number,
            Case.committee,
            Case.template_id,
            Case.last_reply_date,
            User.display_name,
            count,
            Case.open_findings,
            Case.submitted_at,
        )
        .outerjoin(answered, answered.c.case_id == Case.id)
        .outerjoin(User, User.id == Case.responsible_user_id)
        .order_by(Case.last_reply_date.is_(None), Case.last_reply_date, Case.case_number)
    )
    if coordinator_id is not None:
        query = query.where(coordinator_sees(coordinator_id))
    return [OverviewRow(*cast(tuple[Any, ...], row)) for row in session.execute(query)]

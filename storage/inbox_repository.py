"""The inbox: updates stored the moment they arrive, before the platform is told so.

A platform that hands out updates (Telegram's getUpdates, or its webhook) forgets an
update once it is confirmed; storing it first means a crash at any later moment loses
nothing. The engine marks an update handled in its turn's own transaction
(`keep_replies` sets `handled_at`, or `repository.claim_update`); the adapter marks it finished once it has
sent the replies. Each function takes the caller's Session; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.dialects import for_each_database, in_session
from storage.models import DeadLetterUpdate, InboxUpdate, ProcessedUpdate

# Attempts at an update (counted when it is taken up again: after a restart, or by the
# instance that holds its chat) before it is moved aside as a dead letter.
MAX_ATTEMPTS = 5
# The payload of a finished update: nothing of what the user sent.
FORGOTTEN: dict[str, Any] = {}

# The statements of every update, built once (Core on the table: no ORM bookkeeping, and
# no statement to build and look up in the cache on each call).
_TABLE: Table = InboxUpdate.__table__  # type: ignore[assignment]
_THIS_UPDATE = (
    _TABLE.c.source == bindparam("at_source", type_=_TABLE.c.source.type),
    _TABLE.c.update_id == bindparam("at_update", type_=_TABLE.c.update_id.type),
)
_NOW = bindparam("now", type_=_TABLE.c.handled_at.type)
_MARK_HANDLED = update(_TABLE).where(*_THIS_UPDATE).values(handled_at=_NOW)
_KEEP_REPLIES = (
    update(_TABLE)
    .where(*_THIS_UPDATE)
    .values(handled_at=_NOW, replies=bindparam("kept", type_=_TABLE.c.replies.type))
)
_MARK_FINISHED = (
    update(_TABLE)
    .where(*_THIS_UPDATE, _TABLE.c.finished_at.is_(None))
    .values(finished_at=_NOW, payload=FORGOTTEN, replies=None)
)
_MOVED_ASIDE = select(DeadLetterUpdate.update_id).where(
    DeadLetterUpdate.source == bindparam("source"),
    DeadLetterUpdate.update_id.in_(bindparam("ids", expanding=True)),
)


@dataclass(frozen=True)
class Unfinished:
    """A stored update whose handling did not finish; `handled` when its turn committed."""

    update_id: int
    chat_id: int | None
    payload: dict[str, Any]
    handled: bool
    replies: list[dict[str, Any]] | None = None  # what the committed turn answered


def store_update(
    session: Session,
    source: str,
    update_id: int,
    chat_id: int | None,
    payload: dict[str, Any],
    now: datetime,
) -> bool:
    """Keep an arriving update; False when it was stored (or moved aside) before."""
    [stored] = store_updates(session, source, [(update_id, chat_id, payload)], now)
    return stored


def store_updates(
    session: Session,
    source: str,
    updates: Sequence[tuple[int, int | None, dict[str, Any]]],
    now: datetime,
) -> list[bool]:
    """Keep arriving updates (id, chat, payload) in two statements however many they are;
    for each, False when it was stored (or moved aside) before, or by another instance in
    the meantime (the INSERT does nothing on a stored id)."""
    ids = [update_id for update_id, _chat, _payload in updates]
    aside = set(session.scalars(_MOVED_ASIDE, {"source": source, "ids": ids}))
    rows = [
        {"source": source, "update_id": update_id, "chat_id": chat_id, "payload": payload,
         "received_at": now, "attempts": 0}
        for update_id, chat_id, payload in updates
        if update_id not in aside
    ]  # fmt: skip
    stored: set[int] = set()
    if rows:
        stored = set(session.scalars(in_session(_STORES, session), rows))
    new = []
    for update_id in ids:  # an id twice in one answer is new once
        new.append(update_id in stored)
        stored.discard(update_id)
    return new


# The INSERT of arriving updates.
_STORES = for_each_database(
    lambda insert: insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.update_id)
)


def mark_handled(session: Session, source: str, update_id: int, now: datetime) -> None:
    """The update's turn is being committed (called inside that transaction)."""
    session.execute(_MARK_HANDLED, {"at_source": source, "at_update": update_id, "now": now})


def mark_finished(session: Session, source: str, update_id: int, now: datetime) -> None:
    """Everything the update asked for has been answered: what it said is dropped (what it
    changed is stored elsewhere), its id kept against a redelivery."""
    session.execute(_MARK_FINISHED, {"at_source": source, "at_update": update_id, "now": now})


def keep_replies(
    session: Session, source: str, update_id: int, replies: list[dict[str, Any]], now: datetime
) -> None:
    """The update's turn is being committed with these replies (called inside that
    transaction): it is marked handled, and what it answers is kept until it is sent."""
    session.execute(
        _KEEP_REPLIES,
        {"at_source": source, "at_update": update_id, "now": now, "kept": replies},
    )


def unfinished_updates(
    session: Session, source: str, now: datetime, max_attempts: int = MAX_ATTEMPTS
) -> list[Unfinished]:
    """The updates to handle again after a restart, oldest first (so in order per chat);
    each is counted as an attempt, and one tried `max_attempts` times is moved aside."""
    rows: Sequence[InboxUpdate] = session.scalars(
        select(InboxUpdate)
        .where(InboxUpdate.source == source, InboxUpdate.finished_at.is_(None))
        .order_by(InboxUpdate.update_id)
    ).all()
    return _attempted(session, rows, now, max_attempts)


def _attempted(
    session: Session, rows: Sequence[InboxUpdate], now: datetime, max_attempts: int
) -> list[Unfinished]:
    """Count an attempt on each row; move aside the ones that had all their tries (an
    update that ended its process each time, or failed each time, stops here)."""
    kept = []
    for row in rows:
        if row.attempts >= max_attempts:
            reason = f"not handled after {row.attempts} attempts"
            move_aside(session, row.source, row.update_id, row.chat_id, reason, now)
            continue
        row.attempts += 1
        handled = row.handled_at is not None
        kept.append(Unfinished(row.update_id, row.chat_id, dict(row.payload), handled, row.replies))
    return kept


def move_aside(
    session: Session,
    source: str,
    update_id: int,
    chat_id: int | None,
    reason: str,
    now: datetime,
) -> None:
    """Keep the update as a dead letter (its id, chat and the reason; nothing it said), and
    drop its content from the inbox if it is there."""
    if session.get(DeadLetterUpdate, (source, update_id)) is None:
        letter = DeadLetterUpdate(
            source=source, update_id=update_id, chat_id=chat_id, reason=reason[:200], moved_at=now
        )
        try:
            with session.begin_nested():
                session.add(letter)
        except IntegrityError:  # moved aside by another instance in the meantime
            pass
    mark_finished(session, source, update_id, now)


def forget_finished(session: Session, before: datetime) -> int:
    """Drop finished updates received before `before` (what they changed is stored
    elsewhere; the row only guarded against a redelivery); return how many."""
    result = session.execute(
        delete(InboxUpdate).where(
            InboxUpdate.finished_at.is_not(None), InboxUpdate.received_at < before
        )
    )
    letters = session.execute(delete(DeadLetterUpdate).where(DeadLetterUpdate.moved_at < before))
    return int(getattr(result, "rowcount", 0) or 0) + int(getattr(letters, "rowcount", 0) or 0)


def forget_processed(session: Session, before: datetime) -> int:
    """Drop the marks of updates handled before `before` (a platform redelivers for a day
    at most); return how many."""
    result = session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


def unfinished_of_chat(
    session: Session,
    source: str,
    chat_id: int,
    up_to: int,
    now: datetime,
    max_attempts: int = MAX_ATTEMPTS,
) -> list[Unfinished]:
    """The chat's updates not finished, up to and including `up_to`, oldest first; each
    counted as an attempt, and one tried `max_attempts` times moved aside."""
    rows: Sequence[InboxUpdate] = session.scalars(
        select(InboxUpdate)
        .where(
            InboxUpdate.source == source,
            InboxUpdate.chat_id == chat_id,
            InboxUpdate.finished_at.is_(None),
            InboxUpdate.update_id <= up_to,
        )
        .order_by(InboxUpdate.update_id)
    ).all()
    return _attempted(session, rows, now, max_attempts)


def chats_waiting(session: Session, source: str, before: datetime) -> list[tuple[int, int]]:
    """Chats with an update received before `before` and not finished: (chat, newest such
    update), for an instance to take over what another one left."""
    rows = session.execute(
        select(InboxUpdate.chat_id, func.max(InboxUpdate.update_id))
        .where(
            InboxUpdate.source == source,
            InboxUpdate.finished_at.is_(None),
            InboxUpdate.received_at < before,
            InboxUpdate.chat_id.is_not(None),
        )
        .group_by(InboxUpdate.chat_id)
    ).all()
    return [(int(chat), int(last)) for chat, last in rows if chat is not None]

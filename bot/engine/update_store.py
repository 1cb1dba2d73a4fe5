"""The stored updates of a chat platform (the inbox), for the adapter that receives them.

The Telegram adapter keeps each update before it confirms it (bot/telegram/inbox.py); what
it keeps, lists and marks goes through this store, each call one unit of work, so the
adapter imports neither storage nor SQLAlchemy. With several instances on PostgreSQL the
store also hands out the chats' leases (storage/locks.py).
"""

from __future__ import annotations

from concurrent.futures import Future
from datetime import datetime
from typing import Any

from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SqlTimeout

from storage import inbox_repository
from storage.inbox_repository import Unfinished
from storage.locks import ChatLeases
from storage.text_repair import repair_json, repair_text
from storage.unit_of_work import Sessions, UnitOfWork

__all__ = ["ChatLeases", "Sessions", "Unfinished", "UpdateStore", "database_away", "failure_name",
           "repair_json", "repair_text"]  # fmt: skip

# Errors of a database that is away or busy, not of the update: waited out, never a reason
# to move the update aside.
_DATABASE_AWAY = (OperationalError, InterfaceError, DisconnectionError, SqlTimeout)


def database_away(error: BaseException) -> bool:
    return isinstance(error, _DATABASE_AWAY)


def failure_name(error: BaseException) -> str:
    """The database driver's error class (or the error's own): what a log line may say."""
    return type(getattr(error, "orig", None) or error).__name__


class UpdateStore:
    """The updates of one platform (`source`, as the engine names its delivery ids)."""

    def __init__(self, sessions: Sessions, source: str = "telegram") -> None:
        self._uow = UnitOfWork.of(sessions)
        self.source = source

    def leases(self, instances: int) -> ChatLeases | None:
        """The chats' leases shared by `instances` instances; None for one process (and
        on SQLite, which is always one process)."""
        if instances <= 1:
            return None
        leases = ChatLeases(self._uow.engine)
        if not leases.shared:
            leases.close()
            return None
        return leases

    def store(
        self, update_id: int, chat: int | None, payload: dict[str, Any], now: datetime
    ) -> bool:
        """Keep the update; False when it was kept before."""
        return self._uow.write(
            lambda s: inbox_repository.store_update(s, self.source, update_id, chat, payload, now)
        )

    def store_many(
        self, updates: list[tuple[int, int | None, dict[str, Any]]], now: datetime
    ) -> list[bool]:
        """Keep several updates (id, chat, payload) in one write; for each, False when it
        was kept before."""
        return self._uow.write(
            lambda s: inbox_repository.store_updates(s, self.source, updates, now)
        )

    def store_many_soon(
        self, updates: list[tuple[int, int | None, dict[str, Any]]], now: datetime
    ) -> Future[list[bool]]:
        """`store_many` for an event loop, which must not wait: a future of its result."""
        return self._uow.submit(
            lambda s: inbox_repository.store_updates(s, self.source, updates, now), "inbox"
        )

    def move_aside(self, update_id: int, chat: int | None, reason: str, now: datetime) -> None:
        """Keep a dead letter: the update's id, its chat and the reason, nothing else."""
        fits = chat if chat is not None and -(2**63) <= chat < 2**63 else None
        self._uow.write(
            lambda s: inbox_repository.move_aside(s, self.source, update_id, fits, reason, now)
        )

    def finish(self, update_id: int, now: datetime) -> None:
        self._uow.write(lambda s: inbox_repository.mark_finished(s, self.source, update_id, now))

    def finish_soon(self, update_id: int, now: datetime) -> Future[None]:
        """`finish` for an event loop, which must not wait: a future of its end."""
        return self._uow.submit(
            lambda s: inbox_repository.mark_finished(s, self.source, update_id, now), "inbox"
        )

    def unfinished(self, now: datetime) -> list[Unfinished]:
        return self._uow.write(lambda s: inbox_repository.unfinished_updates(s, self.source, now))

    def unfinished_of_chat(self, chat: int, up_to: int, now: datetime) -> list[Unfinished]:
        return self._uow.write(
            lambda s: inbox_repository.unfinished_of_chat(s, self.source, chat, up_to, now)
        )

    def chats_waiting(self, before: datetime) -> list[tuple[int, int]]:
        with self._uow.reading() as session:
            return inbox_repository.chats_waiting(session, self.source, before)

    def prune(self, before: datetime) -> int:
        """Forget the finished updates and the handled marks older than `before`."""
        return self._uow.write(
            lambda s: (
                inbox_repository.forget_finished(s, before)
                + inbox_repository.forget_processed(s, before)
            )
        )

"""Locks in the database, for several bot instances on one PostgreSQL.

With one process (SQLite is always one process; so is a single instance on PostgreSQL)
the in-memory per-chat locks of the adapter keep each chat in order. With several
instances behind a load balancer the locks must live where every instance sees them:
PostgreSQL's advisory locks, which need no table and are released by the server when
the connection that held them closes, so a killed instance holds nothing.

- `lock_turn`: a transaction-level lock on the user, taken at the start of each turn's
  transaction: two instances never run turns of one user at the same time.
- `InstanceLiveness`: each instance holds a lock on its own random id for as long as it
  runs; another instance that can take that lock knows the first one is gone (its claims
  of jobs are taken over at once).
- `ChatLeases`: a session-level lock on a chat (on a hash of its id, which may not fit
  the lock's 32-bit keys; two chats that share a hash only wait for each other), held
  while one update of the chat is handled and its replies are sent
  (bot/telegram/shared_inbox.py); its connections come from a small pool of their own,
  so a wait for a lease never starves the turns, and a chat that another instance holds
  is waited for without a place in that pool.

On SQLite every function here is a no-op or answers for the one process there is.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.orm import Session

# The first key of each kind of advisory lock (the second is the user, the instance or the
# chat), so the kinds never collide with each other.
TURN_LOCKS = 72_101
INSTANCE_LOCKS = 72_102
CHAT_LOCKS = 72_103
LEASE_POOL_SIZE = 16  # chats handled at once by one instance, each holding a connection
LEASE_POLL_SECONDS = 0.02


def is_postgres(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "postgresql"


def lock_turn(session: Session, key: str) -> None:
    """Hold the turn's user (e.g. `telegram:123`) until the transaction ends (PostgreSQL)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text("SELECT pg_advisory_xact_lock(:kind, hashtext(:key))"),
        {"kind": TURN_LOCKS, "key": key},
    )


class InstanceLiveness:
    """This instance's id, held as a lock for as long as the process runs (PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.instance = str(secrets.randbelow(2**31 - 2) + 1)
        self._held: Connection | None = None
        if is_postgres(engine):
            self._held = engine.connect()
            self._held.execute(
                text("SELECT pg_advisory_lock(:kind, :id)"),
                {"kind": INSTANCE_LOCKS, "id": int(self.instance)},
            )
            self._held.commit()

    def alive(self, instance: str) -> bool:
        """Whether the instance `instance` still runs (on SQLite: only this one does)."""
        if instance == self.instance:
            return True
        if self._held is None or not instance.isdigit():
            return False
        with self._engine.connect() as connection:
            taken = connection.execute(
                text("SELECT pg_try_advisory_lock(:kind, :id)"),
                {"kind": INSTANCE_LOCKS, "id": int(instance)},
            ).scalar()
            if taken:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:kind, :id)"),
                    {"kind": INSTANCE_LOCKS, "id": int(instance)},
                )
            connection.commit()
        return not taken

    def close(self) -> None:
        """Let go of the id: the connection is closed, not handed back to the pool (which
        would keep the lock held)."""
        if self._held is not None:
            self._held.invalidate()
            self._held.close()
            self._held = None


class ChatLeases:
    """Per-chat locks shared by every instance (PostgreSQL; on SQLite `hold` just yields).

    `hold(chat)` waits (without holding a thread) until it has the chat; `try_hold` gives
    up at once when another instance has it."""

    def __init__(self, engine: Engine, pool_size: int = LEASE_POOL_SIZE) -> None:
        self.shared = is_postgres(engine)
        self._engine: Engine | None = None
        self._slots = asyncio.Semaphore(pool_size)
        # Tries and releases run on threads of their own: many chats waiting for other
        # instances then never queue up before the event loop's other blocking calls.
        self._threads = ThreadPoolExecutor(pool_size, thread_name_prefix="lease")
        if self.shared:
            self._engine = create_engine(
                engine.url, pool_size=pool_size, max_overflow=0, pool_pre_ping=True,
                hide_parameters=True,
            )  # fmt: skip

    def _take(self, chat: int) -> Connection | None:
        assert self._engine is not None
        connection = self._engine.connect()
        try:
            taken = connection.execute(
                text("SELECT pg_try_advisory_lock(:kind, hashtext(:chat))"),
                {"kind": CHAT_LOCKS, "chat": str(chat)},
            ).scalar()
            connection.commit()
        except BaseException:
            connection.close()
            raise
        if taken:
            return connection
        connection.close()
        return None

    def _give_back(self, connection: Connection, chat: int) -> None:
        try:
            connection.execute(
                text("SELECT pg_advisory_unlock(:kind, hashtext(:chat))"),
                {"kind": CHAT_LOCKS, "chat": str(chat)},
            )
            connection.commit()
        except Exception:
            connection.invalidate()  # closed, so the server lets go of the lock
            raise
        finally:
            connection.close()

    async def _loop_take(self, chat: int) -> Connection | None:
        """Take the chat and keep it until the connection is given back or lost."""
        return await asyncio.get_running_loop().run_in_executor(self._threads, self._take, chat)

    @asynccontextmanager
    async def hold(self, chat: int, wait: bool = True) -> AsyncIterator[bool]:
        """Hold the chat for the block; yields False (and holds nothing) when `wait` is
        False and another instance has it.

        A place among the instance's `pool_size` chats (and the connection that keeps the
        lock) is taken only while the lease is tried and, once it is had, while the chat is
        handled: a wait for a chat that another instance holds sleeps between tries with
        neither, so chats that are busy elsewhere never crowd out the ones that are not."""
        if not self.shared:
            yield True
            return
        loop = asyncio.get_running_loop()
        delay = LEASE_POLL_SECONDS
        while True:
            await self._slots.acquire()
            try:
                connection = await self._loop_take(chat)
            except BaseException:
                self._slots.release()
                raise
            if connection is not None:
                break
            self._slots.release()
            if not wait:
                yield False
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.5)
        try:
            yield True
        finally:
            try:
                with suppress(Exception):  # a lost connection released the lock anyway
                    await loop.run_in_executor(self._threads, self._give_back, connection, chat)
            finally:
                self._slots.release()

    def close(self) -> None:
        self._threads.shutdown(wait=False)
        if self._engine is not None:
            self._engine.dispose()

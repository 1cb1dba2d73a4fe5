"""The unit of work: the only code that opens a database session.

- `write(work)` runs `work(session)` in one transaction and returns what it returned once
  that transaction is committed (or raises what it raised, with nothing of it kept).
- `submit(work)` is `write` for a caller that must not wait (an event loop): a future of
  the result once committed.
- `reading()` gives a session for reads only; it never commits, and on SQLite it does not
  take the write lock.

On PostgreSQL a write runs on the caller's thread in a transaction of its own, so turns of
different users run in parallel (the advisory locks of storage/locks.py order one user's).

On SQLite there is one writer: every write is queued to one writer thread, which owns the
only connection that writes (the pattern of a write connection with a queue in front of it).
The writer takes every write waiting in the queue and runs them in one transaction, each in
a savepoint of its own (group commit): a write that raises is rolled back alone and the
others are kept, and one COMMIT makes them all durable. A caller gets its result only after
that COMMIT, so a turn's replies never leave before its answer is stored. The thread starts
with the first write and ends after a second without any.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
SessionFactory = sessionmaker[Session]
Work = Callable[[Session], T]

# A connection or engine with this execution option begins its transactions with a plain
# BEGIN on SQLite (storage/db.py): a reader never waits for, or holds up, the writer.
READ_ONLY_OPTION = "redovisa_read_only"
MOST_WRITES_PER_COMMIT = 64
WRITER_IDLE_SECONDS = 1.0
# PostgreSQL: the threads that run writes submitted without waiting, per lane: the turns
# (several at once), and the inbox's quick writes (storing, finishing) on a thread of their own.
LANES = {"engine": 8, "inbox": 1}


class WriteInsideWriteError(RuntimeError):
    """A write asked for from inside another write: it would wait for itself forever."""


def session_factory(engine: Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)


@dataclass
class _Queued(Generic[T]):
    work: Work[T]
    done: Future[T] = field(default_factory=Future)
    result: Any = None
    error: BaseException | None = None


class _SqliteWriter:
    """The one thread that writes a SQLite database, and the queue in front of it."""

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions
        self._lock = threading.Lock()
        self._waiting = threading.Condition(self._lock)
        self._queue: list[_Queued[Any]] = []
        self._thread: threading.Thread | None = None
        self.commits = 0  # transactions committed, for the benches
        self.writes = 0  # writes kept

    def submit(self, work: Work[T]) -> Future[T]:
        if threading.current_thread() is self._thread:
            raise WriteInsideWriteError("a write was asked for inside another write")
        queued: _Queued[T] = _Queued(work)
        with self._lock:
            self._queue.append(queued)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="writer", daemon=True)
                self._thread.start()
            self._waiting.notify()
        return queued.done

    def _next_batch(self) -> list[_Queued[Any]]:
        with self._lock:
            deadline = time.monotonic() + WRITER_IDLE_SECONDS
            while not self._queue:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._thread = None  # the next write starts a new writer
                    return []
                self._waiting.wait(left)
            batch = self._queue[:MOST_WRITES_PER_COMMIT]
            del self._queue[: len(batch)]
            return batch

    def _run(self) -> None:
        while batch := self._next_batch():
            self._commit_together(batch)

    def _commit_together(self, batch: list[_Queued[Any]]) -> None:
        # A write whose caller gave up waiting (its future cancelled, as an event loop's
        # task is at a stop) is not run; the others can no longer be cancelled.
        batch = [queued for queued in batch if queued.done.set_running_or_notify_cancel()]
        if not batch:
            return
        try:
            with self._sessions() as session, session.begin():
                for queued in batch:
                    try:
                        with session.begin_nested():
                            queued.result = queued.work(session)
                    except BaseException as error:  # the caller raises it; the rest go on
                        queued.error = error
        except BaseException as error:  # the COMMIT failed: none of them is kept
            for queued in batch:
                if queued.error is None:
                    queued.error = error
        else:
            self.commits += 1
            self.writes += sum(1 for queued in batch if queued.error is None)
        finally:  # the callers learn the outcome only now, after the COMMIT (or its failure)
            for queued in batch:
                if queued.error is not None:
                    queued.done.set_exception(queued.error)
                else:
                    queued.done.set_result(queued.result)


class UnitOfWork:
    """Transactions on one database; see the module's docstring."""

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions
        engine = sessions.kw["bind"]
        self.engine: Engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._readers = sessionmaker(
            engine.execution_options(**{READ_ONLY_OPTION: True}), expire_on_commit=False
        )
        self._writer = _SqliteWriter(sessions) if self.is_sqlite else None
        self._lanes: dict[str, ThreadPoolExecutor] = {}  # `submit` without a writer

    @classmethod
    def of(cls, sessions: SessionFactory | UnitOfWork) -> UnitOfWork:
        """The unit of work of this session factory's engine: one per engine, so that every
        part of the program that writes one SQLite file queues to the same writer."""
        if isinstance(sessions, UnitOfWork):
            return sessions
        engine = sessions.kw["bind"]
        with _UNITS_LOCK:
            # Kept on the engine itself (not in a registry that would keep every engine
            # alive): the engine and its unit go together.
            unit: UnitOfWork | None = getattr(engine, _ATTRIBUTE, None)
            if unit is None:
                unit = cls(sessions)
                setattr(engine, _ATTRIBUTE, unit)
            return unit

    def run_writes_on_the_callers_thread(self) -> None:
        """Write on the calling thread, each write a transaction of its own, as on
        PostgreSQL (bench/writer_bench.py compares the two on SQLite)."""
        self._writer = None

    def write(self, work: Work[T]) -> T:
        """Run `work` in a transaction; its result once committed."""
        if self._writer is not None:
            return self._writer.submit(work).result()
        with self._sessions() as session, session.begin():
            return work(session)

    def submit(self, work: Work[T], lane: str = "engine") -> Future[T]:
        """`write` without waiting for it: a future of its result once committed, for a
        caller that must not block (an event loop awaits it with asyncio.wrap_future).
        On SQLite the writer resolves it; elsewhere threads of this unit's own run it, a
        few for each `lane` (LANES), so that quick writes (the inbox's) never queue
        behind slow ones (turns waiting for a user's lock)."""
        if self._writer is not None:
            return self._writer.submit(work)
        with _UNITS_LOCK:
            threads = self._lanes.get(lane)
            if threads is None:
                threads = ThreadPoolExecutor(LANES[lane], thread_name_prefix=lane)
                self._lanes[lane] = threads
        return threads.submit(self.write, work)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; whatever it changes is thrown away (closing it ends its
        transaction without a commit; what it loaded stays readable after the block)."""
        with self._readers() as session:
            yield session

    @property
    def commits(self) -> int:
        """Transactions the SQLite writer has committed (0 on PostgreSQL)."""
        return self._writer.commits if self._writer is not None else 0

    @property
    def writes(self) -> int:
        """Writes the SQLite writer has kept (0 on PostgreSQL)."""
        return self._writer.writes if self._writer is not None else 0


Sessions = SessionFactory | UnitOfWork

_ATTRIBUTE = "_redovisa_unit_of_work"
_UNITS_LOCK = threading.Lock()

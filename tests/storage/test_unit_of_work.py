"""The unit of work: on SQLite one writer thread that commits the writes waiting together,
each write kept or rolled back on its own, and readers that never wait for it; on
PostgreSQL each write on the caller's thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from storage.db import SessionFactory
from storage.models import User
from storage.unit_of_work import UnitOfWork, WriteInsideWriteError


@pytest.fixture
def unit(session_factory: SessionFactory) -> Iterator[UnitOfWork]:
    yield UnitOfWork.of(session_factory)


def new_user(name: str) -> User:
    return User(external_id=f"terminal:{name}", display_name=name, created_at=datetime.now(UTC))


def add_user(name: str, fail: bool = False):  # type: ignore[no-untyped-def]
    def work(session: Session) -> str:
        session.add(new_user(name))
        session.flush()
        if fail:
            raise ValueError(name)
        return threading.current_thread().name

    return work


def names(unit: UnitOfWork) -> list[str]:
    with unit.reading() as session:
        return sorted(session.scalars(select(User.display_name)))


def test_one_unit_per_database_whoever_asks(session_factory: SessionFactory) -> None:
    assert UnitOfWork.of(session_factory) is UnitOfWork.of(session_factory)


def test_a_write_that_fails_keeps_nothing_and_the_others_are_kept(unit: UnitOfWork) -> None:
    results: dict[str, str] = {}
    start = threading.Barrier(12)

    def write(name: str) -> None:
        start.wait()
        try:
            results[name] = unit.write(add_user(name, fail=name == "u5"))
        except ValueError:
            results[name] = "refused"

    threads = [threading.Thread(target=write, args=(f"u{i}",)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results["u5"] == "refused"
    assert names(unit) == sorted(f"u{i}" for i in range(12) if i != 5)
    if unit.is_sqlite:
        # Every write ran on the one writer thread, and some were committed together.
        assert {results[n] for n in results if n != "u5"} == {"writer"}
        assert unit.writes == 11 and unit.commits < 11
    else:
        assert "writer" not in set(results.values())


def test_a_result_arrives_only_once_it_is_committed(unit: UnitOfWork) -> None:
    unit.write(add_user("anna"))
    # Another connection sees it at once: the write was committed before it returned.
    with unit.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM users")).scalar() == 1


def test_a_write_inside_a_write_is_refused_rather_than_waiting_forever(unit: UnitOfWork) -> None:
    if not unit.is_sqlite:
        pytest.skip("only the SQLite writer can wait for itself")
    with pytest.raises(WriteInsideWriteError):
        unit.write(lambda session: unit.write(add_user("inner")))
    assert names(unit) == []


def test_a_reader_neither_waits_for_the_writer_nor_holds_it_up(unit: UnitOfWork) -> None:
    unit.write(add_user("anna"))
    with unit.reading() as session:
        assert session.scalar(select(User.display_name)) == "anna"
        # The reader's transaction is open; a write still goes through at once.
        unit.write(add_user("bertil"))
    assert names(unit) == ["anna", "bertil"]


def test_what_a_reader_changes_is_thrown_away(unit: UnitOfWork) -> None:
    with unit.reading() as session:
        session.add(new_user("x"))
        session.flush()
    assert names(unit) == []


def test_an_event_loop_awaits_writes_it_submitted_without_a_thread_of_its_own_waiting(
    unit: UnitOfWork,
) -> None:
    """`submit` is how an event loop writes: it returns at once, and what it awaits holds
    the result once committed (another connection sees the row), or the write's error with
    nothing of it kept; the loop's thread never ran the write."""
    loop_thread: list[str] = []

    async def from_the_loop() -> tuple[str, str]:
        loop_thread.append(threading.current_thread().name)
        kept = await asyncio.wrap_future(unit.submit(add_user("kept")))
        with unit.engine.connect() as connection:
            seen = connection.execute(
                text("SELECT display_name FROM users WHERE display_name = 'kept'")
            ).scalar()
        try:
            await asyncio.wrap_future(unit.submit(add_user("refused", fail=True)))
        except ValueError:
            return kept, str(seen)
        raise AssertionError("a failing write did not raise")

    ran_on, seen = asyncio.run(from_the_loop())
    assert seen == "kept"
    assert ran_on != loop_thread[0]
    assert ran_on == "writer" if unit.is_sqlite else ran_on.startswith("engine")
    assert names(unit) == ["kept"]


def test_a_write_given_up_before_it_ran_is_not_run_and_the_writer_goes_on(
    unit: UnitOfWork,
) -> None:
    """An event loop's task cancelled at a stop cancels the write it waited for: a write
    still queued is then not run, and the writer keeps serving the writes after it."""
    if not unit.is_sqlite:
        pytest.skip("the writer thread is SQLite's")
    busy, release = threading.Event(), threading.Event()

    def hold(session: Session) -> None:
        busy.set()
        release.wait(10)

    holding = unit.submit(hold)
    assert busy.wait(10)
    given_up = unit.submit(add_user("given-up"))
    assert given_up.cancel()
    release.set()
    holding.result(10)
    unit.submit(add_user("after")).result(10)  # the writer would be gone: a time-out
    assert names(unit) == ["after"]


def test_on_postgresql_the_inbox_writes_never_wait_behind_turns(unit: UnitOfWork) -> None:
    """Every thread for turns busy (turns waiting for a user's lock, say): storing an
    arriving update still goes through at once, on a thread of its own."""
    if unit.is_sqlite:
        pytest.skip("SQLite has one writer for every write")
    release = threading.Event()
    busy = threading.Barrier(9)

    def slow_turn(session: Session) -> None:
        busy.wait(10)
        release.wait(10)

    turns = [unit.submit(slow_turn) for _ in range(8)]
    busy.wait(10)  # all eight turn threads are taken
    try:
        ran_on = unit.submit(add_user("kept"), "inbox").result(5)
    finally:
        release.set()
    for turn in turns:
        turn.result(10)
    assert ran_on.startswith("inbox")
    assert names(unit) == ["kept"]

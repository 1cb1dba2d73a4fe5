"""The inbox and the jobs table against SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storage import inbox_repository as inbox
from storage import job_repository as jobs
from storage import repository as repo
from storage.db import SessionFactory
from storage.models import DeadLetterUpdate, InboxUpdate, Job
from tests.conftest import MovableClock


def message(update_id: int, chat_id: int, text: str) -> dict[str, object]:
    return {"update_id": update_id, "message": {"chat": {"id": chat_id}, "text": text}}


def test_an_update_is_stored_once_and_finished_updates_are_not_handled_again(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    with session_factory.begin() as session:
        assert inbox.store_update(session, "telegram", 7, 11, message(7, 11, "a"), clock())
        assert inbox.store_update(session, "telegram", 5, 12, message(5, 12, "b"), clock())
        assert not inbox.store_update(session, "telegram", 7, 11, message(7, 11, "a"), clock())
    with session_factory.begin() as session:
        unfinished = inbox.unfinished_updates(session, "telegram", clock())
    assert [(u.update_id, u.chat_id, u.handled) for u in unfinished] == [
        (5, 12, False),
        (7, 11, False),
    ]
    assert unfinished[1].payload == message(7, 11, "a")

    with session_factory.begin() as session:  # the turn of update 5 commits
        assert repo.claim_update(session, "telegram", 5, clock())
    with session_factory.begin() as session:
        handled = {
            u.update_id: u.handled for u in inbox.unfinished_updates(session, "telegram", clock())
        }
    assert handled == {5: True, 7: False}

    with session_factory.begin() as session:
        inbox.mark_finished(session, "telegram", 5, clock())
        inbox.mark_finished(session, "telegram", 7, clock())
    with session_factory.begin() as session:
        assert inbox.unfinished_updates(session, "telegram", clock()) == []
        assert inbox.forget_finished(session, clock() - timedelta(days=1)) == 0
        assert inbox.forget_finished(session, clock() + timedelta(seconds=1)) == 2


def test_a_claim_in_a_turn_that_rolls_back_leaves_the_update_unhandled(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    with session_factory.begin() as session:
        inbox.store_update(session, "telegram", 9, 11, message(9, 11, "x"), clock())
    with pytest.raises(RuntimeError), session_factory.begin() as session:
        assert repo.claim_update(session, "telegram", 9, clock())
        raise RuntimeError("the turn failed")
    with session_factory.begin() as session:
        [left] = inbox.unfinished_updates(session, "telegram", clock())
        assert (left.update_id, left.handled) == (9, False)
        assert repo.claim_update(session, "telegram", 9, clock())


def test_an_update_taken_up_again_and_again_is_moved_aside_without_its_content(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    with session_factory.begin() as session:
        inbox.store_update(session, "telegram", 21, 11, message(21, 11, "Hemligt"), clock())
        inbox.store_update(session, "telegram", 22, 11, message(22, 11, "nästa"), clock())
    for _ in range(inbox.MAX_ATTEMPTS):  # taken up after each of five crashes
        with session_factory.begin() as session:
            taken = inbox.unfinished_updates(session, "telegram", clock())
            assert [u.update_id for u in taken] == [21, 22]
    with session_factory.begin() as session:
        assert [u.update_id for u in inbox.unfinished_updates(session, "telegram", clock())] == []
    with session_factory() as session:
        letters = session.scalars(select(DeadLetterUpdate)).all()
        assert {(d.update_id, d.chat_id) for d in letters} == {(21, 11), (22, 11)}
        assert all("attempts" in d.reason for d in letters)
        payloads = session.scalars(select(InboxUpdate.payload)).all()
        assert "Hemligt" not in repr(payloads)
    with session_factory.begin() as session:  # a redelivery of a dead letter is not kept
        assert not inbox.store_update(session, "telegram", 21, 11, message(21, 11, "x"), clock())


def test_a_finished_update_keeps_its_id_and_not_what_it_said(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    with session_factory.begin() as session:
        inbox.store_update(session, "telegram", 31, 11, message(31, 11, "Hemligt"), clock())
        inbox.mark_finished(session, "telegram", 31, clock())
    with session_factory() as session:
        assert "Hemligt" not in repr(session.scalars(select(InboxUpdate.payload)).all())
        assert not inbox.store_update(session, "telegram", 31, 11, message(31, 11, "x"), clock())


def make_job(sessions: SessionFactory, clock: MovableClock, kind: str = "documents") -> int:
    with sessions.begin() as session:
        user = repo.get_or_create_user(session, "telegram:11", "Anna", clock())
        case = repo.create_case(session, "STK-2018-1307", "mall-2019", user, clock())
        job = jobs.enqueue_job(
            session, kind, user.id, "telegram:11", clock(), case_id=case.id, payload={"a": 1}
        )
        return job.id


def test_a_job_is_claimed_by_one_worker_and_taken_over_when_its_worker_died(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    job_id = make_job(session_factory, clock)
    stale = timedelta(minutes=15)
    with session_factory.begin() as session:
        [claimed] = jobs.claim_jobs(session, clock(), "first", stale)
        assert (claimed.id, claimed.status, claimed.attempts) == (job_id, "claimed", 1)
    with session_factory.begin() as session:
        assert jobs.claim_jobs(session, clock(), "second", stale) == []
        assert [j.id for j in jobs.open_jobs(session, claimed.case_id or 0)] == [job_id]
    clock.advance(minutes=16)
    with session_factory.begin() as session:
        [again] = jobs.claim_jobs(session, clock(), "second", stale)
        assert (again.claim_token, again.attempts) == ("second", 2)
    with session_factory.begin() as session:
        assert not jobs.finish_job(session, job_id, "first", clock())  # its claim was lost
        assert jobs.finish_job(session, job_id, "second", clock())
    with session_factory.begin() as session:
        job = session.get(Job, job_id)
        assert job is not None and job.status == "done" and job.finished_at is not None
        assert jobs.open_jobs(session, job.case_id or 0) == []


def test_a_failing_job_is_tried_again_then_given_up(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    job_id = make_job(session_factory, clock)
    outcomes = []
    for attempt in range(3):
        with session_factory.begin() as session:
            [claimed] = jobs.claim_jobs(session, clock(), f"w{attempt}", timedelta(minutes=15))
            outcomes.append(jobs.give_up_or_retry(session, claimed.id, f"w{attempt}", clock()))
    assert outcomes == ["pending", "pending", "failed"]
    with session_factory.begin() as session:
        assert jobs.claim_jobs(session, clock(), "w4", timedelta(minutes=15)) == []
        assert session.get(Job, job_id).status == "failed"  # type: ignore[union-attr]


def test_a_job_enqueued_in_a_turn_that_rolls_back_does_not_exist(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    make_job(session_factory, clock)  # one committed
    with pytest.raises(RuntimeError), session_factory.begin() as session:
        user = repo.find_user(session, "telegram:11")
        assert user is not None
        jobs.enqueue_job(session, "review", user.id, "telegram:11", clock())
        raise RuntimeError("the turn failed")
    with session_factory.begin() as session:
        claimed = jobs.claim_jobs(session, clock(), "w", timedelta(minutes=15))
        assert [j.kind for j in claimed] == ["documents"]
        assert jobs.release_claims(session) == 1


def test_updates_stored_together_are_each_kept_once_and_a_moved_aside_one_never(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    with session_factory.begin() as session:
        assert inbox.store_updates(
            session, "telegram", [(41, 11, message(41, 11, "a")), (42, 12, message(42, 12, "b"))],
            clock(),
        ) == [True, True]  # fmt: skip
        inbox.move_aside(session, "telegram", 44, 11, "not a valid update", clock())
    with session_factory.begin() as session:
        stored = inbox.store_updates(
            session, "telegram",
            [(42, 12, message(42, 12, "b")), (43, 11, message(43, 11, "c")),
             (44, 11, message(44, 11, "d"))],
            clock(),
        )  # fmt: skip
    assert stored == [False, True, False]
    with session_factory.begin() as session:
        unfinished = inbox.unfinished_updates(session, "telegram", clock())
    assert [(u.update_id, u.payload) for u in unfinished] == [
        (41, message(41, 11, "a")),
        (42, message(42, 12, "b")),
        (43, message(43, 11, "c")),
    ]


def test_an_update_twice_in_one_answer_is_new_once(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    with session_factory.begin() as session:
        stored = inbox.store_updates(
            session, "telegram",
            [(51, 11, message(51, 11, "a")), (52, 11, message(52, 11, "b")),
             (51, 11, message(51, 11, "a"))],
            clock(),
        )  # fmt: skip
    assert stored == [True, True, False]

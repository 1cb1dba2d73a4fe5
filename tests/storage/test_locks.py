"""The locks several instances share on PostgreSQL: a chat held by one instance is not
taken by another until it lets go or dies, and the jobs a dead instance had claimed are
taken over at once (not after the stale-claim time-out)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from bot.engine.jobs import JobRunner, Work
from bot.engine.messages import say
from storage import job_repository as jobs
from storage import repository as repo
from storage.db import create_db_engine, migrate
from storage.locks import ChatLeases, InstanceLiveness
from tests.conftest import _empty_all_tables

pytestmark = pytest.mark.postgres

BIG_CHAT = 7_123_456_789  # Telegram ids no longer fit 32 bits


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = create_db_engine(postgres_url)
    migrate(engine)
    _empty_all_tables(engine)
    yield engine
    engine.dispose()


async def test_a_chat_held_by_one_instance_is_not_taken_by_another(engine: Engine) -> None:
    first, second = ChatLeases(engine), ChatLeases(engine)
    try:
        async with first.hold(BIG_CHAT) as held:
            assert held
            async with second.hold(BIG_CHAT, wait=False) as taken:
                assert not taken
            async with second.hold(BIG_CHAT + 1, wait=False) as other_chat:
                assert other_chat
        async with second.hold(BIG_CHAT, wait=False) as taken:
            assert taken
        held_by_dead = await first._loop_take(BIG_CHAT)
        assert held_by_dead is not None
        async with second.hold(BIG_CHAT, wait=False) as taken:
            assert not taken
        held_by_dead.invalidate()  # the instance's connection is gone (it was killed)
        # The server lets go once it has seen the connection close, a moment later.
        for _ in range(50):
            async with second.hold(BIG_CHAT, wait=False) as taken:
                if taken:
                    break
            await asyncio.sleep(0.05)
        assert taken
    finally:
        first.close()
        second.close()


def test_the_jobs_of_an_instance_that_died_are_taken_over_at_once(engine: Engine) -> None:
    sessions = sessionmaker(engine, expire_on_commit=False)
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with sessions.begin() as session:
        user = repo.get_or_create_user(session, "telegram:4242", "Anna", now)
        jobs.enqueue_job(session, "review", user.id, user.external_id, now)
    work = {"review": Work(lambda _job: [say("Granskat.")])}
    dying, living = InstanceLiveness(engine), InstanceLiveness(engine)
    first = JobRunner(sessions, work, lambda: now, liveness=dying)
    second = JobRunner(sessions, work, lambda: now, liveness=living)
    try:
        assert len(first.claim()) == 1
        assert living.alive(dying.instance)
        assert second.recover() == 0 and second.claim() == []  # the claim is a live one's
        dying.close()  # the instance is killed: its connection, and its lock, are gone
        assert not living.alive(dying.instance)
        taken = second.claim()
        assert [job.kind for job in taken] == ["review"]
        assert second.run_now([]) == []
        job, replies = second.do(taken[0])
        assert second.finish(job) and replies[0].plain_text == "Granskat."
        assert not first.finish(job)  # not the dead instance's any more
    finally:
        living.close()

"""Slow work that survives a crash: documents and reviews asked for in a turn are done
from the jobs table (storage/job_repository.py), not from memory.

The engine enqueues a job in the turn's transaction (`enqueue_job`), so the job exists
exactly when the turn was committed. `JobRunner` claims jobs, runs each kind's work on a
worker thread, sends the replies to the user, and then finishes the job in one transaction
with the work's own bookkeeping (`Work.on_done`, e.g. the ärende's status "PDF för
underskrift skapad" set only now that the documents exist). A crash anywhere before that
leaves the job claimed; on start `recover()` makes it pending again and it is done then.
Delivery is at least once: a crash between sending and finishing sends the result again.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session
from telegram.ext import ExtBot

from bot.engine.messages import Reply, say
from bot.mall.errors import UserFacingError
from bot.telegram.handlers import TelegramAdapter
from storage import job_repository as jobs
from storage.db import SessionFactory

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)  # a claim older than this is a dead worker's

Clock = Callable[[], datetime]
Deliver = Callable[[str, list[Reply]], Awaitable[None]]  # (recipient, replies)


@dataclass(frozen=True)
class ClaimedJob:
    """A claimed job, detached from the session it was read in."""

    id: int
    kind: str
    case_id: int | None
    user_id: int  # who asked for it
    recipient: str
    payload: dict[str, Any]
    token: str


@dataclass(frozen=True)
class Work:
    """One kind of job: `run` does the slow part (outside any transaction) and returns the
    replies; `on_done` records the outcome in the transaction that finishes the job."""

    run: Callable[[ClaimedJob], list[Reply]]
    on_done: Callable[[Session, ClaimedJob, datetime], None] | None = None


class JobRunner:
    def __init__(
        self,
        sessions: SessionFactory,
        work: dict[str, Work],
        clock: Clock,
        executor: Executor | None = None,
        stale_after: timedelta = STALE_AFTER,
    ) -> None:
        self._sessions = sessions
        self._work = work
        self._clock = clock
        self._executor = executor
        self._stale_after = stale_after

    def recover(self) -> int:
        """On start (one instance): every claimed job was a dead process's; pending again."""
        with self._sessions.begin() as session:
            return jobs.release_claims(session)

    def claim(self, limit: int = 10) -> list[ClaimedJob]:
        token = secrets.token_hex(16)
        with self._sessions.begin() as session:
            rows = jobs.claim_jobs(session, self._clock(), token, self._stale_after, limit)
            return [
                ClaimedJob(
                    row.id,
                    row.kind,
                    row.case_id,
                    row.requested_by_user_id,
                    row.recipient,
                    dict(row.payload),
                    token,
                )
                for row in rows
            ]

    def finish(self, job: ClaimedJob) -> bool:
        work = self._work.get(job.kind)
        with self._sessions.begin() as session:
            now = self._clock()
            if not jobs.finish_job(session, job.id, job.token, now):
                return False
            if work is not None and work.on_done is not None:
                work.on_done(session, job, now)
        return True

    def failed(self, job: ClaimedJob) -> str:
        with self._sessions.begin() as session:
            return jobs.give_up_or_retry(session, job.id, job.token, self._clock())

    async def run_once(self, deliver: Deliver) -> int:
        """Claim what there is, do it, deliver it, finish it; return how many were done."""
        loop = asyncio.get_running_loop()
        claimed = await loop.run_in_executor(self._executor, self.claim)
        done = 0
        for job in claimed:
            work = self._work.get(job.kind)
            try:
                if work is None:
                    raise LookupError(f"no work for jobs of kind {job.kind!r}")
                replies = await loop.run_in_executor(self._executor, work.run, job)
            except UserFacingError as error:  # the work refused, with a message: done
                replies = [say(error.message)]
            except Exception:
                status = await loop.run_in_executor(self._executor, self.failed, job)
                log.exception("job %s (%s) failed; now %s", job.id, job.kind, status)
                continue
            await deliver(job.recipient, replies)
            if await loop.run_in_executor(self._executor, self.finish, job):
                done += 1
        return done


async def run_job_loop(
    runner: JobRunner, deliver: Deliver, stop: asyncio.Event, interval_seconds: float = 1.0
) -> None:
    """Do pending jobs until `stop` is set, the first round after `recover()`."""
    await asyncio.get_running_loop().run_in_executor(None, runner.recover)
    while not stop.is_set():
        try:
            await runner.run_once(deliver)
        except Exception:  # the bot keeps running; the jobs stay claimable
            log.exception("job round failed")
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)


def telegram_deliver(adapter: TelegramAdapter, bot: ExtBot[None]) -> Deliver:
    """Deliver a job's replies to a `telegram:<id>` recipient through the adapter."""

    async def deliver(recipient: str, replies: list[Reply]) -> None:
        platform, _, chat = recipient.partition(":")
        if platform != "telegram" or not chat.lstrip("-").isdigit():
            log.warning("job result for a recipient on another platform dropped")
            return
        await adapter.send_replies(bot, int(chat), replies)

    return deliver

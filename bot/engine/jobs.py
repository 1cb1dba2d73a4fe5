"""Slow work that survives a crash, free of any transport: the jobs a turn enqueued
(storage/job_repository.py), claimed, done and finished.

`JobRunner` claims jobs, runs each kind's `Work` (outside any transaction), and finishes
the job in one transaction with the work's own bookkeeping (`Work.on_done`, e.g. the
ärende's status "PDF för underskrift skapad" set only now that the documents exist). A
crash anywhere before that leaves the job claimed, and it is done again later.

Two ways to run it:
- `run_once(deliver)` (async): claim what is pending, do it, hand the replies to `deliver`
  (the Telegram adapter), then finish: delivery is at least once. The Telegram bot runs it
  in a loop (bot/telegram/jobs.py).
- `run_now(ids)` (sync): do the named jobs at once and return their replies, for the
  terminal chat and for `Conversation.handle`, where the replies are the caller's to show.

A claim is marked with the instance that holds it (`Liveness`); a claim of an instance
that is no longer alive is taken over at once, and any claim older than `stale_after`
in any case.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bot.engine.messages import Reply, say
from bot.mall.errors import UserFacingError
from storage import job_repository as jobs
from storage.locks import InstanceLiveness
from storage.unit_of_work import Sessions, UnitOfWork

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)  # a claim older than this is a dead worker's

Clock = Callable[[], datetime]
Deliver = Callable[[str, list[Reply]], Awaitable[None]]  # (recipient, replies)


class Liveness(Protocol):
    """Which instance this is, and whether another one still runs."""

    instance: str

    def alive(self, instance: str) -> bool: ...


@dataclass(frozen=True)
class ClaimedJob:
    """A claimed job, detached from the session it was read in; `result` is what the work
    handed on to its `on_done`."""

    id: int
    kind: str
    case_id: int | None
    user_id: int  # who asked for it
    recipient: str
    payload: dict[str, Any]
    token: str
    result: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """The replies of a piece of work, and what its `on_done` needs to record."""

    replies: list[Reply]
    result: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Work:
    """One kind of job: `run` does the slow part (outside any transaction) and returns the
    replies (or an `Outcome`); `on_done` records the outcome in the transaction that
    finishes the job."""

    run: Callable[[ClaimedJob], list[Reply] | Outcome]
    on_done: Callable[[Session, ClaimedJob, datetime], None] | None = None


def instance_of(token: str | None) -> str | None:
    """The instance part of a claim token (`instance:random`), None for an older token."""
    if not token or ":" not in token:
        return None
    return token.split(":", 1)[0]


class JobRunner:
    def __init__(
        self,
        sessions: Sessions,
        work: dict[str, Work],
        clock: Clock,
        executor: Executor | None = None,
        stale_after: timedelta = STALE_AFTER,
        liveness: Liveness | None = None,
    ) -> None:
        self._uow = UnitOfWork.of(sessions)
        self._work = work
        self._clock = clock
        self._executor = executor
        self._stale_after = stale_after
        self._liveness = liveness

    def shared(self) -> JobRunner:
        """The same runner for one of several instances: its claims carry this instance's
        id, and those of an instance no longer alive are taken over (storage/locks.py)."""
        return JobRunner(
            self._uow, self._work, self._clock, self._executor, self._stale_after,
            InstanceLiveness(self._uow.engine),
        )  # fmt: skip

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self._work)

    def recover(self) -> int:
        """On start: claims of instances no longer alive are pending again (without a
        `Liveness`, one instance runs, and every claim was a dead process's)."""
        if self._liveness is None:
            return self._uow.write(jobs.release_claims)
        return self._uow.write(self._release_dead)

    def _release_dead(self, session: Session) -> int:
        assert self._liveness is not None
        tokens = jobs.claim_tokens(session)
        dead = [t for t in tokens if not self._alive(instance_of(t))]
        return jobs.release_claims(session, dead) if dead else 0

    def _alive(self, instance: str | None) -> bool:
        if instance is None or self._liveness is None:
            return False
        return self._liveness.alive(instance)

    def _token(self) -> str:
        prefix = self._liveness.instance if self._liveness is not None else "local"
        return f"{prefix}:{secrets.token_hex(12)}"

    def claim(self, limit: int = 10, ids: Sequence[int] | None = None) -> list[ClaimedJob]:
        """Claim up to `limit` pending jobs (or the pending ones among `ids`)."""
        token = self._token()

        def claim(session: Session) -> list[ClaimedJob]:
            now = self._clock()
            if ids is not None:
                rows = jobs.claim_these(session, list(ids), now, token)
            else:
                if self._liveness is not None:
                    self._release_dead(session)
                rows = jobs.claim_jobs(session, now, token, self._stale_after, limit)
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

        return self._uow.write(claim)

    def finish(self, job: ClaimedJob) -> bool:
        work = self._work.get(job.kind)

        def finish(session: Session) -> bool:
            now = self._clock()
            if not jobs.finish_job(session, job.id, job.token, now):
                return False
            if work is not None and work.on_done is not None:
                work.on_done(session, job, now)
            return True

        return self._uow.write(finish)

    def failed(self, job: ClaimedJob) -> str:
        return self._uow.write(
            lambda session: jobs.give_up_or_retry(session, job.id, job.token, self._clock())
        )

    def do(self, job: ClaimedJob) -> tuple[ClaimedJob, list[Reply]]:
        """Run the job's work; a refusal with a message is the work's answer."""
        work = self._work.get(job.kind)
        if work is None:
            raise LookupError(f"no work for jobs of kind {job.kind!r}")
        try:
            outcome = work.run(job)
        except UserFacingError as error:
            return job, [say(error.message)]
        if isinstance(outcome, Outcome):
            return dataclasses.replace(job, result=dict(outcome.result)), outcome.replies
        return job, outcome

    def run_now(self, ids: Sequence[int]) -> list[Reply]:
        """Do the named jobs here and now, and return their replies (the terminal chat)."""
        replies: list[Reply] = []
        for job in self.claim(len(ids), ids):
            try:
                done, said = self.do(job)
            except Exception:
                status = self.failed(job)
                log.exception("job %s (%s) failed; now %s", job.id, job.kind, status)
                raise
            self.finish(done)
            replies.extend(said)
        return replies

    async def claim_now(self, executor: Executor | None = None) -> list[ClaimedJob]:
        return await asyncio.get_running_loop().run_in_executor(
            executor or self._executor, self.claim
        )

    async def run_one(
        self, job: ClaimedJob, deliver: Deliver, executor: Executor | None = None
    ) -> bool:
        """Do one claimed job, deliver its replies, finish it; False when it failed."""
        loop = asyncio.get_running_loop()
        executor = executor or self._executor
        try:
            job, replies = await loop.run_in_executor(executor, self.do, job)
        except Exception:
            status = await loop.run_in_executor(executor, self.failed, job)
            log.exception("job %s (%s) failed; now %s", job.id, job.kind, status)
            return False
        await deliver(job.recipient, replies)
        return bool(await loop.run_in_executor(executor, self.finish, job))

    async def run_once(self, deliver: Deliver) -> int:
        """Claim what there is, do it, deliver it, finish it; return how many were done."""
        done = 0
        for job in await self.claim_now():
            done += await self.run_one(job, deliver)
        return done

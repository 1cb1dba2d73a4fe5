"""Slow work that survives a crash, in the Telegram bot: documents and reviews asked for in
a turn are done from the jobs table (storage/job_repository.py), not from memory.

The engine enqueues a job in the turn's transaction, so the job exists exactly when the
turn was committed; `JobRunner` (bot/engine/jobs.py) claims it, does the work on a worker
thread, and finishes it in one transaction with the work's own bookkeeping. Here the
runner runs in a loop beside the bot (`run_job_loop`, started by `TelegramBot.start`), woken
at once when a turn that enqueued a job has sent its first replies (`JobLoop.wake`), and
the results go to the user through the adapter, and so through the outbound limiter
(`telegram_deliver`). On start the loop first makes the claims of dead processes pending
again, so what was asked for before a crash is done after the restart. Delivery is at
least once: a crash between sending and finishing sends the result again.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor
from contextlib import suppress

from telegram.ext import ExtBot

from bot.engine.jobs import ClaimedJob, Deliver, JobRunner, Outcome, Work
from bot.engine.messages import Reply
from bot.telegram.handlers import TelegramAdapter

__all__ = [
    "ClaimedJob",
    "Deliver",
    "JobLoop",
    "JobRunner",
    "Outcome",
    "Work",
    "run_job_loop",
    "telegram_deliver",
]

log = logging.getLogger(__name__)


async def run_job_loop(
    runner: JobRunner,
    deliver: Deliver,
    stop: asyncio.Event,
    interval_seconds: float = 1.0,
    wake: asyncio.Event | None = None,
    executor: Executor | None = None,
) -> None:
    """Do pending jobs until `stop` is set, the first round after `recover()`; a round
    claims every `interval_seconds`, and at once when `wake` is set.

    Each claimed job runs as a task of its own on `executor`, so one user's long review
    holds up nobody else's documents; the jobs of one recipient run one after the other,
    in the order they were asked for. On stop, the jobs under way are finished first."""
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(executor, runner.recover)
    wake = wake or asyncio.Event()
    last_of: dict[str, asyncio.Task[bool]] = {}

    async def after(previous: asyncio.Task[bool] | None, job: ClaimedJob) -> bool:
        if previous is not None:
            with suppress(Exception):
                await previous
        return await runner.run_one(job, deliver, executor)

    while not stop.is_set():
        wake.clear()
        try:
            for job in await runner.claim_now(executor):
                previous = last_of.get(job.recipient)
                last_of[job.recipient] = asyncio.create_task(after(previous, job))
        except Exception:  # the bot keeps running; the jobs stay claimable
            log.exception("job round failed")
        last_of = {r: t for r, t in last_of.items() if not t.done()}
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
        with suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED), interval_seconds
            )
        for waiter in waiters:
            waiter.cancel()
    if last_of:
        await asyncio.gather(*last_of.values(), return_exceptions=True)


class JobLoop:
    """The job loop of one running bot: started and stopped with it, woken by the adapter."""

    def __init__(
        self,
        runner: JobRunner,
        deliver: Deliver,
        interval_seconds: float,
        executor: Executor | None = None,
    ) -> None:
        self.runner = runner
        self._executor = executor
        self._deliver = deliver
        self._interval = interval_seconds
        self._stop = asyncio.Event()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(
            run_job_loop(
                self.runner, self._deliver, self._stop, self._interval, self._wake, self._executor
            )
        )

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task


def telegram_deliver(adapter: TelegramAdapter, bot: ExtBot[None]) -> Deliver:
    """Deliver a job's replies to a `telegram:<id>` recipient through the adapter."""

    async def deliver(recipient: str, replies: list[Reply]) -> None:
        platform, _, chat = recipient.partition(":")
        if platform != "telegram" or not chat.lstrip("-").isdigit():
            log.warning("job result for a recipient on another platform dropped")
            return
        await adapter.send_replies(bot, int(chat), replies)

    return deliver

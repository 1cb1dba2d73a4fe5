"""A bot instance's reminder job in a process of its own, for the multi-process tests.

Started with multiprocessing's spawn method: it imports everything afresh, opens its own
engine, sends through python-telegram-bot to the local Bot API server, on the wall clock.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event

from sqlalchemy.orm import sessionmaker
from telegram import Bot

from bot.config import PROMPTS_DIR
from bot.engine.reminder_store import StoredReminders
from bot.mall.template import load_catalog
from bot.reminders.schedule import ReminderSchedule
from bot.reminders.sender import Notifier, Outcome, RateLimiter
from bot.reminders.service import ReminderJob, questions_from_catalog, send_all_due_reminders
from bot.reminders.texts import load_texts
from bot.telegram.notifier import TelegramNotifier
from storage.db import create_db_engine


@dataclass(frozen=True)
class WorkerConfig:
    database_url: str
    base_url: str
    token: str
    batch_size: int = 50
    concurrency: int = 8
    per_second: float = 2000.0  # the per-chat limit stays one a second
    hang_after: int | None = None  # send this many, then send one more and hang in it


class HangingNotifier:
    """Sends `hang_after` messages, then sends one more and never returns from it."""

    def __init__(self, inner: Notifier, hang_after: int, in_flight: Event) -> None:
        self._inner = inner
        self._left = hang_after
        self._in_flight = in_flight

    async def send(self, chat_external_id: str, text: str) -> None:
        await self._inner.send(chat_external_id, text)
        if self._left == 0:
            self._in_flight.set()  # the server has it; we never record it as sent
            await asyncio.Event().wait()
        self._left -= 1


async def _run(config: WorkerConfig, ready: Event, go: Event, in_flight: Event) -> int:
    engine = create_db_engine(config.database_url)
    async with Bot(config.token, base_url=config.base_url) as bot:
        notifier: Notifier = TelegramNotifier(bot)
        if config.hang_after is not None:
            notifier = HangingNotifier(notifier, config.hang_after, in_flight)
        job = ReminderJob(
            store=StoredReminders(sessionmaker(engine, expire_on_commit=False)),
            notifier=notifier,
            limiter=RateLimiter(config.per_second, 1.0),
            questions=questions_from_catalog(load_catalog(PROMPTS_DIR / "templates")),
            texts=load_texts(),
            schedule=ReminderSchedule(),
            clock=lambda: datetime.now(UTC),
            batch_size=config.batch_size,
            concurrency=config.concurrency,
        )
        ready.set()
        await asyncio.to_thread(go.wait)
        report = await send_all_due_reminders(job)
    engine.dispose()
    return report.outcomes.get(Outcome.SENT, 0)


def run_worker(
    config: WorkerConfig, ready: Event, go: Event, in_flight: Event, results: Queue[int]
) -> None:
    """The process's entry point: send what is due, report how many messages went out."""
    results.put(asyncio.run(_run(config, ready, go, in_flight)))

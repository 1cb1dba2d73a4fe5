"""Bot instances in processes of their own against one database and the local Bot API.

Each reminder is counted where it arrives: at the local Bot API server's sendMessage.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from telegram import Bot

from bot.engine.reminder_store import StoredReminders
from bot.mall.template import TemplateCatalog
from bot.reminders.schedule import ReminderSchedule
from bot.reminders.service import (
    DEFAULT_LEASE,
    ReminderJob,
    questions_from_catalog,
    send_all_due_reminders,
)
from bot.reminders.texts import load_texts
from bot.telegram.notifier import TelegramNotifier
from storage.db import SessionFactory
from storage.models import Reminder
from tests.conftest import MovableClock
from tests.fakes.bot_api import FakeBotApi
from tests.reminders.helpers import VirtualTime, seed_due_reminders
from tests.reminders.worker import WorkerConfig, run_worker

TOKEN = "123456:reminders-workers-token"
CASE_NUMBER = re.compile(r"STK-9999-\d{5}")
SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture
def server() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as running:
        yield running


def delivered(server: FakeBotApi) -> Counter[str]:
    return Counter(
        number
        for call in server.calls_of("sendMessage")
        for number in CASE_NUMBER.findall(str(call["text"]))
    )


def start_worker(config: WorkerConfig) -> tuple[multiprocessing.process.BaseProcess, dict]:  # type: ignore[type-arg]
    events = {"ready": SPAWN.Event(), "go": SPAWN.Event(), "in_flight": SPAWN.Event()}
    results = SPAWN.Queue()
    process = SPAWN.Process(
        target=run_worker,
        args=(config, events["ready"], events["go"], events["in_flight"], results),
    )
    process.start()
    return process, {**events, "results": results}


def test_two_processes_send_each_of_1000_reminders_exactly_once(
    session_factory: SessionFactory, database_url: str, server: FakeBotApi
) -> None:
    seed_due_reminders(session_factory, 1000)
    config = WorkerConfig(database_url, server.base_url, TOKEN, batch_size=40)
    workers = [start_worker(config) for _ in range(2)]
    for _, handles in workers:
        assert handles["ready"].wait(60), "a worker did not start"
    for _, handles in workers:
        handles["go"].set()  # both start claiming at the same moment
    sent = [handles["results"].get(timeout=120) for _, handles in workers]
    for process, _ in workers:
        process.join(30)
        assert process.exitcode == 0

    counts = delivered(server)
    assert len(counts) == 1000
    assert set(counts.values()) == {1}  # every reminder exactly once
    assert sum(sent) == 1000 and min(sent) > 0  # and both instances did some of the work
    with session_factory() as session:
        statuses = session.execute(select(Reminder.status, func.count()).group_by(Reminder.status))
        assert dict(statuses.all()) == {"sent": 1000}


async def test_a_process_killed_while_sending_loses_nothing_and_doubles_only_the_one_in_flight(
    session_factory: SessionFactory,
    database_url: str,
    server: FakeBotApi,
    catalog: TemplateCatalog,
) -> None:
    seed_due_reminders(session_factory, 200)
    config = WorkerConfig(
        database_url, server.base_url, TOKEN, batch_size=25, concurrency=1, hang_after=60
    )
    process, handles = start_worker(config)
    assert handles["ready"].wait(60)
    handles["go"].set()
    assert handles["in_flight"].wait(60), "the worker never got to its 61st message"
    os.kill(process.pid, signal.SIGKILL)  # type: ignore[arg-type]
    process.join(30)
    assert process.exitcode == -signal.SIGKILL

    calls = server.calls_of("sendMessage")
    assert len(calls) == 61
    [in_flight] = CASE_NUMBER.findall(str(calls[-1]["text"]))
    with session_factory() as session:
        statuses = dict(
            session.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all()
        )
    assert statuses == {"sent": 60, "claimed": 15, "pending": 125}

    # Another instance starts after the lease of the dead one's claim has run out.
    clock = MovableClock(datetime.now(UTC) + DEFAULT_LEASE + timedelta(seconds=1))
    time = VirtualTime()
    async with Bot(TOKEN, base_url=server.base_url) as bot:
        job = ReminderJob(
            store=StoredReminders(session_factory),
            notifier=TelegramNotifier(bot),
            limiter=time.limiter(),
            questions=questions_from_catalog(catalog),
            texts=load_texts(),
            schedule=ReminderSchedule(),
            clock=clock,
        )
        report = await send_all_due_reminders(job)
    assert report.claimed == 140

    counts = delivered(server)
    assert len(counts) == 200  # nothing lost
    assert {number for number, n in counts.items() if n > 1} == {in_flight}
    assert counts[in_flight] == 2  # the one in flight when the process died, and only it

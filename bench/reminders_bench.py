"""How fast reminders are claimed and sent, and how fast the /oversikt query is.

    .venv/bin/python -m bench.reminders_bench [--postgres] [--reminders 10000]

1. 10 000 due reminders, each to its own chat, claimed from the database, written, sent
   with python-telegram-bot to the local Bot API server (tests/fakes/bot_api.py) over
   HTTP and marked sent, through the bot's one outbound limiter (bot/telegram/outbound.py,
   as in production: 28 a second in all, one a second per chat). Those limits set a floor
   of (10 000 - 1) / 28 = 357 s. Waiting 357 s would measure the sleep, so the limiter
   runs on a virtual clock: its sleeps return at once and move virtual time. Printed:
     virtual / floor  - the time the limiter let the messages take, over the floor: 1.00
                        means the job keeps the limit without wasting slots;
     work / floor     - the wall time of all the real work (claiming, writing, HTTP,
                        marking sent) over the floor: the share of the floor the job
                        needs for itself. Below 1 the job keeps up with the limit and a
                        real run takes about the floor; a real run takes at most
                        floor + work.
2. The same 10 000 with the global limit scaled up 100 times (2 800 a second, floor
   3.6 s) on the real clock: wall / floor shows where the job itself becomes the limit.
3. The query behind /oversikt (storage.reminder_repository.overview_rows) at 10 000
   ärenden with answers: its time over the time at 1 000 ärenden (10 is linear), and over
   a plain listing of the same ärenden sorted by deadline (the cost of the states).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import Engine, create_engine, delete, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.config import PROMPTS_DIR
from bot.engine.reminder_store import StoredReminders
from bot.mall.template import load_catalog
from bot.reminders.schedule import ReminderSchedule
from bot.reminders.sender import Outcome
from bot.reminders.service import ReminderJob, questions_from_catalog, send_all_due_reminders
from bot.reminders.texts import load_texts
from bot.telegram.notifier import TelegramNotifier
from bot.telegram.outbound import Limits, OutboundLimiter
from storage.db import create_db_engine, migrate
from storage.models import Answer, Case, Reminder, User
from storage.reminder_repository import overview_rows
from tests.fakes.bot_api import FakeBotApi
from tests.reminders.helpers import VirtualTime

TOKEN = "123456:reminders-bench-token"
POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CONCURRENCY = 16
KEYS = ["namnd", "namn", "maluppfyllelse", "forankring", "erfarenheter", "tillvarata", "budget"]


@contextmanager
def database(postgres: bool) -> Iterator[str]:
    """A fresh, migrated database: a SQLite file, or a PostgreSQL database made for the run."""
    if not postgres:
        with TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        return
    name = f"redovisa_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(session: Session, count: int, with_answers: bool) -> None:
    """`count` ärenden with an official each; answers to some questions of most of them."""
    now = datetime.now(UTC)
    coordinator = User(external_id="telegram:1", display_name="Samordnare", role="coordinator",
                       active=True, created_at=now)  # fmt: skip
    session.add(coordinator)
    session.flush()
    users = session.scalars(
        insert(User).returning(User.id, sort_by_parameter_order=True),
        [dict(external_id=f"telegram:{100_000 + n}", display_name=f"Handläggare {n}",
              role="official", active=True, created_at=now) for n in range(count)],
    ).all()  # fmt: skip
    cases = session.scalars(
        insert(Case).returning(Case.id, sort_by_parameter_order=True),
        [dict(case_number=f"STK-2026-{n:05d}", template_id="mall-2019", recipients=[],
              created_by_user_id=coordinator.id, responsible_user_id=users[n],
              status="finished" if n % 10 == 0 else "in_progress",
              last_reply_date=date(2026, 3, 1) + timedelta(days=n % 300), created_at=now)
         for n in range(count)],
    ).all()  # fmt: skip
    if with_answers:
        answers: list[dict[str, object]] = [
            dict(case_id=case_id, question_key=key, version=version, text=f"Svar {version}",
                 parts=[], author_user_id=users[n], created_at=now)
            for n, case_id in enumerate(cases)
            for key in KEYS[: n % 8]
            for version in (1, 2)
        ]  # fmt: skip
        session.execute(insert(Answer), answers)


def make_due(session: Session) -> None:
    """One reminder due now for every ärende still open (replacing earlier ones)."""
    session.execute(delete(Reminder))
    now = datetime.now(UTC) - timedelta(minutes=1)
    rows = session.execute(
        select(Case.id, Case.responsible_user_id).where(Case.status == "in_progress")
    ).all()
    session.execute(
        insert(Reminder),
        [dict(case_id=case_id, recipient_user_id=user_id, kind="before", due_at=now,
              status="pending", attempts=0, created_at=now) for case_id, user_id in rows],
    )  # fmt: skip


async def send_everything(
    engine: Engine, server: FakeBotApi, limiter: OutboundLimiter, clock: Callable[[], datetime]
) -> tuple[int, float]:
    factory = sessionmaker(engine, expire_on_commit=False)
    # PTB's default connection pool has room for one request; the job sends 16 at a time.
    request = HTTPXRequest(connection_pool_size=CONCURRENCY)
    bot: ExtBot[int] = ExtBot(
        TOKEN, base_url=server.base_url, request=request, rate_limiter=limiter
    )
    async with bot:
        job = ReminderJob(
            store=StoredReminders(factory),
            notifier=TelegramNotifier(bot),
            questions=questions_from_catalog(load_catalog(PROMPTS_DIR / "templates")),
            texts=load_texts(),
            schedule=ReminderSchedule(),
            clock=clock,
            batch_size=500,
            concurrency=CONCURRENCY,
        )
        started = time.perf_counter()
        report = await send_all_due_reminders(job)
        return report.outcomes.get(Outcome.SENT, 0), time.perf_counter() - started


def timed(action: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_sending(url: str, count: int) -> None:
    engine = create_db_engine(url)
    migrate(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory.begin() as session:
        seed(session, count * 10 // 9 + 1, with_answers=True)  # every tenth is finished
        make_due(session)
    with factory() as session:
        due = len(session.scalars(select(Reminder.id)).all())
    with FakeBotApi(TOKEN) as server:
        virtual = VirtualTime()
        start = virtual()
        limits = Limits()
        limiter = OutboundLimiter(limits, clock=virtual, sleep=virtual.sleep)
        sent, work = asyncio.run(
            send_everything(engine, server, limiter, lambda: datetime.now(UTC))
        )
        floor = (due - 1) / limits.per_second
        spent = virtual.latest - start
        print(f"  sending {due} reminders at {limits.per_second:.0f}/s (virtual clock): "
              f"sent {sent}")  # fmt: skip
        print(f"    floor {floor:.1f} s, virtual {spent:.1f} s, work {work:.1f} s")
        print(f"    virtual / floor = {spent / floor:.3f}   work / floor = {work / floor:.3f}"
              f"   ({due / work:.0f} messages/s of work)")  # fmt: skip
        arrived = len(server.calls_of("sendMessage"))

        with factory.begin() as session:
            make_due(session)
        fast = Limits(per_second=limits.per_second * 100)
        scaled = OutboundLimiter(fast)
        sent, wall = asyncio.run(send_everything(engine, server, scaled, lambda: datetime.now(UTC)))
        floor = (due - 1) / fast.per_second
        print(f"  sending {due} reminders at {fast.per_second:.0f}/s (limits x100, real clock): "
              f"sent {sent}")  # fmt: skip
        print(f"    floor {floor:.2f} s, wall {wall:.2f} s, wall / floor = {wall / floor:.2f}")
        assert arrived == due and len(server.calls_of("sendMessage")) == 2 * due
    with factory() as session:
        # Every one went out (an overdue one is pending again, for next week).
        assert session.scalar(select(Reminder.id).where(Reminder.sent_at.is_(None))) is None
    engine.dispose()


def bench_overview(url: str, count: int) -> None:
    results = {}
    for size in (count // 10, count):
        engine = create_db_engine(url)
        migrate(engine)
        factory = sessionmaker(engine, expire_on_commit=False)
        with factory.begin() as session:
            session.execute(update(Reminder).values(status="cancelled"))
            session.execute(delete(Reminder))
            session.execute(delete(Answer))
            session.execute(delete(Case))
            session.execute(delete(User))
            seed(session, size, with_answers=True)
        with factory() as session:
            rows = overview_rows(session)
            assert len(rows) == size
            query = timed(lambda s=session: overview_rows(s))  # type: ignore[misc]
            plain = timed(
                lambda s=session: s.execute(  # type: ignore[misc]
                    select(Case.id, Case.case_number, Case.last_reply_date).order_by(
                        Case.last_reply_date, Case.case_number
                    )
                ).all()
            )
        results[size] = (query, plain)
        engine.dispose()
    small, large = count // 10, count
    query, plain = results[large]
    print(f"  /oversikt at {large} ärenden: {query * 1000:.1f} ms "
          f"({query / large * 1e6:.1f} µs per ärende); at {small}: {results[small][0] * 1000:.1f} ms")  # fmt: skip
    print(f"    {large} / {small} = {query / results[small][0]:.2f} (10 is linear)   "
          f"overview / plain listing = {query / plain:.2f}")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--reminders", type=int, default=10_000)
    args = parser.parse_args(argv)
    print(f"database: {'PostgreSQL' if args.postgres else 'SQLite'}")
    with database(args.postgres) as url:
        bench_sending(url, args.reminders)
    with database(args.postgres) as url:
        bench_overview(url, args.reminders)


if __name__ == "__main__":
    main()

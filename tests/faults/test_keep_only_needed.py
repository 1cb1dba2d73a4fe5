"""Only what is needed is kept: a stranger's message and refused text leave nothing of
what they said, and old ids are deleted after INBOX_RETENTION_DAYS, with two instances too.

The bot runs as production runs it (tests/faults/bot_process.py). Every table of the
database is read back and searched for the words that were sent.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from storage.db import create_db_engine
from storage.models import Base, InboxUpdate, ProcessedUpdate
from tests.fakes.bot_api import FakeBotApi
from tests.faults.harness import BotProcess
from tests.faults.test_inbox_kill import free_port, says

STRANGER = 5999  # never invited: not among the bot process's administrators
SECRET = "Gullvivan-Åkerbär-77"


def everything_stored(database_url: str) -> str:
    """Every row of every table, as text."""
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = [
                repr(tuple(row))
                for table in Base.metadata.sorted_tables
                for row in connection.execute(table.select())
            ]
    finally:
        engine.dispose()
    return "\n".join(rows)


def counts(database_url: str) -> tuple[int, int]:
    engine = create_db_engine(database_url)
    try:
        with sessionmaker(engine)() as session:
            inbox = session.scalar(select(func.count()).select_from(InboxUpdate))
            processed = session.scalar(select(func.count()).select_from(ProcessedUpdate))
            return int(inbox or 0), int(processed or 0)
    finally:
        engine.dispose()


def age_everything(database_url: str, days: int) -> None:
    engine = create_db_engine(database_url)
    try:
        with sessionmaker(engine).begin() as session:
            for row in session.scalars(select(InboxUpdate)):
                row.received_at -= timedelta(days=days)
            for mark in session.scalars(select(ProcessedUpdate)):
                mark.processed_at -= timedelta(days=days)
    finally:
        engine.dispose()


async def test_a_stranger_and_a_refused_text_leave_nothing_of_what_they_said(
    api: FakeBotApi, bot_process: BotProcess, database_url: str
) -> None:
    stranger = api.private_chat(STRANGER, "Okänd")
    official = api.private_chat(5001, "Olga")
    bot_process.start()
    await stranger.ask(f"Hej, här är {SECRET}", says("inte tillgång"))
    await official.ask(f"{SECRET} " + "lång text " * 2_500, says("för långt"))
    await official.ask(f"{SECRET} \ud83d", says("trasigt tecken"))
    await official.ask("/status")
    bot_process.kill()
    stored = everything_stored(database_url)
    assert SECRET not in stored
    assert "lång text" not in stored
    inbox, processed = counts(database_url)
    assert inbox >= 4  # the ids are kept, against a redelivery


@pytest.mark.postgres
async def test_two_instances_delete_old_updates_after_the_retention(
    api: FakeBotApi, shared_database: str, tmp_path: Path
) -> None:
    users = range(5001, 5005)
    env = {"TELEGRAM_INSTANCES": "2", "INBOX_RETENTION_DAYS": "7"}
    instances = [
        BotProcess(tmp_path / name, shared_database, api, users=users, env=env)
        for name in ("a", "b")
    ]
    ports = [free_port(), free_port()]

    def start_both() -> None:
        for instance, port in zip(instances, ports, strict=True):
            instance.start(port)
        api.balance_webhooks([f"http://127.0.0.1:{port}/telegram/hook" for port in ports])

    try:
        start_both()
        for user in users:
            chat = api.private_chat(user, f"Tjänsteperson {user}")
            for _ in range(3):
                await chat.ask("/status")
        inbox, processed = counts(shared_database)
        assert inbox >= 12 and processed >= 12
        for instance in instances:
            instance.kill()
        age_everything(shared_database, days=6)  # younger than the retention: kept
        start_both()
        await api.wait_for(lambda: counts(shared_database) == (inbox, processed), 5, "kept")
        for instance in instances:
            instance.kill()
        age_everything(shared_database, days=2)  # now 8 days old
        start_both()
        await api.wait_for(lambda: counts(shared_database) == (0, 0), 30, "old rows deleted")
        print(f"\nrows left after the retention: {counts(shared_database)}")
    finally:
        for instance in instances:
            instance.kill()

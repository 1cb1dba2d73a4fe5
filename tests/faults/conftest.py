"""The fault tests' harness: the local Bot API server in this process, the bot in another
one (tests/faults/harness.py) that the test kills with SIGKILL and starts again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.db import create_db_engine, migrate
from tests.conftest import _empty_all_tables
from tests.fakes.bot_api import FakeBotApi
from tests.faults.bot_process import TOKEN
from tests.faults.harness import BotProcess


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as server:
        yield server


@pytest.fixture
def bot_process(tmp_path: Path, database_url: str, api: FakeBotApi) -> Iterator[BotProcess]:
    process = BotProcess(tmp_path / "bot", database_url, api, users=range(5001, 5011))
    try:
        yield process
    finally:
        process.kill()


@pytest.fixture
def shared_database(postgres_url: str) -> Iterator[str]:
    """An empty, migrated PostgreSQL database that several bot processes share."""
    engine = create_db_engine(postgres_url)
    migrate(engine)
    _empty_all_tables(engine)
    engine.dispose()
    yield postgres_url


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")

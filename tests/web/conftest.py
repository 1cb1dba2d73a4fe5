"""The dashboard's fixtures: a seeded SQLite installation and the app on it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.mall.template import TemplateCatalog
from bot.web.app import Dashboard, DashboardSettings
from storage.db import SessionFactory
from tests.web.world import TOKEN, World, seed


def swedish_today() -> date:
    return datetime.now(UTC).astimezone(ZoneInfo("Europe/Stockholm")).date()


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB's future `retry_after` type, as the Dockerfile sets it (the bot runs here too)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def world(sqlite_session_factory: SessionFactory) -> World:
    return seed(sqlite_session_factory, swedish_today())


@pytest.fixture
def dashboard(
    sqlite_session_factory: SessionFactory, catalog: TemplateCatalog, world: World
) -> Iterator[Dashboard]:
    board = Dashboard(
        DashboardSettings(
            sessions=sqlite_session_factory,
            catalog=catalog,
            clock=lambda: datetime.now(UTC),
            bot_token=TOKEN,
        )
    )
    yield board
    board.close()

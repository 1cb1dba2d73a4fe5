"""The dashboard's fixtures: a seeded SQLite installation and the app on it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.mall.template import TemplateCatalog
from bot.reminders.sender import Notifier
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


def make_dashboard(
    sessions: SessionFactory, catalog: TemplateCatalog, notifier: Notifier | None = None
) -> Dashboard:
    """The dashboard on the real clock, checking initData made with the tests' bot token."""
    return Dashboard(
        DashboardSettings(
            sessions=sessions,
            catalog=catalog,
            clock=lambda: datetime.now(UTC),
            bot_token=TOKEN,
            notifier=notifier,
        )
    )


@pytest.fixture
def dashboard(
    sqlite_session_factory: SessionFactory, catalog: TemplateCatalog, world: World
) -> Iterator[Dashboard]:
    board = make_dashboard(sqlite_session_factory, catalog)
    yield board
    board.close()

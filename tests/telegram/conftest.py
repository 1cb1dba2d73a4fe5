"""The Telegram tests' harness: the fake Bot API server, settings pointing at it, the engine."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.texts import load_texts
from bot.mall.template import TemplateCatalog
from bot.telegram.app import TelegramBot
from bot.telegram.handlers import ConversationPort
from bot.telegram.outbound import Limits
from storage.db import SessionFactory
from tests.conftest import MovableClock
from tests.fakes.bot_api import FakeBotApi

TOKEN = "123456789:AAFakeTokenForTheLocalServer_abcdefghij"

RunBot = Callable[..., AbstractAsyncContextManager[TelegramBot]]
# The conversation tests send several messages to one chat within a second, and many chats
# at once; they run with these limits. Telegram's own (28 a second in all, one a second per
# chat) are measured in test_outbound.py.
QUICK = Limits(per_second=2000.0, per_chat_interval=0.005)


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's future `retry_after` type, as the Dockerfile does, so PTB's
    deprecation warning (an error under pytest) is not raised on a 429."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as server:
        yield server


@pytest.fixture
def settings(api: FakeBotApi, tmp_path: Path) -> Settings:
    return Settings(
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_base_url=api.base_url,
        telegram_api_file_url=api.file_url,
        redovisa_data_dir=tmp_path,
    )


@pytest.fixture
def conversation(
    sqlite_session_factory: SessionFactory, catalog: TemplateCatalog, clock: MovableClock
) -> Conversation:
    return Conversation(
        sqlite_session_factory,
        catalog,
        load_texts(),
        clock,
        access=AccessPolicy.open_to_all(),
    )


@pytest.fixture
def run_bot(settings: Settings, conversation: Conversation) -> RunBot:
    """`async with run_bot(): ...` runs the real bot against the fake server (with the
    QUICK limits unless given `limits=`)."""

    @asynccontextmanager
    async def running(
        engine: ConversationPort | None = None, **options: Any
    ) -> AsyncIterator[TelegramBot]:
        options.setdefault("limits", QUICK)
        async with TelegramBot(
            options.pop("settings", settings), engine or conversation, **options
        ) as bot:
            yield bot

    return running

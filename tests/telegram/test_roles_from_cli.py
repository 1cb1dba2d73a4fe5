"""A Telegram user given a role with `redovisa users` before they ever wrote: no invite code
is needed, the bot greets them by the name Telegram gives, and a coordinator coordinates."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import assemble
from bot.cli import main
from bot.telegram.app import TelegramBot
from tests.conftest import MovableClock
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.test_production_wiring import production_settings

COORDINATOR, STRANGER = 5010, 5011


async def test_a_coordinator_made_on_the_command_line_registers_in_telegram(
    api: FakeBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = production_settings(api, tmp_path)
    monkeypatch.setenv("DATABASE_URL", settings.resolved_database_url())
    monkeypatch.setenv("REDOVISA_DATA_DIR", str(tmp_path))
    assert main(["users", "set", str(COORDINATOR), "--role", "samordnare"]) == 0
    assembly = assemble(settings, MovableClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC)))
    coordinator = api.private_chat(COORDINATOR, "Cecilia", "Samordnare")
    stranger = api.private_chat(STRANGER, "Okänd")

    async with TelegramBot(settings, assembly.conversation):
        coordinator.send("/start")
        welcome = (await api.wait_for_messages(COORDINATOR, 1))[-1].text
        assert "Cecilia" in welcome and "inbjudningskod" not in welcome
        coordinator.send("/registrera")
        step = (await api.wait_for_messages(COORDINATOR, 2))[-1].text
        assert "Steg 1 av 9" in step
        stranger.send("/registrera")
        assert "inbjudningskod" in (await api.wait_for_messages(STRANGER, 1))[-1].text
    assert main(["users", "remove", f"telegram:{COORDINATOR}"]) == 0

"""The bot's sending limits come from the settings: Telegram's by default, higher where a
deployment (or a benchmark against a local Bot API server) allows it."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.telegram.outbound import limits_from


def test_by_default_the_bot_keeps_just_under_telegrams_limits() -> None:
    limits = limits_from(Settings())  # type: ignore[call-arg]
    assert limits.per_second == 28 and limits.per_chat_interval == 1


def test_raised_limits_are_shared_by_the_instances(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_MESSAGES_PER_SECOND", "1000")
    monkeypatch.setenv("TELEGRAM_CHAT_INTERVAL_SECONDS", "0")
    monkeypatch.setenv("TELEGRAM_INSTANCES", "4")
    limits = limits_from(Settings())  # type: ignore[call-arg]
    assert limits.per_second == 250 and limits.per_chat_interval == 0


def test_a_limit_that_is_not_a_positive_number_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_MESSAGES_PER_SECOND", "0")
    with pytest.raises(ValueError, match="telegram_messages_per_second"):
        Settings()  # type: ignore[call-arg]

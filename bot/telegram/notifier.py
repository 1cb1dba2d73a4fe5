"""The `Notifier` for Telegram: telegram.Bot.send_message, its errors translated."""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.reminders.sender import RateLimited, TemporaryFailure, Undeliverable

PREFIX = "telegram:"


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, whether PTB gives it as seconds or as a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramNotifier:
    """Sends plain-text messages to users whose external id is `telegram:<chat id>`."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, chat_external_id: str, text: str) -> None:
        if not chat_external_id.startswith(PREFIX):
            raise Undeliverable(f"{chat_external_id} is not a Telegram user")
        try:
            chat_id = int(chat_external_id.removeprefix(PREFIX))
        except ValueError as exc:
            raise Undeliverable(f"{chat_external_id} has no numeric chat id") from exc
        try:
            await self._bot.send_message(chat_id=chat_id, text=text)
        except RetryAfter as exc:
            raise RateLimited(retry_after_seconds(exc)) from exc
        except (Forbidden, BadRequest) as exc:
            raise Undeliverable(str(exc)) from exc
        except (NetworkError, TelegramError) as exc:  # time-outs, 5xx, conflicts
            raise TemporaryFailure(str(exc)) from exc

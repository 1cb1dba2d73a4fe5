"""The `Notifier` for Telegram: the bot's send_message, its errors translated.

Given the Application's bot, every reminder and digest passes the one outbound limiter and
retry policy (bot/telegram/outbound.py) with the chat replies, so the reminder job needs
no limiter of its own.
"""

from __future__ import annotations

import asyncio

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.config import Settings
from bot.reminders.sender import RateLimited, TemporaryFailure, Undeliverable
from bot.telegram.outbound import (
    OutboundLimiter,
    UncertainDelivery,
    limits_from,
    retry_after_seconds,
)

__all__ = ["PREFIX", "StandaloneNotifier", "TelegramNotifier", "retry_after_seconds"]

PREFIX = "telegram:"
DEFAULT_BASE = "https://api.telegram.org/bot"  # PTB's defaults, Telegram's own Bot API
DEFAULT_FILE_BASE = "https://api.telegram.org/file/bot"


class TelegramNotifier:
    """Sends plain-text messages to users whose external id is `telegram:<chat id>`."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    @property
    def bot(self) -> Bot:
        return self._bot

    async def send(self, chat_external_id: str, text: str) -> None:
        if not chat_external_id.startswith(PREFIX):
            raise Undeliverable(f"{chat_external_id} is not a Telegram user")
        try:
            chat_id = int(chat_external_id.removeprefix(PREFIX))
        except ValueError as exc:
            raise Undeliverable(f"{chat_external_id} has no numeric chat id") from exc
        try:
            await self._bot.send_message(chat_id=chat_id, text=text)
        except UncertainDelivery:
            # It may have arrived; sending it again could remind twice. It counts as sent
            # (the outbound policy has logged that it may not have arrived).
            return
        except RetryAfter as exc:
            raise RateLimited(retry_after_seconds(exc)) from exc
        except (Forbidden, BadRequest) as exc:
            raise Undeliverable(str(exc)) from exc
        except (NetworkError, TelegramError) as exc:  # 5xx and failures to connect, given up
            raise TemporaryFailure(str(exc)) from exc


class StandaloneNotifier:
    """The notifier of a process that runs no bot (`redovisa web` on its own): a Bot of its
    own behind an OutboundLimiter with Telegram's limits, made on the loop of its first
    message. Where the bot runs, its own notifier is used instead (one limiter)."""

    def __init__(self, settings: Settings) -> None:
        assert settings.telegram_bot_token is not None
        self._settings = settings
        self._notifier: TelegramNotifier | None = None
        self._lock = asyncio.Lock()

    async def _ready(self) -> TelegramNotifier:
        async with self._lock:
            if self._notifier is None:
                settings = self._settings
                assert settings.telegram_bot_token is not None
                bot: ExtBot = ExtBot(  # type: ignore[type-arg]
                    settings.telegram_bot_token.get_secret_value(),
                    base_url=settings.telegram_api_base_url or DEFAULT_BASE,
                    base_file_url=settings.telegram_api_file_url or DEFAULT_FILE_BASE,
                    rate_limiter=OutboundLimiter(limits_from(settings)),
                )
                await bot.initialize()
                self._notifier = TelegramNotifier(bot)
            return self._notifier

    async def send(self, chat_external_id: str, text: str) -> None:
        await (await self._ready()).send(chat_external_id, text)

    async def aclose(self) -> None:
        """Close the Bot's connections (the dashboard's app calls it when it stops)."""
        async with self._lock:
            if self._notifier is not None:
                await self._notifier.bot.shutdown()
                self._notifier = None

"""The `Notifier` for Telegram: the bot's send_message, its errors translated.

Given the Application's bot, every reminder and digest passes the one outbound limiter and
retry policy (bot/telegram/outbound.py) with the chat replies, so the reminder job needs
no limiter of its own.
"""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.reminders.sender import RateLimited, TemporaryFailure, Undeliverable
from bot.telegram.outbound import UncertainDelivery, retry_after_seconds

__all__ = ["PREFIX", "TelegramNotifier", "retry_after_seconds"]

PREFIX = "telegram:"


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

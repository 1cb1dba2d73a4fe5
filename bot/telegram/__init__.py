"""The Telegram adapter: python-telegram-bot on the transport-free engine."""

from bot.telegram.app import TelegramBot, run_telegram

__all__ = ["TelegramBot", "run_telegram"]

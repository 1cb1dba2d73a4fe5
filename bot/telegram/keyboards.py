"""Inline keyboards from the engine's buttons, with callback data kept within 64 bytes.

A button's command (say `/fortsatt STK-2018-1307`) is the text sent back when it is
pressed. Telegram carries at most 64 bytes of callback data, so a command that fits
is used as it is, and a longer one is replaced by `#` and a short hash of it,
remembered here. The hash is of the command itself, so the same command always gets
the same data; after a restart a hashed button is no longer known, and the user is
asked to choose again (the engine's state does not depend on it).
"""

from __future__ import annotations

import base64
import hashlib
from collections import OrderedDict

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.engine.messages import Button

CALLBACK_DATA_LIMIT = 64
HASH_PREFIX = "#"


class CallbackCommands:
    """Maps button commands to callback data and back; remembers the newest `capacity`
    hashed commands."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._capacity = capacity
        self._by_data: OrderedDict[str, str] = OrderedDict()

    def encode(self, command: str) -> str:
        if len(command.encode()) <= CALLBACK_DATA_LIMIT and not command.startswith(HASH_PREFIX):
            return command
        digest = hashlib.sha256(command.encode()).digest()[:15]
        data = HASH_PREFIX + base64.urlsafe_b64encode(digest).decode()
        self._by_data[data] = command
        self._by_data.move_to_end(data)
        while len(self._by_data) > self._capacity:
            self._by_data.popitem(last=False)
        return data

    def decode(self, data: str) -> str | None:
        """The command of a pressed button, or None when it is a forgotten hash."""
        if not data.startswith(HASH_PREFIX):
            return data
        return self._by_data.get(data)


def inline_keyboard(
    rows: tuple[tuple[Button, ...], ...], commands: CallbackCommands
) -> InlineKeyboardMarkup | None:
    if not any(rows):
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=commands.encode(b.command)) for b in row]
            for row in rows
            if row
        ]
    )

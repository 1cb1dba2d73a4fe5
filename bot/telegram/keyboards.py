"""Inline keyboards from the engine's buttons, with callback data kept within 64 bytes.

A button's command (say `/fortsatt STK-2018-1307`) is the text sent back when it is
pressed. Telegram carries at most 64 bytes of callback data, so a command that fits
is used as it is, and a longer one is replaced by `#` and a short hash of it,
remembered here. The hash is of the command itself, so the same command always gets
the same data; after a restart a hashed button is no longer known, and the user is
asked to choose again (the engine's state does not depend on it).

A slash command is carried as it is: pressing it is no more than typing it. Any other
button (an answer such as "ja" or "#12") is carried with a short signature made with the
installation's secret, so callback data the bot never sent (a client can send any) is
recognised as not the bot's and never reaches the engine as if the user had written it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections import OrderedDict

from pydantic import SecretStr
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.engine.messages import Button

CALLBACK_DATA_LIMIT = 64
HASH_PREFIX = "#"
SIGNED_PREFIX = "="
SIGNATURE_CHARS = 8


class CallbackCommands:
    """Maps button commands to callback data and back; remembers the newest `capacity`
    hashed commands."""

    def __init__(self, capacity: int = 100_000, secret: bytes | None = None) -> None:
        """`secret` signs the buttons that are not commands; give the same one to every
        instance and after a restart (None: a new one, so such buttons last one run)."""
        self._capacity = capacity
        self._by_data: OrderedDict[str, str] = OrderedDict()
        self._secret = secret or secrets.token_bytes(32)

    @classmethod
    def for_token(cls, token: SecretStr | None) -> CallbackCommands:
        """Signed with a secret derived from the bot's token (the same on every instance)."""
        if token is None:
            return cls()
        seed = b"redovisa callback data\0" + token.get_secret_value().encode()
        return cls(secret=hashlib.sha256(seed).digest())

    def _signature(self, command: str) -> str:
        digest = hmac.new(self._secret, command.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_CHARS]

    def encode(self, command: str) -> str:
        size = len(command.encode())
        if command.startswith("/") and size <= CALLBACK_DATA_LIMIT:
            return command
        signed = SIGNED_PREFIX + self._signature(command) + command
        if len(signed.encode()) <= CALLBACK_DATA_LIMIT:
            return signed
        digest = hashlib.sha256(command.encode()).digest()[:15]
        data = HASH_PREFIX + base64.urlsafe_b64encode(digest).decode()
        self._by_data[data] = command
        self._by_data.move_to_end(data)
        while len(self._by_data) > self._capacity:
            self._by_data.popitem(last=False)
        return data

    def decode(self, data: str) -> str | None:
        """The command of a pressed button; None when it is a forgotten hash, or data the
        bot did not make."""
        if data.startswith("/"):
            return data
        if data.startswith(SIGNED_PREFIX):
            signature = data[1 : 1 + SIGNATURE_CHARS]
            command = data[1 + SIGNATURE_CHARS :]
            if command and hmac.compare_digest(signature, self._signature(command)):
                return command
            return None
        if data.startswith(HASH_PREFIX):
            return self._by_data.get(data)
        return None


def inline_keyboard(
    rows: tuple[tuple[Button, ...], ...], commands: CallbackCommands
) -> InlineKeyboardMarkup | None:
    if not any(rows):
        return None
    return InlineKeyboardMarkup([[_button(b, commands) for b in row] for row in rows if row])


def _button(button: Button, commands: CallbackCommands) -> InlineKeyboardButton:
    """A button that sends its command back, or one that opens its address as a Mini App."""
    if button.opens_web_app:
        return InlineKeyboardButton(button.label, web_app=WebAppInfo(button.command))
    return InlineKeyboardButton(button.label, callback_data=commands.encode(button.command))


# Buttons that only show something: pressing one leaves the message's other buttons.
SHOWING_COMMANDS = ("/utkast", "/status", "/hjalp", "/arenden")


def keyboard_after_press(
    markup: InlineKeyboardMarkup, pressed_data: str, command: str | None
) -> InlineKeyboardMarkup | None:
    """The keyboard left on a message after a press: none, so that an answer is not given
    twice, except after a button that only shows something, which alone goes away."""
    if command not in SHOWING_COMMANDS:
        return None
    rows = [
        [button for button in row if button.callback_data != pressed_data]
        for row in markup.inline_keyboard
    ]
    kept = [row for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None

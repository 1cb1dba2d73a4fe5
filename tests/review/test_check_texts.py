"""Every message the checks give is in prompts/review/checks.toml, and fills in cleanly."""

from __future__ import annotations

import re
import string
from pathlib import Path

import bot.review
from bot.review.check_texts import _messages, message


def test_every_message_key_used_in_the_checks_is_in_the_data_file() -> None:
    used: set[str] = set()
    for path in Path(bot.review.__file__).parent.glob("*.py"):
        used |= set(re.findall(r'message\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert used and used <= set(_messages())
    assert {"not_swedish", "date_outside", "cancelled_unexplained"} <= used


def test_every_message_is_swedish_with_plain_placeholders() -> None:
    for key, text in _messages().items():
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name]
        filled = message(key, **dict.fromkeys(names, "X"))
        assert "{" not in filled and filled.strip(), key
        assert re.search(r"[åäö]|\b(och|att|är|som|det|finns|inte|du)\b", filled), key

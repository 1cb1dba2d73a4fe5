"""Text that cannot be written as UTF-8 is repaired before it is stored, and when it is read.

A Python string can hold a lone surrogate (half of a UTF-16 pair: what JSON's `\\ud83d`
without its second half decodes to), which no UTF-8 database column accepts, and
PostgreSQL's text refuses U+0000. The door of each adapter refuses or repairs such text;
JSON kept from before that door (a conversation's state, an inbox payload) may still hold
some, and is repaired when read, each such character becoming U+FFFD.
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
UNSTORABLE = re.compile("[\ud800-\udfff\x00]")


def repair_text(text: str) -> str:
    """The text with each lone surrogate and NUL replaced by U+FFFD."""
    return UNSTORABLE.sub(REPLACEMENT, text) if UNSTORABLE.search(text) else text


def repair_json(value: Any) -> Any:
    """A JSON value (dicts, lists, strings, numbers) with every string repaired."""
    if isinstance(value, str):
        return repair_text(value)
    if isinstance(value, dict):
        return {repair_text(str(k)): repair_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [repair_json(item) for item in value]
    return value

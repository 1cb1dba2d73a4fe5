"""Text that cannot be written as UTF-8 is repaired before it is stored, and when it is read.

A Python string can hold a lone surrogate (half of a UTF-16 pair: what JSON's `\\ud83d`
without its second half decodes to), which no UTF-8 database column accepts, and
PostgreSQL's text refuses U+0000. The door of each adapter refuses or repairs such text;
JSON kept from before that door (a conversation's state, an inbox payload) may still hold
some, and is repaired when read, each such character becoming U+FFFD.
"""

from __future__ import annotations

import json
import re
from typing import Any

REPLACEMENT = "\ufffd"
UNSTORABLE = re.compile("[\ud800-\udfff\x00]")
ESCAPED_NUL = "\\u0000"


def repair_text(text: str) -> str:
    """The text with each lone surrogate and NUL replaced by U+FFFD."""
    return UNSTORABLE.sub(REPLACEMENT, text) if UNSTORABLE.search(text) else text


def repair_json(value: Any) -> Any:
    """A JSON value (dicts, lists, strings, numbers) with every string repaired; the value
    itself when nothing in it needs repair (nearly always: found by one pass of the C JSON
    encoder and one regular-expression search, not a walk in Python)."""
    try:
        written = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return _repaired(value)
    if UNSTORABLE.search(written) or ESCAPED_NUL in written:  # json writes NUL as \u0000
        return _repaired(value)
    return value


def _repaired(value: Any) -> Any:
    if isinstance(value, str):
        return repair_text(value)
    if isinstance(value, dict):
        return {repair_text(str(k)): _repaired(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_repaired(item) for item in value]
    return value

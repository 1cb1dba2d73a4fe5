"""Turn the engine's replies into Telegram HTML messages.

Every block is escaped, so whatever the user wrote (`<`, `&`, `*`, `_`) is shown exactly
as written; the style becomes a tag. A reply longer than Telegram's 4096 characters is
split between paragraphs, and a paragraph longer than that between lines, then words.
A heading (a question in the draft) never ends a message: it goes with the start of the
paragraph under it.
Telegram counts the limit on the text after entities are parsed, in UTF-16 code units,
so that is what is measured here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from bot.engine.messages import Block, Reply, Style

TEXT_LIMIT = 4096
PARAGRAPH_SEPARATOR = "\n\n"
_TAGS = {Style.PLAIN: "", Style.BOLD: "b", Style.ITALIC: "i", Style.HEADING: "b"}
_HEADINGS = (Style.BOLD, Style.HEADING)
_SPLIT_POINTS = (re.compile(r"\n"), re.compile(r"(?<=[.!?…:;])\s"), re.compile(r"\s"))


def telegram_length(text: str) -> int:
    """The length Telegram measures: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Escape text for Telegram's HTML parse mode."""
    return html.escape(text, quote=False)


def block_html(text: str, style: Style) -> str:
    tag = _TAGS[style]
    escaped = escape(text)
    return f"<{tag}>{escaped}</{tag}>" if tag else escaped


def render(reply: Reply, limit: int = TEXT_LIMIT) -> list[str]:
    """The reply's text as HTML messages, each within `limit` visible characters."""
    separator = telegram_length(PARAGRAPH_SEPARATOR)
    pieces: list[tuple[str, int, bool]] = []  # (html, visible length, is a heading)
    for block in reply.blocks:
        room = limit
        if pieces and pieces[-1][2] and pieces[-1][1] + separator <= limit // 2:
            room = limit - pieces[-1][1] - separator  # its start fits beside the heading
        heading = block.style in _HEADINGS
        pieces.extend((html, size, heading) for html, size in _block_pieces(block, room))
    messages: list[str] = []
    current: list[tuple[str, int, bool]] = []
    length = 0
    for piece in pieces:
        added = piece[1] + (separator if current else 0)
        if current and length + added > limit:
            carried = [current.pop()] if len(current) > 1 and current[-1][2] else []
            messages.append(PARAGRAPH_SEPARATOR.join(html for html, _, _ in current))
            current = carried
            length = carried[0][1] if carried else 0
            added = piece[1] + (separator if current else 0)
        current.append(piece)
        length += added
    if current:
        messages.append(PARAGRAPH_SEPARATOR.join(html for html, _, _ in current))
    return messages


def _block_pieces(block: Block, limit: int) -> Iterator[tuple[str, int]]:
    text = block.text.strip("\n")
    if not text.strip():
        return
    for part in split_text(text, limit):
        yield block_html(part, block.style), telegram_length(part)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut `text` into parts within `limit`, at a line break, else a sentence end, else a
    space, else anywhere (never inside a character)."""
    parts: list[str] = []
    while telegram_length(text) > limit:
        window = _prefix_within(text, limit)
        cut = _last_split_point(window)
        if cut is None:
            head, text = window, text[len(window) :]
        else:
            head, text = window[:cut], text[cut:].lstrip()
        head = head.rstrip()
        if head:
            parts.append(head)
    if text.strip():
        parts.append(text)
    return parts


def _prefix_within(text: str, limit: int) -> str:
    """The longest prefix of `text` whose Telegram length is at most `limit`."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return text[:index]
    return text


def _last_split_point(window: str) -> int | None:
    minimum = len(window) // 4  # do not leave a tiny piece behind for a far-away break
    for pattern in _SPLIT_POINTS:
        cuts = [m.start() for m in pattern.finditer(window) if m.start() > minimum]
        if cuts:
            return cuts[-1]
    return None

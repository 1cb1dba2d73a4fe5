"""Answer text as the official wrote it, turned into blocks and inline runs.

The conventions are the ones the seeds use: paragraphs are separated by a blank
line, a line starting with `-`, `•` or `✓` is a bullet (`- ✓` shows a check mark;
whether the author used the dash is kept in ListItem.dash), `*italic*` and
`**bold**` mark emphasis. Everything else is literal text: nothing here is ever
interpreted as markup of an output format.
"""

from __future__ import annotations

import re

from bot.documents.model import Block, BulletList, ListItem, Paragraph, Span
from bot.mall.clean_text import remove_invisible

# Characters XML 1.0 does not allow (and that have no business in a report):
# the C0 controls except tab and newline, DEL and the C1 controls, lone
# surrogates and the non-characters U+FFFE and U+FFFF.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_SEPARATORS = re.compile("\r\n|\r|\u2028|\u2029|\x85")

# A bullet line: optional indentation, one marker, at least one space.
_BULLET = re.compile(r"^[ \t]*([-–•✓✔])[ \t]+(.*)$")
# "- ✓ text": the dash is the list syntax, the check mark is the bullet shown.
_CHECK_AFTER_DASH = re.compile(r"^([✓✔•])[ \t]+(.*)$")
_MARKERS = {"-": "•", "–": "•", "•": "•", "✓": "✓", "✔": "✓"}

# *italic*, **bold**, ***both***: the text inside must not start or end with a space.
_EMPHASIS = re.compile(r"(\*{1,3})(?=[^\s*])(.+?)(?<=[^\s*])\1(?!\*)", re.DOTALL)


def clean_text(text: str) -> str:
    """Drop characters no document format accepts and invisible ones that could change what
    the page shows (bidi controls, zero-width characters); one kind of line break; tabs as
    spaces."""
    text = remove_invisible(_LINE_SEPARATORS.sub("\n", text)).text
    text = _INVALID.sub("", text)
    return text.replace("\t", " ")


def clean_line(text: str) -> str:
    """Like clean_text, for text that must stay on one line (names, headings)."""
    return " ".join(clean_text(text).split())


def parse_inline(text: str, *, bold: bool = False, italic: bool = False) -> tuple[Span, ...]:
    """Split text into runs with their emphasis; unmatched asterisks stay as they are."""
    spans: list[Span] = []
    position = 0
    for match in _EMPHASIS.finditer(text):
        if match.start() > position:
            spans.append(Span(text[position : match.start()], bold, italic))
        stars = len(match.group(1))
        spans.extend(
            parse_inline(
                match.group(2),
                bold=bold or stars >= 2,
                italic=italic or stars in (1, 3),
            )
        )
        position = match.end()
    if position < len(text):
        spans.append(Span(text[position:], bold, italic))
    return _merge(spans)


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if merged and (merged[-1].bold, merged[-1].italic) == (span.bold, span.italic):
            merged[-1] = Span(merged[-1].text + span.text, span.bold, span.italic)
        else:
            merged.append(span)
    return tuple(merged)


def _bullet(line: str) -> tuple[str, bool, str] | None:
    """(marker shown, written with a dash, the item's text) for a bullet line."""
    match = _BULLET.match(line)
    if match is None:
        return None
    marker, rest = match.group(1), match.group(2)
    dash = marker in "-–"
    inner = _CHECK_AFTER_DASH.match(rest) if dash else None
    if inner is not None:
        marker, rest = inner.group(1), inner.group(2)
    return _MARKERS[marker], dash, rest


def parse_blocks(text: str) -> tuple[Block, ...]:
    """Turn an answer into paragraphs and bullet lists, in the order written."""
    lines = [line.rstrip() for line in clean_text(text).split("\n")]
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[tuple[str, bool, list[str]]] = []

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append(Paragraph(parse_inline("\n".join(paragraph))))
            paragraph.clear()

    def flush_items() -> None:
        if not items:
            return
        new = tuple(
            ListItem(marker, parse_inline(" ".join(parts)), dash) for marker, dash, parts in items
        )
        if blocks and isinstance(blocks[-1], BulletList):
            blocks[-1] = BulletList(blocks[-1].items + new)  # a list split by a blank line
        else:
            blocks.append(BulletList(new))
        items.clear()

    for line in lines:
        if not line.strip():
            flush_paragraph()
            flush_items()
            continue
        bullet = _bullet(line)
        if bullet is not None:
            flush_paragraph()
            items.append((bullet[0], bullet[1], [bullet[2].strip()]))
        elif items and line[:1].isspace():
            items[-1][2].append(line.strip())  # an indented line continues the item
        else:
            flush_items()
            paragraph.append(line.strip())
    flush_paragraph()
    flush_items()
    return tuple(blocks)

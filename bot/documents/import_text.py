"""The text form every reader of a draft produces, and the reader of plain text files.

A reader (text, DOCX, PDF) turns a file into one markdown-like text of blocks
(paragraphs and list items, **bold** and *italic*) and returns it as a `FileText`,
with what else the file says of the report: a diarienummer from its properties or
footers, the answers a Redovisa PDF carries. See `bot.documents.importer`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.mall.clean_text import remove_invisible
from bot.mall.errors import UserFacingError

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u2060\ufeff]")


@dataclass(frozen=True)
class AttachedAnswers:
    """The answers.json a PDF rendered by Redovisa carries: the answers as they were given."""

    template_id: str
    case_number: str | None
    answers: dict[str, str]


@dataclass(frozen=True)
class FileText:
    """A file's text, and what else it says about the report."""

    text: str
    case_number: str | None = None  # from the file's properties or page footers
    attached: AttachedAnswers | None = None


@dataclass
class Block:
    """A paragraph or a list item of the text."""

    text: str
    is_list: bool = False
    is_row: bool = False  # a table's row, its cells separated by tabs


def join_blocks(blocks: list[Block]) -> str:
    """Blocks one after the other: list items and table rows on their own lines,
    paragraphs apart."""
    parts: list[str] = []
    for n, block in enumerate(blocks):
        if n:
            before = blocks[n - 1]
            together = (block.is_list and before.is_list) or (block.is_row and before.is_row)
            parts.append("\n" if together else "\n\n")
        parts.append(block.text)
    return "".join(parts)


def emphasise(segments: list[tuple[str, bool, bool]]) -> str:
    """Runs as text with **bold** and *italic*; a wholly bold paragraph is bold once."""
    merged: list[tuple[str, bool, bool]] = []
    for text, bold, italic in segments:
        if merged and (merged[-1][1], merged[-1][2]) == (bold, italic):
            merged[-1] = (merged[-1][0] + text, bold, italic)
        elif merged and not text.strip():
            merged[-1] = (merged[-1][0] + text, merged[-1][1], merged[-1][2])
        else:
            merged.append((text, bold, italic))
    out: list[str] = []
    for text, bold, italic in merged:
        core = text.strip()
        if not core or not (bold or italic):
            out.append(text)
            continue
        mark = "**" if bold else "*"
        if bold and italic:
            mark = "***"
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        out.append(f"{lead}{mark}{core}{mark}{trail}")
    return "".join(out).strip()


def read_text_file(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), else cp1252."""
    if b"\x00" in data[:4096]:
        raise UserFacingError(
            "Filen kunde inte läsas: den verkar inte vara en textfil. "
            "Skicka utkastet som .txt, .md, .docx eller PDF."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def clean_text(text: str) -> str:
    """NFC, Unix line ends, no control characters, no trailing blank lines. Tabs stay: they
    separate the cells of a pasted table (bot/review/budget_table.py reads its columns)."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    text = text.replace("\u2011", "-")  # a non-breaking hyphen reads as "-"
    text = _CONTROL_RE.sub("", remove_invisible(text).text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n") + "\n"

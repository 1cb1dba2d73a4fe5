"""Reading a PDF draft: its text with position and font, joined into markdown-like paragraphs.

Wrapped lines are joined, bold fonts become `**…**`, bullets `- `; lines repeated on
several pages (headers, footers) are kept once at the end; page numbers and
Redovisa's own footers and UTKAST marks are dropped. A Redovisa PDF's `answers.json`
attachment is read when it is there. See `bot.documents.importer`.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bot.documents.import_lines import BULLET_RE, CASE_NUMBER_RE, normalise, strip_markdown
from bot.documents.import_text import AttachedAnswers, Block, FileText, emphasise, join_blocks
from bot.documents.model import ATTACHMENT_FORMAT, ATTACHMENT_NAME, DraftMark
from bot.mall.errors import UserFacingError

MAX_PDF_PAGES = 500


@dataclass
class _Piece:
    text: str
    bold: bool
    italic: bool


@dataclass
class _PdfLine:
    page: int
    y: float
    x: float
    size: float
    pieces: list[_Piece]

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)

    @property
    def bold(self) -> bool:
        inked = [p for p in self.pieces if p.text.strip()]
        return bool(inked) and all(p.bold for p in inked)


_PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:sida\s*)?\d{1,4}\s*(?:\(\s*\d{1,4}\s*\)|(?:av|/)\s*\d{1,4})?\s*$"
)
_PDF_BULLET_RE = re.compile(r"^\s*[•◦▪●○■]\s*")
_PDF_CHECK_RE = re.compile(r"^\s*([✓✔])\s+")
# Redovisa's page footer: "Redovisning STK-2018-1307 1 (3)" ("Redovisning 1 (3)" without one).
_RENDERED_FOOTER_RE = re.compile(rf"^Redovisning(?: ({CASE_NUMBER_RE.pattern}))? \d+ \(\d+\)$")
# Redovisa's page header (the letterhead, the diarienummer and the date) lies in the top
# margin of its pages, this far from the top edge; in its PDFs that band is not the report.
RENDERED_HEADER_PT = 95.0


def read_pdf(data: bytes) -> str:
    """The text of a PDF as markdown-like text (paragraphs, bullets, bold)."""
    return read_pdf_file(data).text


def read_pdf_file(data: bytes) -> FileText:
    invalid = "Filen kunde inte läsas: den verkar inte vara en giltig PDF."
    if b"%PDF" not in data[:1024]:
        raise UserFacingError(invalid)
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UserFacingError(
                "PDF-filen är lösenordsskyddad och kan inte läsas. Ta bort lösenordet "
                "eller skicka utkastet som Word-fil."
            )
        pages = list(reader.pages)
        if len(pages) > MAX_PDF_PAGES:
            raise UserFacingError(
                f"PDF-filen har {len(pages)} sidor; högst {MAX_PDF_PAGES} kan läsas."
            )
        lines = [line for n, page in enumerate(pages) for line in _pdf_page_lines(n, page)]
        if any(_RENDERED_FOOTER_RE.match(" ".join(line.text.split())) for line in lines):
            tops = [float(page.mediabox.top) for page in pages]
            lines = [line for line in lines if line.y < tops[line.page] - RENDERED_HEADER_PT]
        attached = _attached_answers(reader)
    except UserFacingError:
        raise
    except Exception as exc:  # pypdf raises many types for a broken file
        raise UserFacingError(invalid) from exc
    text, footer_cases = _pdf_text(lines, len(pages))
    return FileText(text, footer_cases[0] if footer_cases else None, attached)


def _attached_answers(reader: Any) -> AttachedAnswers | None:
    """The answers.json Redovisa attaches to its PDF, when it is there and well formed."""
    try:
        contents = reader.attachments.get(ATTACHMENT_NAME)
    except Exception:  # a broken name tree: read the text instead
        return None
    if not contents:
        return None
    try:
        payload = json.loads(contents[0])
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or payload.get("format") != ATTACHMENT_FORMAT:
        return None
    template_id, case_number = payload.get("template_id"), payload.get("case_number")
    answers = payload.get("answers")
    if (
        not isinstance(template_id, str)
        or not (case_number is None or isinstance(case_number, str))
        or not isinstance(answers, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in answers.items())
    ):
        return None
    return AttachedAnswers(template_id, case_number or None, dict(answers))


def _mult(m: list[float], n: list[float]) -> list[float]:
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def _pdf_page_lines(number: int, page: Any) -> list[_PdfLine]:
    """The page's lines as pypdf breaks them, with position, size and boldness."""
    lines: list[_PdfLine] = []
    current: _PdfLine | None = None

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        nonlocal current
        chunks = text.split("\n")
        for k, chunk in enumerate(chunks):
            if k > 0:
                current = None
            if not chunk:
                continue
            name = str((font or {}).get("/BaseFont", "")) if font else ""
            lowered = name.casefold()
            bold = any(w in lowered for w in ("bold", "black", "heavy", "semibold", "demi"))
            italic = "italic" in lowered or "oblique" in lowered
            if current is None:
                matrix = _mult([float(v) for v in tm], [float(v) for v in cm])
                scale = abs(matrix[3]) or 1.0
                current = _PdfLine(number, matrix[5], matrix[4], float(size) * scale, [])
                lines.append(current)
            current.pieces.append(_Piece(chunk, bold, italic))

    page.extract_text(visitor_text=visit)
    return [line for line in lines if line.text.strip()]


def _pdf_text(lines: list[_PdfLine], page_count: int) -> tuple[str, list[str]]:
    """Join the lines into paragraphs; page furniture goes to its own trailing block.

    Also returns the diarienummer of Redovisa's own page footers, which are dropped
    (as are its UTKAST marks): they are no text of the report.
    """
    footer_cases: list[str] = []
    kept = []
    for line in lines:
        plain = " ".join(line.text.split())
        footer = _RENDERED_FOOTER_RE.match(plain)
        if footer is not None:
            if footer.group(1):
                footer_cases.append(footer.group(1))
        elif plain != DraftMark.label:
            kept.append(line)
    lines = kept
    key = {id(line): re.sub(r"\d+", "#", normalise(line.text)) for line in lines}
    pages_with: Counter[str] = Counter()
    for line_key, _page in {(key[id(line)], line.page) for line in lines}:
        pages_with[line_key] += 1
    furniture: list[str] = []
    furniture_keys: set[str] = set()
    body: list[_PdfLine] = []
    for line in lines:
        if _PAGE_NUMBER_RE.match(line.text):
            continue  # a bare page number is not text of the draft
        if page_count > 1 and pages_with[key[id(line)]] >= 2 and len(line.text) < 200:
            if key[id(line)] not in furniture_keys:  # once, with the first page's number
                furniture_keys.add(key[id(line)])
                furniture.append(line.text.strip())
            continue
        body.append(line)

    # A line much shorter than a full one ends where the author broke it (a name and
    # title under the signature); a full line was wrapped by the layout.
    def width(line: _PdfLine) -> float:  # characters times font size: about the ink's width
        return len(line.text.strip()) * line.size

    widths = sorted(width(line) for line in body) or [0.0]
    full = widths[int(0.9 * (len(widths) - 1))]

    def short(line: _PdfLine) -> bool:
        return width(line) < 0.7 * full

    paragraphs: list[tuple[list[_PdfLine], bool]] = []
    previous: _PdfLine | None = None
    for line in body:
        bullet = bool(_PDF_BULLET_RE.match(line.text) or BULLET_RE.match(line.text))
        if previous is not None and line.page != previous.page:
            group = paragraphs[-1][0]
            open_end = not strip_markdown(previous.text).rstrip().endswith((".", ":", "?", "!"))
            block_goes_on = len(group) > 1 and all(short(x) for x in group) and short(line)
            new = (
                bullet
                or line.bold != previous.bold
                or not open_end
                or not (block_goes_on or not short(previous))
            )
        else:
            new = (
                previous is None
                or bullet
                or previous.y - line.y > 1.5 * max(line.size, previous.size)
                or previous.y < line.y
                or line.bold != previous.bold
            )
        if new:
            paragraphs.append(([line], bullet))
        else:
            paragraphs[-1][0].append(line)
        previous = line

    blocks = [
        Block(_pdf_paragraph(group, bullet, [short(x) for x in group]), bullet)
        for group, bullet in paragraphs
    ]
    text = join_blocks([b for b in blocks if b.text.strip()])
    if furniture:
        text += "\n\n" + "\n".join(furniture)
    return text, footer_cases


def _pdf_paragraph(lines: list[_PdfLine], bullet: bool, short: list[bool]) -> str:
    """One paragraph's lines joined: wrapped lines with a space, short lines with a break."""
    text = ""
    for n, line in enumerate(lines):
        part = _pdf_line_markdown(line).strip()
        if n and short[n - 1] and not bullet:
            text += "\n" + part
            continue
        for mark in ("**", "*"):
            # emphasis that goes on over the line break: one span, not two
            closes = text.endswith(mark) and not text.endswith(mark + "*")
            opens = part.startswith(mark) and not part.startswith(mark + "*")
            if closes and opens:
                text, part = text[: -len(mark)], part[len(mark) :]
                break
        if not text:
            text = part
        elif lines[n - 1].text.endswith((" ", "\u00a0")):
            text += " " + part  # the layout broke the line at a space
        elif text.endswith("/"):
            text += part
        elif (
            re.search(r"[a-zåäö]-$", text)
            and re.match(r"[a-zåäö]", part)
            and not re.match(r"(och|eller|samt|respektive|till)\b", part)
        ):
            text = text[:-1] + part  # a word hyphenated at the end of the line
        else:
            text += " " + part
    if bullet:
        text = _PDF_BULLET_RE.sub("- ", text, count=1)
        text = _PDF_CHECK_RE.sub(r"- \1 ", text, count=1)  # a ✓ list as `- ✓ …`
    return text


def _pdf_line_markdown(line: _PdfLine) -> str:
    merged: list[_Piece] = []
    for piece in line.pieces:
        if merged and (merged[-1].bold, merged[-1].italic) == (piece.bold, piece.italic):
            merged[-1] = _Piece(merged[-1].text + piece.text, piece.bold, piece.italic)
        else:
            merged.append(_Piece(piece.text, piece.bold, piece.italic))
    return emphasise([(p.text, p.bold, p.italic) for p in merged])

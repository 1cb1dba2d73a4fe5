"""Import an earlier draft of a report (issue 4): TXT/MD, DOCX or PDF into the mall's answers.

`import_report(filename, data, catalog)` reads the file into one markdown-like text
(see `bot.documents.import_headings` for the format and for how the questions are
found) and returns an `ImportedReport`. Nothing is stored here; the caller shows the
result and lets the user accept it.

Decisions worth knowing:

- Text files are decoded as UTF-8 (a BOM is allowed), else as cp1252. Control
  characters other than newline and tab are removed; form feeds become line breaks.
- DOCX: the body's paragraphs and tables, in order. A paragraph with a Heading
  style becomes `### …`, a list paragraph `- …`, bold and italic runs `**…**` and
  `*…*`. The page headers and footers of a DOCX are not read: they are letterhead,
  not the draft. A paragraph is never joined to the next one (no page splits them).
  Redovisa's own DOCX (bot.documents.docx_renderer) types its bullet as `•<tab>` or
  `✓<tab>` and says with the paragraph style how the author wrote the item: "List
  Bullet" for `- …` / `- ✓ …`, "List" for a bare `• …` / `✓ …`; both come back as
  written. Its diarienummer is read from the document's keywords when the text has none.
- PDF: when the PDF carries Redovisa's `answers.json` attachment, the template and
  the answers are taken from it exactly; the text still gives the rest. Otherwise
  (and for every other PDF) the text of each page with the position and font of
  each piece, so that wrapped lines are joined into paragraphs (a line that ends
  in a space was broken there), bold fonts become `**…**`, and list bullets (`•`)
  become `- `, `✓` `- ✓ `. Lines that repeat on several pages (a page header or
  footer) are moved to `unassigned_text` once; bare page numbers, Redovisa's
  footers ("Redovisning STK-… 1 (3)") and its UTKAST marks are dropped.
- Redovisa's own additions around the answers are no answers: a draft's list of
  what is missing, the "[Svar saknas]" placeholder and the signature block's rule,
  "Namnförtydligande:" label and empty "Datum:" line (see import_headings).
- An address block / letterhead found in the middle of an answer (seed 004) is
  moved out of the answer into `unassigned_text`, and the sentence it split is
  joined again. Text is never dropped: whatever belongs to no question and is not
  the mall's fixed text ends up in `unassigned_text`.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from bot.documents.docx_renderer import GLYPH_ITEM_STYLE
from bot.documents.import_headings import (
    BULLET_RE,
    CASE_NUMBER_RE,
    normalise,
    parse_draft,
    signature_of,
    strip_markdown,
)
from bot.documents.model import ATTACHMENT_FORMAT, ATTACHMENT_NAME, DraftMark
from bot.mall.amounts import Role, find_amounts
from bot.mall.errors import UserFacingError
from bot.mall.template import TemplateCatalog

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a DOCX is a zip: guard against zip bombs
MAX_PDF_PAGES = 500

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SourceFormat = Literal["text", "docx", "pdf"]

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u2060\ufeff]")
_AMOUNT_RE = re.compile(
    r"\d[\d\s\u00a0.]*(?:,\d+)?\s*(?:kr\b|kronor|konor|tkr|mkr|tusen|miljon|sek\b)",
    re.IGNORECASE,
)
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])")
_RENDERED_BULLET_RE = re.compile(r"^([•✓])\t")


class ImportedReport(BaseModel):
    """What an imported draft says, to be shown to the user before anything is stored."""

    model_config = ConfigDict(frozen=True)

    filename: str
    source_format: SourceFormat
    template_id: str
    template_reason: str  # why this template was chosen (Swedish, for the log and the user)
    answers: dict[str, str]  # question key -> answer text (markdown-like, see the module doc)
    missing_keys: list[str]  # the template's questions that got no answer from the file
    case_numbers: list[str]  # every diarienummer in the file, in order of appearance
    case_number: str | None  # the most frequent one (the first on a tie)
    granted_amount_text: str | None  # the sentence of the budget answer with the amount granted
    granted_amount_kr: int | None  # that amount in kronor, when the amount parser exists
    signature: str  # the name under "Underskrift ansvarig chef", "" when none
    recipients: list[str]  # e-mail addresses in the closing text
    last_reply_date: str | None  # as written after "Sista datum för nämndens svar är:"
    unassigned_text: list[str]  # text of no question and not the mall's fixed text
    warnings: list[str]  # Swedish notes for the user about what could not be placed


def import_report(filename: str, data: bytes, catalog: TemplateCatalog) -> ImportedReport:
    """Read an earlier draft (.txt, .md, .docx, .pdf) into the answers of a mall.

    Raises `UserFacingError` with a Swedish message when the file is empty, too
    large, of a type that is not supported, corrupt or holds no text.
    """
    suffix = PurePath(filename or "").suffix.lower()
    if not data:
        raise UserFacingError("Filen är tom. Skicka utkastet igen.")
    if len(data) > MAX_FILE_BYTES:
        size_mb = len(data) / (1024 * 1024)
        raise UserFacingError(
            f"Filen är för stor ({size_mb:.1f} MB). Den får vara högst "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB."
        )
    source: SourceFormat
    if suffix in TEXT_SUFFIXES:
        read, source = _Read(read_text_file(data)), "text"
    elif suffix == ".docx":
        read, source = _read_docx(data), "docx"
    elif suffix == ".pdf":
        read, source = _read_pdf(data), "pdf"
    elif suffix == ".doc":
        raise UserFacingError(
            "Filtypen .doc (äldre Word-format) stöds inte. Spara dokumentet som .docx "
            "eller PDF och skicka det igen."
        )
    else:
        shown = suffix or "utan filändelse"
        raise UserFacingError(
            f"Filtypen ({shown}) stöds inte. Skicka utkastet som Word-fil (.docx), "
            "PDF eller textfil (.txt, .md)."
        )
    text = clean_text(read.text)
    if not text.strip():
        raise UserFacingError(
            "Filen kunde inte läsas: den innehåller ingen text. Är den en inskannad bild? "
            "Skicka i så fall utkastet som Word-fil eller text."
        )
    report = build_report(filename, source, text, catalog, attached=read.attached)
    if report.case_number is None and read.case_number:
        report = report.model_copy(
            update={"case_number": read.case_number, "case_numbers": [read.case_number]}
        )
    return report


@dataclass(frozen=True)
class AttachedAnswers:
    """The answers.json a PDF rendered by Redovisa carries: the answers as they were given."""

    template_id: str
    case_number: str | None
    answers: dict[str, str]


@dataclass(frozen=True)
class _Read:
    """A file's text, and what else it says about the report."""

    text: str
    case_number: str | None = None  # from the file's properties or page footers
    attached: AttachedAnswers | None = None


def build_report(
    filename: str,
    source: SourceFormat,
    text: str,
    catalog: TemplateCatalog,
    attached: AttachedAnswers | None = None,
) -> ImportedReport:
    """The report from text already in the importer's markdown-like form.

    `attached` (a Redovisa PDF's answers.json) gives the template and the answers
    when it fits a template of the catalog; the text still gives the rest (the
    recipients, the last reply date, text of no question).
    """
    parsed = parse_draft(text, catalog, heal_page_splits=source != "docx")
    if attached is not None and _fits(attached, catalog):
        template = catalog.get(attached.template_id)
        answers = {
            q.key: attached.answers[q.key]
            for q in template.questions
            if attached.answers.get(q.key, "").strip()
        }
        parsed = replace(
            parsed,
            template_id=template.id,
            template_reason=f"{template.id}: enligt svaren som Redovisa bifogade i PDF-filen "
            f"({ATTACHMENT_NAME})",
            answers=answers,
            signature=signature_of(template, answers),
            case_number=attached.case_number or parsed.case_number,
            headings_found=list(answers) or parsed.headings_found,
        )
    template = catalog.get(parsed.template_id)
    missing = [q.key for q in template.questions if q.key not in parsed.answers]
    budget_text = parsed.answers.get("budget", "")
    granted = find_granted_sentence(budget_text) or (
        find_granted_sentence(text) if not parsed.answers else None
    )
    warnings: list[str] = []
    if not parsed.headings_found:
        warnings.append(
            "Inga av mallens frågor hittades i filen. Hela texten finns kvar som text "
            "utan fråga; välj själv vilken fråga varje del hör till."
        )
    elif missing:
        names = ", ".join(template.question(k).text.rstrip(":?") for k in missing)
        warnings.append(f"Inget svar hittades på: {names}.")
    if parsed.unassigned_text:
        warnings.append(
            f"{len(parsed.unassigned_text)} textstycken hörde inte till någon fråga; "
            "de visas separat och har inte tagits bort."
        )
    return ImportedReport(
        filename=filename,
        source_format=source,
        template_id=parsed.template_id,
        template_reason=parsed.template_reason,
        answers=parsed.answers,
        missing_keys=missing,
        case_numbers=parsed.case_numbers,
        case_number=parsed.case_number,
        granted_amount_text=granted,
        granted_amount_kr=_amount_in_kronor(granted) if granted else None,
        signature=parsed.signature,
        recipients=parsed.recipients,
        last_reply_date=parsed.last_reply_date,
        unassigned_text=parsed.unassigned_text,
        warnings=warnings,
    )


def _fits(attached: AttachedAnswers, catalog: TemplateCatalog) -> bool:
    if attached.template_id not in catalog:
        return False
    keys = {q.key for q in catalog.get(attached.template_id).questions}
    return set(attached.answers) <= keys


# --- amounts ------------------------------------------------------------------------


def find_granted_sentence(text: str) -> str | None:
    """The sentence that says how much was granted (or, failing that, applied for)."""
    plain = strip_markdown(text.replace("\n", " "))
    sentences = [s.strip() for s in _SENTENCE_SPLIT_RE.split(plain) if s.strip()]
    with_amount = [s for s in sentences if _AMOUNT_RE.search(s)]
    for stem in ("bevilja", "beviljn", "tilldela", "erhåll", "fått", "ansök", "sökt"):
        for sentence in with_amount:
            if stem in sentence.casefold():
                return sentence
    return with_amount[0] if with_amount else None


def _amount_in_kronor(sentence: str) -> int | None:
    """The sentence's granted amount, else the one applied for, else its first amount."""
    found = find_amounts(sentence)
    for wanted in (Role.GRANTED, Role.APPLIED):
        for amount in found:
            if amount.role is wanted:
                return amount.value
    return found[0].value if found else None


# --- text ---------------------------------------------------------------------------


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
    """NFC, Unix line ends, no control characters, no trailing blank lines."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    text = text.replace("\t", " ").replace("\u00ad", "")
    text = _CONTROL_RE.sub("", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n") + "\n"


# --- DOCX ---------------------------------------------------------------------------


def _read_docx(data: bytes) -> _Read:
    invalid = "Filen kunde inte läsas: den verkar inte vara en giltig Word-fil (.docx)."
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UserFacingError(invalid)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise UserFacingError(invalid) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise UserFacingError("Filen är för stor när den packas upp; den kan inte läsas.")
    try:
        import docx  # python-docx

        document = docx.Document(io.BytesIO(data))
        blocks = list(_docx_blocks(document))
        keywords = (document.core_properties.keywords or "").strip()
    except UserFacingError:
        raise
    except Exception as exc:  # python-docx/lxml raise many types for a broken file
        raise UserFacingError(invalid) from exc
    # Redovisa's DOCX names the diarienummer in its properties (a 2018 mall has it nowhere else).
    case_number = keywords if CASE_NUMBER_RE.fullmatch(keywords) else None
    return _Read(_join_blocks(blocks), case_number)


@dataclass
class _Block:
    text: str
    is_list: bool = False


def _docx_blocks(container: Any) -> Any:
    """Paragraphs and table cells, in document order, as blocks."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            block = _docx_paragraph(item)
            if block is not None:
                yield block
        elif isinstance(item, Table):
            seen: set[int] = set()
            for row in item.rows:
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    yield from _docx_blocks(cell)


def _docx_paragraph(paragraph: Any) -> _Block | None:
    style = paragraph.style
    style_name = (style.name or "").casefold() if style is not None else ""
    p_pr = paragraph._p.pPr
    is_list = (
        "list" in style_name
        or "lista" in style_name
        or (p_pr is not None and p_pr.numPr is not None)
    )
    is_heading = style_name.startswith(("heading", "rubrik", "title", "titel"))
    segments: list[tuple[str, bool, bool]] = []
    for item in paragraph.iter_inner_content():
        runs = getattr(item, "runs", None) or [item]  # a hyperlink holds runs
        for run in runs:
            segments.append((run.text, _run_flag(run, "bold"), _run_flag(run, "italic")))
    plain = "".join(s[0] for s in segments)
    if not plain.strip():
        return None
    if is_heading:
        return _Block("### " + " ".join(plain.split()))
    marker = _rendered_marker(segments)
    text = _emphasise(segments)
    if marker is not None:
        # Written by our DOCX renderer: the style says whether the author wrote `- …`.
        if style_name == GLYPH_ITEM_STYLE.casefold():
            return _Block(f"{marker} {text}", is_list=True)
        return _Block(("- ✓ " if marker == "✓" else "- ") + text, is_list=True)
    if is_list:
        if not text.startswith("- "):
            text = "- " + text.lstrip()  # the author's own marker (✓ …) stays after it
        return _Block(text, is_list=True)
    return _Block(text)


def _rendered_marker(segments: list[tuple[str, bool, bool]]) -> str | None:
    """The bullet a paragraph starts with as `•<tab>` or `✓<tab>` (taken off the segments)."""
    if not segments:
        return None
    first, bold, italic = segments[0]
    match = _RENDERED_BULLET_RE.match(first)
    if match is None:
        return None
    segments[0] = (first[match.end() :], bold, italic)
    return match.group(1)


def _run_flag(run: Any, name: str) -> bool:
    value = getattr(run, name, None)
    if value is None and run.style is not None:
        value = getattr(run.style.font, name, None)
    return bool(value)


def _emphasise(segments: list[tuple[str, bool, bool]]) -> str:
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


def _join_blocks(blocks: list[_Block]) -> str:
    parts: list[str] = []
    for n, block in enumerate(blocks):
        if n:
            together = block.is_list and blocks[n - 1].is_list
            parts.append("\n" if together else "\n\n")
        parts.append(block.text)
    return "".join(parts)


# --- PDF ----------------------------------------------------------------------------


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
# Redovisa's page footer: "Redovisning STK-2018-1307 1 (3)".
_RENDERED_FOOTER_RE = re.compile(rf"^Redovisning ({CASE_NUMBER_RE.pattern}) \d+ \(\d+\)$")


def read_pdf(data: bytes) -> str:
    """The text of a PDF as markdown-like text (paragraphs, bullets, bold)."""
    return _read_pdf(data).text


def _read_pdf(data: bytes) -> _Read:
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
        attached = _attached_answers(reader)
    except UserFacingError:
        raise
    except Exception as exc:  # pypdf raises many types for a broken file
        raise UserFacingError(invalid) from exc
    text, footer_cases = _pdf_text(lines, len(pages))
    return _Read(text, footer_cases[0] if footer_cases else None, attached)


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
        _Block(_pdf_paragraph(group, bullet, [short(x) for x in group]), bullet)
        for group, bullet in paragraphs
    ]
    text = _join_blocks([b for b in blocks if b.text.strip()])
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
    return _emphasise([(p.text, p.bold, p.italic) for p in merged])

"""Import an earlier draft of a report (issue 4): TXT/MD, DOCX or PDF into the mall's answers.

`import_report(filename, data, catalog)` reads the file into one markdown-like text
(see `bot.documents.import_draft` for the format and for how the questions are
found) and returns an `ImportedReport`. Nothing is stored here; the caller shows the
result and lets the user accept it. The readers of each format are
`import_text`, `import_docx` and `import_pdf`.

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
  "Namnförtydligande:" and "Befattning:" labels (the text after them is kept), its
  "Ort och datum:" line and an empty "Datum:" line (see import_lines.signer_lines). In
  a Redovisa PDF (its footer found) the page header band, Malmö stad's letterhead with
  the diarienummer and date, is not read; a DOCX's headers and footers never are.
- Invisible characters (bidi controls, zero-width and other format characters, see
  bot.mall.clean_text) are removed from the text and from an attached answers.json, and
  a warning says how many and which; a non-breaking hyphen reads as "-".
- A last reply date that names one day is also given as a date (`last_reply_day`).
- An address block / letterhead found in the middle of an answer (seed 004) is
  moved out of the answer into `unassigned_text`, and the sentence it split is
  joined again. Text is never dropped: whatever belongs to no question and is not
  the mall's fixed text ends up in `unassigned_text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import PurePath
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.documents.file_reader import TEXT_SUFFIXES, read_file_text
from bot.documents.import_draft import parse_draft, signature_of
from bot.documents.import_lines import strip_markdown
from bot.documents.import_pdf import read_pdf
from bot.documents.import_text import AttachedAnswers, FileText, clean_text, read_text_file
from bot.documents.model import ATTACHMENT_NAME
from bot.mall.amounts import Role, find_amounts
from bot.mall.clean_text import remove_invisible
from bot.mall.dates import Precision, find_dates
from bot.mall.errors import UserFacingError
from bot.mall.template import TemplateCatalog

MAX_FILE_BYTES = 20 * 1024 * 1024

SourceFormat = Literal["text", "docx", "pdf"]

_AMOUNT_RE = re.compile(
    r"\d[\d\s\u00a0.]*(?:,\d+)?\s*(?:kr\b|kronor|konor|tkr|mkr|tusen|miljon|sek\b)",
    re.IGNORECASE,
)
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])")

__all__ = [
    "AttachedAnswers",
    "ImportedReport",
    "SourceFormat",
    "build_report",
    "clean_text",
    "find_granted_sentence",
    "import_report",
    "read_pdf",
    "read_text_file",
]


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
    last_reply_day: date | None = None  # that date as a date, when it names one day
    decision_day: date | None = None  # the decision's day in the mall's intro, when it names one
    unassigned_text: list[str]  # text of no question and not the mall's fixed text
    warnings: list[str]  # Swedish notes for the user about what could not be placed


def import_report(
    filename: str,
    data: bytes,
    catalog: TemplateCatalog,
    reader: Callable[[str, bytes], FileText] = read_file_text,
) -> ImportedReport:
    """Read an earlier draft (.txt, .md, .docx, .pdf) into the answers of a mall.

    `reader` gives the file's text (in this process by default; the bot passes the
    bounded worker of bot/documents/file_reader.py).

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
        source = "text"
    elif suffix == ".docx":
        source = "docx"
    elif suffix == ".pdf":
        source = "pdf"
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
    read = reader(filename, data)
    text = clean_text(read.text)
    if not text.strip():
        raise UserFacingError(
            "Filen kunde inte läsas: den innehåller ingen text. Är den en inskannad bild? "
            "Skicka i så fall utkastet som Word-fil eller text."
        )
    attached = read.attached
    removed = list(remove_invisible(read.text).removed)
    if attached is not None:
        cleaned = {key: remove_invisible(value) for key, value in attached.answers.items()}
        removed += [char for value in cleaned.values() for char in value.removed]
        attached = replace(attached, answers={k: v.text for k, v in cleaned.items()})
    report = build_report(filename, source, text, catalog, attached=attached)
    if report.case_number is None and read.case_number:
        report = report.model_copy(
            update={"case_number": read.case_number, "case_numbers": [read.case_number]}
        )
    # Redovisa's own PDF puts word joiners and zero-width spaces where lines may not or
    # may break; they are layout, not something the author typed.
    layout = {"\u2060", "\u200b"} if source == "pdf" else set()
    told = [char for char in removed if char not in layout]
    if told:
        note = invisible_note(told)
        report = report.model_copy(update={"warnings": [*report.warnings, note]})
    return report


def invisible_note(removed: list[str]) -> str:
    """Swedish: which invisible characters were taken out of the file's text."""
    found = remove_invisible("".join(removed))
    return (
        f"{len(removed)} osynliga tecken ({', '.join(found.removed_kinds())}: "
        f"{', '.join(found.removed_codes())}) togs bort ur texten; de kan få en sida att "
        "visa något annat än det som sparas."
    )


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
        last_reply_day=one_day(parsed.last_reply_date),
        decision_day=one_day(parsed.decision_date),
        unassigned_text=parsed.unassigned_text,
        warnings=warnings,
    )


def one_day(text: str | None) -> date | None:
    """The day a text such as "2020-02-28" or "28 februari 2020" names, else None."""
    if not text:
        return None
    days = [p.start for p in find_dates(text) if p.precision is Precision.DAY]
    return days[0] if len(days) == 1 else None


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

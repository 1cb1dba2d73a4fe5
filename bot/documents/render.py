"""The one way in: build the report from the mall and the answers, render it as DOCX and/or PDF."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from bot.documents.docx_renderer import render_docx
from bot.documents.model import (
    DocumentCase,
    DraftMark,
    Remark,
    ReportDocument,
    Section,
    SignatureBlock,
    swedish_date,
)
from bot.documents.pdf_renderer import render_pdf
from bot.documents.text_markup import clean_line, clean_text, parse_blocks
from bot.mall.errors import UserFacingError
from bot.mall.template import QuestionKind, Template
from bot.review.findings import Finding

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class DocumentFormat(StrEnum):
    DOCX = "docx"
    PDF = "pdf"

    @property
    def media_type(self) -> str:
        if self is DocumentFormat.PDF:
            return "application/pdf"
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def parse_formats(value: str) -> tuple[DocumentFormat, ...]:
    """`pdf`, `docx` or `both` (as the command line writes it)."""
    value = value.strip().lower()
    if value == "both":
        return (DocumentFormat.DOCX, DocumentFormat.PDF)
    try:
        return (DocumentFormat(value),)
    except ValueError:
        raise UserFacingError(f"Okänt format: {value!r}. Välj pdf, docx eller both.") from None


@dataclass(frozen=True)
class RenderedFile:
    format: DocumentFormat
    filename: str
    content: bytes


@dataclass(frozen=True)
class RenderedDocuments:
    """The rendered files of one report, in the order the formats were asked for."""

    document: ReportDocument
    files: tuple[RenderedFile, ...]

    def get(self, fmt: DocumentFormat) -> RenderedFile:
        for rendered in self.files:
            if rendered.format is fmt:
                return rendered
        raise KeyError(fmt)

    def write_to(self, directory: Path) -> list[Path]:
        """Write every file into the folder (created if needed); return the paths."""
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for rendered in self.files:
            path = directory / rendered.filename
            path.write_bytes(rendered.content)
            paths.append(path)
        return paths


def file_name(case_number: str, fmt: DocumentFormat, *, draft: bool = False) -> str:
    """Redovisning_STK-2018-1307.pdf; a draft gets _UTKAST before the extension."""
    safe = _UNSAFE_IN_FILE_NAME.sub("_", case_number).strip("._") or "utan-diarienummer"
    suffix = "_UTKAST" if draft else ""
    return f"Redovisning_{safe}{suffix}.{fmt.value}"


def _swedish_if_iso_date(value: str) -> str:
    match = _ISO_DATE.match(value.strip())
    if not match:
        return value
    try:
        return swedish_date(date(int(match[1]), int(match[2]), int(match[3])))
    except ValueError:
        return value


def _fixed_lines(
    template: Template, lines: Iterable[str], values: dict[str, str]
) -> tuple[str, ...]:
    return tuple(clean_text(template.fill(line, values)) for line in lines)


def _remarks_by_question(findings: Iterable[Finding]) -> dict[str | None, list[Remark]]:
    grouped: dict[str | None, list[Remark]] = {}
    for finding in findings:
        text = clean_text(finding.message)
        if finding.evidence:
            text += f"\n\n”{clean_text(finding.evidence)}”"
        grouped.setdefault(finding.question, []).append(Remark(text))
    return grouped


def build_document(
    template: Template,
    answers: Mapping[str, str],
    case: DocumentCase,
    findings: Iterable[Finding] = (),
    draft: bool | None = None,
) -> ReportDocument:
    """Describe the report: the mall's fixed text filled in, each question with its answer.

    `draft=None` makes it a draft exactly when a required answer is missing;
    `draft=False` with answers missing is refused with a message for the user.
    """
    values = {k: _swedish_if_iso_date(v) for k, v in template.defaults.items()}
    values.update({k: clean_line(v) for k, v in case.template_values().items()})
    cleaned = {key: clean_text(text).strip() for key, text in answers.items()}
    remarks = _remarks_by_question(findings)
    known = {q.key for q in template.questions}

    sections: list[Section] = []
    missing: list[str] = []
    signature: SignatureBlock | None = None
    for question in template.questions:
        answer = cleaned.get(question.key, "")
        heading = clean_line(question.text)
        if question.kind is QuestionKind.SIGNATURE:
            signer = tuple(line for line in (clean_line(x) for x in answer.split("\n")) if line)
            signature = SignatureBlock(heading=heading, signer_lines=signer)
            if not signer and question.required:
                missing.append(f"{heading.rstrip(':')} (namnet på ansvarig chef)")
            continue
        if not answer and question.required:
            missing.append(heading)
        sections.append(
            Section(
                key=question.key,
                heading=heading,
                blocks=parse_blocks(answer),
                remarks=tuple(remarks.get(question.key, ())),
            )
        )
    if signature is None:
        signature = SignatureBlock(heading="Underskrift ansvarig chef:", signer_lines=())
    general = [r for key, items in remarks.items() if key not in known for r in items]

    if draft is False and missing:
        raise UserFacingError(
            "Redovisningen är inte klar, det saknas svar på: "
            + "; ".join(missing)
            + ". Skapa ett utkast i stället."
        )
    is_draft = bool(missing) if draft is None else draft
    return ReportDocument(
        template_id=template.id,
        case_number=clean_line(case.case_number),
        title=clean_line(template.title),
        intro=_fixed_lines(template, template.intro, values),
        sections=tuple(sections),
        signature=signature,
        closing=_fixed_lines(template, template.closing, values),
        answers={q.key: cleaned[q.key] for q in template.questions if cleaned.get(q.key)},
        draft=DraftMark(tuple(missing)) if is_draft else None,
        remarks=tuple(general),
    )


def render_document(
    document: ReportDocument, formats: Iterable[DocumentFormat]
) -> RenderedDocuments:
    """Render an already built document in each of the formats."""
    files = []
    for fmt in dict.fromkeys(formats):
        content = render_docx(document) if fmt is DocumentFormat.DOCX else render_pdf(document)
        name = file_name(document.case_number, fmt, draft=document.draft is not None)
        files.append(RenderedFile(fmt, name, content))
    return RenderedDocuments(document, tuple(files))


def render_report(
    template: Template,
    answers: Mapping[str, str],
    case: DocumentCase,
    formats: Iterable[DocumentFormat] = (DocumentFormat.DOCX, DocumentFormat.PDF),
    findings: Iterable[Finding] = (),
    draft: bool | None = None,
) -> RenderedDocuments:
    """Build the report and render it: the entry point for the chat and the command line."""
    document = build_document(template, answers, case, findings, draft)
    return render_document(document, formats)

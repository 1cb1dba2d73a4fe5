"""The one way in: build the report from the mall and the answers, render it as DOCX and/or PDF."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from bot.documents.docx_renderer import render_docx
from bot.documents.model import (
    DocumentCase,
    DraftMark,
    Letterhead,
    Remark,
    ReportDocument,
    Section,
    SignatureBlock,
    swedish_amount,
)
from bot.documents.pdf_renderer import render_pdf
from bot.documents.text_markup import clean_line, clean_text, parse_blocks
from bot.documents.texts import document_texts
from bot.mall.errors import UserFacingError
from bot.mall.template import QuestionKind, Template
from bot.review.findings import Finding

COMMITTEE_KEY = "namnd"  # the question whose answer names the nämnd
_DEPARTMENT = re.compile(r"förvaltning(en)?\b|\bstadskontoret\b", re.IGNORECASE)
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


def file_name(case_number: str | None, fmt: DocumentFormat, *, draft: bool = False) -> str:
    """Redovisning_STK-2018-1307.pdf; a draft gets _UTKAST before the extension."""
    safe = _UNSAFE_IN_FILE_NAME.sub("_", case_number or "").strip("._") or "utan-diarienummer"
    suffix = "_UTKAST" if draft else ""
    return f"Redovisning_{safe}{suffix}.{fmt.value}"


def _fixed_lines(
    template: Template, lines: Iterable[str], values: dict[str, str], missing: list[str]
) -> tuple[str, ...]:
    """The mall's fixed lines filled in; a line whose fact nobody gave is left out."""
    out = []
    for line in lines:
        wanted = [name for _, name, _, _ in string.Formatter().parse(line) if name]
        absent = [name for name in wanted if not values.get(name)]
        if absent:
            missing.extend(name for name in absent if name not in missing)
            continue
        out.append(clean_text(line.format(**values)))
    return tuple(out)


def _remarks_by_question(findings: Iterable[Finding]) -> dict[str | None, list[Remark]]:
    grouped: dict[str | None, list[Remark]] = {}
    for finding in findings:
        text = clean_text(finding.message)
        if finding.evidence:
            text += f"\n\n”{clean_text(finding.evidence)}”"
        grouped.setdefault(finding.question, []).append(Remark(text))
    return grouped


def department_of(signer: Sequence[str]) -> str | None:
    """The förvaltning named in the signature answer's lines (its last such line)."""
    found = [line for line in signer[1:] if _DEPARTMENT.search(line)]
    return found[-1] if found else None


def _letterhead(
    case: DocumentCase, answers: Mapping[str, str], signer: Sequence[str]
) -> Letterhead:
    committee = case.committee or (answers.get(COMMITTEE_KEY, "").split("\n")[0] or None)
    department = case.department or department_of(signer)
    return Letterhead(
        committee=clean_line(committee) if committee else None,
        department=clean_line(department) if department else None,
    )


def _given_facts(template: Template, intro: tuple[str, ...], case: DocumentCase) -> tuple[str, ...]:
    """The intro with the facts given that the mall has no variable for: the deciding body
    in place of the mall's own (or in a line of its own), the report period after it."""
    texts = document_texts()
    lines = list(intro)
    body = clean_line(case.decided_by) if case.decided_by else ""
    if body and body != template.decided_by:
        named = [i for i, line in enumerate(lines) if template.decided_by in line]
        for i in named:
            lines[i] = lines[i].replace(template.decided_by, body)
        if not named:
            lines.append(texts.decided_by_line.format(body=body))
    period = clean_line(case.report_period) if case.report_period else ""
    if period:
        lines.append(texts.report_period_line.format(period=period))
    return tuple(lines)


def budget_note(case: DocumentCase) -> str | None:
    """The confirmed budget in one line, when the official confirmed it."""
    granted, used = case.confirmed_granted_kr, case.confirmed_used_kr
    if granted is None or used is None or granted <= 0:
        return None
    return document_texts().confirmed_budget.format(
        granted=swedish_amount(granted),
        used=swedish_amount(used),
        share=round(used * 100 / granted),
        remaining=swedish_amount(granted - used),
    )


def missing_fact_names(template: Template, case: DocumentCase) -> list[str]:
    """The mall's variables this ärende gives no value for (mall variable names)."""
    values = case.template_values()
    missing = [name for name in template.variables if not values.get(name)]
    if not case.case_number and "case_number" not in missing:
        missing.insert(0, "case_number")
    return missing


def build_document(
    template: Template,
    answers: Mapping[str, str],
    case: DocumentCase,
    findings: Iterable[Finding] = (),
    draft: bool | None = None,
    today: date | None = None,
) -> ReportDocument:
    """Describe the report: the mall's fixed text filled in, each question with its answer.

    Only the ärende's own facts fill the mall's fixed text (never the mall's example
    values): a line whose fact is unknown is left out and named in `missing_facts`.
    Without a diarienummer the document is a draft. `draft=None` makes it a draft
    exactly when a required answer or the diarienummer is missing; `draft=False` with
    answers missing is refused with a message for the user.
    """
    texts = document_texts()
    values = {k: clean_line(v) for k, v in case.template_values().items()}
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
        note = budget_note(case) if question.kind is QuestionKind.BUDGET else None
        sections.append(
            Section(
                key=question.key,
                heading=heading,
                blocks=parse_blocks(answer),
                remarks=tuple(remarks.get(question.key, ())),
                note=note,
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
    absent: list[str] = [] if case.case_number else ["case_number"]
    intro = _given_facts(template, _fixed_lines(template, template.intro, values, absent), case)
    closing = _fixed_lines(template, template.closing, values, absent)
    if not case.case_number:
        missing.append(texts.draft_missing_fact.format(fact=texts.fact_name("case_number")))
    is_draft = bool(missing) if draft is None else draft
    return ReportDocument(
        template_id=template.id,
        case_number=clean_line(case.case_number) if case.case_number else None,
        title=clean_line(template.document_title or template.title),
        intro=intro,
        sections=tuple(sections),
        signature=signature,
        closing=closing,
        answers={q.key: cleaned[q.key] for q in template.questions if cleaned.get(q.key)},
        draft=DraftMark(tuple(missing)) if is_draft else None,
        remarks=tuple(general),
        letterhead=_letterhead(case, cleaned, signature.signer_lines),
        document_date=today or date.today(),
        author=clean_line(case.author) if case.author else None,
        missing_facts=tuple(texts.fact_name(name) for name in absent),
        printed_facts=case.printed_facts(),
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
    today: date | None = None,
) -> RenderedDocuments:
    """Build the report and render it: the entry point for the chat and the command line."""
    document = build_document(template, answers, case, findings, draft, today)
    return render_document(document, formats)

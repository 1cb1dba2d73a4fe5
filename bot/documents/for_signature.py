"""The rule for the document a manager signs: final only when the deterministic checks
find no error; otherwise marked UTKAST, with what is missing and every error listed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from bot.documents.model import DocumentCase, DraftMark
from bot.documents.render import DocumentFormat, RenderedDocuments, build_document, render_document
from bot.mall.template import Template
from bot.review.findings import Finding, Severity

DOCUMENT_FORMATS = (DocumentFormat.DOCX, DocumentFormat.PDF)


def error_lines(
    template: Template, answers: Mapping[str, str], findings: Sequence[Finding]
) -> list[str]:
    """Each error-level finding as one line of a draft's list ("Heading: what to do");
    an unanswered question is on that list already."""
    known = {q.key for q in template.questions}
    lines = []
    for finding in findings:
        if finding.severity is not Severity.ERROR or finding.code == "missing_answer":
            continue
        if finding.question is not None and not answers.get(finding.question, "").strip():
            continue
        heading = ""
        if finding.question is not None and finding.question in known:
            heading = template.question(finding.question).text.rstrip(":?") + ": "
        lines.append(heading + finding.message)
    return lines


def render_for_signature(
    template: Template,
    answers: Mapping[str, str],
    case: DocumentCase,
    findings: Sequence[Finding],
    today: date | None = None,
) -> RenderedDocuments:
    """The report's DOCX and PDF: final only without an error-level finding."""
    document = build_document(template, answers, case, findings=findings, today=today)
    problems = error_lines(template, answers, findings)
    if problems:
        missing = document.draft.missing if document.draft is not None else ()
        document = replace(document, draft=DraftMark((*missing, *problems)))
    return render_document(document, DOCUMENT_FORMATS)

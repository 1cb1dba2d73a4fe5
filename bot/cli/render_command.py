"""`redovisa render DIARIENUMMER|--from FILE --format pdf|docx|both --out DIR`: write the files."""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.arende.given_facts import TEXT_FACTS, standing_texts
from bot.documents.case_record import document_case
from bot.documents.importer import ImportedReport, import_report
from bot.documents.model import DocumentCase
from bot.documents.pdf_renderer import unshowable_characters
from bot.documents.render import DocumentFormat, build_document, parse_formats, render_document
from bot.documents.texts import DocumentTexts, document_texts
from bot.mall.errors import UserFacingError
from bot.mall.template import Template, TemplateCatalog
from storage import arende_repository as arende_repo
from storage.models import User
from storage.repository import current_answers, find_case
from storage.unit_of_work import Sessions, UnitOfWork

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def run_render_command(
    case_number: str,
    fmt: str,
    out_dir: Path,
    *,
    session_factory: Sessions,
    catalog: TemplateCatalog,
    draft: bool | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Render the ärende's current answers into out_dir; return the exit code.

    Only reads the database. `draft=None` renders a draft when answers are missing,
    `draft=False` refuses to render an unfinished report.
    """
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        formats = parse_formats(fmt)
    except UserFacingError as exc:
        print(exc.message, file=stderr)
        return EXIT_USAGE
    with UnitOfWork.of(session_factory).reading() as session:
        case = find_case(session, case_number.strip())
        if case is None:
            print(f"Hittar inget ärende med diarienummer {case_number}.", file=stderr)
            return EXIT_FAILED
        answers = {key: a.text for key, a in current_answers(session, case.id).items()}
        given = standing_texts(arende_repo.fact_histories(session, [case.id], TEXT_FACTS)[case.id])
        facts = replace(
            document_case(case),
            decided_by=given.get("decided_by"),
            report_period=given.get("report_period"),
        )
        responsible = session.get(User, case.responsible_user_id or case.created_by_user_id)
        if responsible is not None:
            facts = replace(facts, author=responsible.display_name)
        template_id = case.template_id
    if template_id not in catalog:
        print(f"Ärendet {case_number} använder mallen {template_id}, som saknas.", file=stderr)
        return EXIT_FAILED
    return _render_and_write(
        catalog.get(template_id), answers, facts, formats, out_dir, draft, stdout, stderr
    )


def run_render_from_file(
    path: Path,
    fmt: str,
    out_dir: Path,
    *,
    catalog: TemplateCatalog,
    draft: bool | None = None,
    force: bool = False,
    today: date | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Render a report read from an earlier document, without touching the database.

    The file's own facts (diarienummer, last reply date, recipients) fill the document;
    the importer's warnings and the text that fit no question are printed; a file in
    which no question of any mall was found is refused unless `force`.
    """
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    texts = document_texts()
    try:
        formats = parse_formats(fmt)
        report = import_report(path.name, path.read_bytes(), catalog)
    except UserFacingError as exc:
        print(exc.message, file=stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"{path} kan inte läsas: {exc.strerror or exc}", file=stderr)
        return EXIT_USAGE
    if report.answers == {} and not force:
        looks_like = (
            texts.render_looks_like_tjansteskrivelse
            if _TJANSTESKRIVELSE.search(" ".join(report.unassigned_text))
            else texts.render_looks_like_other
        )
        print(
            texts.render_not_a_mall.format(filename=path.name, looks_like=looks_like), file=stderr
        )
        return EXIT_USAGE
    _tell_about_the_file(report, texts, stdout)
    facts = DocumentCase(
        case_number=report.case_number,
        decision_date=report.decision_day,
        last_reply_date=report.last_reply_day,
        recipients=tuple(report.recipients),
        granted_amount_kr=report.granted_amount_kr,
        department=_department(report.unassigned_text),
    )
    template = catalog.get(report.template_id)
    return _render_and_write(
        template, dict(report.answers), facts, formats, out_dir, draft, stdout, stderr, today
    )


def _department(pieces: list[str]) -> str | None:
    """The förvaltning of a letterhead line in the file ("Arbetsmarknads- och socialförvaltningen")."""
    for piece in pieces:
        line = piece.strip()
        if "\n" not in line and len(line) < 80 and _DEPARTMENT.search(line):
            return line
    return None


_DEPARTMENT = re.compile(r"^[A-ZÅÄÖ][\w\- ]*förvaltningen$")
_TJANSTESKRIVELSE = re.compile(r"tjänsteskrivelse|förslag till beslut|beslutsunderlag", re.I)


def _tell_about_the_file(report: ImportedReport, texts: DocumentTexts, stdout: TextIO) -> None:
    if report.warnings:
        print(texts.render_warnings_heading, file=stdout)
        for warning in report.warnings:
            print(f"  - {warning}", file=stdout)
    if report.unassigned_text:
        print(texts.render_unassigned_heading, file=stdout)
        for piece in report.unassigned_text:
            print("  | " + piece.replace("\n", "\n  | "), file=stdout)


def _render_and_write(
    template: Template,
    answers: dict[str, str],
    facts: DocumentCase,
    formats: tuple[DocumentFormat, ...],
    out_dir: Path,
    draft: bool | None,
    stdout: TextIO,
    stderr: TextIO,
    today: date | None = None,
) -> int:
    texts = document_texts()
    try:
        document = build_document(template, answers, facts, draft=draft, today=today)
        unshowable = unshowable_characters(document)
        rendered = render_document(document, formats)
        paths = rendered.write_to(out_dir)
    except UserFacingError as exc:
        print(exc.message, file=stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(f"Kunde inte skriva filerna i {out_dir}: {exc.strerror or exc}", file=stderr)
        return EXIT_FAILED
    if unshowable:
        print(texts.render_unshowable.format(characters=" ".join(unshowable)), file=stdout)
    if document.missing_facts:
        facts_text = ", ".join(document.missing_facts)
        print(texts.render_facts_missing.format(facts=facts_text), file=stdout)
    if rendered.document.draft is not None:
        print("Redovisningen är inte klar och skrevs som UTKAST. Detta saknas:", file=stdout)
        for missing in rendered.document.draft.missing:
            print(f"  - {missing}", file=stdout)
    for path in paths:
        print(f"Skrev {path}", file=stdout)
    return EXIT_OK

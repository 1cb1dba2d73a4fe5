"""`redovisa render DIARIENUMMER|--from FILE --format pdf|docx|both --out DIR`: write the files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session, sessionmaker

from bot.documents.case_record import document_case
from bot.documents.importer import import_report
from bot.documents.model import DocumentCase
from bot.documents.render import DocumentFormat, parse_formats, render_report
from bot.mall.errors import UserFacingError
from bot.mall.template import Template, TemplateCatalog
from storage.repository import current_answers, find_case

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def run_render_command(
    case_number: str,
    fmt: str,
    out_dir: Path,
    *,
    session_factory: sessionmaker[Session],
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
    with session_factory() as session:
        case = find_case(session, case_number.strip())
        if case is None:
            print(f"Hittar inget ärende med diarienummer {case_number}.", file=stderr)
            return EXIT_FAILED
        answers = {key: a.text for key, a in current_answers(session, case.id).items()}
        facts = document_case(case)
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
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Render a report read from an earlier document, without touching the database."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        formats = parse_formats(fmt)
        report = import_report(path.name, path.read_bytes(), catalog)
    except UserFacingError as exc:
        print(exc.message, file=stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"{path} kan inte läsas: {exc.strerror or exc}", file=stderr)
        return EXIT_USAGE
    facts = DocumentCase(
        case_number=report.case_number or "utan diarienummer",
        recipients=tuple(report.recipients),
        granted_amount_kr=report.granted_amount_kr,
    )
    template = catalog.get(report.template_id)
    return _render_and_write(
        template, dict(report.answers), facts, formats, out_dir, draft, stdout, stderr
    )


def _render_and_write(
    template: Template,
    answers: dict[str, str],
    facts: DocumentCase,
    formats: tuple[DocumentFormat, ...],
    out_dir: Path,
    draft: bool | None,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    try:
        rendered = render_report(template, answers, facts, formats, draft=draft)
        paths = rendered.write_to(out_dir)
    except UserFacingError as exc:
        print(exc.message, file=stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(f"Kunde inte skriva filerna i {out_dir}: {exc.strerror or exc}", file=stderr)
        return EXIT_FAILED
    if rendered.document.draft is not None:
        print("Redovisningen är inte klar och skrevs som UTKAST. Detta saknas:", file=stdout)
        for missing in rendered.document.draft.missing:
            print(f"  - {missing}", file=stdout)
    for path in paths:
        print(f"Skrev {path}", file=stdout)
    return EXIT_OK

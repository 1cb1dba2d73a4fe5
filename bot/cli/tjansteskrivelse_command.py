"""`redovisa tjansteskrivelse DNR [--out DIR] [--namndens-dnr …] [--beslutsplanering …]`:
the nämnd's tjänsteskrivelse of a stored ärende, drafted from its answers, written as DOCX
(to edit) and PDF; then the title, every gap left to fill in, and the files."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.arende.after_signing import SessionMaker, tjansteskrivelse_for_case
from bot.documents.tjansteskrivelse import GivenFacts, texts
from bot.mall.case_numbers import normalise_case_number
from bot.mall.errors import UserFacingError
from bot.mall.template import TemplateCatalog

EXIT_OK, EXIT_FAILED = 0, 1


def run_tjansteskrivelse_command(
    case_number: str,
    out: Path,
    *,
    session_factory: SessionMaker,
    catalog: TemplateCatalog,
    today: date,
    given: GivenFacts | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        doc, rendered = tjansteskrivelse_for_case(
            session_factory,
            normalise_case_number(case_number),
            catalog,
            today,
            given=given,
        )
    except UserFacingError as error:
        stderr.write(f"redovisa tjansteskrivelse: {error.message}\n")
        return EXIT_FAILED
    try:
        paths = rendered.write_to(out)
    except OSError as exc:
        stderr.write(f"redovisa tjansteskrivelse: kan inte skriva till {out}: {exc.strerror}\n")
        return EXIT_FAILED
    stdout.write(f"{doc.title}\n")
    t = texts()
    if doc.gaps:
        stdout.write(t("gaps_heading") + "\n")
        stdout.writelines(f"- {gap}\n" for gap in doc.gaps)
    else:
        stdout.write(t("no_gaps") + "\n")
    for path in paths:
        stdout.write(f"{path}\n")
    return EXIT_OK

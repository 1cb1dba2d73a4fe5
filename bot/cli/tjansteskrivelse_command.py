"""`redovisa tjansteskrivelse DNR [--out DIR]`: the nämnd's tjänsteskrivelse of a stored
ärende, drafted from its answers, written as DOCX (to edit) and PDF."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.arende.after_signing import SessionMaker, tjansteskrivelse_for_case
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
    committee_case_number: str | None = None,
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
            committee_case_number=committee_case_number,
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
    for path in paths:
        stdout.write(f"{path}\n")
    return EXIT_OK

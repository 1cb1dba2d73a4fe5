"""`redovisa sammanstallning [ÅR] [--out DIR]`: every ärende of the year with its figures
and state, as XLSX and as a PDF for kommunstyrelsen."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.arende.after_signing import SessionMaker, sammanstallning_for_year
from bot.mall.template import TemplateCatalog

EXIT_OK, EXIT_FAILED = 0, 1


def run_sammanstallning_command(
    year: int,
    out: Path,
    *,
    session_factory: SessionMaker,
    catalog: TemplateCatalog,
    today: date,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    summary, rendered = sammanstallning_for_year(session_factory, year, catalog, today)
    try:
        paths = rendered.write_to(out)
    except OSError as exc:
        stderr.write(f"redovisa sammanstallning: kan inte skriva till {out}: {exc.strerror}\n")
        return EXIT_FAILED
    count = len(summary.rows)
    stdout.write(f"Sammanställning {year}: {count} {'ärende' if count == 1 else 'ärenden'}\n")
    for path in paths:
        stdout.write(f"{path}\n")
    return EXIT_OK

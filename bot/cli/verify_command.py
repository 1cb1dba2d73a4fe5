"""`redovisa verify FILE [--json]`: is this the valid signed report of a stored ärende?

Exit status 0 for a valid signed report, 1 for an invalid one (unsigned, changed after
signing, another ärende's, answers that differ), 2 for a file that cannot be read. Nothing
is stored: the check only reads the database, and never creates or migrates one; without a
database it checks the signature and the attached answers alone and says so.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.arende.after_signing import SessionMaker, verify_file
from bot.documents.verify import verification_exit

YES, NO = "ja", "nej"


def _yes(value: bool) -> str:
    return YES if value else NO


def run_verify_command(
    path: Path,
    *,
    as_json: bool,
    session_factory: SessionMaker | None,
    stdout: TextIO | None = None,
) -> int:
    stdout = stdout or sys.stdout
    result = verify_file(path, session_factory)
    status, payload = verification_exit(result)
    if as_json:
        stdout.write(payload + "\n")
        return status
    stdout.write(f"{path.name}: {result.message}\n")
    if result.readable:
        signed_at = result.signed_at.isoformat() if result.signed_at else "-"
        lines = [
            f"  signerad: {_yes(result.signed)}",
            f"  underskriften intakt: {_yes(result.intact)}",
            f"  täcker hela filen: {_yes(result.covers_whole_file)}",
            f"  undertecknare: {result.signer or '-'}",
            f"  signerad den: {signed_at}",
            f"  diarienummer: {result.case_number or '-'}",
            f"  svaren stämmer: {_yes(result.answers_match)}",
        ]
        stdout.write("\n".join(lines) + "\n")
    return status

"""`redovisa review PATH`: import a document, review it, print the findings."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.documents.importer import import_report
from bot.mall.amounts import parse_amount
from bot.mall.case_numbers import normalise_case_number
from bot.mall.errors import UserFacingError
from bot.mall.template import TemplateCatalog
from bot.review.findings import CaseFacts
from bot.review.llm_reviewer import LlmReviewer
from bot.review.service import review_report


def run_review_command(
    path: Path,
    *,
    granted: str | None,
    case_number: str | None,
    as_json: bool,
    catalog: TemplateCatalog,
    settings: Settings,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """0 when the file was reviewed (with findings or not), 2 when it could not be read."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        data = path.read_bytes()
    except OSError:
        stderr.write(f"redovisa review: {path} finns inte eller kan inte läsas\n")
        return 2
    try:
        report = import_report(path.name, data, catalog)
        facts = CaseFacts(
            case_number=normalise_case_number(case_number) if case_number else None,
            granted_amount_kr=parse_amount(granted) if granted else None,
        )
    except UserFacingError as error:
        stderr.write(f"redovisa review: {error.message}\n")
        return 2
    except ValueError as exc:
        stderr.write(f"redovisa review: --granted: {exc}\n")
        return 2
    template = catalog.get(report.template_id)
    with LlmReviewer.from_settings(settings) as llm:
        result = review_report(
            template,
            dict(report.answers),
            facts,
            case_numbers_in_text=report.case_numbers,
            other_text=report.unassigned_text,
            llm=llm,
        )
    if as_json:
        payload = {
            "template": template.id,
            "answers": dict(report.answers),
            "findings": [f.model_dump(mode="json") for f in result.findings],
            "llm_used": result.llm_used,
        }
        stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return 0
    numbers = {q.key: n for n, q in enumerate(template.questions, start=1)}
    stdout.write(
        f"{path.name}: {template.name}, {len(report.answers)} av {len(numbers)} frågor besvarade\n"
    )
    if result.llm_note:
        stdout.write(f"({result.llm_note})\n")
    for finding in result.findings:
        where = f" fråga {numbers[finding.question]}" if finding.question in numbers else ""
        stdout.write(f"{finding.severity.value:7} {finding.code}{where}: {finding.message}\n")
    if not result.findings:
        stdout.write("Inga anmärkningar.\n")
    for text in report.unassigned_text:
        stdout.write(f"Hörde inte till någon fråga: {text[:200]}\n")
    return 0

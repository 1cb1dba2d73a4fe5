"""Seed 001 as page pictures (pdftoppm, where poppler-utils is installed)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from bot.documents import DocumentCase, DocumentFormat, render_report
from bot.mall.template import TemplateCatalog
from tests.documents import seed_text, split_seed

PDFTOPPM = shutil.which("pdftoppm")


@pytest.mark.skipif(PDFTOPPM is None, reason="pdftoppm (poppler-utils) is not installed")
def test_seed_001_renders_to_a_sane_number_of_pages(
    catalog: TemplateCatalog, seeds_dir: Path, tmp_path: Path
) -> None:
    assert PDFTOPPM is not None
    template = catalog.get("mall-2019")
    answers = split_seed(seed_text(seeds_dir, "seed_001"), template)
    case = DocumentCase(
        "STK-2018-1304",
        last_reply_date=date(2020, 2, 28),
        recipients=("registrera.stk@malmo.se", "asa.pahlmblad@malmo.se"),
    )
    result = render_report(template, answers, case, formats=[DocumentFormat.PDF])
    (pdf_path,) = result.write_to(tmp_path)
    subprocess.run(
        [PDFTOPPM, "-r", "40", "-png", str(pdf_path), str(tmp_path / "page")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    # About 7 000 characters of answers: more than one page, far fewer than ten.
    assert 2 <= len(pages) <= 5
    assert all(page.stat().st_size > 1000 for page in pages)

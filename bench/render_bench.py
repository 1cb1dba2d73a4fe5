"""Rendering one full report (seed 001) to DOCX and to PDF, against LibreOffice's conversion.

The denominator is LibreOffice converting the same DOCX to PDF headless, the usual
alternative to typst; it is skipped, and said so, where soffice is not installed.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bench import Ratio
from bot.config import PROMPTS_DIR
from bot.documents import DocumentCase, DocumentFormat, build_document, render_document
from bot.documents.model import ReportDocument
from bot.mall.template import load_template
from tests.documents import seed_text, split_seed

SEEDS_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seeds"
RENDER_ROUNDS = 15
LIBREOFFICE_ROUNDS = 3


def _report() -> ReportDocument:
    template = load_template(PROMPTS_DIR / "templates" / "mall-2019.toml")
    answers = split_seed(seed_text(SEEDS_DIR, "seed_001"), template)
    case = DocumentCase(
        "STK-2018-1304",
        last_reply_date=date(2020, 2, 28),
        recipients=("registrera.stk@malmo.se", "asa.pahlmblad@malmo.se"),
    )
    return build_document(template, answers, case)


def _median_seconds(action: Callable[[], object], rounds: int) -> float:
    action()  # warm-up: imports, font discovery
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _libreoffice_seconds(soffice: str, docx: bytes) -> float:
    with tempfile.TemporaryDirectory(prefix="redovisa-bench-") as folder:
        work = Path(folder)
        source = work / "Redovisning.docx"
        source.write_bytes(docx)
        command = [
            soffice,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(source),
        ]

        def convert() -> None:
            subprocess.run(command, check=True, capture_output=True, timeout=300)

        return _median_seconds(convert, LIBREOFFICE_ROUNDS)


def run() -> list[Ratio]:
    report = _report()
    docx_s = _median_seconds(lambda: render_document(report, [DocumentFormat.DOCX]), RENDER_ROUNDS)
    pdf_s = _median_seconds(lambda: render_document(report, [DocumentFormat.PDF]), RENDER_ROUNDS)
    docx = render_document(report, [DocumentFormat.DOCX]).files[0].content
    times = f"docx {docx_s * 1000:.1f} ms, pdf {pdf_s * 1000:.1f} ms"
    ratios = [Ratio("render pdf / render docx", pdf_s / docx_s, times)]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        reason = "LibreOffice (soffice) is not installed"
        print(f"LibreOffice comparison skipped: {reason}")
        ratios.append(Ratio("render docx / libreoffice docx->pdf", None, reason))
        ratios.append(Ratio("render pdf / libreoffice docx->pdf", None, reason))
        return ratios
    lo_s = _libreoffice_seconds(soffice, docx)
    detail = f"libreoffice {lo_s * 1000:.0f} ms (median of {LIBREOFFICE_ROUNDS}, warm profile)"
    ratios.append(Ratio("render docx / libreoffice docx->pdf", docx_s / lo_s, detail))
    ratios.append(Ratio("render pdf / libreoffice docx->pdf", pdf_s / lo_s, detail))
    return ratios

"""An official's screen shows the program's answer and nothing else: no Python warning and no
log line at the default level, and `redovisa verify` leaves no database behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.documents import DocumentCase, DocumentFormat, render_report
from bot.mall.template import TemplateCatalog
from tests.documents.signing_helpers import sign

ROOT = Path(__file__).resolve().parents[2]
SEED_001 = ROOT / "tests" / "fixtures" / "seeds" / "seed_001.txt"


def redovisa(
    *args: str, data_dir: Path, stdin: str = "", **environment: str
) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OPENAI_", "TELEGRAM_", "SMTP_", "LOG_LEVEL", "PYTHONWARNINGS"))
        and key != "DATABASE_URL"
    }
    env.update(REDOVISA_DATA_DIR=str(data_dir), **environment)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture
def signed_report(tmp_path: Path, catalog: TemplateCatalog) -> Path:
    template = catalog.get("mall-2019")
    answers = {q.key: f"Vårt svar om {q.key}." for q in template.questions}
    rendered = render_report(
        template, answers, DocumentCase("STK-2019-0421", committee="Servicenämnden"),
        [DocumentFormat.PDF],
    )  # fmt: skip
    path = tmp_path / "signed.pdf"
    path.write_bytes(sign(rendered.get(DocumentFormat.PDF).content, tmp_path))
    return path


def test_review_render_and_the_chat_print_no_warning_or_log_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    review = redovisa("review", str(SEED_001), data_dir=data)
    assert review.returncode == 0 and "8 av 8 frågor besvarade" in review.stdout
    assert review.stderr == ""

    render = redovisa("render", "--from", str(SEED_001), "--out", str(tmp_path), data_dir=data)
    assert render.returncode == 0 and (tmp_path / "Redovisning_STK-2018-1304.pdf").exists()
    assert render.stderr == ""

    chat = redovisa("chat", "--user", "anna", data_dir=data, stdin="/ny STK-2018-1307\n")
    assert chat.returncode == 0 and "Vilken mall gäller?" in chat.stdout
    assert chat.stderr == ""


def test_verify_without_a_database_checks_the_signature_and_creates_nothing(
    tmp_path: Path, signed_report: Path
) -> None:
    data = tmp_path / "no-data-here"
    result = redovisa("verify", str(signed_report), data_dir=data)
    assert result.stderr == ""
    assert "underskriften intakt: ja" in result.stdout
    assert "ingen databas" in result.stdout  # the answers could not be compared
    assert result.returncode == 1  # not confirmed as this ärende's report
    assert not data.exists()


def test_log_lines_appear_when_asked_for(tmp_path: Path, signed_report: Path) -> None:
    data = tmp_path / "data"
    verbose = redovisa("--verbose", "verify", str(signed_report), data_dir=data)
    assert " DEBUG " in verbose.stderr
    by_setting = redovisa("render", "--from", str(SEED_001), "--out", str(tmp_path),
                          data_dir=data, LOG_LEVEL="DEBUG")  # fmt: skip
    assert " DEBUG " in by_setting.stderr

"""`redovisa web --open --as NAMN`: the dashboard on one machine, with a one-time link."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.cli.main import main
from storage.db import create_db_engine, migrate
from tests.web.conftest import swedish_today
from tests.web.live import free_port
from tests.web.world import seed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    from sqlalchemy.orm import sessionmaker

    folder = tmp_path / "data"
    folder.mkdir()
    engine = create_db_engine(f"sqlite:///{folder / 'redovisa.sqlite3'}")
    migrate(engine)
    seed(sessionmaker(engine, expire_on_commit=False), swedish_today())
    engine.dispose()
    return folder


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _status(url: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as answer:
            return answer.status, answer.headers.get("set-cookie", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("set-cookie", "")


def test_open_prints_a_link_that_works_once_on_127_0_0_1(data_dir: Path) -> None:
    port = free_port()
    env = {"REDOVISA_DATA_DIR": str(data_dir), "REDOVISA_WEB_PORT": str(port),
           "PATH": os.environ.get("PATH", "/usr/bin:/bin")}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "web", "--open", "--as", "Cecilia Samordnare"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        assert "gäller en gång" in process.stdout.readline()
        link = process.stdout.readline().strip()
        assert link.startswith(f"http://127.0.0.1:{port}/login/")
        for _ in range(400):
            try:
                status, cookie = _status(link)
                break
            except urllib.error.URLError:
                time.sleep(0.05)
        assert status == 303 and "redovisa_session=" in cookie and "HttpOnly" in cookie
        assert _status(link)[0] == 401  # never twice
    finally:
        process.terminate()
        process.communicate(timeout=20)  # closes the pipes


@pytest.mark.parametrize(
    ("name", "problem"),
    [("Anna Strateg", "är inte samordnare"), ("Ingen Alls", "ingen användare som heter")],
)
def test_open_refuses_anyone_but_a_coordinator(
    data_dir: Path, name: str, problem: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("REDOVISA_DATA_DIR", str(data_dir))
    assert main(["web", "--open", "--as", name]) == 2
    assert problem in capsys.readouterr().err


def test_web_without_a_token_or_open_says_how(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REDOVISA_DATA_DIR", str(data_dir))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["web"]) == 2
    assert "redovisa web --open --as NAMN" in capsys.readouterr().err


def test_web_url_must_be_https(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REDOVISA_WEB_URL", "http://example.org/")
    assert main(["web"]) == 2
    assert "HTTPS" in capsys.readouterr().err

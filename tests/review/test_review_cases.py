"""Fresh review cases (tests/review/cases) through `redovisa review FILE --json`, exactly as
a coordinator runs it: each gets exactly the findings a careful reader would give."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.cli import main

CASES_DIR = Path(__file__).parent / "cases"
EXPECTED: dict[str, dict[str, object]] = tomllib.loads(
    (CASES_DIR / "expected.toml").read_text(encoding="utf-8")
)


@pytest.fixture(autouse=True)
def no_language_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ["OPENAI_API_KEY", "OPENAI_BASE_URL", "DATABASE_URL"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REDOVISA_DATA_DIR", str(tmp_path / "data"))


def test_every_case_file_has_its_expectation_and_the_other_way_round() -> None:
    assert {p.stem for p in CASES_DIR.glob("*.txt")} == set(EXPECTED)
    assert len(EXPECTED) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_case(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    case = EXPECTED[name]
    args = [str(a) for a in case.get("args", [])]  # type: ignore[attr-defined]
    assert main(["review", str(CASES_DIR / f"{name}.txt"), *args, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["template"] == "mall-2019"
    found = sorted(f["code"] for f in result["findings"])
    assert found == sorted(case["codes"]), case["why"]  # type: ignore[call-overload]
    for code, severity in case.get("severity", {}).items():  # type: ignore[attr-defined]
        assert {f["severity"] for f in result["findings"] if f["code"] == code} == {severity}
    for finding in result["findings"]:
        assert finding["message"].strip() and finding["severity"] in {"error", "warning", "info"}


def test_the_installed_command_prints_the_new_codes(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    environment["REDOVISA_DATA_DIR"] = str(tmp_path / "data")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "review",
            str(CASES_DIR / "cancelled_no_amount.txt"),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=True,
    )
    findings = json.loads(completed.stdout)["findings"]
    cancelled = next(f for f in findings if f["code"] == "cancelled_activities")
    assert cancelled["question"] == "budget"
    assert cancelled["evidence"] == "blev inte av"
    assert "betalas tillbaka" in cancelled["message"]

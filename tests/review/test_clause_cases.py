"""The review cases of issue 22 (tests/review/cases_clauses) through `redovisa review FILE
--json`, as a coordinator runs it: the findings a careful reader gives, with the severity
an explanation gives them, and the budget figures the official is asked to confirm.

Cases the reader does not read right are listed in PENDING and expected to fail
(strictly: a case that starts passing must be taken off the list). Before the reader was
changed 29 of the 36 were there; bench.review_figures gives the numbers."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from bench.review_figures import shown_figures
from bot.cli import main

CASES_DIR = Path(__file__).parent / "cases_clauses"
EXPECTED = tomllib.loads((CASES_DIR / "expected.toml").read_text(encoding="utf-8"))

PENDING: set[str] = set()  # every case is read right now


@pytest.fixture(autouse=True)
def no_language_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ["OPENAI_API_KEY", "OPENAI_BASE_URL", "DATABASE_URL"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REDOVISA_DATA_DIR", str(tmp_path / "data"))


def test_the_set_is_whole() -> None:
    assert {p.stem for p in CASES_DIR.glob("*.txt")} == set(EXPECTED)
    assert len(EXPECTED) >= 30
    assert set(EXPECTED) >= PENDING
    assert {case["template"] for case in EXPECTED.values()} == {"mall-2018", "mall-2019"}


def _params() -> list[object]:
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True)) if name in PENDING else name
        for name in sorted(EXPECTED)
    ]


@pytest.mark.parametrize("name", _params())
def test_case(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    case = EXPECTED[name]
    args = [str(a) for a in case.get("args", [])]
    path = CASES_DIR / f"{name}.txt"
    assert main(["review", str(path), *args, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["template"] == case["template"]
    found = sorted(f["code"] for f in result["findings"])
    assert found == sorted(case["codes"]), case["why"]
    for code, severity in case.get("severity", {}).items():
        assert {f["severity"] for f in result["findings"] if f["code"] == code} == {severity}
    shown = shown_figures(path, args)
    for figure in ("granted", "used"):
        wanted = case[figure] if case[figure] >= 0 else None
        assert shown[figure] == wanted, f"{figure}: {case['why']}"

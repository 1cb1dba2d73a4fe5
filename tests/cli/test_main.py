"""`redovisa review` and `redovisa render` as an operator or a script uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.fakes.openai_server import FakeOpenAIServer, reply


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ["OPENAI_API_KEY", "OPENAI_BASE_URL", "TELEGRAM_BOT_TOKEN", "DATABASE_URL"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REDOVISA_DATA_DIR", str(tmp_path / "data"))


def review_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["review", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def codes(result: dict[str, object]) -> set[str]:
    return {f["code"] for f in result["findings"]}  # type: ignore[attr-defined,index]


def test_review_of_seed_000_finds_what_a_coordinator_would_send_back(
    capsys: pytest.CaptureFixture[str], seeds_dir: Path
) -> None:
    result = review_json(capsys, str(seeds_dir / "seed_000.txt"))
    assert result["template"] == "mall-2019"
    assert result["llm_used"] is False
    assert {"amount_implausible", "budget_spent_missing", "signature_missing"} <= codes(result)
    assert set(result["answers"]) >= {"namnd", "budget"}  # type: ignore[arg-type]
    for finding in result["findings"]:  # type: ignore[attr-defined]
        assert set(finding) == {"code", "severity", "question", "message", "evidence"}


def test_review_of_seed_004_has_no_budget_finding(
    capsys: pytest.CaptureFixture[str], seeds_dir: Path
) -> None:
    result = review_json(capsys, str(seeds_dir / "seed_004.txt"))
    assert not {c for c in codes(result) if c.startswith("budget")}


def test_registered_amount_and_case_number_are_compared(
    capsys: pytest.CaptureFixture[str], seeds_dir: Path
) -> None:
    result = review_json(
        capsys, str(seeds_dir / "seed_004.txt"), "--granted", "300 000 kr", "--case", "STK-2018-1"
    )
    assert "budget_granted_mismatch" in codes(result)
    result = review_json(capsys, str(seeds_dir / "seed_000.txt"), "--case", "STK-2018-9999")
    assert "case_number_mismatch" in codes(result)


def test_review_with_the_language_model(
    capsys: pytest.CaptureFixture[str], seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    finding = {
        "code": "goal_contradiction",
        "severity": "warning",
        "question": "maluppfyllelse",
        "message": "Målet kallas uppnått men också inte uppnått.",
        "evidence": "ej färdigställs",
    }
    with FakeOpenAIServer() as server:
        server.enqueue(reply({"findings": [finding]}))
        # The second reader of the budget (issue 22) finds nothing it can show in the text.
        server.enqueue(reply({"figures": [], "granted_total": None, "used_total": None}))
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdef")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        result = review_json(capsys, str(seeds_dir / "seed_002.txt"))
        sent = server.requests[0].message("user")
        assert len(server.requests) == 2  # the consistency check, then the budget reading
    assert result["llm_used"] is True
    assert "goal_contradiction" in codes(result)
    assert "anders.p.eriksson@malmo.se" not in sent  # personal data is masked before it leaves


def test_review_of_an_unreadable_file_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "rapport.docx"
    broken.write_bytes(b"not a zip")
    assert main(["review", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "redovisa review:" in err
    assert main(["review", str(tmp_path / "saknas.txt")]) == 2


def test_render_from_a_file_writes_both_formats(
    capsys: pytest.CaptureFixture[str], seeds_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ut"
    assert main(["render", "--from", str(seeds_dir / "seed_001.txt"), "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["Redovisning_STK-2018-1304.docx", "Redovisning_STK-2018-1304.pdf"]


def test_render_a_stored_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import subprocess
    import sys

    database = tmp_path / "data" / "redovisa.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--user", "anna"],
        input="/ny STK-2018-1307\n/mall mall-2019\nNämnden\n",
        text=True,
        capture_output=True,
        check=True,
        timeout=120,
        env={"REDOVISA_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).resolve().parents[1],
    )
    assert database.exists()
    out = tmp_path / "ut"
    assert main(["render", "STK-2018-1307", "--format", "pdf", "--out", str(out)]) == 0
    assert [p.name for p in out.iterdir()] == ["Redovisning_STK-2018-1307_UTKAST.pdf"]
    assert main(["render", "STK-2018-0000", "--out", str(out)]) == 1
    assert main(["render", "STK-2018-1307", "--format", "odt", "--out", str(out)]) == 2

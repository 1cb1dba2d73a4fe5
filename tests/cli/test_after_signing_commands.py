"""`redovisa verify`, `redovisa tjansteskrivelse` and `redovisa sammanstallning` as an
operator or a script uses them: exit codes, JSON, files written."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.main import build_parser
from bot.config import Settings
from bot.documents import DocumentCase, DocumentFormat, render_report
from bot.mall.template import TemplateCatalog
from storage import repository as repo
from storage.db import open_database
from tests.documents.signing_helpers import sign

CASE = "STK-2019-0421"
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
JSON_KEYS = {
    "signed", "intact", "covers_whole_file", "signer", "signed_at", "answers_match",
    "case_number",
}  # fmt: skip


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ["OPENAI_API_KEY", "OPENAI_BASE_URL", "TELEGRAM_BOT_TOKEN", "DATABASE_URL"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REDOVISA_DATA_DIR", str(tmp_path / "data"))


def store_report(
    catalog: TemplateCatalog, case_number: str = CASE, signature: str | None = None
) -> bytes:
    """A finished report in the command's database; returns its unsigned PDF."""
    template = catalog.get("mall-2019")
    answers = {q.key: f"Vårt svar om {q.key}." for q in template.questions}
    if signature is not None:
        answers["underskrift"] = signature
    answers["budget"] = "Servicenämnden beviljades 400 000 kr och har nyttjat 167 000 kr."
    _, sessions = open_database(Settings().resolved_database_url())
    with sessions.begin() as session:
        user = repo.get_or_create_user(session, "terminal:saida", "Saida Sokolovic", NOW)
        case = repo.create_case(session, case_number, "mall-2019", user, NOW)
        case.committee = "Servicenämnden"
        case.granted_amount_kr = 400_000
        case.decision_date = date(2019, 3, 11)
        for key, text in answers.items():
            repo.save_answer(session, case.id, key, text, [], user, NOW)
    rendered = render_report(
        template, answers, DocumentCase(case_number, committee="Servicenämnden"),
        [DocumentFormat.PDF],
    )  # fmt: skip
    return rendered.get(DocumentFormat.PDF).content


def verify_json(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, dict[str, object]]:
    status = main(["verify", str(path), "--json"])
    return status, json.loads(capsys.readouterr().out)


def test_verify_exit_codes_and_json(
    capsys: pytest.CaptureFixture[str], catalog: TemplateCatalog, tmp_path: Path
) -> None:
    pdf = store_report(catalog)
    signed = sign(pdf, tmp_path, "Carina Tempel")
    files = {
        "signed": signed,
        "tampered": signed + b"\n% changed after signing\n",
        "unsigned": pdf,
        "garbage": b"this is not a PDF at all",
    }
    for name, data in files.items():
        (tmp_path / f"{name}.pdf").write_bytes(data)

    status, result = verify_json(capsys, tmp_path / "signed.pdf")
    assert status == 0 and set(result) >= JSON_KEYS
    assert result["signed"] is result["intact"] is result["covers_whole_file"] is True
    assert result["answers_match"] is True
    assert (result["signer"], result["case_number"]) == ("Carina Tempel", CASE)
    assert isinstance(result["signed_at"], str)

    status, result = verify_json(capsys, tmp_path / "tampered.pdf")
    assert status == 1 and result["signed"] is True and result["covers_whole_file"] is False
    status, result = verify_json(capsys, tmp_path / "unsigned.pdf")
    assert status == 1 and result["signed"] is False
    assert verify_json(capsys, tmp_path / "garbage.pdf")[0] == 2
    assert verify_json(capsys, tmp_path / "missing.pdf")[0] == 2

    # Without --json: the Swedish verdict and the facts, one per line.
    assert main(["verify", str(tmp_path / "signed.pdf")]) == 0
    out = capsys.readouterr().out
    assert "är kontrollerad" in out and "undertecknare: Carina Tempel" in out


def test_verify_refuses_another_case_and_changed_answers(
    capsys: pytest.CaptureFixture[str], catalog: TemplateCatalog, tmp_path: Path
) -> None:
    pdf = store_report(catalog)
    signed = sign(pdf, tmp_path, "Carina Tempel")
    foreign = sign(
        render_report(
            catalog.get("mall-2019"),
            {q.key: "Annat svar." for q in catalog.get("mall-2019").questions},
            DocumentCase("STK-2019-0999"),
            [DocumentFormat.PDF],
        )
        .get(DocumentFormat.PDF)
        .content,
        tmp_path,
    )
    (tmp_path / "foreign.pdf").write_bytes(foreign)
    status, result = verify_json(capsys, tmp_path / "foreign.pdf")
    assert status == 1 and result["case_number"] == "STK-2019-0999"
    assert result["answers_match"] is False

    # An answer changed in the database after signing: the signed PDF no longer matches.
    _, sessions = open_database(Settings().resolved_database_url())
    with sessions.begin() as session:
        case = repo.find_case(session, CASE)
        user = repo.find_user(session, "terminal:saida")
        assert case is not None and user is not None
        repo.save_answer(session, case.id, "namn", "Ett nytt namn.", [], user, NOW)
    (tmp_path / "signed.pdf").write_bytes(signed)
    status, result = verify_json(capsys, tmp_path / "signed.pdf")
    assert status == 1 and result["signed"] is True and result["answers_match"] is False


def test_tjansteskrivelse_and_sammanstallning_write_their_files(
    capsys: pytest.CaptureFixture[str], catalog: TemplateCatalog, tmp_path: Path
) -> None:
    store_report(catalog)
    out = tmp_path / "ut"
    assert main(["tjansteskrivelse", CASE, "--out", str(out)]) == 0
    written = sorted(p.suffix for p in out.iterdir())
    assert written == [".docx", ".pdf"]
    assert main(["tjansteskrivelse", "STK-2019-0000", "--out", str(out)]) == 1
    assert "STK-2019-0000" in capsys.readouterr().err

    summary = tmp_path / "sammanstallning"
    assert main(["sammanstallning", "2019", "--out", str(summary)]) == 0
    assert sorted(p.name for p in summary.iterdir()) == [
        "Sammanstallning_2019.pdf", "Sammanstallning_2019.xlsx",
    ]  # fmt: skip
    assert "1 ärende\n" in capsys.readouterr().out


def test_help_lists_the_commands() -> None:
    text = build_parser().format_help()
    for command in ("verify", "tjansteskrivelse", "sammanstallning"):
        assert command in text

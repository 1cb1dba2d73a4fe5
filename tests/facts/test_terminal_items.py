"""Issue 20's items in the terminal chat: the real `redovisa chat` process (and, for a
pasted report, the terminal adapter fed by the same grouping of typed lines a terminal
makes), a coordinator made with `redovisa users`, the files the chat saves read back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from email import message_from_bytes
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.app import build_conversation
from bot.cli import main
from bot.engine.messages import UserRef
from bot.terminal.chat import grouped_lines
from bot.terminal.chat import run_chat as run_terminal
from storage import repository as repo
from storage.db import create_db_engine
from storage.models import AuditEvent, Case
from tests.conftest import MovableClock
from tests.documents import pdf_text
from tests.documents.signing_helpers import sign
from tests.terminal.test_terminal_chat import REPO_ROOT, run_chat
from tests.terminal.test_understood import Keyboard
from tests.test_app import settings_for

CASE = "STK-2018-1304"
ASN = "Arbetsmarknads- och socialnämnden"


def _case(url: str, number: str = CASE) -> Case:
    engine = create_db_engine(url)
    try:
        with sessionmaker(engine)() as session:
            case = repo.find_case(session, number)
            assert case is not None
            session.expunge(case)
            return case
    finally:
        engine.dispose()


def _audit(url: str, action: str) -> list[dict[str, object]]:
    engine = create_db_engine(url)
    try:
        with sessionmaker(engine)() as session:
            events = session.scalars(select(AuditEvent).where(AuditEvent.action == action))
            return [dict(e.detail or {}) for e in events]
    finally:
        engine.dispose()


def test_a_pasted_report_gives_its_facts_in_the_terminal(tmp_path: Path, seeds_dir: Path) -> None:
    """Item 2, pasted: the whole of seed 001 pasted at the prompt arrives as one message."""
    pasted = (seeds_dir / "seed_001.txt").read_text(encoding="utf-8").strip().splitlines()
    lines = ["/ny STK-2018-1304", "/mall mall-2019", *pasted, "/lasin", "använt 430 000 kr"]
    lines += ["ja", "/uppgifter"]
    together = [0, 0, len(pasted) - 1, 0, 0, 0, 0]  # the paste's lines arrive at once
    keyboard = Keyboard(lines, together)
    conversation = build_conversation(settings_for(tmp_path), MovableClock())
    out = StringIO()
    run_terminal(
        conversation.handle_in_steps,
        UserRef("terminal:jonas", "jonas"),
        grouped_lines(keyboard.read_line, keyboard.more_waiting),
        out,
        tmp_path / "dokument",
        interactive=False,
    )
    output = out.getvalue()
    assert "[Läs in den: /lasin]" in output
    assert "Inläst: svar på 8 frågor" in output
    read_back = output.split("Filen anger också uppgifter", 1)[1]
    for line in (
        "Beslutsdatum: 11 mars 2019",
        "Sista svarsdag: 28 februari 2020",
        "Mottagare: registrera.stk@malmo.se",
        "Kopia till: asa.pahlmblad@malmo.se",
        "[Ja, det stämmer: ja]  [Nej: nej]",
    ):
        assert line in read_back.split("Sparat för ärende")[0]
    assert "Kopia till: asa.pahlmblad@malmo.se (inläst från fil, bekräftat av jonas)" in output


def test_a_file_read_in_then_a_signer_other_than_the_signature_block(
    tmp_path: Path, seeds_dir: Path
) -> None:
    """Items 2 (a file), 8 (the signer) and 9 (a change after sending) in the terminal."""
    url = f"sqlite:///{tmp_path / 'chat.sqlite3'}"
    first = run_chat(
        [
            f"/ny {CASE}",
            "/mall mall-2019",
            f"/fil {seeds_dir / 'seed_001.txt'}",
            "använt 430 000 kr",
            "ja",
            "/uppgifter",
            "/dokument",
        ],
        url,
        tmp_path,
    )
    assert "Filen anger också uppgifter om ärende STK-2018-1304" in first
    assert "Kopia till: asa.pahlmblad@malmo.se (inläst från fil, bekräftat av jonas)" in first
    pdf_path = tmp_path / "dokument" / f"Redovisning_{CASE}.pdf"
    page = " ".join(pdf_text(pdf_path.read_bytes()).split())
    assert "samt med kopia till: asa.pahlmblad@malmo.se" in page

    signed = tmp_path / "signerad.pdf"
    signed.write_bytes(sign(pdf_path.read_bytes(), tmp_path, "Kalle Anka"))
    verified = subprocess.run(
        [sys.executable, "-m", "bot.cli", "verify", "--json", str(signed)],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url, "REDOVISA_DATA_DIR": str(tmp_path)},
        cwd=REPO_ROOT,
        timeout=120,
        check=False,
    )
    result = json.loads(verified.stdout)
    assert result["signer"] == "Kalle Anka"
    assert result["signature_block_name"] == "Jonas Magnusson"
    assert result["signer_matches_signature_block"] is False

    checked = run_chat([f"/fil {signed}"], url, tmp_path)
    assert "Kalle Anka" in checked and "Jonas Magnusson" in checked and "rätt person" in checked
    assert f"[Ja, rätt person – skicka: /skicka {CASE}]" in checked
    assert not list((tmp_path / "outbox").glob("*.eml"))  # asked first, nothing sent
    after = run_chat([f"/skicka {CASE}", "/andra 2 Barnrätt i förvaltningen"], url, tmp_path)
    mail = message_from_bytes(next((tmp_path / "outbox").glob("*.eml")).read_bytes())
    assert mail["Cc"] == "asa.pahlmblad@malmo.se"
    body = mail.get_payload()[0].get_payload(decode=True).decode("utf-8")
    assert "Kalle Anka (enligt certifikatet); underskriftsblocket anger Jonas Magnusson" in body
    changed = after.split("/andra", 1)[-1] if "/andra" in after else after
    assert "redan inskickat" in changed and "stämmer inte längre" in changed


def test_a_coordinator_in_the_terminal(
    tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Items 3 (a coordinator corrects, with an audit line; /dokument vanliga registers
    nothing; /oversikt and the sammanställning list the same ärenden), 5 (the nämnd from the
    answer, a near miss asked about, one row) and 7 (an unknown amount is unknown)."""
    url = f"sqlite:///{tmp_path / 'chat.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REDOVISA_DATA_DIR", str(tmp_path))
    assert main(["users", "set", "cecilia", "--role", "samordnare", "--namn", "Cecilia"]) == 0
    decided = ["beslutsdatum är 11 mars 2019", "ja"]  # the year of the sammanställning
    jonas = run_chat(
        [
            f"/ny {CASE}",
            "/mall mall-2019",
            f"/fil {seeds_dir / 'seed_001.txt'}",
            "använt 430 000 kr",
            "nej",  # not the file's facts: the mall's usual values instead
            "/dokument vanliga",
            "/ny STK-2019-0500",
            "/mall mall-2019",
            "Arbetsmarknads- och socialförvaltningen",
            "ja",
            "/fraga 7",
            "Vi beviljades 200 000 kr och har använt 150 000 kr.",
            "klar",
            "/budget ja",
            *decided,
            "/ny STK-2019-0501",
            "/mall mall-2019",
            "arbetsmarknads och socialnämnden",
            *decided,
        ],
        url,
        tmp_path,
    )
    assert f"Menar du {ASN}?" in jonas
    assert f"[Ja, {ASN}: ja]" in jonas
    assert (tmp_path / "dokument" / f"Redovisning_{CASE}.pdf").exists()
    assert _case(url).recipients == ["registrera.stk@malmo.se", "anders.p.eriksson@malmo.se"]
    assert _case(url).registered_at is None  # the mall's usual values register nothing
    assert _case(url, "STK-2019-0500").committee == ASN
    assert _case(url, "STK-2019-0501").committee == ASN

    cecilia = run_chat(
        [
            "/registrera",
            CASE,
            "/avbryt",
            "/oversikt",
            "/sammanstallning 2019",
            f"/uppgifter {CASE} kopia asa.pahlmblad@malmo.se",
            "ja",
            f"/uppgifter {CASE}",
        ],
        url,
        tmp_path,
        user="cecilia",
    )
    assert "redan registrerat" not in cecilia
    assert "Steg 2 av 9" in cecilia  # the number is taken: the ärende can be registered
    overview = cecilia.split("Översikt", 1)[1].split("Jag sammanställer")[0]
    numbers = (CASE, "STK-2019-0500", "STK-2019-0501")
    assert all(number in overview for number in numbers)
    assert "Sammanställningen för 2019 (antal ärenden: 3)" in cecilia
    assert "asa.pahlmblad@malmo.se (i stället för anders.p.eriksson@malmo.se)" in cecilia
    assert "antecknad med ditt namn" in cecilia
    assert "Kopia till: asa.pahlmblad@malmo.se (rättat av samordnaren Cecilia)" in cecilia
    (audit,) = _audit(url, "case_fact_corrected")
    assert audit["changes"] == {"copy_to": ["asa.pahlmblad@malmo.se"]}
    assert audit["previous"] == {"copy_to": ["anders.p.eriksson@malmo.se"]}
    assert _case(url).recipients == ["registrera.stk@malmo.se", "asa.pahlmblad@malmo.se"]

    sheet = (tmp_path / "dokument" / "Sammanstallning_2019.xlsx").read_bytes()
    book = load_workbook(BytesIO(sheet))
    per_committee = list(book["Per nämnd"].iter_rows(values_only=True))
    assert [row[0] for row in per_committee[1:]] == [ASN, "Totalt"]  # one nämnd, one row
    header, asn = per_committee[0], per_committee[1]
    assert asn[header.index("Använt (kr)")] == 580_000  # the unknown is not counted as 0 kr
    assert asn[header.index("Använt saknas (ärenden)")] == 1
    by_case = {row[0]: row for row in book["Ärenden"].iter_rows(values_only=True)}
    assert by_case["STK-2019-0501"][4] == "uppgift saknas"
    assert {by_case[number][1] for number in numbers} == {ASN}
    summary = (tmp_path / "dokument" / "Sammanstallning_2019.pdf").read_bytes()
    said = " ".join(pdf_text(summary).split())
    assert "Använt belopp saknas i 1 av ärendena; de räknas inte som 0 kr" in said
    assert "Skriv " not in said  # remarks for kommunstyrelsen, not instructions

"""One ärende, the same facts everywhere (issue 20): the nämnd, the recipients and the
amounts of seed 001 as the official gave them are the same in the signed PDF, the mail,
/oversikt and its Excel file, the sammanställning and the tjänsteskrivelse."""

from __future__ import annotations

from email import message_from_bytes
from io import BytesIO
from pathlib import Path

from docx import Document
from openpyxl import load_workbook

from bot.app import build_conversation
from bot.engine.messages import Incoming, UserRef
from tests.conftest import MovableClock
from tests.documents import pdf_text
from tests.documents.signing_helpers import sign
from tests.facts.seed_chat import CASE, Official, attachment
from tests.test_app import settings_for

ASN = "Arbetsmarknads- och socialnämnden"
ADMIN = UserRef("telegram:77", "Cecilia")


def _cells(workbook: bytes) -> list[list[str]]:
    book = load_workbook(BytesIO(workbook))
    return [
        [str(c) for c in row if c is not None]
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]


def test_the_same_namnd_recipients_and_amounts_everywhere(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    settings.telegram_admin_ids = [77]
    jonas = Official(tmp_path)
    jonas.conversation = build_conversation(settings, MovableClock())
    jonas.write_seed_by_hand()
    jonas.confirm_used()
    for words in (
        "Kopian ska gå till asa.pahlmblad@malmo.se, inte Anders. Resten stämmer.",
        "Svaret skickas till registrera.stk@malmo.se",
        "Sista svarsdag är 28 februari 2020",
        "Beslutsdatum är 11 mars 2019",
    ):
        jonas.say(words)
        jonas.say("ja")
    pdf = attachment(jonas.say("/dokument"), ".pdf")
    page = " ".join(pdf_text(pdf).split())
    jonas.send_file("signerad.pdf", sign(pdf, tmp_path, "Jonas Magnusson"))
    jonas.say(f"/skicka {CASE}")
    mail = message_from_bytes(next((tmp_path / "outbox").glob("*.eml")).read_bytes())
    body = mail.get_payload()[0].get_payload(decode=True).decode("utf-8")

    def admin(text: str) -> list:  # type: ignore[type-arg]
        return jonas.conversation.handle(ADMIN, Incoming(text=text))

    overview = admin("/oversikt")
    overview_rows = _cells(attachment(overview, ".xlsx"))
    summary_rows = _cells(attachment(admin("/sammanstallning 2019"), ".xlsx"))
    tjanste = attachment(jonas.say(f"/tjansteskrivelse {CASE}"), ".docx")
    tjanste_doc = Document(BytesIO(tjanste))
    cells = [c.text for t in tjanste_doc.tables for row in t.rows for c in row.cells]
    tjanste_text = " ".join([p.text for p in tjanste_doc.paragraphs] + cells)
    tjanste_text = tjanste_text.replace("\u00a0", " ").replace("\u202f", " ")

    # The nämnd: one name everywhere.
    assert ASN in page and f"Nämnd: {ASN}" in body
    assert any(ASN in row and CASE in row for row in overview_rows)
    assert any(ASN in row and CASE in row for row in summary_rows)
    assert not any("(nämnd ej angiven)" in row for row in summary_rows)
    assert ASN in tjanste_text
    # The recipients: the page, the mail.
    assert "Nämndens svar skickas till: registrera.stk@malmo.se" in page
    assert "samt med kopia till: asa.pahlmblad@malmo.se" in page
    assert (mail["To"], mail["Cc"]) == ("registrera.stk@malmo.se", "asa.pahlmblad@malmo.se")
    # The amounts: granted 500 000 kr, used 430 000 kr.
    assert "beviljat 500 000 kr · använt 430 000 kr" in page
    ours = next(row for row in overview_rows if CASE in row)
    assert "500000" in ours and "430000" in ours
    case_row = next(row for row in summary_rows if CASE in row)
    assert "500000" in case_row and "430000" in case_row
    assert "500 000 kr" in tjanste_text and "430 000 kr" in tjanste_text

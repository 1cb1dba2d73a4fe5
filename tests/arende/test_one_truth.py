"""One ärende, one truth: registered at 500 000 kr, corrected by the official to 450 000 kr
with 420 000 kr used. Every output shows those figures, the same status, the same budget
findings, the same nämnd and the same recipients: /granska, /oversikt and its Excel file,
the sammanställning (XLSX and PDF), the tjänsteskrivelse, the PDF to sign and the mail to
the registrator."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.app import Assembly, assemble
from bot.config import Settings
from bot.documents.mail import outbox_message
from bot.engine.messages import Attachment, Incoming, IncomingFile, Reply, UserRef
from storage import ledger_repository as ledger
from storage import repository as repo
from tests.conftest import MovableClock
from tests.documents.signing_helpers import sign
from tests.engine.conftest import ChatUser

CASE = "STK-2019-0421"
ADMIN = 1000
NAMND, TO, CC = "Servicenämnden", "registrator.stk@malmo.se", "eva.lund@malmo.se"
CSV = (
    "diarienummer;nämnd;mall;beviljat belopp;beslutsdatum;sista svarsdatum;mottagare;ansvarig\n"
    f"{CASE};Servicenämnden;mall-2019;500 000 kr;2019-03-11;2020-02-28;"
    "registrator.stk@malmo.se, eva.lund@malmo.se;Anna\n"
)
# The grant was lowered after the registration: the report says 450 000 kr.
BUDGET = "Servicenämnden beviljades 450 000 kr. Vi har använt 420 000 kr till utbildningar."
# What a budget finding of the wrong figures would say (prompts/review/checks.toml).
WRONG_FINDINGS = ("Av beviljade", "Skriv hur mycket pengar som beviljades", "för mycket")


def plain(text: str) -> str:
    """Spaces as a reader sees them: no-break and thin spaces are spaces."""
    return re.sub(r"[\u00a0\u202f\u2007]", " ", text)


def replies_text(replies: list[Reply]) -> str:
    return plain("\n".join(r.plain_text for r in replies))


def attachment(replies: list[Reply], suffix: str) -> Attachment:
    found = [a for r in replies for a in r.attachments if a.filename.endswith(suffix)]
    assert found, f"no {suffix} among {[a.filename for r in replies for a in r.attachments]}"
    return found[0]


def pdf_text(data: bytes) -> str:
    return plain("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def run(user: ChatUser, text: str, file: IncomingFile | None = None) -> list[Reply]:
    """One message, and the slow work it started (a job, a document), as a user sees both."""
    incoming = Incoming(file=file) if file is not None else Incoming(text=text)
    steps = user.conversation.handle_in_steps(user.ref, incoming)
    return [*steps.now, *steps.finish()]


@pytest.fixture
def assembly(database_url: str, tmp_path: Path, clock: MovableClock) -> Iterator[Assembly]:
    clock.now = datetime(2019, 4, 2, 9, 0, tzinfo=UTC)
    settings = Settings(
        database_url=database_url,  # type: ignore[call-arg]
        redovisa_data_dir=tmp_path,
        telegram_admin_ids=[ADMIN],
    )
    built = assemble(settings, clock)
    yield built
    engine = built.sessions.kw["bind"]
    engine.dispose()


def the_case(assembly: Assembly, clock: MovableClock) -> tuple[ChatUser, ChatUser]:
    """Registered by the coordinator, written by Anna, budget corrected to 450 000 kr."""
    conversation = assembly.conversation
    admin = ChatUser(conversation, UserRef(f"telegram:{ADMIN}", "Cecilia"))
    anna = ChatUser(conversation, UserRef("telegram:2", "Anna"))
    code = admin.say("/inbjudan handläggare").split(": ")[1].split()[0]
    assert "Välkommen" in anna.say(f"/start {code}")
    run(admin, "", IncomingFile("arenden.csv", CSV.encode()))
    anna.say(f"/fortsatt {CASE}")
    with assembly.sessions.begin() as session:
        case = repo.find_case(session, CASE)
        user = repo.find_user(session, anna.ref.external_id)
        assert case is not None and user is not None
        template = assembly.catalog.get(case.template_id)
        for question in template.questions:
            if question.key == "budget":
                continue
            text = (
                "Eva Lund\nFörvaltningschef, Servicenämnden"
                if question.key == "underskrift"
                else "Förvaltningen har genomfört utbildningar och workshops för personalen."
            )
            repo.save_answer(session, case.id, question.key, text, [], user, clock())
    anna.say("/fraga 7")
    anna.say(BUDGET)
    assert "Beviljat 450 000 kr · använt 420 000 kr" in plain(anna.say("/klar"))
    anna.say("ja")
    with assembly.sessions() as session:
        case = repo.find_case(session, CASE)
        assert case is not None
        entry = ledger.current_entry(session, case.id)
    assert entry is not None and (entry.granted_kr, entry.used_kr) == (450_000, 420_000)
    return admin, anna


def overview(admin: ChatUser) -> tuple[str, tuple[object, ...]]:
    """The case's line in /oversikt and its row in the Excel file."""
    replies = run(admin, "/oversikt")
    line = next(x for x in replies_text(replies).splitlines() if CASE in x)
    sheet = load_workbook(io.BytesIO(attachment(replies, ".xlsx").data)).active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == CASE)
    return line, row


def sammanstallning(admin: ChatUser) -> tuple[tuple[object, ...], str]:
    replies = run(admin, "/sammanstallning 2019")
    book = load_workbook(io.BytesIO(attachment(replies, ".xlsx").data))
    row = next(r for r in book.worksheets[0].iter_rows(values_only=True) if r[0] == CASE)
    return row, pdf_text(attachment(replies, ".pdf").data)


def test_every_output_shows_the_same_figures_status_and_findings(
    assembly: Assembly, clock: MovableClock, tmp_path: Path
) -> None:
    admin, anna = the_case(assembly, clock)

    review = replies_text(run(anna, "/granska"))
    assert f"Granskning av ärende {CASE}" in review
    assert not any(wrong in review for wrong in WRONG_FINDINGS)
    assert "500 000" not in review

    line, cells = overview(admin)
    assert "beviljat 450 000 kr, använt 420 000 kr (93 %)" in line
    assert "500 000" not in line
    assert cells[-4:] == (450_000, 420_000, 93, "ja")
    assert cells[1] == NAMND

    row, pdf = sammanstallning(admin)
    assert row[1] == NAMND
    assert 450_000 in row and 420_000 in row and 500_000 not in row
    assert "450 000" in pdf and "420 000" in pdf and "500 000" not in pdf
    findings = str(row[-1] or "")
    assert not any(wrong in findings for wrong in WRONG_FINDINGS)
    assert all(sentence in review for sentence in findings.split("\n") if sentence)
    status_words = "klar"
    assert f"– {status_words} –" in line and status_words in row

    tjanste = run(anna, "/tjansteskrivelse")
    document = pdf_text(attachment(tjanste, ".pdf").data)
    assert re.search(r"420 (000 kr|tkr)", document) and re.search(r"450 (000 kr|tkr)", document)
    assert "500 000" not in document and "500 tkr" not in document
    assert f"{NAMND} godkänner redovisningen" in " ".join(document.split())
    assert TO in document and f"{CC} (kopia)" in document

    # Signed, sent: the mail says the same figures, and the status is the same everywhere.
    documents = run(anna, "/dokument")
    to_sign = attachment(documents, ".pdf").data
    page = " ".join(pdf_text(to_sign).split())
    assert f"Nämndens svar skickas till: {TO}" in page and f"med kopia till: {CC}" in page
    signed = sign(to_sign, tmp_path, common_name="Eva Lund")
    received = replies_text(run(anna, "", IncomingFile(f"{CASE}_signerad.pdf", signed)))
    assert "giltig" in received
    run(anna, f"/skicka {CASE}")
    (eml,) = (tmp_path / "outbox").glob("*.eml")
    mail = outbox_message(eml)
    body = plain(mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert "Beviljat: 450 000 kr" in body and "Använt: 420 000 kr" in body
    assert f"Nämnd: {NAMND}" in body and NAMND in str(mail["Subject"])
    assert str(mail["To"]) == TO and str(mail["Cc"]) == CC

    line, cells = overview(admin)
    row, pdf = sammanstallning(admin)
    assert "inskickad" in line and "inskickad" in row
    assert cells[-4:] == (450_000, 420_000, 93, "ja")
    assert 450_000 in row and 420_000 in row

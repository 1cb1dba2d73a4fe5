"""The path after the signature on a real database: render, sign, send back, verify and
store, confirm and mail once (aiosmtpd), then the tjänsteskrivelse and the sammanställning."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from docx import Document

from bot.arende.after_signing import (
    receive_signed_pdf,
    sammanstallning_for_year,
    submit_signed_report,
    tjansteskrivelse_for_case,
    verify_file,
)
from bot.documents import DocumentCase, DocumentFormat, render_report
from bot.documents.mail import MailSettings, SendOutcome
from bot.documents.tjansteskrivelse import GivenFacts
from bot.documents.verify import Problem
from bot.mall.case_status import CaseStatus
from bot.mall.errors import UserFacingError
from bot.mall.template import TemplateCatalog
from storage import repository as repo
from storage import submission_repository as submissions
from storage.db import SessionFactory
from storage.models import Case
from tests.conftest import MovableClock
from tests.documents.signing_helpers import sign
from tests.mailing.smtp_server import smtp_server

CASE = "STK-2019-0421"


@pytest.fixture
def pdf(session_factory: SessionFactory, clock: MovableClock, catalog: TemplateCatalog) -> bytes:
    template = catalog.get("mall-2019")
    answers = {q.key: f"Vårt svar om {q.key}." for q in template.questions}
    answers.update(
        budget="Servicenämnden beviljades 400 000 kr och har nyttjat 167 000 kr.",
        underskrift="Carina Tempel\nServicedirektör",
    )
    with session_factory() as session, session.begin():
        user = repo.get_or_create_user(session, "terminal:saida", "Saida Sokolovic", clock())
        case = repo.create_case(session, CASE, "mall-2019", user, clock())
        case.committee = "Servicenämnden"
        case.granted_amount_kr = 400_000
        case.decision_date = date(2019, 3, 11)
        case.recipients = ["registrera.stk@malmo.se", "anders.p.eriksson@malmo.se"]
        for key, text in answers.items():
            repo.save_answer(session, case.id, key, text, [], user, clock())
    rendered = render_report(
        template, answers, DocumentCase(CASE, committee="Servicenämnden"), [DocumentFormat.PDF]
    )
    return rendered.get(DocumentFormat.PDF).content


def _case(session_factory: SessionFactory) -> Case:
    with session_factory() as session:
        case = repo.find_case(session, CASE)
        assert case is not None
        return case


def test_signed_verified_sent_once_and_summarised(
    session_factory: SessionFactory,
    clock: MovableClock,
    catalog: TemplateCatalog,
    pdf: bytes,
    tmp_path: Path,
) -> None:
    signed = sign(pdf, tmp_path, "Carina Tempel")
    # Before anything is signed, there is nothing to send.
    with pytest.raises(UserFacingError, match="ingen kontrollerad signerad"):
        submit_signed_report(session_factory, CASE, catalog, MailSettings(host=None), clock)
    # A tampered copy is refused and changes nothing.
    tampered = signed + b"\n% efterat\n"
    refused = receive_signed_pdf(session_factory, tampered, clock(), CASE)
    assert refused.problem is Problem.CHANGED_AFTER_SIGNING
    assert _case(session_factory).signed_at is None
    # The signed PDF is accepted and the ärende becomes signerad.
    accepted = receive_signed_pdf(session_factory, signed, clock(), CASE)
    assert accepted.valid, accepted.message
    case = _case(session_factory)
    assert case.signer == "Carina Tempel" and case.signed_at == accepted.signed_at
    path = tmp_path / "signerad.pdf"
    path.write_bytes(signed)
    assert verify_file(path, session_factory).exit_status() == 0
    assert verify_file(tmp_path / "finns-inte.pdf", session_factory).exit_status() == 2

    clock.advance(hours=1)
    with smtp_server() as server:
        settings = MailSettings(host="127.0.0.1", port=server.port, sender="redovisa@malmo.se")
        sent = submit_signed_report(session_factory, CASE, catalog, settings, clock)
        again = submit_signed_report(session_factory, CASE, catalog, settings, clock)
    assert sent.outcome is SendOutcome.SENT and again.outcome is SendOutcome.ALREADY_SENT
    (arrived,) = server.inbox.arrived
    assert CASE in arrived.message["Subject"]
    (attachment,) = list(arrived.message.iter_attachments())
    assert attachment.get_content() == signed
    assert _case(session_factory).submitted_at == clock()

    summary, files = sammanstallning_for_year(session_factory, 2019, catalog, date(2020, 1, 5))
    (row,) = summary.rows
    assert row.state is CaseStatus.SUBMITTED and (row.granted_kr, row.used_kr) == (400_000, 167_000)
    assert [name for name, _, _ in files.files] == [
        "Sammanstallning_2019.xlsx", "Sammanstallning_2019.pdf",
    ]  # fmt: skip

    with session_factory() as session:
        author = repo.find_user(session, "terminal:saida")
    doc, rendered = tjansteskrivelse_for_case(
        session_factory, CASE, catalog, date(2020, 1, 10), author,
        GivenFacts(committee_case_number="SN-2019-1996"),
    )  # fmt: skip
    assert doc.title.endswith("SN-2019-1996") and doc.reference[0] == "Saida Sokolovic"
    assert doc.footer == "Tjänsteskrivelse SN-2019-1996"
    assert doc.responsible == ("Carina Tempel, servicedirektör",)
    written = rendered.write_to(tmp_path / "ut")
    assert [p.name for p in written] == [
        "Tjansteskrivelse_STK-2019-0421.docx", "Tjansteskrivelse_STK-2019-0421.pdf",
    ]  # fmt: skip
    assert Document(str(written[0])).paragraphs[0].text == "Tjänsteskrivelse"
    assert (
        "Förslag till beslut"
        in pypdf.PdfReader(BytesIO(written[1].read_bytes())).pages[0].extract_text()
    )
    with session_factory() as session:
        assert len(submissions.mails_of_case(session, _case(session_factory).id)) == 1


def test_an_unknown_case_gets_a_swedish_message(
    session_factory: SessionFactory, catalog: TemplateCatalog
) -> None:
    with pytest.raises(UserFacingError, match="STK-2019-9999 finns inte"):
        tjansteskrivelse_for_case(session_factory, "STK-2019-9999", catalog, date(2020, 1, 1))


def test_an_answer_changed_after_signing_stops_the_signed_pdf(
    session_factory: SessionFactory,
    clock: MovableClock,
    catalog: TemplateCatalog,
    pdf: bytes,
    tmp_path: Path,
) -> None:
    signed = sign(pdf, tmp_path, "Carina Tempel")
    assert receive_signed_pdf(session_factory, signed, clock(), CASE).valid
    clock.advance(hours=1)
    case_id = _case(session_factory).id
    with session_factory() as session, session.begin():
        user = repo.find_user(session, "terminal:saida")
        assert user is not None
        repo.save_answer(
            session, case_id, "budget",
            "Servicenämnden beviljades 400 000 kr och har nyttjat 250 000 kr.", [], user, clock(),
        )  # fmt: skip
    with smtp_server() as server:
        settings = MailSettings(host="127.0.0.1", port=server.port, sender="redovisa@malmo.se")
        with pytest.raises(UserFacingError, match="har ändrats efter att den signerades"):
            submit_signed_report(session_factory, CASE, catalog, settings, clock)
    assert server.inbox.arrived == []
    case = _case(session_factory)
    assert case.submitted_at is None
    with session_factory() as session:
        assert submissions.mails_of_case(session, case.id) == []
    summary, _ = sammanstallning_for_year(session_factory, 2019, catalog, date(2020, 1, 5))
    assert summary.rows[0].state is CaseStatus.CHANGED_AFTER_SIGNING

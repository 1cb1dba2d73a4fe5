"""The engine's side of what comes after the signature, where no port is needed to see it:
what is refused in the turn itself, with a Swedish message, changing nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.arende.after_signing import receive_signed_pdf
from bot.documents import DocumentCase, DocumentFormat, render_report
from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming, IncomingFile, UserRef
from bot.engine.services import (
    DraftedTjansteskrivelse,
    DraftProposal,
    EngineServices,
    OutputFile,
    SignedReportCheck,
    SubmissionResult,
)
from bot.engine.texts import load_texts
from bot.mall.template import TemplateCatalog
from storage import repository as repo
from storage.db import SessionFactory
from tests.conftest import MovableClock
from tests.documents.signing_helpers import sign
from tests.engine.conftest import ChatUser, database_snapshot


@dataclass
class RecordingPort:
    """An AfterSigningPort that says every check failed and records what it was asked."""

    calls: list[tuple[object, ...]] = field(default_factory=list)

    def looks_signed(self, data: bytes) -> bool:
        return b"/ByteRange" in data

    def receive(
        self, pdf: bytes, expected_case_number: str | None, allowed_case_numbers: frozenset[str]
    ) -> SignedReportCheck:
        self.calls.append(("receive", expected_case_number, allowed_case_numbers))
        return SignedReportCheck(False, "Underskriften är inte giltig.")

    def submit(self, case_number: str) -> SubmissionResult:
        self.calls.append(("submit", case_number))
        return SubmissionResult("sent", "Skickad.")

    def tjansteskrivelse(
        self, case_number: str, author_name: str | None, proposal: DraftProposal | None = None
    ) -> DraftedTjansteskrivelse:
        self.calls.append(("tjansteskrivelse", case_number, author_name))
        return DraftedTjansteskrivelse("Tjänsteskrivelse", ("nämndens diarienummer",), ())

    def tjansteskrivelse_proposal(self, case_number: str) -> DraftProposal | None:
        return None

    def sammanstallning(
        self, year: int, coordinator_id: int | None = None
    ) -> tuple[int, tuple[OutputFile, ...]]:
        self.calls.append(("sammanstallning", year))
        return 0, ()


def test_without_the_port_a_signed_pdf_is_not_imported_as_a_draft(
    conversation: Conversation, anna: ChatUser, session_factory: SessionFactory
) -> None:
    anna.say("/ny STK-2018-1307")
    anna.say("/mall mall-2019")
    before = database_snapshot(session_factory)
    signed_looking = IncomingFile("signerad.pdf", b"%PDF-1.7 ... /ByteRange [0 1 2 3] ...")
    replies = conversation.handle(anna.ref, Incoming(file=signed_looking))
    text = "\n".join(r.plain_text for r in replies)
    assert "inte igång" in text
    assert database_snapshot(session_factory)[0] == before[0]
    claimed = IncomingFile("redovisning.pdf", b"%PDF-1.7 inget signerat")
    replies = conversation.handle(anna.ref, Incoming(text="Här är den signerade", file=claimed))
    assert "inte igång" in "\n".join(r.plain_text for r in replies)


def test_a_signed_pdf_is_checked_against_the_users_own_cases(
    session_factory: SessionFactory, catalog: TemplateCatalog, clock: MovableClock
) -> None:
    port = RecordingPort()
    conversation = Conversation(
        session_factory, catalog, load_texts(), clock, EngineServices(after_signing=port),
        access=AccessPolicy.open_to_all(),
    )  # fmt: skip
    anna = ChatUser(conversation, UserRef("terminal:anna", "Anna"))
    bertil = ChatUser(conversation, UserRef("terminal:bertil", "Bertil"))
    bertil.say("/ny STK-2018-0001")
    bertil.say("/mall mall-2019")
    anna.say("/ny STK-2018-1307")
    anna.say("/mall mall-2019")
    signed = IncomingFile("signerad.pdf", b"%PDF-1.7 ... /ByteRange [0 1 2 3] ...")
    replies = conversation.handle(anna.ref, Incoming(file=signed))
    text = "\n".join(r.plain_text for r in replies)
    assert "kontrollerar" in text and "Ingenting i ärendet har ändrats" in text
    assert port.calls == [("receive", "STK-2018-1307", frozenset({"STK-2018-1307"}))]

    port.calls.clear()
    assert "Vilket ärende" in anna.say("/skicka inget-nummer")
    assert "hör inte till ärende STK-2018-0001" in anna.say("/skicka STK-2018-0001")
    assert "ingen kontrollerad signerad" in anna.say("/skicka")
    assert "samordnare" in anna.say("/sammanstallning 2019")
    assert port.calls == []  # nothing refused reaches the port
    drafted = anna.say("/tjänsteskrivelse")
    assert "Tjänsteskrivelse" in drafted
    assert "Luckor att fylla i:\n• nämndens diarienummer" in drafted  # every gap is listed
    assert port.calls == [("tjansteskrivelse", "STK-2018-1307", "Anna")]


def test_send_and_summary_need_the_port(anna: ChatUser) -> None:
    assert "inte igång" in anna.say("/skicka")
    assert "samordnare" in anna.say("/sammanstallning 2019")


def test_answers_changed_after_signing_are_not_sent_and_not_shown_as_signed(
    session_factory: SessionFactory, catalog: TemplateCatalog, clock: MovableClock, tmp_path: Path
) -> None:
    port = RecordingPort()
    policy = AccessPolicy(admin_external_ids=frozenset({"terminal:cecilia"}))
    conversation = Conversation(
        session_factory, catalog, load_texts(), clock, EngineServices(after_signing=port),
        access=policy,
    )  # fmt: skip
    anna = ChatUser(conversation, UserRef("terminal:anna", "Anna"))
    cecilia = ChatUser(conversation, UserRef("terminal:cecilia", "Cecilia"))
    anna.say("/ny STK-2019-0421")
    anna.say("/mall mall-2019")
    template = catalog.get("mall-2019")
    answers = {q.key: f"Vårt svar om {q.key}." for q in template.questions}
    answers["underskrift"] = "Carina Tempel\nServicedirektör"
    with session_factory.begin() as session:
        author = repo.find_user(session, "terminal:anna")
        case = repo.find_case(session, "STK-2019-0421")
        assert author is not None and case is not None
        case.recipients = ["registrator@malmo.se"]  # given for the ärende (issue 20)
        for key, text in answers.items():
            repo.save_answer(session, case.id, key, text, [], author, clock())
    pdf = render_report(template, answers, DocumentCase("STK-2019-0421"), [DocumentFormat.PDF]).get(
        DocumentFormat.PDF
    )
    signed = sign(pdf.content, tmp_path, "Carina Tempel")
    allowed = ["STK-2019-0421"]
    assert receive_signed_pdf(session_factory, signed, clock(), None, allowed).valid
    assert "STK-2019-0421 – signerad –" in cecilia.say("/oversikt")

    clock.advance(minutes=5)
    first = template.questions[1]
    anna.say(f"/andra {first.key} Ett nytt namn på arbetet")
    before = database_snapshot(session_factory)
    refused = anna.say("/skicka")
    assert "har ändrats efter att redovisningen signerades" in refused
    assert "/dokument" in refused and "Ingenting skickades" in refused
    assert port.calls == []  # the port is never asked to send
    assert database_snapshot(session_factory)[0] == before[0]
    overview = cecilia.say("/oversikt")
    assert "ändrad efter underskrift" in overview and "– signerad –" not in overview

    # Put back as it was signed, the signature holds again.
    anna.say(f"/andra {first.key} {answers[first.key]}")
    assert "STK-2019-0421 – signerad –" in cecilia.say("/oversikt")
    assert "Jag skickar" in anna.say("/skicka")
    assert port.calls == [("submit", "STK-2019-0421")]

"""Last period's answers as a start: each question of a nämnd's new report offers the answer
of its report of an earlier year on the same mall; nothing is copied without a yes; the
budget, the signature and the ärende's facts never are; the review marks a copy."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import assemble
from bot.config import Settings
from bot.engine.conversation import Conversation
from bot.engine.messages import UserRef
from storage import repository as repo
from storage.db import SessionFactory
from storage.models import AuditEvent, User
from tests.conftest import MovableClock
from tests.engine.conftest import ChatUser
from tests.engine.test_access import ADMIN_ID, csv_file, make_official, send_file, telegram_user

LAST_YEAR = {
    "namnd": "Servicenämnden",
    "namn": "Normkreativ service",
    "maluppfyllelse": "Målet var att alla medarbetare i kundtjänst skulle gå utbildningen i "
    "normkreativ service. 42 av 45 gick den; tre slutade under året.",
    "forankring": "Arbetet förankrades i ledningsgruppen och på arbetsplatsträffar.",
    "erfarenheter": "Vi byggde på inventeringen av bemötande från 2017.",
    "tillvarata": "Utbildningen blir en del av introduktionen för nyanställda.",
    "budget": "Vi beviljades 300 000 kr och har använt 300 000 kr till utbildningen.",
    "underskrift": "Eva Ek\nFörvaltningschef",
}
OFFER = "Förra redovisningens svar (SN-2019-0100):"


def registered(case_number: str, committee: str, decided: str, deadline: str) -> str:
    return f"{case_number};{committee};2019;300 000 kr;{decided};{deadline};a@malmo.se;Anna"


def buttons(user: ChatUser) -> list[str]:
    return [b.command for row in user.received[-1].buttons for b in row]


def answers(sessions: SessionFactory, case_number: str) -> dict[str, str]:
    with sessions() as session:
        case = repo.find_case(session, case_number)
        assert case is not None
        return {k: a.text for k, a in repo.current_answers(session, case.id).items()}


def write_last_year(sessions: SessionFactory, clock: MovableClock, case_number: str) -> None:
    with sessions.begin() as session:
        case = repo.find_case(session, case_number)
        author = session.scalars(select(User).where(User.external_id == "telegram:2")).one()
        assert case is not None
        for key, text in LAST_YEAR.items():
            repo.save_answer(session, case.id, key, text, [], author, clock())


@pytest.fixture
def anna(strict: Conversation, clock: MovableClock, session_factory: SessionFactory) -> ChatUser:
    """Anna wrote Servicenämnden's report of 2019 (SN-2019-0100); SN-2020-0200 is this year's,
    and SN-2020-0300 is Kulturnämnden's."""
    clock.now = datetime(2019, 4, 1, 8, 0, tzinfo=UTC)
    admin = telegram_user(strict, ADMIN_ID, "Cecilia Samordnare")
    anna = make_official(admin, strict, 2, "Anna")
    last = registered("SN-2019-0100", "Servicenämnden", "2019-03-11", "2020-02-28")
    assert "1 ärende" in send_file(admin, "a.csv", csv_file(last))
    write_last_year(session_factory, clock, "SN-2019-0100")
    clock.now = datetime(2020, 4, 1, 8, 0, tzinfo=UTC)
    this = registered("SN-2020-0200", "servicenämnden ", "2020-03-16", "2021-02-26")
    other = registered("SN-2020-0300", "Kulturnämnden", "2020-03-16", "2021-02-26")
    assert "2 ärenden" in send_file(admin, "a.csv", csv_file(this, other))
    return anna


def test_each_question_offers_last_years_answer_and_copies_only_on_yes(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    first = anna.say("/fortsatt SN-2020-0200")
    assert "Fråga 1 av 8" in first and OFFER in first and "Servicenämnden" in first
    assert buttons(anna)[:2] == ["/forra ja", "/forra nej"]
    assert answers(session_factory, "SN-2020-0200") == {}, "shown, not copied"

    second = anna.say("/forra ja")
    assert "Förra redovisningens svar är nu svaret på fråga 1" in second
    assert "Fråga 2 av 8" in second and "Normkreativ service" in second
    assert answers(session_factory, "SN-2020-0200") == {"namnd": "Servicenämnden"}

    again = anna.say("/forra nej")
    assert "Skriv ditt eget svar på fråga 2." in again and OFFER not in again
    assert "/forra ja" not in buttons(anna)
    assert "namn" not in answers(session_factory, "SN-2020-0200")
    assert "Fråga 3 av 8" in anna.say("Normkreativ service, fas 2")

    assert LAST_YEAR["maluppfyllelse"][:40] in anna.received[-1].plain_text
    anna.say("/forra ja")
    written = answers(session_factory, "SN-2020-0200")
    assert written["namn"] == "Normkreativ service, fas 2"
    assert written["maluppfyllelse"] == LAST_YEAR["maluppfyllelse"]

    # A question answered in one's own words is the answer; the offer goes.
    assert OFFER in anna.received[-1].plain_text  # question 4 offers too
    anna.say("Ledningsgruppen beslutade om fas 2 i februari.")
    anna.say("/klar")
    written = answers(session_factory, "SN-2020-0200")
    assert written["forankring"] == "Ledningsgruppen beslutade om fas 2 i februari."

    with session_factory() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "previous_answer_used")
        ).all()
        assert [e.detail["question"] for e in events] == ["namnd", "maluppfyllelse"]
        assert {e.detail["from_case"] for e in events} == {"SN-2019-0100"}


def test_budget_and_signature_are_never_offered(anna: ChatUser) -> None:
    anna.say("/fortsatt SN-2020-0200")
    budget = anna.say("/fraga 7")
    assert "Fråga 7 av 8" in budget and OFFER not in budget
    assert "300 000" not in budget
    assert "/forra ja" not in buttons(anna)
    assert "inget svar från förra redovisningen" in anna.say("/forra ja")
    signature = anna.say("/fraga 8")
    assert OFFER not in signature and "Eva Ek" not in signature
    assert "inget svar från förra redovisningen" in anna.say("/forra ja")


def test_another_namnd_or_the_same_year_gets_no_offer(
    anna: ChatUser, strict: Conversation, session_factory: SessionFactory
) -> None:
    assert OFFER not in anna.say("/fortsatt SN-2020-0300")  # Kulturnämnden
    assert "inget svar" in anna.say("/forra ja")
    # This year's own report is no "last period" for another of this year.
    anna.say("/fortsatt SN-2020-0200")
    anna.say("/forra ja")
    admin = telegram_user(strict, ADMIN_ID, "Cecilia Samordnare")
    same_year = registered("SN-2020-0400", "Servicenämnden", "2020-05-04", "2021-02-26")
    send_file(admin, "a.csv", csv_file(same_year))
    assert "Förra redovisningens svar (SN-2020-0200)" not in anna.say("/fortsatt SN-2020-0400")
    assert OFFER in anna.received[-1].plain_text  # last year's still is


def test_an_arende_started_without_registration_is_matched_by_its_namnd_answer(
    anna: ChatUser, clock: MovableClock
) -> None:
    anna.say("/ny SN-2020-0999")
    first = anna.say("/mall mall-2019")
    assert OFFER not in first, "the nämnd is not known yet"
    second = anna.say("Servicenämnden")
    assert "Fråga 2 av 8" in second and OFFER in second


def test_the_review_marks_an_answer_word_for_word_last_years(tmp_path: Path) -> None:
    clock = MovableClock(datetime(2019, 4, 1, 8, 0, tzinfo=UTC))
    settings = Settings(
        redovisa_data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'r.sqlite3'}"
    )
    conversation = assemble(settings, clock).conversation
    cecilia = ChatUser(conversation, UserRef("terminal:cecilia", "Cecilia"))
    anna = ChatUser(conversation, UserRef("terminal:anna", "Anna"))
    sessions = assemble(settings, clock).sessions
    anna.say("/start")
    cecilia.say("/start")
    with sessions.begin() as session:
        row = repo.find_user(session, "terminal:cecilia")
        assert row is not None
        row.role = "coordinator"
    last = registered("SN-2019-0100", "Servicenämnden", "2019-03-11", "2020-02-28")
    assert "1 ärende" in send_file(cecilia, "a.csv", csv_file(last))
    with sessions.begin() as session:
        case = repo.find_case(session, "SN-2019-0100")
        author = repo.find_user(session, "terminal:anna")
        assert case is not None and author is not None
        for key, text in LAST_YEAR.items():
            repo.save_answer(session, case.id, key, text, [], author, clock())
    clock.now = datetime(2020, 4, 1, 8, 0, tzinfo=UTC)
    this = registered("SN-2020-0200", "Servicenämnden", "2020-03-16", "2021-02-26")
    assert "1 ärende" in send_file(cecilia, "a.csv", csv_file(this))

    anna.say("/fortsatt SN-2020-0200")
    anna.say("/forra ja")  # the nämnd
    anna.say("/forra ja")  # the name
    anna.say("/forra ja")  # måluppfyllelse, as it was
    anna.say("I år förankrades arbetet i nämndens presidium och i ledningsgruppen.")
    anna.say("/klar")
    anna.say("/forra ja")  # erfarenheter, as it was
    review = anna.say("/granska")
    marked = "ordagrant detsamma som i förra redovisningen (SN-2019-0100)"
    assert review.count(marked) == 2, review
    assert f"Varning (fråga 3): Svaret är {marked}" in review
    assert f"Varning (fråga 5): Svaret är {marked}" in review
    # The nämnd and the name are the same by nature; what was rewritten is not marked.
    assert "(fråga 1): Svaret är ordagrant" not in review
    assert "(fråga 4): Svaret är ordagrant" not in review

"""Last period's answer offered at a question, chosen with the buttons in Telegram."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage import access_repository as access_repo
from storage import repository as repo
from storage.db import SessionFactory
from tests.conftest import MovableClock
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.conftest import RunBot

ANNA = 6001


def seed(sessions: SessionFactory, clock: MovableClock) -> None:
    """Servicenämnden's report of 2019 by Anna, and its ärende of 2020 with Anna responsible."""
    with sessions.begin() as session:
        anna = repo.get_or_create_user(session, f"telegram:{ANNA}", "Anna", clock())
        cecilia = repo.get_or_create_user(session, "terminal:cecilia", "Cecilia", clock())
        cecilia.role = "coordinator"
        for number, decided, year in (("SN-2019-0100", date(2019, 3, 11), 2019),
                                      ("SN-2020-0200", date(2020, 3, 16), 2020)):  # fmt: skip
            case = access_repo.register_case(
                session, case_number=number, template_id="mall-2019", committee="Servicenämnden",
                granted_amount_kr=300_000, decision_date=decided,
                last_reply_date=date(year + 1, 2, 26), recipients=["a@malmo.se"],
                responsible=anna, coordinator=cecilia, now=clock(),
            )  # fmt: skip
            if year == 2019:
                repo.save_answer(session, case.id, "namnd", "Servicenämnden", [], anna, clock())
                repo.save_answer(session, case.id, "namn", "Normkreativ service", [], anna, clock())


async def test_the_buttons_take_last_years_answer_or_leave_the_question_empty(
    api: FakeBotApi,
    run_bot: RunBot,
    sqlite_session_factory: SessionFactory,
    clock: MovableClock,
) -> None:
    clock.now = datetime(2020, 4, 1, 8, 0, tzinfo=UTC)
    seed(sqlite_session_factory, clock)
    anna = api.private_chat(ANNA, "Anna")
    async with run_bot():
        anna.send("/fortsatt SN-2020-0200")
        question = (await api.wait_for_messages(ANNA, 1))[-1]
        assert "Förra redovisningens svar (SN-2019-0100):" in question.text
        assert question.button_labels[:2] == ["Utgå från det", "Skriv nytt"]
        anna.press(question, "Utgå från det")
        second = (await api.wait_for_messages(ANNA, 2))[-1]
        assert "svaret på fråga 1" in second.text and "Normkreativ service" in second.text
        anna.press(second, "Skriv nytt")
        third = (await api.wait_for_messages(ANNA, 3))[-1]
        assert "Skriv ditt eget svar på fråga 2." in third.text
        assert "Utgå från det" not in third.button_labels
    with sqlite_session_factory() as session:
        case = repo.find_case(session, "SN-2020-0200")
        assert case is not None
        written = {k: a.text for k, a in repo.current_answers(session, case.id).items()}
    assert written == {"namnd": "Servicenämnden"}

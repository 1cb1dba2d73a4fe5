"""The conversation as a user experiences it: every command, in order, against a real database."""

from __future__ import annotations

import pytest

from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming, UserRef
from bot.engine.texts import load_texts
from bot.mall.template import TemplateCatalog
from storage import repository as repo
from storage.db import SessionFactory
from tests.conftest import MovableClock
from tests.engine.conftest import ChatUser, database_snapshot


def start_report(
    user: ChatUser, case_number: str = "STK-2018-1307", mall: str = "mall-2019"
) -> str:
    user.say(f"/ny {case_number}")
    return user.say(f"/mall {mall}")


def current_answers(sessions: SessionFactory, case_number: str) -> dict[str, str]:
    with sessions() as session:
        case = repo.find_case(session, case_number)
        assert case is not None
        return {k: a.text for k, a in repo.current_answers(session, case.id).items()}


def test_new_report_asks_first_question_with_counter_and_hint(anna: ChatUser) -> None:
    reply = anna.say("/ny STK-2018-1307")
    assert "Vilken mall" in reply
    buttons = [b.command for row in anna.received[-1].buttons for b in row]
    assert buttons == ["/mall mall-2018", "/mall mall-2019"]
    reply = anna.say("/mall mall-2019")
    assert "Fråga 1 av 8" in reply
    assert "Vid vilken nämnd har utvecklingsarbetet bedrivits?" in reply
    assert "Nämndens fullständiga namn" in reply


def test_diarienummer_is_asked_for_when_missing_and_normalised(anna: ChatUser) -> None:
    assert "diarienumret" in anna.say("/ny")
    assert "Vilken mall" in anna.say("stk-2018-1307")
    assert "STK-2018-1307" in anna.say("2019")


def test_short_answers_take_one_message_long_ones_collect_parts(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    start_report(anna)
    assert "Fråga 2 av 8" in anna.say("Arbetsmarknads- och socialnämnden")
    assert "Fråga 3 av 8" in anna.say("Omställning av arbetet")
    assert "del 1" in anna.say("Första stycket om målet.")
    assert "del 2" in anna.say("- en punkt\n- en till punkt")
    assert "del 3" in anna.say("Sista stycket.")
    assert "Fråga 4 av 8" in anna.say("/klar")
    answers = current_answers(session_factory, "STK-2018-1307")
    assert answers["maluppfyllelse"] == (
        "Första stycket om målet.\n\n- en punkt\n- en till punkt\n\nSista stycket."
    )


def test_parts_are_stored_before_klar_and_survive_a_restart(
    anna: ChatUser, session_factory: SessionFactory, catalog: TemplateCatalog, clock: MovableClock
) -> None:
    start_report(anna)
    anna.say("/fraga 3")
    anna.say("Del ett.")
    anna.say("Del två.")
    restarted = ChatUser(
        Conversation(
            session_factory, catalog, load_texts(), clock, access=AccessPolicy.open_to_all()
        ),
        anna.ref,
    )
    reply = restarted.say("/fortsatt")
    assert "Fråga 3 av 8" in reply
    assert "2 delar" in reply
    restarted.say("klar")
    assert current_answers(session_factory, "STK-2018-1307")["maluppfyllelse"] == (
        "Del ett.\n\nDel två."
    )


def test_back_skip_and_jump(anna: ChatUser) -> None:
    start_report(anna)
    assert "första frågan" in anna.say("/tillbaka")
    assert "Fråga 2 av 8" in anna.say("/hoppa")
    assert "Fråga 1 av 8" in anna.say("gå tillbaka")
    assert "Fråga 7 av 8" in anna.say("/fraga 7")
    assert "Fråga 6 av 8" in anna.say("/tillbaka")
    assert "Fråga 5 av 8" in anna.say("fråga 5")
    reply = anna.say("/fraga 9")
    assert "från 1 till 8" in reply
    assert "Fråga 8 av 8" in anna.say("/fraga underskrift")


def test_skipping_a_required_question_says_it_must_be_answered(anna: ChatUser) -> None:
    start_report(anna)
    reply = anna.say("hoppa över")
    assert "måste besvaras" in reply
    assert "Fråga 2 av 8" in reply


def test_passing_the_last_question_lists_what_is_missing(anna: ChatUser) -> None:
    start_report(anna)
    anna.say("Arbetsmarknads- och socialnämnden")
    reply = anna.say("/fraga 8")
    reply = anna.say("Jonas Magnusson")
    assert "alla frågor" in reply
    assert "3. Utvecklingsarbetets måluppfyllelse" in reply
    assert "1. Vid vilken nämnd" not in reply


def test_draft_shows_every_question_and_what_is_missing(anna: ChatUser) -> None:
    start_report(anna)
    anna.say("Arbetsmarknads- och socialnämnden")
    anna.say("Omställning")
    anna.say("Påbörjad text")
    reply = anna.say("/utkast")
    assert "STK-2018-1307" in reply
    assert "2 av 8 frågor besvarade" in reply
    assert reply.count("(inte besvarad än)") == 6
    assert "skrivit 1 del på" in reply
    assert reply.index("Arbetsmarknads- och socialnämnden") < reply.index("Omställning")


def test_edit_by_command_with_text_keeps_every_version(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    start_report(anna)
    anna.say("Arbetsmarknads- och socialnämnden")
    assert "ändrat" in anna.say("/andra 1 Servicenämnden")
    assert current_answers(session_factory, "STK-2018-1307")["namnd"] == "Servicenämnden"
    with session_factory() as session:
        case = repo.find_case(session, "STK-2018-1307")
        assert case is not None
        history = repo.answer_history(session, case.id, "namnd")
        assert [h.text for h in history] == ["Arbetsmarknads- och socialnämnden", "Servicenämnden"]
        assert all(h.author_user_id == history[0].author_user_id for h in history)


def test_edit_in_words(anna: ChatUser, session_factory: SessionFactory) -> None:
    start_report(anna)
    assert "Fråga 7 av 8" in anna.say("ändra budgeten")
    anna.say("/fraga 1")
    anna.say("ändra budgeten: Vi beviljades 202 000 kr och använde 194 000 kr.")
    assert current_answers(session_factory, "STK-2018-1307")["budget"] == (
        "Vi beviljades 202 000 kr och använde 194 000 kr."
    )
    assert "Fråga 3 av 8" in anna.say("ändra fråga 3")


def test_edit_without_text_returns_to_where_the_user_was(anna: ChatUser) -> None:
    start_report(anna)
    anna.say("Nämnden")
    anna.say("Namnet")
    reply = anna.say("/andra 1")
    assert "Fråga 1 av 8" in reply
    assert "Nuvarande svar" in reply and "Nämnden" in reply
    assert "Fråga 3 av 8" in anna.say("Arbetsmarknads- och socialnämnden")


def test_edit_after_the_report_is_complete_keeps_both_versions(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    start_report(anna)
    anna.say("Kulturnämnden")  # issue 21: "Svar 1" is no nämnd, and is asked about
    for number in range(2, 8):
        anna.say(f"/fraga {number}")
        anna.say(f"Svar {number}")
        anna.say("/klar")
    anna.say("/fraga 8")
    assert "gått igenom alla frågor" in anna.say("Chefens Namn")
    with session_factory() as session:
        case = repo.find_case(session, "STK-2018-1307")
        assert case is not None and case.status == "finished"
    anna.say("/andra 7")
    anna.say("Nytt budgetsvar")
    anna.say("/klar")
    with session_factory() as session:
        case = repo.find_case(session, "STK-2018-1307")
        assert case is not None
        history = [a.text for a in repo.answer_history(session, case.id, "budget")]
    assert history == ["Svar 7", "Nytt budgetsvar"]


def test_klar_without_text_keeps_existing_answer_or_explains(anna: ChatUser) -> None:
    start_report(anna)
    anna.say("/fraga 3")
    assert "inte skrivit något" in anna.say("/klar")
    anna.say("Text")
    anna.say("/klar")
    anna.say("/fraga 3")
    assert "oförändrat" in anna.say("/klar")


def test_cancel_asks_before_throwing_parts_away(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    start_report(anna)
    anna.say("/fraga 3")
    anna.say("Något halvfärdigt")
    reply = anna.say("/avbryt")
    assert "ta bort dem" in reply
    assert [b.command for b in anna.received[-1].buttons[0]] == ["/ja", "/nej"]
    assert "Fråga 3 av 8" in anna.say("nej")
    assert "skrivit 1 del." in anna.say("/status")
    anna.say("/avbryt")
    assert "Jag har tagit bort 1 del." in anna.say("/ja")
    assert "maluppfyllelse" not in current_answers(session_factory, "STK-2018-1307")


def test_cancel_without_unsaved_text_leaves_the_questions(anna: ChatUser) -> None:
    start_report(anna)
    assert "lämnat frågorna" in anna.say("/avbryt")
    assert "väntar jag inte på något svar" in anna.say("/hoppa")  # issue 21: said plainly
    assert "Fråga 1 av 8" in anna.say("/fortsatt")


def test_moving_away_keeps_what_was_written(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    start_report(anna)
    anna.say("/fraga 4")
    anna.say("Förankrat i ledningsgruppen.")
    assert "sparat" in anna.say("/fraga 6")
    assert current_answers(session_factory, "STK-2018-1307")["forankring"] == (
        "Förankrat i ledningsgruppen."
    )


def test_list_and_resume_reports(anna: ChatUser) -> None:
    assert "inga ärenden" in anna.say("/arenden")
    start_report(anna, "STK-2018-1307")
    anna.say("Nämnd A")
    start_report(anna, "SN-2018-1996", "mall-2018")
    reply = anna.say("/arenden")
    assert "STK-2018-1307 (mall-2019): 1 av 8" in reply
    assert "SN-2018-1996 (mall-2018): 0 av 8" in reply
    reply = anna.say("/fortsatt STK-2018-1307")
    assert "Fråga 2 av 8" in reply
    assert "STK-2018-1307" in anna.say("/status")


def test_two_users_interleaved_never_see_each_others_reports(
    anna: ChatUser, bertil: ChatUser, session_factory: SessionFactory
) -> None:
    start_report(anna, "STK-2018-1307")
    start_report(bertil, "STK-2018-1304")
    anna.say("Annas nämnd")
    bertil.say("Bertils nämnd")
    anna.say("Annas arbete")
    bertil.say("Bertils arbete")
    assert "Bertil" not in anna.say("/utkast")
    assert "Anna" not in bertil.say("/utkast")
    assert "STK-2018-1304" not in anna.say("/arenden")
    assert "inte med i det" in bertil.say("/ny STK-2018-1307")
    assert "inget ärende" in bertil.say("/fortsatt STK-2018-1307")
    assert current_answers(session_factory, "STK-2018-1307")["namnd"] == "Annas nämnd"
    assert current_answers(session_factory, "STK-2018-1304")["namnd"] == "Bertils nämnd"


def test_an_edited_message_updates_the_answer_it_belongs_to(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    start_report(anna)
    anna.say("Arbetsmarknadsnämnden", message_ref="m1")
    anna.say("/fraga 3")
    anna.say("Första delen", message_ref="m2")
    assert "håller på med" in anna.edit("m2", "Första delen, rättad")
    anna.say("Andra delen", message_ref="m3")
    anna.say("/klar")
    assert "fråga 1" in anna.edit("m1", "Arbetsmarknads- och socialnämnden")
    answers = current_answers(session_factory, "STK-2018-1307")
    assert answers["namnd"] == "Arbetsmarknads- och socialnämnden"
    assert answers["maluppfyllelse"] == "Första delen, rättad\n\nAndra delen"
    assert "inget ändrades" in anna.edit("m99", "något")


def test_the_same_delivery_is_handled_once(
    conversation: Conversation, session_factory: SessionFactory
) -> None:
    user = UserRef("telegram:42", "Cilla")
    conversation.handle(user, Incoming(text="/ny STK-2018-1307", delivery_id=1))
    conversation.handle(user, Incoming(text="/mall mall-2019", delivery_id=2))
    first = conversation.handle(user, Incoming(text="/fraga 3", delivery_id=3))
    conversation.handle(user, Incoming(text="Del ett", delivery_id=4))
    again = conversation.handle(user, Incoming(text="Del ett", delivery_id=4))
    assert first and again == []
    conversation.handle(user, Incoming(text="/klar", delivery_id=5))
    assert current_answers(session_factory, "STK-2018-1307")["maluppfyllelse"] == "Del ett"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "tomt"),
        ("   \n  ", "tomt"),
        ("x" * 100_000, "för långt"),
        ("Text med \x00 nollbyte", "styrtecken"),
        ("Text med \x1b[31m färg", "styrtecken"),
        ("/ny STK-18-1", "inte ett diarienummer"),
        ("/ny <script>", "inte ett diarienummer"),
        ("/flyga", "finns inte"),
        ("/mall mall-2019", "/ny"),
        ("/ja", "inget att svara ja"),
    ],
)
def test_bad_input_is_answered_clearly_and_changes_nothing(
    anna: ChatUser, session_factory: SessionFactory, message: str, expected: str
) -> None:
    start_report(anna)
    anna.say("/fraga 3")
    anna.say("Påbörjat svar")
    before = database_snapshot(session_factory)
    reply = anna.say(message)
    assert expected in reply
    assert database_snapshot(session_factory) == before


def test_every_input_gets_an_answer_outside_a_report(anna: ChatUser) -> None:
    for message in [
        "hej",
        "/start",
        "/hjalp",
        "/status",
        "/utkast",
        "/klar",
        "/tillbaka",
        "/hoppa",
        "/andra 3",
        "/avbryt",
        "/granska",
        "/dokument",
        "klar",
        "ja",
    ]:
        assert anna.say(message).strip(), message


def test_help_lists_every_command_and_where_one_is(anna: ChatUser) -> None:
    start_report(anna)
    reply = anna.say("/hjalp")
    for command in [
        "/ny",
        "/arenden",
        "/fortsatt",
        "/tillbaka",
        "/hoppa",
        "/andra",
        "/utkast",
        "/avbryt",
        "/klar",
        "/fraga",
    ]:
        assert command in reply
    assert "fråga 1 av 8" in reply


def test_a_diarienummer_alone_starts_a_report(anna: ChatUser) -> None:
    assert "Vilken mall" in anna.say("SN-2018-1996")
    assert "Välj en av mallarna" in anna.say("den nya")

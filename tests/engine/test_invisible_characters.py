"""What is signed is what is stored: invisible characters never reach a stored answer, and the
official is told what was taken out."""

from __future__ import annotations

from storage import repository as repo
from storage.db import SessionFactory
from tests.engine.conftest import ChatUser


def stored(sessions: SessionFactory, case_number: str) -> dict[str, str]:
    with sessions() as session:
        case = repo.find_case(session, case_number)
        assert case is not None
        return {k: a.text for k, a in repo.current_answers(session, case.id).items()}


def test_a_bidi_override_is_removed_from_the_answer_and_the_user_is_told(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    anna.say("/ny STK-2018-1307")
    anna.say("/mall mall-2019")
    reply = anna.say("Service\u202eändmnden\u202c")
    assert "styrtecken för skrivriktning" in reply and "U+202E" in reply and "U+202C" in reply
    assert "Fråga 2 av 8" in reply
    assert stored(session_factory, "STK-2018-1307")["namnd"] == "Serviceändmnden"


def test_zero_width_characters_inside_a_long_answer_are_removed(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    anna.say("/ny STK-2018-1307")
    anna.say("/mall mall-2019")
    anna.say("Servicenämnden")
    anna.say("Jämlik stad")
    reply = anna.say("Vi nådde\u200b målet med 200\u2060000 kr.")
    assert "osynliga tecken" in reply and "U+200B" in reply
    anna.say("/klar")
    assert stored(session_factory, "STK-2018-1307")["maluppfyllelse"] == (
        "Vi nådde målet med 200000 kr."
    )


def test_a_message_of_only_invisible_characters_changes_nothing(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    anna.say("/ny STK-2018-1307")
    anna.say("/mall mall-2019")
    reply = anna.say("\u200b\u200e")
    assert "tomt" in reply.lower()
    assert stored(session_factory, "STK-2018-1307") == {}


def test_an_emoji_built_with_a_zero_width_joiner_is_kept(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    anna.say("/ny STK-2018-1307")
    anna.say("/mall mall-2019")
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    reply = anna.say(f"Familjenämnden {family}")
    assert "tog bort" not in reply
    assert stored(session_factory, "STK-2018-1307")["namnd"] == f"Familjenämnden {family}"

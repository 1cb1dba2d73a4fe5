"""Odd but real situations: imports in the middle of an answer, edits in two chats,
ambiguous choices, strange digits, a choice that must not be undone by an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import ReportServices
from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming, IncomingFile, UserRef
from bot.engine.services import EngineServices
from bot.engine.texts import load_texts
from bot.mall.template import TemplateCatalog
from storage import repository as repo
from storage.db import SessionFactory
from tests.conftest import MovableClock
from tests.engine.conftest import ChatUser


@pytest.fixture
def importing(
    session_factory: SessionFactory, catalog: TemplateCatalog, clock: MovableClock
) -> Conversation:
    services = ReportServices(catalog, llm=None)  # type: ignore[arg-type]
    return Conversation(
        session_factory,
        catalog,
        load_texts(),
        clock,
        EngineServices(importer=services.import_draft),
        access=AccessPolicy.open_to_all(),
    )


def answers_of(sessions: SessionFactory, case_number: str) -> dict[str, str]:
    with sessions() as session:
        case = repo.find_case(session, case_number)
        assert case is not None
        return {k: a.text for k, a in repo.current_answers(session, case.id).items()}


def send_file(user: ChatUser, path: Path, caption: str | None = None) -> str:
    incoming = Incoming(text=caption, file=IncomingFile(path.name, path.read_bytes()))
    return "\n".join(r.plain_text for r in user.conversation.handle(user.ref, incoming))


def test_an_import_keeps_the_parts_being_written_and_a_no_changes_nothing(
    importing: Conversation, session_factory: SessionFactory, seeds_dir: Path
) -> None:
    anna = ChatUser(importing, UserRef("terminal:anna", "Anna"))
    anna.say("/ny STK-2018-1307")
    anna.say("/mall mall-2019")
    anna.say("En egen nämnd")
    anna.say("/ny SN-2018-1996")
    anna.say("/mall mall-2018")
    anna.say("/fraga 3")
    anna.say("Första delen")
    anna.say("Andra delen")
    reply = send_file(anna, seeds_dir / "seed_000.txt", caption="här är filen")
    assert "sparat" in reply and "ersätts" in reply and "sparades inte" in reply
    assert answers_of(session_factory, "SN-2018-1996")["maluppfyllelse"] == (
        "Första delen\n\nAndra delen"
    )
    assert "Inget lästes in" in anna.say("nej")
    anna.say("/klar")
    assert answers_of(session_factory, "STK-2018-1307") == {"namnd": "En egen nämnd"}


def test_slash_ja_confirms_an_import(
    importing: Conversation, session_factory: SessionFactory, seeds_dir: Path
) -> None:
    anna = ChatUser(importing, UserRef("terminal:anna", "Anna"))
    anna.say("/ny STK-2018-1307")
    anna.say("/mall mall-2019")
    anna.say("En egen nämnd")
    send_file(anna, seeds_dir / "seed_000.txt")
    assert "väntar" in anna.say("/status")
    assert "Inläst" in anna.say("/ja")
    assert answers_of(session_factory, "STK-2018-1307")["namnd"] == (
        "Arbetsmarknads- och socialnämnden"
    )


def test_an_edit_only_changes_the_editors_own_answer(
    anna: ChatUser, bertil: ChatUser, session_factory: SessionFactory
) -> None:
    anna.say("/ny STK-2018-1307", message_ref="1")
    anna.say("/mall mall-2019", message_ref="2")
    anna.say("Annas nämnd", message_ref="3")
    bertil.say("/ny STK-2018-1304", message_ref="1")
    bertil.say("/mall mall-2019", message_ref="2")
    bertil.say("Bertils nämnd", message_ref="3")
    assert "fråga 1 i ärende STK-2018-1304" in bertil.edit("3", "Bertils rättade nämnd")
    assert answers_of(session_factory, "STK-2018-1307")["namnd"] == "Annas nämnd"
    assert answers_of(session_factory, "STK-2018-1304")["namnd"] == "Bertils rättade nämnd"


@pytest.mark.parametrize("choice", ["20", "201", "1", "0", "mall"])
def test_an_ambiguous_mall_is_asked_for_again(anna: ChatUser, choice: str) -> None:
    anna.say("/ny STK-2018-1307")
    assert "känner jag inte" in anna.say(f"/mall {choice}")
    assert "Fråga 1 av 8" in anna.say("/mall 2019")


@pytest.mark.parametrize(
    "command",
    ["/fraga ²", "/andra ² text", "ändra ²: x", "/fraga ١", "/fraga 99999999999999999999"],
)
def test_unusual_digits_get_an_answer_not_a_crash(anna: ChatUser, command: str) -> None:
    anna.say("/ny STK-2018-1307")
    anna.say("/mall mall-2019")
    assert anna.say(command).strip()


def test_a_taken_diarienummer_at_the_mall_choice_ends_the_choice(
    anna: ChatUser, bertil: ChatUser
) -> None:
    anna.say("/ny STK-2018-1307")
    bertil.say("/ny STK-2018-1307")
    bertil.say("/mall mall-2019")
    assert "inte med i det" in anna.say("/mall mall-2019")
    assert "Starta med /ny" in anna.say("/status")
    assert "/ny" in anna.say("/mall mall-2019")

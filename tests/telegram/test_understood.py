"""Issue 10 in Telegram, through the fake Bot API over HTTP: every cue at a question and in
the middle of a long answer is asked about with buttons; nothing is stored until the user
says so, and the user is told what happened."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.mall.template import TemplateCatalog
from storage import repository as repo
from storage.db import SessionFactory
from tests.conftest import MovableClock
from tests.engine.conftest import importing_conversation
from tests.fakes.bot_api import FakeBotApi, FakeUser, SentMessage
from tests.telegram.conftest import RunBot

CASE = "STK-2018-1304"
# Each cue and the button the bot must offer for it (its label).
CUES = {
    "avsluta": "Avbryt",
    "?": "Hjälp",
    "oj, stavfel. gå tillbaka": "Ångra",
    "jag förstår inte": "Hjälp",
    "det funkar inte": "Ångra",
    "hej": "Hjälp",
    "vet inte": "Hoppa över",
    "I don't understand, can I write in English?": "Hjälp",
}
# Issue 21: commands in words, acted on at a question with nothing written (and asked
# about mid-answer): what the bot then says.
ACTED_ON_AT_A_QUESTION = {"avsluta": "lämnat frågorna", "oj, stavfel. gå tillbaka": "första"}
Until = Callable[[list[SentMessage]], bool]


def says(fragment: str) -> Until:
    return lambda messages: any(fragment in m.text for m in messages)


def answers(sessions: SessionFactory) -> dict[str, str]:
    with sessions() as session:  # the database the engine writes to
        case = repo.find_case(session, CASE)
        assert case is not None
        return {k: a.text for k, a in repo.current_answers(session, case.id).items()}


async def begin(user: FakeUser) -> None:
    await user.ask("/start", says("Hej"))
    choice = await user.ask(f"/ny {CASE}", says("Vilken mall"))
    assert "inte året i diarienumret" in choice[-1].text
    user.press(choice[-1], next(b for b in choice[-1].button_labels if "2019" in b))
    await user.replies(says("Fråga 1 av 8"))


@pytest.mark.parametrize("cue", list(ACTED_ON_AT_A_QUESTION))
async def test_a_command_in_words_at_a_question_is_acted_on_and_not_stored(
    cue: str, api: FakeBotApi, run_bot: RunBot, sqlite_session_factory: SessionFactory
) -> None:
    async with run_bot():
        user = api.private_chat(2005, "Olle")
        await begin(user)
        done = await user.ask(cue, says(ACTED_ON_AT_A_QUESTION[cue]))
        assert "Spara det som svar" not in done[-1].button_labels
    assert answers(sqlite_session_factory) == {}


@pytest.mark.parametrize("cue", [c for c in CUES if c not in ACTED_ON_AT_A_QUESTION])
async def test_a_cue_at_a_question_then_yes_its_my_answer(
    cue: str, api: FakeBotApi, run_bot: RunBot, sqlite_session_factory: SessionFactory
) -> None:
    async with run_bot():
        user = api.private_chat(2001, "Olle")
        await begin(user)
        asked = await user.ask(cue, says("Jag har inte sparat"))
        question = asked[-1]
        assert "fråga 1" in question.text
        assert CUES[cue] in question.button_labels
        assert "Spara det som svar" in question.button_labels
        assert answers(sqlite_session_factory) == {}
        user.press(question, "Spara det som svar")
        await user.replies(says("Svaret på fråga 1 är sparat"))
    assert answers(sqlite_session_factory) == {"namnd": cue}


@pytest.mark.parametrize("cue", list(CUES))
async def test_a_cue_in_the_middle_of_a_long_answer_is_not_a_part(
    cue: str, api: FakeBotApi, run_bot: RunBot, sqlite_session_factory: SessionFactory
) -> None:
    async with run_bot():
        user = api.private_chat(2002, "Olle")
        await begin(user)
        await user.ask("Arbetsmarknads- och socialnämnden", says("Fråga 2 av 8"))
        await user.ask("Barnrätt i praktiken", says("Fråga 3 av 8"))
        await user.ask("Första stycket.", says("(del 1)"))
        asked = await user.ask(cue, says("Jag har inte lagt till"))
        assert "svaret på fråga 3" in asked[-1].text
        assert CUES[cue] in asked[-1].button_labels
        await user.ask("nej", says("Okej, jag har inte sparat"))
        second = await user.ask("Andra stycket.", says("(del 2)"))
        user.press(second[-1], "Klar")
        await user.replies(says("Fråga 4 av 8"))
    assert answers(sqlite_session_factory)["maluppfyllelse"] == "Första stycket.\n\nAndra stycket."


async def test_undo_buttons_take_back_a_part_and_an_answer(
    api: FakeBotApi, run_bot: RunBot, sqlite_session_factory: SessionFactory
) -> None:
    async with run_bot():
        user = api.private_chat(2003, "Olle")
        await begin(user)
        await user.ask("Arbetsmarknads- och socialnämnden", says("Fråga 2 av 8"))
        await user.ask("Kunskapslyftt", says("Fråga 3 av 8"))
        back = await user.ask("oj, stavfel. gå tillbaka", says("Fråga 2 av 8"))
        assert "Kunskapslyftt" in back[-1].text  # said in words: back at once, nothing stored
        await user.ask("Kunskapslyft", says("Fråga 3 av 8"))
        await user.ask("Ett.", says("(del 1)"))
        await user.ask("Fel stycke.", says("(del 2)"))
        taken = await user.ask("ångra", says("tagit bort del 2"))
        assert "Nu har du 1 del på frågan" in taken[-1].text
        await user.ask("/klar", says("Fråga 4 av 8"))
    stored = answers(sqlite_session_factory)
    assert stored["namn"] == "Kunskapslyft"
    assert stored["maluppfyllelse"] == "Ett."


async def test_the_signature_block_in_several_messages(
    api: FakeBotApi, run_bot: RunBot, sqlite_session_factory: SessionFactory
) -> None:
    block = [
        "Jonas Magnusson",
        "Enhetschef Social hållbarhet",
        "Strategiska avdelningen",
        "Arbetsmarknads- och socialförvaltningen",
    ]
    async with run_bot():
        user = api.private_chat(2004, "Olle")
        await begin(user)
        await user.ask("/fraga 8", says("Fråga 8 av 8"))
        await user.ask(block[0], says("fler rader"))
        for line in block[1:]:
            await user.ask(line, says(line))
    assert answers(sqlite_session_factory)["underskrift"] == "\n".join(block)


async def test_a_pasted_report_in_two_messages_is_offered_and_read_in(
    api: FakeBotApi,
    run_bot: RunBot,
    sqlite_session_factory: SessionFactory,
    catalog: TemplateCatalog,
    clock: MovableClock,
    seeds_dir: Path,
) -> None:
    engine = importing_conversation(sqlite_session_factory, catalog, clock)
    pasted = (seeds_dir / "seed_001.txt").read_text(encoding="utf-8").strip()
    middle = pasted.index("### Hur har utvecklingsarbetet")
    async with run_bot(engine):
        user = api.private_chat(2005, "Olle")
        await begin(user)
        await user.ask(pasted[:middle], says("ser ut som en hel redovisning"))
        offer = await user.ask(pasted[middle:], says("känner igen 8 av mallens rubriker"))
        assert answers(sqlite_session_factory) == {}
        user.press(offer[-1], "Läs in den")
        await user.replies(says("Inläst: svar på 8 frågor"))
    stored = answers(sqlite_session_factory)
    assert stored["namnd"] == "Arbetsmarknads- och socialnämnden"
    assert stored["underskrift"].startswith("Jonas Magnusson")

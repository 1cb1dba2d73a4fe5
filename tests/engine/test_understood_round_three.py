"""Issue 21: a short message is an answer only when it fits its question; a message said to
the bot is asked about or acted on, never stored, whatever its words; genuine short answers
go straight through."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.engine.intents import load_intents
from bot.engine.messages import UserRef
from bot.mall.datafiles import PROMPTS_DIR
from storage.db import SessionFactory
from tests.engine.conftest import ChatUser
from tests.engine.test_understanding import answers_of, buttons_of, start_report

# Slips written for this test in officials' own words: each has a word that is in no
# data file of the project (checked below), so no word list can know them.
FRESH_SLIPS = [
    "hallå, någon hemma?",
    "Glömde bifoga filen, sorry",
    "kaffepaus, strax tillbaka",
    "Oj, klistrade in dubbelt",
    "nu blev jag förvirrad",
    "Vart tog mitt förra svar vägen?",
    "Hoppas det här duger",
    "Tror du att det räcker?",
    "Maila mig en kopia",
    "Släpp den frågan",
    "Är du en robot?",
    "Ta det från början",
    "Mobilen dog, fortsätter sen",
    "förlåt, min kollega skrev det",
    "Ursäkta röran",
    "Schysst, tack",
    "Mejlade du kvittot?",
    "Zooma in lite",
    "Spola tillbaka ett steg",
    "Slänger in resten imorgon",
    "Ledsen, telefonen knasade",
    "Får jag bifoga excelfilen?",
    "Sparas detta automatiskt?",
    "funkar mobilversionen också?",
    "Hinner vi klart före semestern?",
    "Gomorron!",
]
# Slips in the words of the issue and the cue data, and signs without words.
OTHER_SLIPS = [
    "vänta lite",
    "tack!",
    "fel ruta",
    "kan du ta om frågan",
    "sorry wrong chat",
    "nästa",
    "det var allt",
    "Klart!",
    "räcker det här eller behöver ni mer?",
    "oj, stavfel i namnet…",
    "visa vad jag skrivit",
    "det där skulle inte med",
    "hej",
    "?",
    "👍",
    "ta bort det sista",
    "gå till fråga 5",
    "avsluta",
    "Could you repeat that",
    "Hoppla, fel ärende",
]
SLIPS = FRESH_SLIPS + OTHER_SLIPS
# (question number, answer) that must be stored at once, without a question.
GENUINE = [
    (1, "Funktionsstödsnämnden"),
    (1, "Kulturnämnden"),
    (1, "Arbetsmarknads- och socialnämnden"),
    (1, "Stadsbyggnadsnämnden"),
    (1, "Malmö Stadsteater AB"),
    (2, "Barnrätt i praktiken"),
    (2, "Hej Malmö"),
    (2, "Kunskapslyftet 2019"),
    (2, "Jämställd service"),
    (2, "Barn i fokus"),
    (3, "Nej."),
    (3, "Inga"),
    (3, "Se ovan"),
    (3, "12"),
    (3, "Ja, alla fyra perspektiven"),
    (3, "Målet nåddes delvis."),
    (3, "Det blev inte av."),
    (4, "Samma som ovan."),
    (4, "Genom APT och ledningsgrupp."),
    (5, "Se bilaga 2."),
    (5, "Ingen förändring."),
    (6, "Tack vare nätverket fortsätter arbetet."),
    (6, "Kommer att fortsätta under 2020."),
    (7, "Alla medel är förbrukade."),
    (8, "Jonas Magnusson"),
    (8, "Karin Lund, avdelningschef"),
]


def data_words() -> set[str]:
    words: set[str] = set()
    for path in PROMPTS_DIR.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="ignore").lower()
            words |= set(re.findall(r"[\wåäöéü']+", text))
    return words


def test_the_fresh_slips_use_words_no_data_file_has() -> None:
    known = data_words()
    fresh = [
        slip
        for slip in FRESH_SLIPS
        if any(w not in known for w in re.findall(r"[\wåäöéü']+", slip.lower()) if len(w) > 3)
    ]
    assert len(fresh) == len(FRESH_SLIPS) >= 20
    assert len(SLIPS) >= 40 and len(FRESH_SLIPS) * 2 >= len(SLIPS)


def stored_texts(sessions: SessionFactory) -> list[str]:
    return list(answers_of(sessions).values())


def asked_or_acted(user: ChatUser, slip: str) -> bool:
    return "/svar" in buttons_of(user) or load_intents().command_of(slip) is not None


@pytest.mark.parametrize("slip", SLIPS)
def test_a_slip_at_the_first_question_is_never_stored(
    slip: str, olle: ChatUser, sqlite_session_factory: SessionFactory
) -> None:
    start_report(olle)
    olle.say(slip)
    assert asked_or_acted(olle, slip)
    assert slip not in stored_texts(sqlite_session_factory)
    olle.say("/fraga 1")
    olle.say("Kulturnämnden")
    assert answers_of(sqlite_session_factory)["namnd"] == "Kulturnämnden"


@pytest.mark.parametrize("slip", SLIPS)
def test_a_slip_in_the_middle_of_a_long_answer_is_no_part(
    slip: str, olle: ChatUser, sqlite_session_factory: SessionFactory
) -> None:
    start_report(olle)
    olle.say("/fraga 3")
    olle.say("Första stycket.")
    olle.say(slip)
    assert asked_or_acted(olle, slip)
    olle.say("/fraga 4")  # whatever was written on question 3 is stored now
    assert not any(slip in text for text in stored_texts(sqlite_session_factory))
    assert answers_of(sqlite_session_factory).get("maluppfyllelse") in (None, "Första stycket.")


@pytest.mark.parametrize(("number", "answer"), GENUINE)
def test_a_genuine_short_answer_is_stored_without_a_question(
    number: int, answer: str, olle: ChatUser, sqlite_session_factory: SessionFactory
) -> None:
    start_report(olle)
    olle.say(f"/fraga {number}")
    reply = olle.say(answer)
    assert "/svar" not in buttons_of(olle) and "Jag har inte" not in reply
    olle.say("/klar")  # a long answer is finished; a short one is already stored
    stored = answers_of(sqlite_session_factory)
    assert answer in stored.values()


def test_a_stored_slip_takes_the_users_word(
    olle: ChatUser, sqlite_session_factory: SessionFactory
) -> None:
    start_report(olle)
    reply = olle.say("Barnrätt i praktiken")  # a project's name, at the nämnd question
    assert "namnet på en nämnd" in reply and buttons_of(olle)[-1] == "/svar"
    assert "Fråga 2 av 8" in olle.say("/svar")
    assert answers_of(sqlite_session_factory) == {"namnd": "Barnrätt i praktiken"}
    reply = olle.say("vänta lite")
    labels = [b.label for row in olle.received[-1].buttons for b in row]
    assert sum(1 for label in labels if label.startswith("Ja")) <= 1
    assert "Spara det som svar" in labels


def test_commands_in_words_act_by_intent(
    olle: ChatUser, sqlite_session_factory: SessionFactory
) -> None:
    start_report(olle)
    olle.say("Kulturnämnden")
    assert "Fråga 2 av 8" in olle.say("kan du ta om frågan?")
    assert "Fråga 5 av 8" in olle.say("gå till fråga 5")
    olle.say("Vi byggde på inventeringen från 2017.")
    assert "Utkast" in olle.say("visa vad jag skrivit hittills")
    assert "tagit bort del 1" in olle.say("ta bort det sista")
    olle.say("Vi byggde på inventeringen från 2018.")
    assert "Fråga 6 av 8" in olle.say("Klart!")
    assert answers_of(sqlite_session_factory)["erfarenheter"] == (
        "Vi byggde på inventeringen från 2018."
    )
    assert "Fråga 7 av 8" in olle.say("nästa")  # nothing written: skipped
    olle.say("/fraga 3")
    olle.say("Målet nåddes.")
    assert "Fråga 4 av 8" in olle.say("det var allt")


def test_a_wrong_button_case_offers_undo(olle: ChatUser) -> None:
    start_report(olle)
    olle.say("/fraga 3")
    olle.say("Första stycket.")
    olle.say("Ett stycke som hör till en annan fråga.")
    olle.say("det där skulle inte med")
    assert buttons_of(olle)[0] == "/angra"
    assert "tagit bort del 2" in olle.say("/angra")


def test_a_mistyped_command_is_answered_with_the_one_meant(olle: ChatUser) -> None:
    start_report(olle)
    olle.say("/fraga 3")
    olle.say("Första stycket.")
    assert "Menade du /klar?" in olle.say("/klarr")
    assert buttons_of(olle) == ["/klar"]
    assert "Menade du /hoppa?" in olle.say("/hopa")
    assert "Fråga 4 av 8" in olle.say("/klar")
    assert "finns inte" in olle.say("/xyzzyq") and buttons_of(olle) == []


def test_the_mall_choice_takes_a_sentence(olle: ChatUser) -> None:
    olle.say("/ny STK-2018-1304")
    reply = olle.say("2019, kommunstyrelsens arbetsutskott")
    assert "Mall 2019" in reply and "Fråga 1 av 8" in reply


def test_a_greeting_first_is_answered_as_a_greeting(conversation_for_greeting: ChatUser) -> None:
    reply = conversation_for_greeting.say("hej")
    assert reply.startswith("Hej Greta!") and "Jag vet inte vad" not in reply
    assert buttons_of(conversation_for_greeting) == ["/ny"]


@pytest.fixture
def conversation_for_greeting(olle: ChatUser) -> ChatUser:
    return ChatUser(olle.conversation, UserRef("terminal:greta", "Greta"))


def test_status_without_parts_says_what_to_do(olle: ChatUser) -> None:
    start_report(olle)
    status = olle.say("/status")
    assert "0 delar" not in status and "skriv ditt svar på fråga 1" in status
    olle.say("/avbryt")
    reply = olle.say("Något jag skriver när ingen fråga väntar")
    assert "väntar jag inte på något svar" in reply
    assert buttons_of(olle) == ["/fortsatt", "/utkast"]


def test_a_report_read_in_again_says_how_many_answers_change(
    olle: ChatUser, sqlite_session_factory: SessionFactory, seeds_dir: Path
) -> None:
    start_report(olle, "STK-2018-1304")
    pasted = (seeds_dir / "seed_001.txt").read_text(encoding="utf-8").strip()
    olle.say(pasted)
    assert "hur mycket som har använts" in olle.say("/lasin")  # read back first
    olle.say("/budget vet inte")
    olle.say(pasted.replace("Jonas Magnusson", "Karin Lund"))
    assert "1 av dem har redan svar" in olle.say("/lasin")
    reply = olle.say("ja")
    assert "1 svar ändrades; de andra var redan likadana." in reply
    assert answers_of(sqlite_session_factory, "STK-2018-1304")["underskrift"].startswith("Karin")

"""Issue 10: an answer is an answer, talk about the chat is not, and nothing is stored behind
the user's back. Every cue, at a question and in the middle of a long answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.engine.cues import load_cues
from storage import repository as repo
from storage.db import SessionFactory
from tests.conftest import MovableClock
from tests.engine.conftest import ChatUser, database_snapshot

# One message per cue kind of prompts/cues.toml, as officials wrote them, and the command
# the bot must offer for it.
CUES = {
    "avsluta": "/avbryt",
    "?": "/hjalp",
    "oj, stavfel. gå tillbaka": "/angra",
    "jag förstår inte": "/hjalp",
    "det funkar inte": "/angra",
    "hej": "/hjalp",
    "vet inte": "/hoppa",
    "I don't understand, can I write in English?": "/hjalp",
}
# Issue 21: these say a command in words; at a question with nothing written yet they are
# acted on (nothing stored), in the middle of an answer they are asked about.
ACTED_ON_AT_A_QUESTION = {"avsluta": "lämnat frågorna", "oj, stavfel. gå tillbaka": "första"}
# Real short answers that must go straight through.
ANSWERS = [
    "Arbetsmarknads- och socialnämnden",
    "Tillbaka till arbetet",
    "Barnrätt i praktiken",
    "Hej Malmö",
    "Ja",
    "Nej",
    "Jonas Magnusson",
    "Karin Lund, avdelningschef",
    "Kulturnämnden",
    "Funktionsstödsnämnden",
]


def start_report(user: ChatUser, case_number: str = "STK-2018-1307") -> None:
    user.say(f"/ny {case_number}")
    user.say("/mall mall-2019")


def answers_of(sessions: SessionFactory, case_number: str = "STK-2018-1307") -> dict[str, str]:
    with sessions() as session:
        case = repo.find_case(session, case_number)
        assert case is not None
        return {k: a.text for k, a in repo.current_answers(session, case.id).items()}


def buttons_of(user: ChatUser) -> list[str]:
    return [b.command for row in user.received[-1].buttons for b in row]


@pytest.mark.parametrize("message", list(CUES))
def test_every_cue_is_recognised_from_the_data(message: str) -> None:
    cue = load_cues().classify(message)
    assert cue is not None
    assert CUES[message] in [command for _, command in cue.buttons]


@pytest.mark.parametrize("message", ANSWERS)
def test_real_short_answers_are_no_cue(message: str) -> None:
    assert load_cues().classify(message) is None


def test_a_long_message_is_never_a_cue() -> None:
    text = "Vi ville avsluta projektet i tid men det gick inte, eftersom personal slutade."
    assert load_cues().classify(text) is None


@pytest.mark.parametrize("message", [c for c in CUES if c not in ACTED_ON_AT_A_QUESTION])
def test_a_cue_at_a_question_is_asked_about_and_nothing_is_stored(
    message: str, olle: ChatUser, sqlite_session_factory: SessionFactory
) -> None:
    start_report(olle)
    before = database_snapshot(sqlite_session_factory)[0]
    reply = olle.say(message)
    assert "Jag har inte sparat" in reply
    assert "fråga 1" in reply
    assert CUES[message] in buttons_of(olle)
    assert "/svar" in buttons_of(olle)
    assert database_snapshot(sqlite_session_factory)[0] == before
    # "Ja, det är mitt svar" stores it after all.
    assert "Svaret på fråga 1 är sparat" in olle.say("/svar")
    assert answers_of(sqlite_session_factory)["namnd"] == message


@pytest.mark.parametrize("message", list(CUES))
def test_a_cue_in_the_middle_of_a_long_answer_is_no_part(
    message: str, olle: ChatUser, sqlite_session_factory: SessionFactory
) -> None:
    start_report(olle)
    olle.say("/fraga 3")
    olle.say("Första stycket om målet.")
    reply = olle.say(message)
    assert "Jag har inte lagt till" in reply
    assert "svaret på fråga 3" in reply
    assert "(del 2)" not in reply
    # "nej": let it go; the answer is only what was meant.
    assert "Okej, jag har inte sparat" in olle.say("nej")
    olle.say("Andra stycket.")
    olle.say("klar")
    assert answers_of(sqlite_session_factory)["maluppfyllelse"] == (
        "Första stycket om målet.\n\nAndra stycket."
    )


def test_a_new_message_lets_the_waiting_one_go(
    olle: ChatUser, sqlite_session_factory: SessionFactory
) -> None:
    start_report(olle)
    olle.say("vet inte")
    assert "Fråga 2 av 8" in olle.say("Arbetsmarknads- och socialnämnden")
    assert answers_of(sqlite_session_factory) == {"namnd": "Arbetsmarknads- och socialnämnden"}


@pytest.mark.parametrize("message", list(ACTED_ON_AT_A_QUESTION))
def test_a_command_in_words_with_nothing_written_is_acted_on_and_not_stored(
    message: str, olle: ChatUser, sqlite_session_factory: SessionFactory
) -> None:
    start_report(olle)
    before = database_snapshot(sqlite_session_factory)[0]
    assert ACTED_ON_AT_A_QUESTION[message] in olle.say(message)
    assert "/svar" not in buttons_of(olle)
    assert database_snapshot(sqlite_session_factory)[0] == before


def test_the_stop_cue_leads_to_cancel(
    olle: ChatUser, sqlite_session_factory: SessionFactory
) -> None:
    start_report(olle)
    assert "lämnat frågorna" in olle.say("avsluta")  # stopping loses nothing: done at once
    assert answers_of(sqlite_session_factory) == {}
    assert "Fråga 1 av 8" in olle.say("/fortsatt")
    olle.say("/fraga 3")
    olle.say("Första stycket.")
    assert "Vill du sluta för nu?" in olle.say("avsluta")  # while writing: "klar"? asked
    assert "lämnat frågorna" not in olle.received[-1].plain_text


def test_undo_takes_back_the_last_part_and_says_which(olle: ChatUser) -> None:
    start_report(olle)
    olle.say("/fraga 3")
    olle.say("Första stycket.")
    olle.say("Andra stycket.")
    reply = olle.say("ångra")
    assert "Jag har tagit bort del 2 av svaret på fråga 3 (”Andra stycket.”)" in reply
    assert "Nu har du 1 del på frågan" in reply
    assert "skrivit 1 del." in olle.say("/status")
    assert "tagit bort del 1" in olle.say("/angra")


def test_undo_brings_back_the_previous_version_and_history_keeps_both(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    start_report(anna)
    anna.say("Arbetsmarknads- och socialnämnden")
    anna.say("/fraga 1")
    anna.say("Fel nämnd")
    reply = anna.say("/angra")
    assert "tagit tillbaka ditt senaste svar på fråga 1 (”Fel nämnd”)" in reply
    assert "Det tidigare svaret gäller igen" in reply
    assert answers_of(session_factory)["namnd"] == "Arbetsmarknads- och socialnämnden"
    with session_factory() as session:
        case = repo.find_case(session, "STK-2018-1307")
        assert case is not None
        history = [a.text for a in repo.answer_history(session, case.id, "namnd")]
    assert history == [
        "Arbetsmarknads- och socialnämnden",
        "Fel nämnd",
        "Arbetsmarknads- och socialnämnden",
    ]
    # Taking back the first answer leaves the question unanswered; nothing more to undo.
    assert "saknar svar igen" in anna.say("ångra")
    assert "namnd" not in {k for k, v in answers_of(session_factory).items() if v}
    assert "inget att ångra" in anna.say("ångra")


def test_the_back_cue_goes_back_to_the_answer_just_saved(
    olle: ChatUser, sqlite_session_factory: SessionFactory
) -> None:
    start_report(olle)
    olle.say("Arbetsmarknads- och socialnämnden")
    olle.say("Kunskapslyftt")  # a typo, saved as question 2
    reply = olle.say("oj, stavfel. gå tillbaka")  # said in words: it goes back at once
    assert "Fråga 2 av 8" in reply and "Kunskapslyftt" in reply
    olle.say("Kunskapslyft")
    assert answers_of(sqlite_session_factory)["namn"] == "Kunskapslyft"
    # In the middle of an answer the same words are asked about, /angra first.
    olle.say("Första stycket.")
    olle.say("Andra stycke.")
    olle.say("oj, stavfel. gå tillbaka")
    assert buttons_of(olle)[0] == "/angra"
    assert "tagit bort del 2" in olle.say("/angra")


def test_signature_block_in_several_messages(
    olle: ChatUser, sqlite_session_factory: SessionFactory
) -> None:
    start_report(olle)
    olle.say("/fraga 8")
    assert "fler rader" in olle.say("Jonas Magnusson")
    olle.say("Enhetschef Social hållbarhet")
    olle.say("Strategiska avdelningen")
    reply = olle.say("Arbetsmarknads- och socialförvaltningen")
    assert "Underskriften är nu:" in reply
    assert answers_of(sqlite_session_factory)["underskrift"] == (
        "Jonas Magnusson\nEnhetschef Social hållbarhet\nStrategiska avdelningen\n"
        "Arbetsmarknads- och socialförvaltningen"
    )


def test_signature_block_in_one_message_and_a_name_after_a_title(
    olle: ChatUser, sqlite_session_factory: SessionFactory
) -> None:
    start_report(olle)
    olle.say("/fraga 8")
    olle.say("Jonas Magnusson\nEnhetschef Social hållbarhet\nStrategiska avdelningen")
    assert answers_of(sqlite_session_factory)["underskrift"].count("\n") == 2
    olle.say("/fraga 8")
    assert "behöver den ansvariga chefens namn" in olle.say("Förvaltningschef Miljöförvaltningen")
    olle.say("Anna Berg")
    assert answers_of(sqlite_session_factory)["underskrift"] == (
        "Anna Berg\nFörvaltningschef Miljöförvaltningen"
    )


def test_a_pasted_whole_report_is_offered_as_an_import(
    olle: ChatUser, sqlite_session_factory: SessionFactory, seeds_dir: Path
) -> None:
    start_report(olle, "STK-2018-1304")
    olle.say("Arbetsmarknads- och socialnämnden")
    pasted = (seeds_dir / "seed_001.txt").read_text(encoding="utf-8").strip()
    reply = olle.say(pasted)
    assert "ser ut som en hel redovisning" in reply
    assert "Inget är sparat än" in reply
    assert buttons_of(olle) == ["/lasin", "/svar"]
    assert answers_of(sqlite_session_factory, "STK-2018-1304") == {
        "namnd": "Arbetsmarknads- och socialnämnden"
    }
    reply = olle.say("/lasin")
    assert "Inläst: svar på 8 frågor i ärende STK-2018-1304" in reply
    answers = answers_of(sqlite_session_factory, "STK-2018-1304")
    assert answers["namn"].startswith("Kunskaps- och kompetenshöjande insatser")
    assert answers["underskrift"].splitlines()[0] == "Jonas Magnusson"


def test_the_mall_question_names_who_decided_and_when(olle: ChatUser) -> None:
    reply = olle.say("/ny STK-2018-1304")
    assert "inte året i diarienumret" in reply
    assert "Mall 2018: Utskottet för demokrati, jämställdhet och mänskliga rättigheter" in reply
    assert "i februari 2018" in reply
    assert "Mall 2019: Kommunstyrelsens arbetsutskott beslutade om medlen den 11 mars 2019" in reply


def test_plural_forms(olle: ChatUser) -> None:
    start_report(olle)
    olle.say("/fraga 3")
    olle.say("Ett.")
    assert "skrivit 1 del." in olle.say("/status")
    olle.say("Två.")
    olle.say("Tre.")
    status = olle.say("/status")
    assert "skrivit 3 delar." in status
    assert "del(ar)" not in status
    assert "Jag har tagit bort 3 delar" in (olle.say("/avbryt") and olle.say("/ja"))


def test_a_report_pasted_in_two_messages_is_read_in_whole(
    olle: ChatUser, sqlite_session_factory: SessionFactory, seeds_dir: Path
) -> None:
    start_report(olle, "STK-2018-1304")
    pasted = (seeds_dir / "seed_001.txt").read_text(encoding="utf-8").strip()
    middle = pasted.index("### Hur har utvecklingsarbetet")
    assert "ser ut som en hel redovisning" in olle.say(pasted[:middle])
    reply = olle.say(pasted[middle:])  # a chat splits a long paste in two
    assert "känner igen 8 av mallens rubriker" in reply
    assert answers_of(sqlite_session_factory, "STK-2018-1304") == {}
    assert "Inläst: svar på 8 frågor" in olle.say("/lasin")


def test_a_registered_decision_date_chooses_the_mall_and_says_so(
    olle: ChatUser, sqlite_session_factory: SessionFactory, clock: MovableClock
) -> None:
    olle.say("/start")
    with sqlite_session_factory.begin() as session:
        user = repo.get_or_create_user(session, "terminal:olle", "Olle", clock())
        case = repo.create_case(session, "STK-2018-1304", "mall-2018", user, clock())
        case.decision_date = date(2019, 5, 2)
    reply = olle.say("/fortsatt STK-2018-1304")
    assert "registrerat med beslut 2 maj 2019, så Mall 2019" in reply
    with sqlite_session_factory() as session:
        found = repo.find_case(session, "STK-2018-1304")
        assert found is not None and found.template_id == "mall-2019"


def test_a_typed_yes_answers_the_question_the_bot_asked(
    olle: ChatUser, sqlite_session_factory: SessionFactory
) -> None:
    start_report(olle)
    assert "Vill du sluta för nu?" in olle.say("stopp")
    assert "lämnat frågorna" in olle.say("ja")  # yes, stop for now
    olle.say("/fortsatt")
    olle.say("vet inte")
    assert "Fråga 2 av 8" in olle.say("ja")  # yes, wait with this question: skipped
    assert answers_of(sqlite_session_factory) == {}
    olle.say("vet inte")
    assert "Svaret på fråga 2 är sparat" in olle.say("Ja, det är mitt svar")
    assert answers_of(sqlite_session_factory) == {"namn": "vet inte"}


def test_a_typed_yes_reads_a_pasted_report_in(olle: ChatUser, seeds_dir: Path) -> None:
    start_report(olle, "STK-2018-1304")
    olle.say((seeds_dir / "seed_001.txt").read_text(encoding="utf-8").strip())
    assert "Inläst: svar på 8 frågor" in olle.say("ja")


def test_a_diarienummer_after_the_signature_starts_a_report_not_a_line(
    olle: ChatUser, sqlite_session_factory: SessionFactory
) -> None:
    start_report(olle)
    olle.say("/fraga 8")
    olle.say("Jonas Magnusson")
    assert "Vilken mall" in olle.say("STK-2019-0001")
    assert answers_of(sqlite_session_factory)["underskrift"] == "Jonas Magnusson"

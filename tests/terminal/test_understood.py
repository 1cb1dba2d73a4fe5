"""Issue 10 in the terminal chat: every cue, at a question and mid-answer, scripted through
the real `redovisa chat` process; blank lines and pasted blocks."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from bot.terminal.chat import grouped_lines
from storage import repository as repo
from storage.db import create_db_engine
from tests.terminal.test_terminal_chat import run_chat

CUES = [
    "avsluta",
    "?",
    "oj, stavfel. gå tillbaka",
    "jag förstår inte",
    "det funkar inte",
    "hej",
    "vet inte",
    "I don't understand, can I write in English?",
]
# Commands in words: acted on at a question with nothing written (issue 21), asked mid-answer.
ACTED_ON_AT_A_QUESTION = {"avsluta", "oj, stavfel. gå tillbaka"}
START = ["/ny STK-2018-1304", "/mall mall-2019"]


def stored(url: str) -> dict[str, str]:
    engine = create_db_engine(url)
    try:
        with sessionmaker(engine)() as session:
            case = repo.find_case(session, "STK-2018-1304")
            assert case is not None
            return {k: a.text for k, a in repo.current_answers(session, case.id).items()}
    finally:
        engine.dispose()


def test_every_cue_at_a_question_and_mid_answer_is_asked_about(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'chat.sqlite3'}"
    script = [*START]
    at_question = [cue for cue in CUES if cue not in ACTED_ON_AT_A_QUESTION]
    for cue in at_question:  # at question 1, each let go by the next cue
        script.append(cue)
    script += ["Arbetsmarknads- och socialnämnden", "Barnrätt", "Första stycket."]
    for cue in CUES:  # in the middle of the answer to question 3
        script.append(cue)
    script += ["Andra stycket.", "klar"]
    output = run_chat(script, url, tmp_path)
    for cue in CUES:
        assert (f"Jag har inte sparat ”{cue}” som svar på fråga 1" in output) is (
            cue in at_question
        )
        assert f"Jag har inte lagt till ”{cue}” i svaret på fråga 3" in output
    assert "[Spara det som svar: /svar]" in output
    assert "Meddelandet var tomt" not in output
    assert stored(url) == {
        "namnd": "Arbetsmarknads- och socialnämnden",
        "namn": "Barnrätt",
        "maluppfyllelse": "Första stycket.\n\nAndra stycket.",
    }


def test_yes_its_my_answer_and_undo_in_the_terminal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'chat.sqlite3'}"
    output = run_chat(
        [
            *START,
            "vet inte",
            "/svar",
            "Kunskapslyftt",
            "ångra",
            "Kunskapslyft",
            "Ett.",
            "Två.",
            "ångra",
            "klar",
        ],
        url,
        tmp_path,
    )
    assert "Svaret på fråga 1 är sparat" in output
    assert "tagit tillbaka ditt svar på fråga 2 (”Kunskapslyftt”)" in output
    assert "tagit bort del 2 av svaret på fråga 3 (”Två.”)" in output
    assert stored(url) == {"namnd": "vet inte", "namn": "Kunskapslyft", "maluppfyllelse": "Ett."}


def test_blank_lines_are_no_message_and_no_text_speaks_of_pressing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'chat.sqlite3'}"
    output = run_chat(
        [*START, "Nämnden", "", "Namnet", "Stycke ett.", "", "  ", "Stycke två.", "klar"],
        url,
        tmp_path,
    )
    assert "Meddelandet var tomt" not in output
    assert "Tryck" not in output and "tryck" not in output
    assert stored(url)["maluppfyllelse"] == "Stycke ett.\n\nStycke två."


def test_the_seed_signature_block_line_by_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'chat.sqlite3'}"
    block = [
        "Jonas Magnusson",
        "Enhetschef Social hållbarhet",
        "Strategiska avdelningen",
        "Arbetsmarknads- och socialförvaltningen",
    ]
    output = run_chat([*START, "/fraga 8", *block], url, tmp_path)
    assert "Du står inte vid någon fråga" not in output
    assert stored(url)["underskrift"] == "\n".join(block)


class Keyboard:
    """Typed input: `waiting` says how many further lines had already arrived with each."""

    def __init__(self, lines: list[str], together: list[int]) -> None:
        self.lines = list(lines)
        self.together = list(together)
        self.pending = 0
        self.prompts: list[str] = []

    def read_line(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.lines:
            raise EOFError
        if prompt:
            self.pending = self.together.pop(0)
        else:
            self.pending -= 1
        return self.lines.pop(0)

    def more_waiting(self) -> bool:
        return self.pending > 0


def test_a_pasted_block_is_one_message_with_its_blank_lines() -> None:
    keyboard = Keyboard(["Första stycket.", "", "Andra stycket.", "klar"], together=[2, 0])
    messages = list(grouped_lines(keyboard.read_line, keyboard.more_waiting))
    assert messages == ["Första stycket.\n\nAndra stycket.", "klar"]
    assert keyboard.prompts == ["> ", "", "", "> ", "> "]


@pytest.mark.parametrize("error", [EOFError, KeyboardInterrupt])
def test_input_ending_inside_a_paste_still_sends_what_came(error: type[BaseException]) -> None:
    lines = iter(["Ett.", "Två."])

    def read_line(prompt: str) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise error from None

    assert list(grouped_lines(read_line, lambda: True)) == ["Ett.\nTvå."]

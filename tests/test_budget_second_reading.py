"""The budget read back in the chat after a second reading by the language model (issue 22),
through the real openai client against the local fake over HTTP: figures both readers read
alike are offered for confirmation; a figure they read differently is "oklart" and asked
for, never offered; when the model fails, the read-back is the rules' alone. The model is
asked after the turn, as a job, never inside it, and sees the answer masked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import build_conversation
from bot.engine.conversation import Conversation, Steps
from bot.engine.messages import Incoming, Reply
from tests.conftest import MovableClock
from tests.fakes.openai_server import FakeOpenAIServer, RecordedRequest, hang, reply, status

# The same budget answer and model readings as the review's test of the two readers.
from tests.review_llm.test_budget_review import AGREES, BUDGET, DISAGREES
from tests.test_app import USER, settings_for, text_of

RULES_LINE = "Beviljat 300 000 kr · använt 299 000 kr (100 %) · kvar 1 000 kr — stämmer det?"
READING_TWICE = "Jag läser budgetsvaret en gång till"
# The phrasing suggestion of the finished answer is asked for first: the same text back is
# no suggestion.
NO_PHRASING = reply({"suggestion": BUDGET, "explanation": "Inget att ändra."})


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


def say(conversation: Conversation, text: str) -> str:
    return text_of(conversation.handle(USER, Incoming(text=text)))


def budget_requests(server: FakeOpenAIServer) -> list[RecordedRequest]:
    return [r for r in server.requests if "Du läser budgetsvaret" in r.message("system")]


def budget_written(conversation: Conversation) -> Steps:
    """The budget answer written and closed with /klar: the turn's steps, jobs not run."""
    for text in ["/ny STK-2019-0042", "/mall mall-2019", "/fraga 7", BUDGET]:
        say(conversation, text)
    return conversation.handle_in_steps(USER, Incoming(text="/klar"))


def answer_budget(conversation: Conversation) -> list[Reply]:
    """The budget answer, finished: what the turn says at once, then what its jobs say."""
    steps = budget_written(conversation)
    return [*steps.now, *steps.finish()]


def test_figures_both_readers_agree_on_are_offered_and_the_model_is_asked_after_the_turn(
    tmp_path: Path, openai_server: FakeOpenAIServer
) -> None:
    openai_server.enqueue(NO_PHRASING, reply(AGREES))
    conversation = build_conversation(settings_for(tmp_path, openai_server), MovableClock())
    steps = budget_written(conversation)
    now = text_of(steps.now)
    assert READING_TWICE in now and "Beviljat" not in now and "Fråga 8 av 8" not in now
    assert openai_server.requests == []  # nothing was asked inside the turn
    assert RULES_LINE in text_of(steps.finish())
    [request] = budget_requests(openai_server)
    sent = request.message("user")
    assert "Anna" not in sent and "Lindqvist" not in sent and "148 000 kronor" in sent
    confirmed = say(conversation, "ja")
    assert "Budgeten för ärende STK-2019-0042 är bekräftad" in confirmed
    assert "Fråga 8 av 8" in confirmed


def test_a_figure_the_readers_read_differently_is_asked_for_not_offered(
    tmp_path: Path, openai_server: FakeOpenAIServer
) -> None:
    openai_server.enqueue(NO_PHRASING, reply(DISAGREES))
    conversation = build_conversation(settings_for(tmp_path, openai_server), MovableClock())
    shown = text_of(answer_budget(conversation))
    assert "Beviljat 300 000 kr · använt: oklart" in shown
    assert "stämmer det?" not in shown and "299 000 kr eller 151 000 kr" in shown
    assert "bekräftad" not in say(conversation, "ja")  # nothing to confirm yet
    confirmed = say(conversation, "299 000")
    assert "bekräftad: Beviljat 300 000 kr · använt 299 000 kr" in confirmed


def test_when_the_model_fails_the_rules_read_back_alone(
    tmp_path: Path, openai_server: FakeOpenAIServer
) -> None:
    openai_server.enqueue(NO_PHRASING, status(400))
    refused = build_conversation(settings_for(tmp_path / "a", openai_server), MovableClock())
    assert RULES_LINE in text_of(answer_budget(refused))
    openai_server.enqueue(NO_PHRASING, hang())
    timed_out = build_conversation(settings_for(tmp_path / "b", openai_server), MovableClock())
    assert RULES_LINE in text_of(answer_budget(timed_out))
    assert len(budget_requests(openai_server)) >= 2


def test_while_the_model_reads_the_figures_are_not_confirmed_and_a_correction_wins(
    tmp_path: Path, openai_server: FakeOpenAIServer
) -> None:
    openai_server.enqueue(NO_PHRASING, reply(AGREES))
    conversation = build_conversation(settings_for(tmp_path, openai_server), MovableClock())
    steps = budget_written(conversation)
    assert "Jag läser fortfarande budgetsvaret" in say(conversation, "ja")
    corrected = say(conversation, "beviljat 300 000 kr, använt 290 000 kr")
    assert "bekräftad: Beviljat 300 000 kr · använt 290 000 kr" in corrected
    # The reading arrives after the official's own word: nothing more is offered.
    assert "stämmer det?" not in text_of(steps.finish())
    assert budget_requests(openai_server) == []  # so the model was not even asked
    assert "290 000 kr" in say(conversation, "/budget")

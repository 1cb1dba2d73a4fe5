"""Issue 21, item 6: with a language model, a message the rules could not place gets a
second look; the model's verdict only chooses the buttons that follow, never stores.

The program as assembled (bot.app), the real openai client, the local fake endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import Assembly, assemble, build_conversation
from bot.config import Settings
from bot.engine.messages import Incoming, UserRef
from storage.db import SessionFactory
from tests.conftest import MovableClock
from tests.engine.conftest import ChatUser
from tests.engine.test_understanding import answers_of, buttons_of
from tests.fakes.openai_server import FakeOpenAIServer, reply, status

USER = UserRef("terminal:olle", "Olle")


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


def settings_for(tmp_path: Path, server: FakeOpenAIServer | None) -> Settings:
    values: dict[str, object] = {
        "database_url": f"sqlite:///{tmp_path / 'app.sqlite3'}",
        "redovisa_data_dir": tmp_path,
        "llm_timeout_seconds": 2.0,
        "llm_deadline_seconds": 4.0,
    }
    if server is not None:
        values["openai_api_key"] = SecretStr("sk-test-0123456789abcdef")
        values["openai_base_url"] = server.base_url
    return Settings(**values)  # type: ignore[arg-type]


def verdict(kind: str, command: str | None = None) -> str:
    return json.dumps({"verdict": kind, "command": command})


@pytest.fixture
def program(tmp_path: Path, openai_server: FakeOpenAIServer) -> Assembly:
    return assemble(settings_for(tmp_path, openai_server), MovableClock())


@pytest.fixture
def sessions(program: Assembly) -> SessionFactory:
    return program.sessions


@pytest.fixture
def olle(program: Assembly) -> ChatUser:
    user = ChatUser(program.conversation, USER)
    user.say("/ny STK-2018-1307")
    user.say("/mall mall-2019")
    return user


def test_a_message_the_model_reads_as_an_answer_is_offered_for_saving_not_saved(
    olle: ChatUser, openai_server: FakeOpenAIServer, sessions: SessionFactory
) -> None:
    openai_server.enqueue(reply(verdict("answer")))
    shown = olle.say("Jonas Magnusson")  # no nämnd: the rules ask
    assert "Jag har inte sparat ”Jonas Magnusson” som svar på fråga 1" in shown
    assert "Språkmodellen läser ”Jonas Magnusson” som ett svar på fråga 1" in shown
    assert answers_of(sessions) == {}
    # The text went to the model masked, as data.
    sent = openai_server.requests[0].message("user")
    assert "Magnusson" not in sent and "[PERSON_1]" in sent
    assert '"answer_shape": "body"' in sent
    keep = buttons_of(olle)[0]
    assert keep.startswith("/svar ")
    assert "Svaret på fråga 1 är sparat" in olle.say(keep)
    assert answers_of(sessions) == {"namnd": "Jonas Magnusson"}


def test_a_typed_yes_follows_the_models_verdict(
    olle: ChatUser, openai_server: FakeOpenAIServer, sessions: SessionFactory
) -> None:
    olle.say("/fraga 3")
    olle.say("Första stycket om målet.")
    openai_server.enqueue(reply(verdict("command", "klar")))
    shown = olle.say("Hoppas det här duger")
    assert "Jag har inte lagt till ”Hoppas det här duger”" in shown
    assert "menade ”Klar”" in shown
    assert buttons_of(olle)[0] == "/klar"
    assert "Svaret på fråga 3 är sparat" in olle.say("ja")
    assert answers_of(sessions) == {"maluppfyllelse": "Första stycket om målet."}


def test_the_model_reading_talk_offers_the_question_again(
    olle: ChatUser, openai_server: FakeOpenAIServer, sessions: SessionFactory
) -> None:
    openai_server.enqueue(reply(verdict("talk")))
    shown = olle.say("Malmö 2019")
    assert "som något du sa till mig" in shown
    assert buttons_of(olle)[0] == "/fortsatt"
    assert "Fråga 1 av 8" in olle.say("/fortsatt")
    assert answers_of(sessions) == {}


def test_no_follow_up_when_the_model_agrees_with_the_rules(
    olle: ChatUser, openai_server: FakeOpenAIServer
) -> None:
    openai_server.enqueue(reply(verdict("command", "hoppa")))
    replies = olle.conversation.handle(USER, Incoming(text="Jonas Magnusson"))
    assert len(replies) == 1  # the rules' question already leads with "Hoppa över"
    assert len(openai_server.requests) == 1


def test_sure_cue_words_are_not_sent_to_the_model(
    olle: ChatUser, openai_server: FakeOpenAIServer
) -> None:
    assert "Vill du sluta för nu?" in olle.say("stopp")
    assert "Behöver du hjälp?" in olle.say("?")
    assert openai_server.requests == []


def test_the_turn_does_not_wait_for_the_model(
    olle: ChatUser, openai_server: FakeOpenAIServer
) -> None:
    openai_server.enqueue(reply(verdict("answer")))
    steps = olle.conversation.handle_in_steps(USER, Incoming(text="Jonas Magnusson"))
    assert "Jag har inte sparat" in "\n".join(r.plain_text for r in steps.now)
    assert openai_server.requests == []  # asked only after the turn is committed
    assert "Språkmodellen läser" in "\n".join(r.plain_text for r in steps.finish())


def test_a_verdict_on_a_message_that_no_longer_waits_is_dropped(
    olle: ChatUser, openai_server: FakeOpenAIServer, sessions: SessionFactory
) -> None:
    steps = olle.conversation.handle_in_steps(USER, Incoming(text="Jonas Magnusson"))
    assert "Fråga 2 av 8" in olle.say("Kulturnämnden")  # the user moved on
    assert steps.finish() == []
    assert openai_server.requests == []  # nothing waits: the model is not even asked
    assert answers_of(sessions) == {"namnd": "Kulturnämnden"}


def test_a_late_save_button_never_saves_a_later_message(
    olle: ChatUser, openai_server: FakeOpenAIServer, sessions: SessionFactory
) -> None:
    openai_server.enqueue(reply(verdict("answer")), reply(verdict("command", "hoppa")))
    olle.say("Jonas Magnusson")
    keep_first = buttons_of(olle)[0]
    olle.say("Malmö 2019")  # asked about too: now this one waits
    assert "väntar inte längre" in olle.say(keep_first)
    assert answers_of(sessions) == {}


def test_when_the_model_fails_the_rules_question_stands(
    olle: ChatUser, openai_server: FakeOpenAIServer
) -> None:
    openai_server.enqueue(status(500), status(500), status(500), status(500))
    shown = olle.say("Jonas Magnusson")
    assert "Jag har inte sparat" in shown and "Språkmodellen" not in shown
    assert "/hoppa" in buttons_of(olle)
    assert "Fråga 2 av 8" in olle.say("Kulturnämnden")


def test_without_a_model_nothing_is_asked_and_nothing_follows(tmp_path: Path) -> None:
    conversation = build_conversation(settings_for(tmp_path, None), MovableClock())
    conversation.handle(USER, Incoming(text="/ny STK-2018-1307"))
    conversation.handle(USER, Incoming(text="/mall mall-2019"))
    steps = conversation.handle_in_steps(USER, Incoming(text="Jonas Magnusson"))
    assert steps.jobs == []
    assert "Jag har inte sparat" in "\n".join(r.plain_text for r in steps.now)

"""The tjänsteskrivelse's Sammanfattning and Ärendet drafted by the language model (the
local OpenAI-compatible fake, over HTTP): offered after the plain draft, used only when the
official chooses it; without a model nothing changes."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from docx import Document

from bot.app import build_conversation
from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming, Reply, UserRef
from tests.conftest import MovableClock
from tests.fakes.openai_server import FakeOpenAIServer, reply, status
from tests.test_app import settings_for

USER = UserRef("terminal:anna", "Anna")
SUMMARY = "Servicenämnden har genomfört fem workshops om barnets rättigheter."
MATTER = "Förvaltningen ordnade fem workshops under året.\n\nArbetet fortsätter i linjen."
PROPOSAL = {"sammanfattning": SUMMARY, "arendet": MATTER}


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


def say(conversation: Conversation, text: str) -> list[Reply]:
    return conversation.handle(USER, Incoming(text=text))


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.plain_text for r in replies)


def files(replies: list[Reply]) -> dict[str, bytes]:
    return {a.filename: a.data for r in replies for a in r.attachments}


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def start_report(conversation: Conversation) -> None:
    say(conversation, "/ny STK-2018-1307")
    say(conversation, "/mall mall-2019")
    say(conversation, "Servicenämnden")
    say(conversation, "Barnrätt i stadsutveckling")


def test_the_models_draft_is_offered_after_the_plain_one_and_used_when_chosen(
    tmp_path: Path, openai_server: FakeOpenAIServer
) -> None:
    conversation = build_conversation(settings_for(tmp_path, openai_server), MovableClock())
    start_report(conversation)
    openai_server.enqueue(reply(json.dumps(PROPOSAL, ensure_ascii=False)))
    replies = say(conversation, "/tjansteskrivelse")
    # First the plain draft with its files, then the proposal with its two buttons.
    with_files = [i for i, r in enumerate(replies) if r.attachments]
    offers = [i for i, r in enumerate(replies) if r.buttons]
    assert len(with_files) == 1 and len(offers) == 1 and with_files[0] < offers[0]
    plain = files(replies)
    docx_name = "Tjansteskrivelse_STK-2018-1307.docx"
    assert set(plain) == {docx_name, "Tjansteskrivelse_STK-2018-1307.pdf"}
    assert SUMMARY not in docx_text(plain[docx_name])
    offer = replies[offers[0]]
    assert SUMMARY in offer.plain_text and "Arbetet fortsätter i linjen." in offer.plain_text
    assert [(b.label, b.command) for b in offer.buttons[0]] == [
        ("Använd förslaget", "/tjansteskrivelse forslag"),
        ("Behåll", "/tjansteskrivelse behall"),
    ]
    (request,) = openai_server.requests
    assert "Servicenämnden" in request.message("user")

    used = say(conversation, "/tjansteskrivelse forslag")
    redone = files(used)
    assert set(redone) == set(plain)
    written = docx_text(redone[docx_name])
    assert SUMMARY in written and "Förvaltningen ordnade fem workshops under året." in written
    assert "Arbetet fortsätter i linjen." in pdf_text(redone["Tjansteskrivelse_STK-2018-1307.pdf"])
    assert len(openai_server.requests) == 1  # accepting asks the model nothing more
    # The proposal is used up: choosing again is refused.
    again = say(conversation, "/tjansteskrivelse forslag")
    assert "inget förslag" in text_of(again) and not files(again)


def test_keeping_the_plain_draft_renders_nothing(
    tmp_path: Path, openai_server: FakeOpenAIServer
) -> None:
    conversation = build_conversation(settings_for(tmp_path, openai_server), MovableClock())
    start_report(conversation)
    openai_server.enqueue(reply(json.dumps(PROPOSAL, ensure_ascii=False)))
    say(conversation, "/tjansteskrivelse")
    kept = say(conversation, "/tjansteskrivelse behall")
    assert "behåller utkastet" in text_of(kept) and not files(kept)
    assert "inget förslag" in text_of(say(conversation, "/tjansteskrivelse forslag"))


def test_a_failing_model_leaves_the_plain_draft(
    tmp_path: Path, openai_server: FakeOpenAIServer
) -> None:
    conversation = build_conversation(settings_for(tmp_path, openai_server), MovableClock())
    start_report(conversation)
    openai_server.enqueue(status(500), status(500), status(500), status(500))
    replies = say(conversation, "/tjansteskrivelse")
    assert len(files(replies)) == 2 and not any(r.buttons for r in replies)


def test_without_a_model_only_the_plain_draft(tmp_path: Path) -> None:
    conversation = build_conversation(settings_for(tmp_path), MovableClock())
    start_report(conversation)
    replies = say(conversation, "/tjansteskrivelse")
    assert len(files(replies)) == 2 and not any(r.buttons for r in replies)
    assert "Förslag" not in text_of(replies) and "förslag" not in text_of(replies)
    assert "inget förslag" in text_of(say(conversation, "/tjansteskrivelse forslag"))

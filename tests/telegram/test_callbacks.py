"""Button presses and files that must not count: a press on a message in another chat, data
the bot never made, a file from someone without access; and a showing button that leaves
the message's other buttons. All over HTTP against the local Bot API server."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.messages import Button, Reply, say
from bot.engine.texts import load_texts
from bot.mall.template import TemplateCatalog
from bot.telegram.texts import load_telegram_texts
from storage.db import SessionFactory
from storage.models import Answer
from tests.conftest import MovableClock
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.conftest import RunBot
from tests.telegram.test_adapter import RecordingEngine, says

TEXTS = load_telegram_texts()


@pytest.fixture
def engine(conversation: Conversation) -> RecordingEngine:
    return RecordingEngine(conversation)


def answer_count(sessions: SessionFactory) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Answer)) or 0)


def callback_answers(api: FakeBotApi, query_id: str) -> list[str | None]:
    return [
        call.get("text")
        for call in api.calls_of("answerCallbackQuery")
        if str(call.get("callback_query_id")) == query_id
    ]


async def test_a_forged_press_on_a_message_in_another_chat_goes_nowhere(
    api: FakeBotApi, run_bot: RunBot, sqlite_session_factory: SessionFactory
) -> None:
    anna = api.private_chat(4101, "Anna")
    mallory = api.private_chat(4102, "Mallory")
    async with run_bot():
        choice = await anna.ask("/ny STK-2018-1307", says("Vilken mall"))
        with_buttons = next(m for m in choice if m.buttons)
        await mallory.ask("/start")
        before = (len(api.messages(anna.chat_id)), len(api.messages(mallory.chat_id)))
        _, query_id = mallory.press_forged(with_buttons, with_buttons.buttons[-1][0][1])
        await api.wait_for(lambda: bool(callback_answers(api, query_id)), 10, "the answer")
        mallory.send("/status")
        status = await mallory.replies(says("inte"))
    assert callback_answers(api, query_id) == [TEXTS.button_other_chat]
    assert len(api.messages(anna.chat_id)) == before[0], "nothing was sent into Anna's chat"
    assert len(api.messages(mallory.chat_id)) == before[1] + len(status)
    assert all("STK-2018-1307" not in m.text for m in status)
    pressed = next(m for m in api.messages(anna.chat_id) if m.message_id == with_buttons.message_id)
    assert pressed.buttons and pressed.edits == 0, "Anna's buttons are left as they were"


async def test_callback_data_the_bot_never_made_is_answered_and_never_stored(
    api: FakeBotApi, run_bot: RunBot, sqlite_session_factory: SessionFactory
) -> None:
    anna = api.private_chat(4103, "Anna")
    async with run_bot():
        await anna.ask("/ny STK-2018-1307", says("Vilken mall"))
        question = await anna.ask("/mall mall-2019", says("Fråga 1 av 8"))
        _, query_id = anna.press_forged(question[-1], "Hemligt svar från en annan klient")
        await api.wait_for(lambda: bool(callback_answers(api, query_id)), 10, "the answer")
        status = await anna.ask("/status")
    assert callback_answers(api, query_id) == [TEXTS.button_not_ours]
    assert answer_count(sqlite_session_factory) == 0
    assert "fråga 1 av 8" in status[-1].text and "0 av 8 frågor" in status[-1].text
    # Issue 21: /status says "skriv ditt svar" rather than "0 delar" when nothing is written.
    assert "skriv ditt svar på fråga 1" in status[-1].text, "the forged data became a part"


async def test_a_file_from_someone_without_access_is_never_downloaded(
    api: FakeBotApi,
    run_bot: RunBot,
    sqlite_session_factory: SessionFactory,
    catalog: TemplateCatalog,
    clock: MovableClock,
) -> None:
    strict = Conversation(
        sqlite_session_factory,
        catalog,
        load_texts(),
        clock,
        access=AccessPolicy.from_admin_telegram_ids([4199]),
    )
    stranger = api.private_chat(4104, "Okänd")
    admin = api.private_chat(4199, "Admin")
    sheet = b"diarienummer;n\xc3\xa4mnd\nSTK-1;N\n"
    async with run_bot(strict):
        stranger.send_document("arenden.csv", sheet)
        told = await stranger.replies()
        admin.send_document("arenden.csv", sheet)
        checked = await admin.replies()
    assert "inbjudningskod" in told[-1].text
    assert len(api.calls_of("getFile")) == 1, "only the administrator's file was fetched"
    assert "saknar kolumnerna" in checked[-1].text


async def test_a_showing_button_leaves_the_other_buttons(
    api: FakeBotApi, run_bot: RunBot, engine: RecordingEngine
) -> None:
    engine.inner = None
    done = Reply(
        say("Alla frågor är besvarade.").blocks,
        ((Button("Visa utkast", "/utkast"), Button("Granska", "/granska")),
         (Button("Dokument", "/dokument"),)),
    )  # fmt: skip
    engine.scripted["/klar"] = [done]
    engine.scripted["/utkast"] = [say("Utkastet.")]
    user = api.private_chat(4105, "Nea")
    async with run_bot(engine):
        menu = await user.ask("/klar", lambda ms: bool(ms and ms[-1].buttons))
        user.press(menu[-1], "Visa utkast")
        await user.replies(says("Utkastet."))
        after = next(m for m in api.messages(user.chat_id) if m.message_id == menu[-1].message_id)
        assert after.button_labels == ["Granska", "Dokument"]
        user.press(after, "Granska")
        await user.replies(says("ok: /granska"))
    pressed = next(m for m in api.messages(user.chat_id) if m.message_id == menu[-1].message_id)
    assert pressed.buttons == [], "a button that acts takes the keyboard away"


async def test_an_answer_button_is_signed_and_still_works(
    api: FakeBotApi, run_bot: RunBot, engine: RecordingEngine
) -> None:
    engine.inner = None
    engine.scripted["/fraga"] = [say("Säker?", buttons=((Button("Ja", "ja"),),))]
    user = api.private_chat(4106, "Olle")
    async with run_bot(engine):
        asked = await user.ask("/fraga", lambda ms: bool(ms and ms[-1].buttons))
        data = asked[-1].data_of("Ja")
        assert data != "ja" and len(data.encode()) <= 64
        user.press(asked[-1], "Ja")
        await user.replies(says("ok: ja"))
        _, query_id = user.press_forged(asked[-1], "ja")  # the bare word, unsigned
        await api.wait_for(lambda: bool(callback_answers(api, query_id)), 10, "the answer")
    assert callback_answers(api, query_id) == [TEXTS.button_not_ours]
    assert [incoming.text for _, incoming in engine.calls].count("ja") == 1

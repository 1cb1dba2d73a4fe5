"""The adapter's own duties, end to end over HTTP: what it answers without the engine, how
it survives the server, many chats at once, the webhook's secret, long replies."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Callable

import pytest
from aiohttp import ClientSession
from pydantic import SecretStr

from bot.config import Settings
from bot.engine.conversation import Conversation
from bot.engine.messages import Attachment, Block, Button, Incoming, Reply, Style, UserRef, say
from bot.engine.parsing import COMMANDS
from bot.telegram.app import REFUSED_TOKEN, TelegramBot
from bot.telegram.texts import load_telegram_texts, unsupported
from tests.fakes.bot_api import FakeBotApi, SentMessage
from tests.telegram.conftest import TOKEN, RunBot

Until = Callable[[list[SentMessage]], bool]
TEXTS = load_telegram_texts()


def says(fragment: str) -> Until:
    return lambda messages: any(fragment in m.text for m in messages)


class RecordingEngine:
    """A test-only wrapper around the engine: records every call, can hold one user's calls
    until released (a slow step), can fail, or answer with replies given by the test."""

    def __init__(self, inner: Conversation | None = None) -> None:
        self.inner = inner
        self.calls: list[tuple[UserRef, Incoming]] = []
        self.slow_user: str | None = None
        self.release = threading.Event()
        self.scripted: dict[str, list[Reply]] = {}

    def handle(self, user: UserRef, incoming: Incoming) -> list[Reply]:
        self.calls.append((user, incoming))
        if user.external_id == self.slow_user:
            assert self.release.wait(10), "the slow chat was never released"
        if incoming.text == "boom":
            raise RuntimeError("the engine broke")
        if incoming.text in self.scripted:
            return self.scripted[incoming.text]
        if self.inner is None:
            return [say(f"ok: {incoming.text}")]
        return self.inner.handle(user, incoming)


@pytest.fixture
def engine(conversation: Conversation) -> RecordingEngine:
    return RecordingEngine(conversation)


async def test_commands_are_registered_at_start(api: FakeBotApi, run_bot: RunBot) -> None:
    async with run_bot():
        pass
    assert [c["command"] for c in api.commands] == [name for name, _ in COMMANDS]


@pytest.mark.parametrize(
    "kind",
    ["sticker", "photo", "voice", "video", "audio", "video_note", "animation", "location",
     "contact", "poll", "dice", "venue"],
)  # fmt: skip
async def test_every_unhandled_kind_gets_a_short_explanation(
    api: FakeBotApi, run_bot: RunBot, engine: RecordingEngine, kind: str
) -> None:
    user = api.private_chat(4001, "Gun")
    async with run_bot(engine):
        user.send_kind(kind)
        reply = await user.replies()
        after = await user.ask("/status", says("redovisning"))
    assert [m.text for m in reply] == [unsupported(TEXTS, kind)]
    assert after, "the bot goes on working"
    assert [incoming.text for _, incoming in engine.calls] == ["/status"]


async def test_in_a_group_it_says_once_that_it_works_in_private(
    api: FakeBotApi, run_bot: RunBot, engine: RecordingEngine
) -> None:
    person = api.private_chat(4002, "Hans")
    group = api.group_chat(-100200, person)
    other_group = api.group_chat(-100300, person)
    async with run_bot(engine):
        group.send("/ny STK-2018-1307")
        notice = await group.replies()
        group.send("Hallå?")
        group.send_kind("sticker")
        other_group.send("/start")
        await other_group.replies()
        await person.ask("/status", says("redovisning"))  # handled after the group's updates
    assert [m.text for m in notice] == [TEXTS.private_only.format(username="redovisa_test_bot")]
    assert len(api.messages(group.chat_id)) == 1
    assert [user.external_id for user, _ in engine.calls] == ["telegram:4002"]


async def test_a_slow_chat_does_not_hold_up_another(
    api: FakeBotApi, run_bot: RunBot, engine: RecordingEngine
) -> None:
    slow, quick = api.private_chat(4003, "Ines"), api.private_chat(4004, "Jon")
    engine.slow_user = "telegram:4003"
    async with run_bot(engine, typing_delay=0.05):
        slow.send("/start")
        slow.send("/status")  # waits behind the first, in order
        await api.wait_for(lambda: len(engine.calls) == 1, what="the slow call to begin")
        started = time.perf_counter()
        for _ in range(5):
            await quick.ask("/status", says("redovisning"))
        quick_time = time.perf_counter() - started
        await api.wait_for(lambda: (4003, "typing") in api.chat_actions, what="typing action")
        assert api.messages(slow.chat_id) == []
        engine.release.set()
        replies = await slow.replies(lambda ms: len(ms) >= 2)
    assert quick_time < 2.0
    assert "Hej Ines" in replies[0].text and "redovisning" in replies[1].text
    assert (4004, "typing") not in api.chat_actions  # quick steps show no typing


async def test_each_chat_is_handled_in_order(
    api: FakeBotApi, run_bot: RunBot, engine: RecordingEngine
) -> None:
    engine.inner = None  # echo: "ok: <text>"
    users = [api.private_chat(5000 + n, f"U{n}") for n in range(20)]
    async with run_bot(engine):
        for round_ in range(10):
            for user in users:
                user.send(f"{user.chat_id}-{round_}")
        for user in users:
            await api.wait_for_messages(user.chat_id, 10)
    for user in users:
        expected = [f"ok: {user.chat_id}-{r}" for r in range(10)]
        assert [m.text for m in api.messages(user.chat_id)] == expected


@pytest.mark.parametrize("status", [429, 502])
async def test_flood_control_and_bad_gateway_are_survived(
    api: FakeBotApi, run_bot: RunBot, engine: RecordingEngine, status: int
) -> None:
    user = api.private_chat(4005, "Kim")
    async with run_bot(engine):
        await user.ask("/start", says("Hej"))
        api.fail_next("sendMessage", status, retry_after=1 if status == 429 else None)
        started = time.perf_counter()
        reply = await user.ask("/status", says("redovisning"))
        waited = time.perf_counter() - started
        api.fail_next("getUpdates", status, retry_after=1 if status == 429 else None)
        after = await user.ask("/hjalp", says("/ny"))
    assert len(reply) == 1 and len(after) == 1
    assert len(api.calls_of("sendMessage")) == 4  # one refused, sent again
    if status == 429:
        assert waited >= 1.0  # retry_after was honoured


async def test_a_document_is_downloaded_and_passed_to_the_engine(
    api: FakeBotApi, run_bot: RunBot, engine: RecordingEngine
) -> None:
    user = api.private_chat(4006, "Lo")
    data = b"Tidigare utkast\n" * 1000
    async with run_bot(engine):
        user.send_document("utkast.txt", data, caption="mitt utkast")
        reply = await user.replies()
        user.send_document("film.docx", b"x", size=25 * 1024 * 1024)
        too_big = await user.replies()
    incoming = engine.calls[0][1]
    assert incoming.file is not None
    assert (incoming.file.filename, incoming.file.data) == ("utkast.txt", data)
    assert incoming.text == "mitt utkast" and incoming.delivery_id is not None
    assert reply and len(engine.calls) == 1
    assert [m.text for m in too_big] == [TEXTS.file_too_big]


async def test_a_failing_step_is_logged_with_the_update_id_and_the_user_gets_an_apology(
    api: FakeBotApi, run_bot: RunBot, engine: RecordingEngine, caplog: pytest.LogCaptureFixture
) -> None:
    user = api.private_chat(4007, "Max")
    caplog.set_level(logging.DEBUG)
    async with run_bot(engine):
        update_id, _ = user.send("boom")
        apology = await user.replies()
        after = await user.ask("/status", says("redovisning"))
    assert [m.text for m in apology] == [TEXTS.apology]
    assert after
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in failures] == [f"handling update {update_id} failed"]
    assert failures[0].exc_info and "the engine broke" in str(failures[0].exc_info[1])
    assert TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text


async def test_long_replies_are_split_and_buttons_stay_under_the_last_part(
    api: FakeBotApi, run_bot: RunBot, engine: RecordingEngine
) -> None:
    engine.inner = None
    paragraphs = [f"Stycke {n}. " + "ord " * 700 for n in range(6)]
    long_command = "/andra budget " + "mycket lång text " * 10
    engine.scripted["/utkast"] = [
        Reply(
            blocks=(Block("Utkast", Style.HEADING), *(Block(p) for p in paragraphs)),
            buttons=((Button("Ändra budgeten", long_command), Button("Klar", "/klar")),),
        )
    ]
    engine.scripted["/dokument"] = [
        Reply(
            blocks=(Block("Här är dokumentet."),),
            attachments=(Attachment("redovisning.pdf", b"%PDF-1.7 ...", "application/pdf"),),
        )
    ]
    user = api.private_chat(4008, "Nea")
    async with run_bot(engine):
        draft = await user.ask("/utkast", lambda ms: bool(ms and ms[-1].buttons))
        keyboards = [bool(m.buttons) for m in draft]
        user.press(draft[-1], "Ändra budgeten")
        await user.replies(says("ok: /andra budget"))
        documents = await user.ask("/dokument", lambda ms: len(ms) == 2)
    assert len(draft) == 6 and all(len(m.text) <= 4096 for m in draft)
    assert draft[0].html.startswith("<b>Utkast</b>\n\nStycke 0.")
    shown = "\n\n".join(m.text for m in draft)
    assert all(p.strip() in shown for p in paragraphs)
    assert keyboards == [False] * 5 + [True]
    assert all(len(data.encode()) <= 64 for row in draft[-1].buttons for _, data in row)
    assert engine.calls[-2][1].text == long_command
    pressed = next(m for m in api.messages(user.chat_id) if m.message_id == draft[-1].message_id)
    assert pressed.buttons == [] and pressed.edits == 1, "the pressed keyboard is taken away"
    assert documents[1].document == ("redovisning.pdf", b"%PDF-1.7 ...")


async def test_a_forgotten_long_button_asks_the_user_to_choose_again(
    api: FakeBotApi, run_bot: RunBot, engine: RecordingEngine
) -> None:
    engine.inner = None
    engine.scripted["/meny"] = [say("Välj", buttons=((Button("Lång", "/x " + "y" * 80),),))]
    user = api.private_chat(4009, "Olle")
    async with run_bot(engine):
        menu = await user.ask("/meny", lambda ms: bool(ms and ms[-1].buttons))
    async with run_bot(engine):  # a restart forgets the hashed command
        user.press(menu[-1], "Lång")
        reply = await user.replies()
    assert [m.text for m in reply] == [TEXTS.old_button]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_refuses_a_request_without_the_secret_token(
    api: FakeBotApi, settings: Settings, run_bot: RunBot, engine: RecordingEngine
) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    webhook_settings = settings.model_copy(
        update={
            "telegram_webhook_url": hook,
            "telegram_webhook_listen": "127.0.0.1",
            "telegram_webhook_port": port,
            "telegram_webhook_secret": SecretStr("hemligt_123-abc"),
        }
    )
    user = api.private_chat(4010, "Pia")
    forged = {
        "update_id": 999_999,
        "message": {"message_id": 1, "date": 1, "chat": user.chat, "from": user.user,
                    "text": "/start"},
    }  # fmt: skip
    async with run_bot(engine, settings=webhook_settings):
        assert (api.webhook_url, api.webhook_secret) == (hook, "hemligt_123-abc")
        reply = await user.ask("/start", says("Hej"))
        async with ClientSession() as http:
            async with http.post(hook, json=forged) as without:
                assert without.status == 403
            wrong = {"X-Telegram-Bot-Api-Secret-Token": "gissat"}
            async with http.post(hook, json=forged, headers=wrong) as guessed:
                assert guessed.status == 403
        await asyncio.sleep(0.2)
    assert reply and api.webhook_deliveries == [200]
    assert [incoming.delivery_id for _, incoming in engine.calls] == [1]


async def test_a_missing_or_refused_token_stops_at_once(
    api: FakeBotApi, settings: Settings, engine: RecordingEngine
) -> None:
    with pytest.raises(SystemExit, match="TELEGRAM_BOT_TOKEN saknas"):
        TelegramBot(settings.model_copy(update={"telegram_bot_token": None}), engine)
    wrong = settings.model_copy(update={"telegram_bot_token": SecretStr("1" * 9 + ":" + "A" * 35)})
    bot = TelegramBot(wrong, engine)
    with pytest.raises(SystemExit) as stopped:
        await bot.start()
    assert str(stopped.value) == REFUSED_TOKEN

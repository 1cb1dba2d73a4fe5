"""On start, updates stored but not finished are handled in order per chat, exactly once,
even when Telegram delivers one of them again; a redelivery of a finished one is ignored.

The bot runs in this process (python-telegram-bot over the local Bot API server) with the
inbox on the test's database.
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import SecretStr
from sqlalchemy import select

from bot.config import Settings
from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.texts import load_texts
from bot.mall.template import TemplateCatalog
from bot.telegram.app import TelegramBot
from bot.telegram.inbox import Inbox
from storage import inbox_repository
from storage.db import SessionFactory
from storage.models import Answer
from tests.conftest import MovableClock
from tests.fakes.bot_api import FakeBotApi
from tests.faults.bot_process import TOKEN


def text_update(update_id: int, user: Any, message_id: int, text: str) -> dict[str, Any]:
    message = {"message_id": message_id, "from": user.user, "chat": user.chat,
               "date": int(time.time()), "text": text}  # fmt: skip
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(text.split()[0])}]  # fmt: skip
    return {"update_id": update_id, "message": message}


async def test_unfinished_updates_are_handled_in_order_once_on_start(
    api: FakeBotApi,
    session_factory: SessionFactory,
    catalog: TemplateCatalog,
    clock: MovableClock,
    tmp_path: Any,
) -> None:
    anna, bo = api.private_chat(6101, "Anna"), api.private_chat(6102, "Bo")
    # Received before the restart (the fake numbers the updates sent after it from 1).
    stored = [
        text_update(901, anna, 1, "/ny STK-2018-1307"),
        text_update(902, bo, 1, "/start"),
        text_update(903, anna, 2, "/mall mall-2019"),
        text_update(904, anna, 3, "Stadsbyggnadsnämnden"),
    ]
    with session_factory.begin() as session:
        for update in stored:
            chat = update["message"]["chat"]["id"]
            inbox_repository.store_update(
                session, "telegram", update["update_id"], chat, update, clock()
            )
    api.push_update({"message": stored[3]["message"]}, update_id=904)  # delivered again
    settings = Settings(
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_base_url=api.base_url,
        telegram_api_file_url=api.file_url,
        redovisa_data_dir=tmp_path,
    )
    conversation = Conversation(
        session_factory, catalog, load_texts(), clock, access=AccessPolicy.open_to_all()
    )
    inbox = Inbox(session_factory, clock)
    async with TelegramBot(settings, conversation, inbox=inbox):
        replies = await anna.replies(
            lambda ms: any("Fråga 2 av 8" in m.text for m in ms), timeout=20
        )
        await bo.replies(lambda ms: any("Hej" in m.text for m in ms), timeout=20)
        replies += await anna.replies(lambda _: True, timeout=1)
        await api.wait_for(lambda: api.pending_updates() == 0, 10, "the redelivery confirmed")
        anna.send("Jämlik stad")  # and the conversation goes on from there
        replies += await anna.replies(lambda ms: any("Fråga 3 av 8" in m.text for m in ms))
    texts = [m.text for m in replies]
    first_question = [i for i, t in enumerate(texts) if "Fråga 1 av 8" in t]
    second_question = [i for i, t in enumerate(texts) if "Fråga 2 av 8" in t]
    assert "mall" in texts[0].lower(), texts
    assert len(first_question) == 1 and len(second_question) == 1, texts
    assert first_question[0] < second_question[0]
    with session_factory() as session:
        versions = session.execute(select(Answer.question_key, Answer.version)).all()
        assert sorted(versions) == [("namn", 1), ("namnd", 1)]
        assert inbox_repository.unfinished_updates(session, "telegram", clock()) == []

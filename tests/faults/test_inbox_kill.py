"""A message the bot was handling when it was killed is answered once after the restart.

The bot runs in a process of its own over the local Bot API server (real
python-telegram-bot, long polling); it is killed with SIGKILL while it handles the answer
to question 1: inside the turn (before its COMMIT) or just after the commit, before any
reply went out. Telegram had been told the update arrived (the next getUpdates offset, or
the webhook's 200) before that, so only the inbox has it. After the restart the user gets one answer, the
answer is stored once, and the conversation goes on at question 3 with the next message.
"""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.telegram.texts import load_telegram_texts
from storage.db import create_db_engine
from storage.models import Answer, InboxUpdate
from tests.fakes.bot_api import FakeBotApi, SentMessage
from tests.faults.harness import BotProcess

CASE_NUMBER = "STK-2018-1307"
TEXTS = load_telegram_texts()


def says(fragment: str):  # type: ignore[no-untyped-def]
    return lambda messages: any(fragment in m.text for m in messages)


def stored_answers(database_url: str) -> list[tuple[str, int, str]]:
    engine = create_db_engine(database_url)
    try:
        with sessionmaker(engine)() as session:
            rows = session.scalars(select(Answer).order_by(Answer.id)).all()
            return [(a.question_key, a.version, a.text) for a in rows]
    finally:
        engine.dispose()


def unfinished_inbox(database_url: str) -> list[int]:
    engine = create_db_engine(database_url)
    try:
        with sessionmaker(engine)() as session:
            query = select(InboxUpdate.update_id).where(InboxUpdate.finished_at.is_(None))
            return list(session.scalars(query))
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("mode", "point"),
    [
        ("polling", "in_turn"),
        ("polling", "after_commit"),
        ("webhook", "in_turn"),
        ("webhook", "after_commit"),
    ],
)
async def test_message_in_flight_at_a_kill_is_answered_once_after_restart(
    mode: str, point: str, api: FakeBotApi, bot_process: BotProcess, database_url: str
) -> None:
    user = api.private_chat(5001, "Anna", "Andersson")
    port = free_port() if mode == "webhook" else 0
    bot_process.start(port)
    await user.ask(f"/ny {CASE_NUMBER}", says("mall"))
    await user.ask("/mall mall-2019", says("Fråga 1 av 8"))

    bot_process.arm(point)
    update_id, _ = user.send("Stadsbyggnadsnämnden")
    await bot_process.wait_stopped()
    await api.wait_for(lambda: api.pending_updates() == 0, 10, "the update confirmed")
    bot_process.kill()
    assert user.unread() == []  # killed before a word of the answer went out
    assert api.pending_updates() == 0  # Telegram would not deliver it again
    if mode == "webhook":
        assert api.webhook_deliveries[-1] == 200

    bot_process.start(port)
    after: list[SentMessage] = await user.replies(says("2 av 8"), timeout=30)
    after += await user.replies(lambda _: True, timeout=1)
    texts = [m.text for m in after]
    if point == "in_turn":  # nothing of the turn was committed: handled from the start
        assert len(texts) == 1, texts
        assert "Svaret på fråga 1 är sparat" in texts[0] and "Fråga 2 av 8" in texts[0]
    else:  # committed but never answered: the note, then the very reply the turn made
        assert texts[0] == TEXTS.resumed_after_restart, texts
        assert len(texts) == 2, texts
        assert "Svaret på fråga 1 är sparat" in texts[1] and "Fråga 2 av 8" in texts[1]

    reply = await user.ask("Jämlik stad i Malmö", says("Fråga 3 av 8"))
    assert any("Svaret på fråga 2 är sparat" in m.text for m in reply)
    assert [(k, v) for k, v, _ in stored_answers(database_url)] == [("namnd", 1), ("namn", 1)]
    await api.wait_for(lambda: not unfinished_inbox(database_url), 10, "the inbox finished")
    assert update_id not in unfinished_inbox(database_url)

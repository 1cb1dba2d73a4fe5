"""Two bot instances on one PostgreSQL behind a load balancer, one of them SIGKILLed.

Both run as production runs them (tests/faults/bot_process.py, TELEGRAM_INSTANCES=2,
webhook mode); the local Bot API server posts the updates one at a time, in order, to
the two webhook URLs in turn, and to the other one when an instance does not answer (as a
load balancer would). Eight officials each send eight `/fraga N` at once (N a different
order for each), so every chat's updates alternate between the instances; one instance is
killed when about a third of the answers are out. Every message is answered once, in the
order it was sent (an answer whose turn had committed when the instance died comes as the
note that it was kept and where the user is, which names the same question).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.telegram.texts import load_telegram_texts
from storage.db import create_db_engine
from storage.models import InboxUpdate
from tests.fakes.bot_api import FakeBotApi, FakeUser, SentMessage
from tests.faults.harness import BotProcess
from tests.faults.test_inbox_kill import free_port, says

pytestmark = pytest.mark.postgres

TEXTS = load_telegram_texts()
CHATS = 8
PER_CHAT = 8
QUESTION = re.compile(r"[Ff]råga (\d) av 8")


def answered_questions(messages: list[SentMessage]) -> tuple[list[int], int]:
    numbers, notes, _ = read_answers(messages)
    return numbers, notes


def read_answers(messages: list[SentMessage]) -> tuple[list[int], int, int]:
    """The question each answer names, in the order they came, how many notes, and how
    many of those came after the answer itself.

    A message whose turn had committed when its instance died is answered by the note
    that it was kept, followed by where the user is (the question it moved to): that pair
    stands for the answer. When the answer itself had gone out just before the kill, the
    pair follows it, naming the same question again: the message was handled once, and
    the pair is not counted again."""
    numbers: list[int] = []
    notes = repeated = 0
    after_note = False
    for message in messages:
        if message.text == TEXTS.resumed_after_restart:
            notes += 1
            after_note = True
            continue
        found = QUESTION.search(message.text)
        if found:
            number = int(found.group(1))
            if after_note and numbers and numbers[-1] == number:
                repeated += 1
            else:
                numbers.append(number)
            after_note = False
    return numbers, notes, repeated


def unfinished(database_url: str) -> int:
    engine = create_db_engine(database_url)
    try:
        with sessionmaker(engine)() as session:
            query = select(InboxUpdate.update_id).where(InboxUpdate.finished_at.is_(None))
            return len(list(session.scalars(query)))
    finally:
        engine.dispose()


async def test_two_instances_one_killed_every_message_answered_once_in_order(
    api: FakeBotApi, shared_database: str, tmp_path: Path
) -> None:
    users = range(5001, 5001 + CHATS)
    env = {"TELEGRAM_INSTANCES": "2"}
    instances = [
        BotProcess(tmp_path / name, shared_database, api, users=users, env=env)
        for name in ("a", "b")
    ]
    ports = [free_port(), free_port()]
    try:
        for instance, port in zip(instances, ports, strict=True):
            instance.start(port)
        api.balance_webhooks([f"http://127.0.0.1:{port}/telegram/hook" for port in ports])
        chats: list[FakeUser] = [api.private_chat(user, f"Tjänsteperson {user}") for user in users]
        for number, chat in enumerate(chats):
            await chat.ask(f"/ny STK-2018-{2000 + number}", says("mall"))
            await chat.ask("/mall mall-2019", says("Fråga 1 av 8"))

        order = random.Random(14)
        sent = {chat.chat_id: order.sample(range(1, 9), PER_CHAT) for chat in chats}
        for round_ in range(PER_CHAT):  # every chat's next message, chat after chat
            for chat in chats:
                chat.send(f"/fraga {sent[chat.chat_id][round_]}")
        total = CHATS * PER_CHAT

        def answers_out() -> int:
            return sum(len(answered_questions(chat.unread())[0]) for chat in chats)

        await api.wait_for(lambda: answers_out() >= total // 3, 60, "a third of the answers")
        instances[0].kill()  # SIGKILL, mid-run

        def all_answered() -> bool:
            counts = [answered_questions(chat.unread()) for chat in chats]
            return sum(len(numbers) for numbers, _ in counts) >= total

        await api.wait_for(all_answered, 120, "every message answered")
        await api.wait_for(lambda: unfinished(shared_database) == 0, 30, "the inbox finished")

        doubled = out_of_order = answered = notes = repeated = 0
        for chat in chats:
            read = await chat.replies(lambda _: True, timeout=2)
            numbers, chat_notes, chat_repeated = read_answers(read)
            repeated += chat_repeated
            expected = sent[chat.chat_id]
            answered += len(set(numbers) & set(expected))
            doubled += len(numbers) - len(set(numbers))
            notes += chat_notes
            if numbers != expected:
                out_of_order += 1
                print("\nchat", chat.chat_id, "sent", expected, "answers", numbers)
        print(f"\ntwo instances, one killed: messages {total}, answered {answered}, "
              f"doubled {doubled}, out of order {out_of_order} chats, "
              f"kept-notes {notes} ({repeated} after the answer had gone out), routes {sorted(set(api.webhook_routes.values()))}")  # fmt: skip
        assert (answered, doubled, out_of_order) == (total, 0, 0)
        routes = {api.webhook_routes[u] for u in api.webhook_routes}
        assert len(routes) == 2  # the updates really went to both instances
    finally:
        for instance in instances:
            instance.kill()

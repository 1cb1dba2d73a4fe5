"""End to end: whole reports written in Telegram, through the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path

from bot.config import Settings
from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.texts import load_texts
from bot.mall.template import TemplateCatalog
from storage.db import SessionFactory
from tests.conftest import MovableClock
from tests.fakes.bot_api import FakeBotApi, FakeUser, SentMessage
from tests.telegram.conftest import RunBot

CASE = "STK-2018-1307"
SIGNATURE = "Karin Lund, avdelningschef"
SHORT_QUESTIONS = {0, 1, 7}  # nämnd, namn, underskrift: one message each

Until = Callable[[list[SentMessage]], bool]


def seed_answers(seeds_dir: Path) -> list[list[str]]:
    """Seed 000's answers, question by question, as the paragraphs an official would paste."""
    text = (seeds_dir / "seed_000.txt").read_text(encoding="utf-8")
    body = text.split("Underskrift ansvarig chef:")[0]
    sections = re.split(r"^### .*$", body, flags=re.MULTILINE)[1:]
    answers = [[p.strip() for p in s.split("\n\n") if p.strip()] for s in sections]
    assert len(answers) == 7
    return [*answers, [SIGNATURE]]


CONFIRM = "Ja, det stämmer"
NOT_YET = "Vet inte än"


def says(fragment: str) -> Until:
    return lambda messages: any(fragment in m.text for m in messages)


async def begin_report(user: FakeUser, template_year: str = "2019") -> list[SentMessage]:
    await user.ask("/start", says("Hej"))
    choice = await user.ask(f"/ny {CASE}", lambda ms: bool(ms and ms[-1].buttons))
    label = next(b for b in choice[-1].button_labels if template_year in b)
    user.press(choice[-1], label)
    return await user.replies(says("Fråga 1 av 8"))


async def answer(user: FakeUser, number: int, paragraphs: list[str], press_klar: bool) -> None:
    """Answer question `number` (from 1); a long answer in several messages, then Klar."""
    following = f"Fråga {number + 1} av 8" if number < 8 else "alla frågor"
    if number - 1 in SHORT_QUESTIONS:
        await user.ask(paragraphs[0], says(following))
        return
    last: list[SentMessage] = []
    for count, paragraph in enumerate(paragraphs, start=1):
        last = await user.ask(paragraph, says(f"del {count})"))
    shown = next_or_budget(following)
    if press_klar:
        user.press(last[-1], "Klar")
        replies = await user.replies(shown)
    else:
        replies = await user.ask("/klar", shown)
    read_back = replies[-1]
    if NOT_YET in read_back.button_labels:  # issue 21: the budget is settled first
        label = CONFIRM if CONFIRM in read_back.button_labels else NOT_YET
        user.press(read_back, label)
        await user.replies(says(following))


def next_or_budget(following: str) -> Until:
    """The next question, or the budget's figures read back before it."""
    return lambda messages: any(following in m.text or NOT_YET in m.button_labels for m in messages)


async def write_report(user: FakeUser, answers: list[list[str]], first: int = 1) -> None:
    for number in range(first, len(answers) + 1):
        await answer(user, number, answers[number - 1], press_klar=number % 2 == 0)


async def draft_text(user: FakeUser) -> tuple[list[SentMessage], str]:
    draft = await user.ask("/utkast", says(SIGNATURE))
    return draft, "\n\n".join(m.text for m in draft)


async def test_seed_000_written_from_start_to_finished_draft(
    api: FakeBotApi, run_bot: RunBot, seeds_dir: Path
) -> None:
    answers = seed_answers(seeds_dir)
    async with run_bot():
        user = api.private_chat(1001, "Anna", "Berg")
        first = await begin_report(user)
        question = first[-1]
        assert re.search(
            r"Fråga 1 av 8\n\n<b>Vid vilken nämnd har utvecklingsarbetet bedrivits\?</b>\n\n<i>.+</i>",
            question.html,
        )
        assert question.button_labels == ["Hoppa över"]

        await write_report(user, answers)
        finished = user.server.messages(user.chat_id)[-1]
        assert {"Visa utkast", "Granska", "Hämta dokument"} <= set(finished.button_labels)

        draft, text = await draft_text(user)
    assert len(draft) > 1, "a seed-sized draft is longer than one Telegram message"
    assert all(len(m.text) <= 4096 for m in draft)
    assert "8 av 8 frågor besvarade" in text
    for paragraphs in answers:
        for paragraph in paragraphs:
            assert paragraph in text  # exactly as written: *, – and all
    assert "<i>inkluderande kommunikation</i>" not in "".join(m.html for m in draft)
    assert api.answered_callbacks, "every button press is answered"


async def test_report_resumes_at_the_same_question_after_a_restart(
    api: FakeBotApi, run_bot: RunBot, seeds_dir: Path
) -> None:
    answers = seed_answers(seeds_dir)
    user = api.private_chat(1002, "Bo")
    async with run_bot():
        await begin_report(user)
        await write_report(user, answers[:2])
        await user.ask(answers[2][0], says("del 1)"))
    # The bot is down; the user goes on writing.
    user.send(answers[2][1])
    async with run_bot():
        await user.replies(says("del 2)"))
        status = await user.ask("/status", says("fråga 3 av 8"))
        assert (
            "2 av 8 frågor är besvarade, och på den här frågan har du skrivit 2 delar"
            in status[-1].text
        )
        for count, paragraph in enumerate(answers[2][2:], start=3):
            await user.ask(paragraph, says(f"del {count})"))
        await user.ask("/klar", says("Fråga 4 av 8"))
        await write_report(user, answers, first=4)
        _, text = await draft_text(user)
    for paragraph in answers[2]:
        assert paragraph in text


async def test_two_users_at_once_see_only_their_own(
    api: FakeBotApi, run_bot: RunBot, seeds_dir: Path
) -> None:
    answers = seed_answers(seeds_dir)
    other = [[f"Annan nämnd {i}: {p[::-1]}" for p in ps] for i, ps in enumerate(answers)]
    anna, bo = api.private_chat(2001, "Anna"), api.private_chat(2002, "Bo")

    async def write(user: FakeUser, case: str, report: list[list[str]]) -> str:
        await user.ask("/start", says("Hej"))
        choice = await user.ask(f"/ny {case}", lambda ms: bool(ms and ms[-1].buttons))
        user.press(choice[-1], choice[-1].button_labels[-1])
        await user.replies(says("Fråga 1 av 8"))
        await write_report(user, report)
        draft = await user.ask("/utkast", says(report[-1][0]))
        return "\n\n".join(m.text for m in draft)

    async with run_bot():
        text_a, text_b = await asyncio.gather(
            write(anna, CASE, answers), write(bo, "STK-2019-0042", other)
        )
    assert CASE in text_a and "STK-2019-0042" not in text_a
    assert "STK-2019-0042" in text_b and CASE not in text_b
    for mine, theirs in zip(answers, other, strict=True):
        for paragraph in mine:
            assert paragraph in text_a and paragraph not in text_b
        for paragraph in theirs:
            assert paragraph in text_b and paragraph not in text_a


async def test_the_same_update_delivered_twice_is_answered_once(
    api: FakeBotApi, run_bot: RunBot
) -> None:
    user = api.private_chat(3001, "Cilla")
    async with run_bot():
        await begin_report(user)
        update_id, message_id = user.send("Arbetsmarknads- och socialnämnden")
        await user.replies(says("Fråga 2 av 8"))
        payload = {
            "message": {
                "message_id": message_id,
                "from": user.user,
                "chat": user.chat,
                "date": 1,
                "text": "Arbetsmarknads- och socialnämnden",
            }
        }
        user.redeliver(update_id, payload)
        status = await user.ask("/status", says("fråga 2 av 8"))
    assert len(status) == 1, [m.text for m in status]
    assert "1 av 8 frågor är besvarade" in status[0].text


async def test_an_edited_message_updates_the_answer(api: FakeBotApi, run_bot: RunBot) -> None:
    user = api.private_chat(3002, "Dan")
    async with run_bot():
        await begin_report(user)
        _, first_id = user.send("Arbetsmarknadsnämden")
        await user.replies(says("Fråga 2 av 8"))
        await user.ask("Omställning av arbetet", says("Fråga 3 av 8"))
        _, part_id = user.send("Målet var <b>inte</b> nått & mer.")
        await user.replies(says("del 1)"))

        user.edit(first_id, "Arbetsmarknads- och socialnämnden")
        await user.replies(says("fråga 1 i ärende STK-2018-1307 är uppdaterat"))
        user.edit(part_id, "Målet var nått & mer.")
        await user.replies(says("Ändringen är sparad i svaret du håller på med"))
        await user.ask("/klar", says("Fråga 4 av 8"))
        draft = await user.ask("/utkast", says("Omställning av arbetet"))
    text = "\n\n".join(m.text for m in draft)
    assert "Arbetsmarknads- och socialnämnden" in text
    assert "Arbetsmarknadsnämden" not in text
    assert "Målet var nått & mer." in text and "<b>inte</b>" not in text


async def test_answers_are_shown_exactly_as_written(api: FakeBotApi, run_bot: RunBot) -> None:
    user = api.private_chat(3003, "Eva")
    tricky = "Budget <200 000 kr> & *kursiv* _understruken_ </b> &amp; <script>"
    async with run_bot():
        await begin_report(user)
        await user.ask("/fraga 2", says("Fråga 2 av 8"))
        reply = await user.ask(tricky, says("Fråga 3 av 8"))
        draft = await user.ask("/utkast", says("Budget"))
    assert any("&lt;200 000 kr&gt; &amp; *kursiv* _understruken_" in m.html for m in draft)
    assert tricky in "\n".join(m.text for m in draft)
    assert reply


async def test_a_new_bot_process_sees_the_same_database(
    api: FakeBotApi,
    settings: Settings,
    run_bot: RunBot,
    sqlite_session_factory: SessionFactory,
    catalog: TemplateCatalog,
    clock: MovableClock,
) -> None:
    """The restart uses a fresh engine object: nothing survives in memory."""
    user = api.private_chat(3004, "Fia")
    async with run_bot():
        await begin_report(user)
        await user.ask("Stadsbyggnadsnämnden", says("Fråga 2 av 8"))
    fresh = Conversation(
        sqlite_session_factory, catalog, load_texts(), clock, access=AccessPolicy.open_to_all()
    )
    async with run_bot(fresh):
        status = await user.ask("/fortsatt", says("Fråga 2 av 8"))
    assert "Fråga 2 av 8" in status[-1].text

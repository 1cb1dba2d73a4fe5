"""Text that cannot be stored is refused at the door, and text already stored never breaks
/klar or /utkast.

Half an emoji (a lone surrogate, which a broken client or a cut in the middle of a pair
sends as `\\ud83d`) cannot be written as UTF-8: the message is refused with a Swedish note
and nothing of it is kept. A name with one is repaired, so the user can still write. A
part that was stored with one before this door existed is repaired when it is read. A
flag of Scotland (🏴 and tag characters) is honest text and survives whole.
"""

from __future__ import annotations

from sqlalchemy import select, update

from bot.engine.conversation import Conversation
from bot.telegram.inbox import Inbox
from storage.db import SessionFactory
from storage.models import Answer, ConversationStateRow, InboxUpdate
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.conftest import RunBot
from tests.telegram.test_report_flow import begin_report, says

HALF_EMOJI = "\ud83d"
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


async def reach_long_question(api: FakeBotApi, user_id: int, name: str = "Nora") -> object:
    user = api.private_chat(user_id, name)
    await begin_report(user)
    await user.ask("Kulturnämnden", says("Fråga 2 av 8"))
    await user.ask("Projektet Ros", says("Fråga 3 av 8"))
    return user


async def test_half_an_emoji_is_refused_and_nothing_of_it_kept(
    api: FakeBotApi, run_bot: RunBot, sqlite_session_factory: SessionFactory
) -> None:
    inbox = Inbox(sqlite_session_factory)
    async with run_bot(inbox=inbox):
        user = await reach_long_question(api, 9101)
        refused = await user.ask(f"Målen nåddes {HALF_EMOJI} nästan", says("trasigt tecken"))
        assert "U+D83D" in refused[0].text and "inget sparades" in refused[0].text.lower()
        await user.ask("Målen nåddes helt.", says("del 1)"))
        await user.ask("/klar", says("Fråga 4 av 8"))
        draft = await user.ask("/utkast", says("Målen nåddes helt."))
        assert not any("nästan" in m.text for m in draft)
    with sqlite_session_factory() as session:
        texts = session.scalars(select(Answer.text)).all()
        assert texts and not any("nästan" in text for text in texts)
        stored = [str(p) for p in session.scalars(select(InboxUpdate.payload)).all()]
        assert not any("nästan" in payload for payload in stored)


async def test_a_name_with_half_an_emoji_still_writes(api: FakeBotApi, run_bot: RunBot) -> None:
    async with run_bot():
        user = await reach_long_question(api, 9102, name=f"Nora {HALF_EMOJI}")
        await user.ask("Målen nåddes.", says("del 1)"))
        await user.ask("/klar", says("Fråga 4 av 8"))


async def test_a_part_stored_with_half_an_emoji_is_repaired_on_klar_and_utkast(
    api: FakeBotApi, run_bot: RunBot, sqlite_session_factory: SessionFactory
) -> None:
    async with run_bot():
        user = await reach_long_question(api, 9103)
        await user.ask("Målen nåddes till stor del.", says("del 1)"))
        # As an older version stored it: the JSON of the state keeps the lone surrogate.
        with sqlite_session_factory.begin() as session:
            row = session.scalars(select(ConversationStateRow)).one()
            state = dict(row.state)
            state["parts"] = [
                {**part, "text": part["text"].replace("stor del", f"stor del {HALF_EMOJI}")}
                for part in state["parts"]
            ]
            session.execute(update(ConversationStateRow).values(state=state))
        draft = await user.ask("/utkast", says("Utkast till redovisning"))
        assert not any("något gick fel" in m.text.lower() for m in draft)
        await user.ask("/klar", says("Fråga 4 av 8"))
        draft = await user.ask("/utkast", says("stor del"))
        assert not any("något gick fel" in m.text.lower() for m in draft)
    with sqlite_session_factory() as session:
        texts = session.scalars(select(Answer.text)).all()
        assert any("stor del \ufffd" in text for text in texts), texts


async def test_the_flag_of_scotland_survives_whole(
    api: FakeBotApi, run_bot: RunBot, conversation: Conversation,
    sqlite_session_factory: SessionFactory,
) -> None:  # fmt: skip
    async with run_bot():
        user = await reach_long_question(api, 9104)
        replies = await user.ask(f"Vi samarbetade med Glasgow {SCOTLAND}.", says("del 1)"))
        assert not any("osynliga tecken" in m.text for m in replies)
        await user.ask("/klar", says("Fråga 4 av 8"))
    with sqlite_session_factory() as session:
        texts = session.scalars(select(Answer.text)).all()
        assert any(SCOTLAND in text for text in texts), texts

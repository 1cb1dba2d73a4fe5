"""Slow work (a language-model suggestion) arrives after the next question, never before it."""

from __future__ import annotations

import threading

from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.services import EngineServices, PhrasingProposal
from bot.engine.texts import load_texts
from bot.mall.template import Question, TemplateCatalog
from storage.db import SessionFactory
from tests.conftest import MovableClock
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.conftest import RunBot


async def test_the_next_question_comes_before_a_slow_suggestion(
    api: FakeBotApi,
    run_bot: RunBot,
    sqlite_session_factory: SessionFactory,
    catalog: TemplateCatalog,
    clock: MovableClock,
) -> None:
    model_may_answer = threading.Event()

    def slow_phrasing(question: Question, text: str, case_id: int) -> PhrasingProposal:
        model_may_answer.wait(timeout=10)
        return PhrasingProposal("En tydligare formulering.", "Kortare meningar.")

    engine = Conversation(
        sqlite_session_factory,
        catalog,
        load_texts(),
        clock,
        EngineServices(phrasing=slow_phrasing),
        access=AccessPolicy.open_to_all(),
    )
    anna = api.private_chat(42, "Anna")
    async with run_bot(engine):
        for text in ["/ny STK-2018-1307", "/mall mall-2019", "/fraga 3", "Ett svar.", "/klar"]:
            anna.send(text)
        await api.wait_for(
            lambda: any("Fråga 4 av 8" in m.text for m in api.messages(42)), what="question 4"
        )
        assert not any("tydligare" in m.text for m in api.messages(42))
        model_may_answer.set()
        await api.wait_for(
            lambda: any("En tydligare formulering." in m.text for m in api.messages(42)),
            what="the suggestion",
        )
        suggestion = [m for m in api.messages(42) if "En tydligare formulering." in m.text][-1]
        assert suggestion.button_labels == ["Använd förslaget", "Behåll mitt"]

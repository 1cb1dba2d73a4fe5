"""Slow work (a language-model suggestion) arrives after the next question, never before it."""

from __future__ import annotations

import threading

from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.services import EngineServices, PhrasingProposal
from bot.engine.texts import load_texts
from bot.mall.template import Question, TemplateCatalog
from storage import repository as repo
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


async def test_the_same_user_is_answered_at_once_while_the_model_thinks(
    api: FakeBotApi,
    run_bot: RunBot,
    sqlite_session_factory: SessionFactory,
    catalog: TemplateCatalog,
    clock: MovableClock,
) -> None:
    """The suggestion is a job: the chat is not held while it is made (issue 26), and the
    proposal, kept under the user's lock, can be taken once it has arrived."""
    model_may_answer = threading.Event()

    def slow_phrasing(question: Question, text: str, case_id: int) -> PhrasingProposal:
        model_may_answer.wait(timeout=20)
        return PhrasingProposal("En tydligare formulering.", "Kortare meningar.")

    engine = Conversation(
        sqlite_session_factory, catalog, load_texts(), clock,
        EngineServices(phrasing=slow_phrasing), access=AccessPolicy.open_to_all(),
    )  # fmt: skip
    anna = api.private_chat(42, "Anna")
    async with run_bot(engine):
        for text in ["/ny STK-2018-1307", "/mall mall-2019", "/fraga 3", "Ett svar.", "/klar"]:
            anna.send(text)
        await api.wait_for(
            lambda: any("Fråga 4 av 8" in m.text for m in api.messages(42)), what="question 4"
        )
        anna.send("/status")  # while the model is still thinking
        await api.wait_for(
            lambda: any("STK-2018-1307" in m.text and "besvarade" in m.text
                        for m in api.messages(42)),
            what="the status, before the suggestion",
        )  # fmt: skip
        assert not any("tydligare" in m.text for m in api.messages(42))
        model_may_answer.set()
        await api.wait_for(
            lambda: any("En tydligare formulering." in m.text for m in api.messages(42)),
            what="the suggestion",
        )
        anna.send("/forslag ja")
        await api.wait_for(
            lambda: any("fråga 3" in m.text.lower() and "förslag" in m.text.lower()
                        for m in api.messages(42)[-1:]),
            what="the suggestion taken",
        )  # fmt: skip
    with sqlite_session_factory() as session:
        case = repo.find_case(session, "STK-2018-1307")
        assert case is not None
        answers = repo.current_answers(session, case.id)
    assert answers["maluppfyllelse"].text == "En tydligare formulering."

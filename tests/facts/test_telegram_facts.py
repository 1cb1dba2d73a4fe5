"""Seed 001 written by hand over Telegram (the real Application against the fake Bot API,
buttons pressed): the nämnd's near miss asked about, the copy recipient corrected in words,
the signed PDF, the send offer and the .eml all naming the right people (issue 20)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from email import message_from_bytes
from pathlib import Path

from bench.seed_messages import seed_answers
from bot.app import assemble
from bot.mall.template import QuestionKind, TemplateCatalog
from bot.telegram.app import TelegramBot
from tests.conftest import MovableClock
from tests.documents import pdf_text
from tests.documents.signing_helpers import sign
from tests.fakes.bot_api import FakeBotApi, FakeUser, SentMessage
from tests.telegram.conftest import QUICK, _timedelta_retry_after, api
from tests.telegram.test_after_signing_flow import ADMIN, OFFICIAL, SLOW, documents, settings_for

__all__ = ["_timedelta_retry_after", "api"]  # the Telegram tests' fixtures, used here
CASE = "STK-2018-1304"
Until = Callable[[list[SentMessage]], bool]


def says(fragment: str) -> Until:
    return lambda messages: any(fragment in m.text for m in messages)


def with_button(label: str) -> Until:
    return lambda messages: any(label in m.button_labels for m in messages)


def buttoned(messages: list[SentMessage], label: str) -> SentMessage:
    return next(m for m in messages if label in m.button_labels)


async def write_seed(official: FakeUser, catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2019")
    choice = await official.ask(
        f"/ny {CASE}", with_button("Mall 2019 (Kommunstyrelsens arbetsutskott, 2019-03-11)")
    )
    official.press(choice[-1], "Mall 2019 (Kommunstyrelsens arbetsutskott, 2019-03-11)")
    await official.replies(says("Fråga 1 av 8"))
    answers = seed_answers(template)
    # The nämnd written as its förvaltning: a near miss, asked about with a button.
    asked = await official.ask("Arbetsmarknads- och socialförvaltningen", with_button("Nej"))
    question = buttoned(asked, "Ja, Arbetsmarknads- och socialnämnden")
    assert "Menar du Arbetsmarknads- och socialnämnden?" in question.text
    official.press(question, "Ja, Arbetsmarknads- och socialnämnden")
    await official.replies(says("Fråga 2 av 8"))
    for number in range(2, len(template.questions) + 1):
        for paste in answers[number]:
            await official.ask(paste)
        if template.questions[number - 1].kind is QuestionKind.BUDGET:
            # The figures are read back before the next question (issue 21); seed 001 does
            # not say what was used, so they are left open for now.
            await official.ask("klar", says("hur mycket som har använts"))
            await official.ask("vet inte än", says("Fråga 8 av 8"))
        elif template.questions[number - 1].kind.collects_several_messages:
            await official.ask("klar", says("sparat"))


async def test_seed_001_over_telegram_with_the_copy_corrected_in_words(
    api: FakeBotApi, tmp_path: Path, catalog: TemplateCatalog
) -> None:
    clock = MovableClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    admin = api.private_chat(ADMIN, "Cecilia", "Samordnare")
    official = api.private_chat(OFFICIAL, "Jonas", "Magnusson")
    settings = settings_for(api, tmp_path, None)
    assembly = assemble(settings, clock)
    async with TelegramBot(settings, assembly.conversation, limits=QUICK):
        invite = await admin.ask("/inbjudan handläggare", says("kod"))
        code = invite[-1].text.split(": ")[1].split()[0]
        await official.ask(f"/start {code}", says("tillgång som handläggare"))
        await write_seed(official, catalog)

        used = await official.ask("/dokument", says("hur mycket som har använts"))
        assert not documents(used)
        await official.ask("använt 430 000 kr", says("är bekräftad"))

        words = "Kopian ska gå till asa.pahlmblad@malmo.se, inte Anders. Resten stämmer."
        read_back = await official.ask(words, with_button("Ja, det stämmer"))
        shown = buttoned(read_back, "Ja, det stämmer")
        assert "Kopia till: asa.pahlmblad@malmo.se" in shown.text
        official.press(shown, "Ja, det stämmer")
        await official.replies(says("Sparat"))
        read_back = await official.ask(
            "Svaret skickas till registrera.stk@malmo.se", with_button("Ja, det stämmer")
        )
        official.press(buttoned(read_back, "Ja, det stämmer"), "Ja, det stämmer")
        await official.replies(says("Sparat"))

        asked = await official.ask("/dokument", with_button("Använd mallens uppgifter"))
        official.press(buttoned(asked, "Använd mallens uppgifter"), "Använd mallens uppgifter")
        made = await official.replies(lambda ms: len(documents(ms)) == 2, timeout=SLOW)
        pdf = next(data for name, data in documents(made).items() if name.endswith(".pdf"))
        page = " ".join(pdf_text(pdf).split())
        assert "samt med kopia till: asa.pahlmblad@malmo.se" in page
        assert "anders.p.eriksson" not in page
        assert "Bekräftad budget: beviljat 500 000 kr · använt 430 000 kr (86 %)" in page

        signed = await asyncio.to_thread(sign, pdf, tmp_path, "Jonas Magnusson")
        official.send_document("signerad.pdf", signed)
        checked = await official.replies(with_button("Skicka till registratorn"), timeout=SLOW)
        offer = buttoned(checked, "Skicka till registratorn")
        assert "registrera.stk@malmo.se med kopia till asa.pahlmblad@malmo.se" in offer.text
        official.press(offer, "Skicka till registratorn")
        sent = await official.replies(says("sparades som fil"), timeout=SLOW)
        assert any("Kopia till: asa.pahlmblad@malmo.se" in m.text for m in sent)
    mail = message_from_bytes(next((tmp_path / "outbox").glob("*.eml")).read_bytes())
    assert (mail["To"], mail["Cc"]) == ("registrera.stk@malmo.se", "asa.pahlmblad@malmo.se")
    body = mail.get_payload()[0].get_payload(decode=True).decode("utf-8")
    assert "Nämnd: Arbetsmarknads- och socialnämnden" in body

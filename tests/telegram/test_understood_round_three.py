"""Issue 21 in Telegram, through the fake Bot API over HTTP with buttons pressed: a slip is
asked about and stored only when the user presses "Spara det som svar"; "det där skulle inte
med" offers Ångra; a mistyped command offers the one meant; the budget's figures are
settled (by a button) before the signature question; a greeting first is answered as one."""

from __future__ import annotations

from storage.db import SessionFactory
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.conftest import RunBot
from tests.telegram.test_understood import answers, begin, says

BUDGET = "Vi beviljades 500 000 kr. Hittills har vi använt 194 000 kr till utbildningar."


async def test_slips_buttons_and_the_budget_first(
    api: FakeBotApi, run_bot: RunBot, sqlite_session_factory: SessionFactory
) -> None:
    async with run_bot():
        user = api.private_chat(2101, "Olle")
        await begin(user)
        asked = await user.ask("tack!", says("Jag har inte sparat"))
        assert "Spara det som svar" in asked[-1].button_labels
        assert sum(1 for b in asked[-1].button_labels if b.startswith("Ja")) <= 1
        asked = await user.ask("Barnrätt i praktiken", says("namnet på en nämnd"))
        user.press(asked[-1], "Spara det som svar")
        await user.replies(says("Fråga 2 av 8"))
        await user.ask("kan du ta om frågan?", says("Fråga 2 av 8"))
        await user.ask("Kunskapslyftet", says("Fråga 3 av 8"))
        await user.ask("Första stycket.", says("(del 1)"))
        await user.ask("Ett stycke som hörde till fråga 4.", says("(del 2)"))
        asked = await user.ask("det där skulle inte med", says("Jag har inte lagt till"))
        assert asked[-1].button_labels[0] == "Ångra"
        user.press(asked[-1], "Ångra")
        await user.replies(says("tagit bort del 2"))
        meant = await user.ask("/klarr", says("Menade du /klar?"))
        user.press(meant[-1], "/klar")
        await user.replies(says("Fråga 4 av 8"))
        await user.ask("gå till fråga 7", says("Fråga 7 av 8"))
        await user.ask(BUDGET, says("(del 1)"))
        read_back = await user.ask("Klart!", says("stämmer det?"))
        assert not any("Fråga 8 av 8" in m.text for m in read_back)
        await user.ask("Anna Andersson, enhetschef", says("Jag har inte sparat"))
        corrected = await user.ask("jag menade 250 000, inte 194 000", says("stämmer det?"))
        assert "använt 250 000 kr (50 %)" in corrected[-1].text
        user.press(corrected[-1], "Ja, det stämmer")
        await user.replies(says("Fråga 8 av 8"))
        await user.ask("Jonas Magnusson", says("Svaret på fråga 8 är sparat"))
    assert answers(sqlite_session_factory) == {
        "namnd": "Barnrätt i praktiken",
        "namn": "Kunskapslyftet",
        "maluppfyllelse": "Första stycket.",
        "budget": BUDGET,
        "underskrift": "Jonas Magnusson",
    }


async def test_not_yet_is_a_button_and_a_greeting_is_answered(
    api: FakeBotApi, run_bot: RunBot, sqlite_session_factory: SessionFactory
) -> None:
    async with run_bot():
        greta = api.private_chat(2102, "Greta")
        hello = await greta.ask("hej", says("Hej Greta!"))
        assert "Jag vet inte vad" not in hello[-1].text
        greta.press(hello[-1], "Ny redovisning")
        await greta.replies(says("diarienumret"))
        user = api.private_chat(2103, "Olle")
        await begin(user)
        await user.ask("/fraga 7", says("Fråga 7 av 8"))
        await user.ask("Vi fick 300 000 kr och har gjort av med en del.", says("(del 1)"))
        read_back = await user.ask("klar", says("hur mycket som har använts"))
        user.press(read_back[-1], "Vet inte än")
        await user.replies(says("Fråga 8 av 8"))
        status = await user.ask("/status", says("Öppen punkt"))
        assert "0 delar" not in status[-1].text
    assert "underskrift" not in answers(sqlite_session_factory)

"""The budget ledger as an official meets it: the budget answer read back in one line,
confirmed or corrected, kept with its history, and used by the review."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import facts_of
from bot.arende.loading import find_arende
from bot.config import PROMPTS_DIR
from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming, IncomingFile, Reply
from bot.engine.messages import UserRef as UserRefType
from bot.engine.services import EngineServices, ImportedDraft, ReportSnapshot
from bot.engine.texts import load_texts
from bot.mall.template import TemplateCatalog, load_catalog
from bot.review.checks import run_checks
from bot.review.service import ReviewResult
from storage import ledger_repository as ledger_repo
from storage import repository as repo
from storage.db import SessionFactory
from storage.models import BudgetLedgerEntry
from tests.conftest import MovableClock
from tests.engine.conftest import ChatUser, database_snapshot

CASE = "STK-2019-0042"
READ_LINE = "Beviljat 500 000 kr · använt 194 000 kr (39 %) · kvar 306 000 kr — stämmer det?"
BUDGET = "Vi beviljades 500 000 kr. Hittills har vi använt 194 000 kr till utbildningar."


def current_keys(sessions: SessionFactory) -> set[str]:
    with sessions() as session:
        case = repo.find_case(session, CASE)
        assert case is not None
        return set(repo.current_answers(session, case.id))


def at_budget_question(user: ChatUser) -> None:
    user.say(f"/ny {CASE}")
    user.say("/mall mall-2019")
    assert "Fråga 7 av 8" in user.say("/fraga 7")


def answer_budget(user: ChatUser, text: str) -> str:
    user.say(text)
    return user.say("/klar")


def last_buttons(user: ChatUser) -> list[tuple[str, str]]:
    return [(b.label, b.command) for row in user.received[-1].buttons for b in row]


def ledger(sessions: SessionFactory) -> list[BudgetLedgerEntry]:
    with sessions() as session:
        case = repo.find_case(session, CASE)
        assert case is not None
        return ledger_repo.history(session, case.id)


def used_on_case(sessions: SessionFactory) -> int | None:
    """The used amount as every output reads it: the model of the ärende."""
    with sessions() as session:
        arende = find_arende(session, CASE, load_catalog(PROMPTS_DIR / "templates"))
        assert arende is not None
        return arende.budget.used_kr


def test_the_budget_is_read_back_and_confirmed(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    at_budget_question(anna)
    reply = answer_budget(anna, BUDGET)
    # Issue 21: one open question at a time; question 8 waits for the figures' word.
    assert "Fråga 8 av 8" not in reply
    assert READ_LINE in reply
    assert last_buttons(anna) == [
        ("Ja, det stämmer", "/budget ja"),
        ("Rätta", "/budget rätta"),
        ("Vet inte än", "/budget vet inte"),
    ]
    assert ledger(session_factory) == []  # nothing is stored before the official says so
    reply = anna.say("/budget ja")
    assert "bekräftad" in reply and "använt 194 000 kr (39 %)" in reply
    assert "Fråga 8 av 8" in reply  # back where the official was
    [entry] = ledger(session_factory)
    assert (entry.granted_kr, entry.used_kr, entry.remaining_kr) == (500_000, 194_000, 306_000)
    assert entry.source == "read" and entry.activities == [
        {"label": "utbildningar", "value": 194_000}
    ]
    assert used_on_case(session_factory) == 194_000
    assert "Ingen budget väntar" not in anna.say("Anna Andersson, enhetschef")
    assert "stämmer det" not in anna.say("/utkast")


def test_a_typed_yes_confirms_too(anna: ChatUser, session_factory: SessionFactory) -> None:
    at_budget_question(anna)
    answer_budget(anna, BUDGET)
    assert "bekräftad" in anna.say("Ja, det stämmer")
    assert [e.used_kr for e in ledger(session_factory)] == [194_000]


def test_the_official_corrects_one_figure_or_the_whole_line(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    at_budget_question(anna)
    answer_budget(anna, BUDGET)
    assert "använt 194 000" in anna.say("/budget rätta")
    reply = anna.say("använt 200 000")
    assert "bekräftad" in reply and "använt 200 000 kr (40 %) · kvar 300 000 kr" in reply
    reply = anna.say("/budget beviljat 450 000 kr, använt 194 000 kr")
    assert "Beviljat 450 000 kr · använt 194 000 kr (43 %) · kvar 256 000 kr" in reply
    entries = ledger(session_factory)
    assert [(e.granted_kr, e.used_kr, e.source) for e in entries] == [
        (500_000, 200_000, "corrected"),
        (450_000, 194_000, "corrected"),
    ]
    assert used_on_case(session_factory) == 194_000
    shown = anna.say("/budget")  # the text still says 500 000 kr granted
    assert "Bekräftad budget för ärende STK-2019-0042: Beviljat 450 000 kr" in shown
    assert "av Anna" in shown and "stämmer inte med den bekräftade budgeten" in shown
    assert READ_LINE in shown


def test_an_unsure_reading_asks_for_the_unclear_figure(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    at_budget_question(anna)
    reply = answer_budget(
        anna,
        "Kommunen beviljade 300 000 kr. Vi har använt 100 000 kr. "
        "Enligt ekonomienheten har vi använt 150 000 kr.",
    )
    assert "Beviljat 300 000 kr · använt: oklart" in reply
    assert "hur mycket som har använts" in reply
    assert "stämmer det" not in reply
    assert last_buttons(anna) == [("Vet inte än", "/budget vet inte")]
    assert "hur mycket som har använts" in anna.say("ja")  # a yes is not enough
    assert ledger(session_factory) == []
    reply = anna.say("150 000 kr")  # a lone amount answers the figure asked for
    assert "Beviljat 300 000 kr · använt 150 000 kr (50 %) · kvar 150 000 kr" in reply
    [entry] = ledger(session_factory)
    assert (entry.used_kr, entry.source) == (150_000, "corrected")


def test_nothing_readable_asks_for_both_figures(anna: ChatUser) -> None:
    at_budget_question(anna)
    reply = answer_budget(anna, "Pengarna räckte till allt vi hade planerat.")
    assert "hur mycket som beviljades" in reply and "hur mycket som har använts" in reply
    assert "beviljades" in anna.say("använt 90 000")
    assert "Beviljat 100 000 kr · använt 90 000 kr (90 %)" in anna.say("beviljat 100 000")


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("använt 19x 000 kr", "går inte att läsa som ett belopp"),
        ("kvar 600 000 kr", "kan inte vara mer än det som beviljades"),
        ("använt 100 000 kr och kvar 100 000 kr", "går inte ihop"),
        ("beviljat 0 kr", "större än 0 kr"),
        ("använt 3 workshops 5 000", "går inte att läsa som ett belopp"),
    ],
)
def test_a_bad_correction_is_explained_and_changes_nothing(
    anna: ChatUser, session_factory: SessionFactory, bad: str, expected: str
) -> None:
    at_budget_question(anna)
    answer_budget(anna, BUDGET)
    before = database_snapshot(session_factory)
    reply = anna.say(bad)
    assert expected in reply and "Inget ändrades" in reply
    assert database_snapshot(session_factory) == before
    assert ledger(session_factory) == []
    assert "bekräftad" in anna.say("/budget ja")  # the figures still wait


def test_a_later_edit_that_disagrees_is_pointed_out_and_offered_again(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    at_budget_question(anna)
    answer_budget(anna, BUDGET)
    anna.say("/budget ja")
    agreeing = anna.say("/andra budget Av de beviljade 500 000 kr har vi använt 194 000 kronor.")
    assert "ändrat" in agreeing and "stämmer" not in agreeing
    reply = anna.say("/andra budget Vi beviljades 500 000 kr och har använt 250 000 kr.")
    assert "stämmer inte med den bekräftade budgeten" in reply
    assert "(Beviljat 500 000 kr · använt 194 000 kr (39 %) · kvar 306 000 kr)" in reply
    assert (
        "Beviljat 500 000 kr · använt 250 000 kr (50 %) · kvar 250 000 kr — stämmer det?" in reply
    )
    assert [e.used_kr for e in ledger(session_factory)] == [194_000]  # not before a yes
    anna.say("/budget ja")
    assert [(e.used_kr, e.source) for e in ledger(session_factory)] == [
        (194_000, "read"),
        (250_000, "read"),
    ]


def test_an_edited_chat_message_that_disagrees_is_pointed_out(anna: ChatUser) -> None:
    at_budget_question(anna)
    anna.say(BUDGET, message_ref="77")
    anna.say("/klar")
    anna.say("/budget ja")
    reply = anna.edit("77", "Vi beviljades 500 000 kr. Hittills har vi använt 320 000 kr.")
    assert "stämmer inte med den bekräftade budgeten" in reply
    assert "använt 320 000 kr (64 %)" in reply


def test_the_figures_are_settled_before_the_next_question(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    """Issue 21 changed this: the signature written while the figures wait is not stored
    (it used to be, and the figures were set aside); "vet inte än" leaves them open."""
    at_budget_question(anna)
    answer_budget(anna, BUDGET)
    reply = anna.say("Anna Andersson, enhetschef")
    assert "Jag har inte sparat ”Anna Andersson, enhetschef”" in reply
    assert "underskrift" not in current_keys(session_factory)
    reply = anna.say("det vet jag inte än, ekonomen har inte gjort bokslutet")
    assert "öppen punkt" in reply and "Fråga 8 av 8" in reply
    assert "Öppen punkt: budgetens siffror" in anna.say("/status")
    assert "Öppen punkt: budgetens siffror" in anna.say("/granska")
    assert "Svaret på fråga 8 är sparat" in anna.say("Anna Andersson, enhetschef")
    assert ledger(session_factory) == []
    assert "Det finns ingen budget som väntar" in anna.say("/budget ja")
    assert READ_LINE in anna.say("/budget")  # offered again on request


def test_confirmed_figures_drive_the_review(
    session_factory: SessionFactory, catalog: TemplateCatalog, clock: MovableClock
) -> None:
    seen: list[ReportSnapshot] = []

    def review(snapshot: ReportSnapshot) -> ReviewResult:
        seen.append(snapshot)
        findings = run_checks(snapshot.template, snapshot.answers, facts_of(snapshot))
        return ReviewResult(findings=findings, llm_used=False, llm_note=None)

    conversation = Conversation(
        session_factory,
        catalog,
        load_texts(),
        clock,
        EngineServices(review=review),
        access=AccessPolicy.open_to_all(),
    )
    anna = ChatUser(conversation, anna_ref())
    at_budget_question(anna)
    answer_budget(anna, BUDGET)
    before = anna.say("/granska")
    assert seen[-1].confirmed_used_kr is None
    anna.say("/budget använt 230 000")
    reply = anna.say("/granska")
    assert (seen[-1].confirmed_granted_kr, seen[-1].confirmed_used_kr) == (500_000, 230_000)
    assert "230 000 kr" in reply and "230 000 kr" not in before  # the text disagrees with it
    codes = {f.code for f in run_checks(seen[-1].template, seen[-1].answers, facts_of(seen[-1]))}
    assert "budget_text_disagrees" in codes


def anna_ref() -> UserRefType:
    return UserRefType("terminal:anna", "Anna")


def test_an_import_that_fills_the_budget_is_read_back(
    session_factory: SessionFactory, catalog: TemplateCatalog, clock: MovableClock
) -> None:
    def importer(filename: str, data: bytes) -> ImportedDraft:
        return ImportedDraft(
            template_id="mall-2019",
            answers={"namnd": "Servicenämnden", "budget": data.decode()},
            case_number=CASE,
        )

    conversation = Conversation(
        session_factory,
        catalog,
        load_texts(),
        clock,
        EngineServices(importer=importer),
        access=AccessPolicy.open_to_all(),
    )
    anna = ChatUser(conversation, anna_ref())
    replies: list[Reply] = conversation.handle(
        anna.ref, Incoming(file=IncomingFile("utkast.docx", BUDGET.encode()))
    )
    text = "\n".join(r.plain_text for r in replies)
    assert "Inläst: svar på 2 frågor" in text and READ_LINE in text
    assert "bekräftad" in anna.say("ja")
    assert [e.used_kr for e in ledger(session_factory)] == [194_000]


def test_history_keeps_every_confirmation(
    anna: ChatUser, session_factory: SessionFactory, clock: MovableClock
) -> None:
    at_budget_question(anna)
    answer_budget(anna, BUDGET)
    anna.say("/budget ja")
    clock.advance(days=3)
    anna.say("/budget använt 210 000")
    with session_factory() as session:
        case = repo.find_case(session, CASE)
        assert case is not None
        current = ledger_repo.current_entry(session, case.id)
        rows = session.scalars(select(BudgetLedgerEntry)).all()
    assert current is not None and current.used_kr == 210_000
    assert len(rows) == 2 and rows[1].confirmed_at > rows[0].confirmed_at


def test_an_amount_used_right_after_the_budget_answer_is_read_back_not_stored(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    at_budget_question(anna)
    anna.say("/fraga 3")
    anna.say("/andra 7 " + BUDGET)  # edited from question 3: back there afterwards
    assert "stämmer det?" in anna.received[-1].plain_text
    # Issue 21: right after the budget answer, an amount with "använde" is read back as a
    # correction of the budget (it used to become a part of answer 3); nothing is stored.
    reply = anna.say("Vi använde 20 000 kr till fika under träffarna.")
    assert "rättelse av budgeten" in reply and "använt 20 000 kr" in reply
    assert "tagit emot texten" not in reply
    assert ledger(session_factory) == []
    assert "Fråga 3 av 8" in anna.say("/budget vet inte") and ledger(session_factory) == []


def test_cancel_sets_the_figures_aside_and_stores_nothing(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    at_budget_question(anna)
    answer_budget(anna, BUDGET)
    assert "Inget ändrades" in anna.say("/avbryt")
    assert ledger(session_factory) == []
    assert "Det finns ingen budget som väntar" in anna.say("/budget ja")


def test_status_says_the_figures_wait_for_a_yes_or_no(
    anna: ChatUser, session_factory: SessionFactory
) -> None:
    at_budget_question(anna)
    assert "stämmer det?" in answer_budget(anna, BUDGET)
    assert "Jag väntar på att du svarar ja eller nej." in anna.say("/status")
    assert "stämmer det?" not in anna.say("ja")  # the wait is still there to answer
    assert ledger(session_factory) != []

"""The budget's figures as the chat reads them back, "… stämmer det?", with the buttons; the
same whether a turn shows them (budget_ledger.py) or the job that read the answer a second
time (budget_second_reading.py)."""

from __future__ import annotations

from bot.engine.budget_figures import PendingBudget, from_reading, summary_line
from bot.engine.ledger_texts import LedgerTexts
from bot.engine.messages import Block, Button, Reply
from bot.mall.amounts import format_kronor
from bot.review.budget import BudgetReading
from storage.models import BudgetLedgerEntry


def confirmed_figures(entry: BudgetLedgerEntry | None) -> tuple[int, int] | None:
    """Granted and used as last confirmed in the ledger."""
    return None if entry is None else (entry.granted_kr, entry.used_kr)


def with_entry(
    case_id: int, reading: BudgetReading, confirmed: tuple[int, int] | None
) -> PendingBudget:
    """The answer's figures; what it does not say surely is taken from the ledger's
    confirmed (granted, used)."""
    pending = from_reading(case_id, reading)
    if confirmed is None:
        return pending
    update: dict[str, object] = {}
    if not reading.granted_in_text or pending.granted is None:
        update |= {"granted": confirmed[0], "granted_unclear": False}
    if pending.used is None:
        update |= {"used": confirmed[1], "used_unclear": False}
    disputed = {k: v for k, v in pending.disputed.items() if update.get(k) is None}
    return pending.model_copy(update={**update, "disputed": disputed})


def not_yet_buttons(texts: LedgerTexts) -> tuple[tuple[Button, ...], ...]:
    return ((Button(texts.button_not_yet, "/budget vet inte"),),)


def _ask(texts: LedgerTexts, pending: PendingBudget, name: str) -> str:
    readings = pending.disputed.get(name)
    if readings:
        shown = " eller ".join(format_kronor(v) for v in readings)
        key = "ask_granted_disputed" if name == "granted" else "ask_used_disputed"
        return texts[key].format(readings=shown)
    return texts.ask_granted if name == "granted" else texts.ask_used


def offer_replies(
    texts: LedgerTexts, pending: PendingBudget, note: str | None, case_number: str | None
) -> list[Reply]:
    """The figures and what the official can say to them; `case_number` heads them when
    the ärende is not the one the official is writing."""
    blocks = [Block(note)] if note else []
    if case_number is not None:
        blocks.append(Block(texts.read_heading.format(case_number=case_number)))
    if pending.complete:
        blocks.append(Block(texts.read_line.format(line=summary_line(pending))))
        buttons = (
            (
                Button(texts.button_confirm, "/budget ja"),
                Button(texts.button_correct, "/budget rätta"),
            ),
            *not_yet_buttons(texts),
        )
        return [Reply(tuple(blocks), buttons)]
    blocks.append(Block(summary_line(pending)))
    if pending.granted is None:
        blocks.append(Block(_ask(texts, pending, "granted")))
    if pending.used is None:
        blocks.append(Block(_ask(texts, pending, "used")))
    return [Reply(tuple(blocks), not_yet_buttons(texts))]

"""The budget ledger's Swedish texts (prompts/budget_ledger.toml), checked at start-up the
same way as the conversation's (bot/mall/texts.py)."""

from __future__ import annotations

from pathlib import Path

from bot.mall.datafiles import PROMPTS_DIR
from bot.mall.texts import Text, TextFile, text


class LedgerTexts(TextFile):
    """What the chat says about the budget's figures, and the overview's budget columns."""

    read_line: Text = text("line")
    read_heading: Text = text("case_number")
    ask_granted: Text = text()
    ask_used: Text = text()
    ask_granted_disputed: Text = text("readings")
    ask_used_disputed: Text = text("readings")
    reading_twice: Text = text()
    still_reading: Text = text()
    button_confirm: Text = text()
    button_correct: Text = text()
    how_to_correct: Text = text()
    confirmed: Text = text("case_number", "line")
    correction_unreadable: Text = text("given")
    amount_unreadable: Text = text("problem")
    granted_not_positive: Text = text()
    remaining_above_granted: Text = text("remaining", "granted")
    figures_do_not_add_up: Text = text("used", "remaining", "granted")
    text_disagrees: Text = text("confirmed")
    nothing_to_confirm: Text = text()
    no_budget_question: Text = text("case_number")
    no_budget_answer: Text = text("case_number")
    current_entry: Text = text("case_number", "line", "date", "name")
    case_gone: Text = text()
    button_not_yet: Text = text()
    left_open: Text = text()
    open_point: Text = text("case_number")
    waits_first: Text = text("text")
    candidate_heading: Text = text()
    overview_budget: Text = text("granted", "used", "share")
    overview_budget_unconfirmed: Text = text("granted", "used", "share")
    overview_budget_granted_only: Text = text("granted")
    overview_budget_unknown: Text = text()
    sheet_granted: Text = text()
    sheet_used: Text = text()
    sheet_share: Text = text()
    sheet_confirmed: Text = text()
    sheet_yes: Text = text()
    sheet_no: Text = text()


def load_ledger_texts(path: Path | None = None) -> LedgerTexts:
    """Read the ledger's texts; a missing text or a wrong {name} stops the program."""
    return LedgerTexts.load(path or PROMPTS_DIR / "budget_ledger.toml")

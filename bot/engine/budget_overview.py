"""The budget in the coordinator's overview (/oversikt and its Excel file): granted, used
and the share used, as the model of the ärende decides them (bot/arende/budget.py)."""

from __future__ import annotations

from bot.arende.budget import Budget
from bot.engine.ledger_texts import LedgerTexts
from bot.mall.amounts import format_kronor


def budget_text(texts: LedgerTexts, budget: Budget | None) -> str:
    """ "beviljat 500 000 kr, använt 194 000 kr (39 %)" for the overview's chat line."""
    if budget is None or budget.granted_kr is None:
        return texts.overview_budget_unknown
    granted = format_kronor(budget.granted_kr)
    share = budget.share_used
    if budget.used_kr is None or share is None:
        return texts.overview_budget_granted_only.format(granted=granted)
    said = texts.overview_budget if budget.confirmed else texts.overview_budget_unconfirmed
    return said.format(granted=granted, used=format_kronor(budget.used_kr), share=share)


def budget_headings(texts: LedgerTexts) -> list[str]:
    return [texts.sheet_granted, texts.sheet_used, texts.sheet_share, texts.sheet_confirmed]


def budget_cells(texts: LedgerTexts, budget: Budget | None) -> list[object]:
    """Granted and used in kronor, the share used in per cent (empty where unknown), and
    whether the official confirmed the figures."""
    if budget is None:
        return [None, None, None, texts.sheet_no]
    confirmed = texts.sheet_yes if budget.confirmed else texts.sheet_no
    return [budget.granted_kr, budget.used_kr, budget.share_used, confirmed]

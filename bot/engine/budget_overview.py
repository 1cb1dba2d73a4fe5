"""The budget in the coordinator's overview (/oversikt and its Excel file): granted, used
and the share used, from the budget ledger (storage/ledger_repository.py)."""

from __future__ import annotations

from bot.engine.ledger_texts import LedgerTexts
from bot.mall.amounts import format_kronor
from storage.ledger_repository import BudgetFigures


def share_used(figures: BudgetFigures | None) -> int | None:
    """Per cent of the granted money used, rounded; None without both figures."""
    if figures is None or figures.used_kr is None or not figures.granted_kr:
        return None
    return round(100 * figures.used_kr / figures.granted_kr)


def budget_text(texts: LedgerTexts, figures: BudgetFigures | None) -> str:
    """ "beviljat 500 000 kr, använt 194 000 kr (39 %)" for the overview's chat line."""
    if figures is None or figures.granted_kr is None:
        return texts.overview_budget_unknown
    granted = format_kronor(figures.granted_kr)
    share = share_used(figures)
    if figures.used_kr is None or share is None:
        return texts.overview_budget_granted_only.format(granted=granted)
    return texts.overview_budget.format(
        granted=granted, used=format_kronor(figures.used_kr), share=share
    )


def budget_headings(texts: LedgerTexts) -> list[str]:
    return [texts.sheet_granted, texts.sheet_used, texts.sheet_share]


def budget_cells(figures: BudgetFigures | None) -> list[object]:
    """Granted and used in kronor and the share used in per cent; empty where unknown."""
    if figures is None:
        return [None, None, None]
    return [figures.granted_kr, figures.used_kr, share_used(figures)]

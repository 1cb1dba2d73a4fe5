"""The budget in one Swedish line, for the official to confirm or correct.

"Beviljat 500 000 kr · använt 194 000 kr (39 %) · kvar 306 000 kr". A figure the reading
is unsure of is shown as "oklart", never as a number; the texts are in
prompts/review/budget.toml.
"""

from __future__ import annotations

from bot.mall.amounts import format_kronor
from bot.review.budget import BudgetReading, Confidence, Figure, budget_words


def _amount(figure: Figure) -> str:
    prefix = budget_words().summary["approximate"] if figure.approximate else ""
    return prefix + format_kronor(figure.value)


def _sure(figure: Figure | None) -> Figure | None:
    return figure if figure is not None and figure.confidence > Confidence.LOW else None


def _part(figure: Figure | None, word: str, filled: str) -> str:
    texts = budget_words().summary
    if figure is None:
        return texts["missing"].format(what=word)
    if figure.confidence is Confidence.LOW:
        return texts["unclear"].format(what=word)
    return filled


def budget_summary(reading: BudgetReading) -> str:
    """One line: granted, used with its share of the grant, and what is left."""
    texts = budget_words().summary
    granted, used, remaining = _sure(reading.granted), _sure(reading.used), _sure(reading.remaining)
    parts = [
        _part(
            reading.granted,
            texts["granted_word"],
            texts["granted"].format(granted=_amount(granted)) if granted else "",
        )
    ]
    if used is not None and granted is not None and reading.used_share is not None:
        used_text = texts["used"].format(used=_amount(used), share=reading.used_share)
    else:
        used_text = texts["used_no_share"].format(used=_amount(used)) if used else ""
    parts.append(_part(reading.used, texts["used_word"], used_text))
    if remaining is not None and remaining.value >= 0:
        parts.append(texts["remaining"].format(remaining=_amount(remaining)))
    line = texts["separator"].join(parts)
    return f"{line} {texts['plus_vat']}" if reading.plus_vat else line

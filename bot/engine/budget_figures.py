"""The budget figures waiting for the official's word: read from the answer, corrected in
the chat, and shown in one line.

A figure the reading is unsure of is kept as unclear (no value), so the chat asks for it
rather than confirming a guess. A correction names its figures with the same cue words the
review reads (prompts/amounts.toml: "beviljat", "använt", "kvar" …) and its amounts are
read with the floor's `parse_amount`; a line the official pastes back whole ("Beviljat
500 000 kr · använt 194 000 kr (39 %) · kvar 306 000 kr") is read the same way.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from bot.mall.amounts import Role, cue_regex, format_kronor, parse_amount
from bot.review.budget import BudgetReading, Confidence, Figure, Source
from bot.review.budget_summary import budget_summary

MAX_CORRECTION_CHARS = 200  # a longer message is an answer, not a correction
TOLERANCE = 0.01  # a figure within 1 % of the confirmed one agrees with it
_SEGMENTS = re.compile(r"\s*(?:·|;|\n|,\s+|\s+och\s+|\s+samt\s+)\s*", re.IGNORECASE)
_PARENTHESES = re.compile(r"\([^)]*\)")
_ROLES = (Role.REMAINING, Role.GRANTED, Role.USED)  # "inte använt" is left, not used
YES = frozenset({"ja", "j", "japp", "ok", "okej", "stämmer", "det stämmer", "ja det stämmer"})
NO = frozenset({"nej", "n", "rätta", "ratta", "fel", "det stämmer inte"})


class CorrectionError(ValueError):
    """A correction that cannot be read or does not add up; `key` names the text to show."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class PendingBudget(BaseModel):
    """The figures shown for confirmation; None where the answer gave no sure figure."""

    case_id: int
    granted: int | None = None
    used: int | None = None
    remaining: int | None = None  # only while granted is unknown: used follows from it
    granted_unclear: bool = False
    used_unclear: bool = False
    plus_vat: bool = False
    activities: list[tuple[str, int]] = []
    corrected: bool = False
    # What two readers (the rules, the language model) read for an unclear figure, where
    # they differ: {"used": [199000, 151000]}; the chat asks for the figure with them.
    disputed: dict[str, list[int]] = {}
    # The job reading the answer a second time (budget_second_reading.py); no figure is
    # shown until it is done.
    checking: int | None = None

    @property
    def complete(self) -> bool:
        return self.granted is not None and self.used is not None

    @property
    def remaining_kr(self) -> int:
        assert self.granted is not None and self.used is not None
        return self.granted - self.used


def _sure(figure: Figure | None) -> int | None:
    return figure.value if figure is not None and figure.confidence > Confidence.LOW else None


def _unclear(figure: Figure | None) -> bool:
    return figure is not None and figure.confidence is Confidence.LOW


def _disputed(reading: BudgetReading) -> dict[str, list[int]]:
    figures = {"granted": reading.granted, "used": reading.used}
    return {
        name: list(figure.disputed)
        for name, figure in figures.items()
        if figure is not None and _unclear(figure) and figure.disputed
    }


def from_reading(case_id: int, reading: BudgetReading) -> PendingBudget:
    """The sure figures of a reading; an unsure one is marked unclear and left empty."""
    return PendingBudget(
        case_id=case_id,
        granted=_sure(reading.granted),
        used=_sure(reading.used),
        granted_unclear=_unclear(reading.granted),
        used_unclear=_unclear(reading.used),
        plus_vat=reading.plus_vat,
        activities=[(a.label, a.value) for a in reading.activities],
        disputed=_disputed(reading),
    )


def _shown(value: int | None, unclear: bool) -> Figure | None:
    if value is not None:
        return Figure(value=value, confidence=Confidence.HIGH, source=Source.CONFIRMED)
    if unclear:
        return Figure(value=0, confidence=Confidence.LOW, source=Source.STATED)
    return None


def summary_line(pending: PendingBudget) -> str:
    """The one line, with "oklart" or "saknas" where a figure is not known."""
    remaining = pending.remaining_kr if pending.complete else pending.remaining
    reading = BudgetReading(
        granted=_shown(pending.granted, pending.granted_unclear),
        used=_shown(pending.used, pending.used_unclear),
        remaining=_shown(remaining, False),
        plus_vat=pending.plus_vat,
    )
    return budget_summary(reading)


def confirmed_line(granted: int, used: int) -> str:
    return summary_line(PendingBudget(case_id=0, granted=granted, used=used))


def differs(read: int | None, confirmed: int) -> bool:
    return read is not None and abs(read - confirmed) > TOLERANCE * max(abs(confirmed), 1)


def _role_of(segment: str) -> tuple[Role | None, str]:
    """The figure a part of a correction names, and the part with that word taken out."""
    found: tuple[int, int, Role] | None = None
    for role in _ROLES:
        match = cue_regex(role).search(segment)
        if match and (
            found is None
            or match.start() < found[0]
            or (match.start() == found[0] and match.end() > found[1])
        ):
            found = (match.start(), match.end(), role)
    if found is None:
        return None, segment
    return found[2], segment[: found[0]] + " " + segment[found[1] :]


def _amount(rest: str, given: str) -> int:
    digits = re.search(r"\d", rest)
    if digits is None:
        raise CorrectionError("correction_unreadable", given=given[:60])
    try:
        return parse_amount(rest[digits.start() :].strip().rstrip(".!").strip())
    except ValueError as error:
        raise CorrectionError("amount_unreadable", problem=str(error)) from error


def read_correction(text: str, pending: PendingBudget) -> dict[Role, int]:
    """The figures a correction gives: "använt 194 000", or several of them in one line.

    A lone amount answers the one figure that is still missing.
    """
    segments = [s for s in _SEGMENTS.split(_PARENTHESES.sub(" ", text)) if s.strip()]
    figures: dict[Role, int] = {}
    for segment in segments:
        role, rest = _role_of(segment)
        if role is None:
            known = ((Role.GRANTED, pending.granted), (Role.USED, pending.used))
            missing = [r for r, value in known if value is None]
            if len(segments) != 1 or len(missing) != 1:
                if re.search(r"\d", segment) is None and len(segments) > 1:
                    continue  # a word between the figures, such as "totalt"
                raise CorrectionError("correction_unreadable", given=text[:60])
            role = missing[0]
        figures[role] = _amount(rest, text)
    if not figures:
        raise CorrectionError("correction_unreadable", given=text[:60])
    return figures


def corrected(pending: PendingBudget, figures: dict[Role, int]) -> PendingBudget:
    """The pending figures with the official's correction; CorrectionError if it is wrong."""
    granted = figures.get(Role.GRANTED, pending.granted)
    used = figures.get(Role.USED)
    remaining = figures.get(Role.REMAINING, pending.remaining if used is None else None)
    if granted is not None and granted <= 0:
        raise CorrectionError("granted_not_positive")
    if used is not None and remaining is not None:
        if granted is None:
            granted = used + remaining
        elif used + remaining != granted:
            raise CorrectionError(
                "figures_do_not_add_up",
                used=format_kronor(used),
                remaining=format_kronor(remaining),
                granted=format_kronor(granted),
            )
    elif remaining is not None and granted is not None:
        if remaining > granted:
            raise CorrectionError(
                "remaining_above_granted",
                remaining=format_kronor(remaining),
                granted=format_kronor(granted),
            )
        used = granted - remaining
    elif used is None:
        used = pending.used
    return pending.model_copy(
        update={
            "granted": granted,
            "used": used,
            "remaining": remaining if granted is None else None,
            "granted_unclear": pending.granted_unclear and granted is None,
            "used_unclear": pending.used_unclear and used is None,
            "disputed": {
                name: values
                for name, values in pending.disputed.items()
                if (granted if name == "granted" else used) is None
            },
            "checking": None,
            "corrected": True,
        }
    )


def normalised_word(text: str) -> str:
    return " ".join(text.lower().replace(",", " ").strip(" .!").split())


def looks_like_correction(text: str) -> bool:
    """Whether a message written while the figures wait is meant for them: yes, no, only
    an amount, or a short line whose every amount follows a figure's word ("använt
    194 000", "beviljat 500 000 kr, använt 194 000 kr"). Anything else ("Vi använde
    20 000 kr till fika") is an answer to the question the official is on."""
    word = normalised_word(text)
    if word in YES or word in NO:
        return True
    if len(text) > MAX_CORRECTION_CHARS or re.search(r"\d", text) is None:
        return False
    try:
        parse_amount(text.strip().rstrip(".!"))
    except ValueError:
        pass
    else:
        return True
    segments = [s.strip() for s in _SEGMENTS.split(_PARENTHESES.sub(" ", text)) if s.strip()]
    return all(
        any(cue_regex(role).match(segment) for role in _ROLES)
        for segment in segments
        if re.search(r"\d", segment)
    )

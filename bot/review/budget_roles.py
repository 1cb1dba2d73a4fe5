"""What each amount of a budget answer is, from the words of its own clause.

The cue words of prompts/amounts.toml say whether an amount is granted, used or left over.
Around that, the clause an amount stands in can make it something else, and then it is
neither added to a sum nor taken as a second, competing figure:

- per unit: `drygt 45 kronor per besökare`, `3 tillfällen à 12 000 kr`; `150 000 kronor
  per år` is the grant's share of one year;
- a restatement of the amount just before it: `300 000 kronor, det vill säga …`,
  `500 000 kronor (0,5 mnkr)`, `0,45 mnkr, alltså 450 000 kronor`;
- an overspend: `har överskridits med 40 000 kr`, `40 000 kr över budget`;
- a difference: `Mellanskillnaden, 15 000 kr, har betalats av …`;
- planned, not used: `de 20 000 kr som den skulle ha kostat`;
- not money: `2 650 besökare` (a bare number before a counted noun).

Each amount used also keeps the year its clause names (`Under 2019 användes …`), so the
use of several years adds up and a grant for several years is compared year by year.
The words are data: prompts/review/budget_roles.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from pydantic import BaseModel

from bot.mall.amounts import (
    Amount,
    Role,
    cue_pattern,
    cue_regex,
    find_amounts,
    sentence_bounds,
)
from bot.mall.datafiles import PROMPTS_DIR, load_toml_model

SAME_VALUE = 0.005  # a restatement gives the same value within half a per cent


class _RoleWords(BaseModel):
    per_unit_after: list[str]
    per_unit_before: list[str]
    restatement: list[str]
    overspend_before: list[str]
    overspend_after: list[str]
    difference: list[str]
    planned: list[str]
    counted: list[str]
    period_years: dict[str, int]


@cache
def role_words() -> _RoleWords:
    return load_toml_model(PROMPTS_DIR / "review" / "budget_roles.toml", _RoleWords)


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    words = role_words()
    return {
        "per_unit_after": re.compile(
            rf"^\s*(?:{_alternatives(words.per_unit_after)})\s*(?P<unit>[a-zåäö]+)", re.IGNORECASE
        ),
        "per_unit_before": re.compile(
            rf"(?<![\wåäö])(?:{_alternatives(words.per_unit_before)})\s*$", re.IGNORECASE
        ),
        "restatement": re.compile(
            rf"^[\s,:;(]*(?:(?:{_alternatives(words.restatement)})[\s,:]*)?$", re.IGNORECASE
        ),
        "overspend_before": re.compile(
            rf"(?<![\wåäö])(?:{_alternatives(words.overspend_before)})\s+(?:[\wåäö]+\s+){{0,3}}med\s*$",
            re.IGNORECASE,
        ),
        "overspend_after": re.compile(
            rf"^\s*(?:{_alternatives(words.overspend_after)})", re.IGNORECASE
        ),
        "difference": re.compile(
            rf"(?<![\wåäö])(?:{_alternatives(words.difference)})[\wåäö]*[\s,:]*(?:[\wåäö]+\s+){{0,2}}$",
            re.IGNORECASE,
        ),
        "planned": cue_pattern(words.planned),
        "counted": re.compile(rf"^\s+(?:{_alternatives(words.counted)})(?![\wåäö])", re.IGNORECASE),
    }


def _alternatives(words: list[str]) -> str:
    return "|".join(
        r"\s+".join(re.escape(part) for part in w.split())
        for w in sorted(words, key=len, reverse=True)
    )


_YEAR = re.compile(r"(?<![\w-])(20\d{2})(?:\s?[-–]\s?(20\d{2}))?(?![\w-])")
_CLAUSE_BREAK = re.compile(r"[,;]\s+(?:och|men|medan|samt)?|\s+(?:och|men|samt)\s+")


@dataclass
class RoleReading:
    """The amounts that are money of the budget, and what the others said."""

    amounts: list[Amount]  # granted, used, remaining or without a role
    overspend: list[Amount] = field(default_factory=list)
    per_year: list[Amount] = field(default_factory=list)  # `150 000 kronor per år`
    years: dict[int, int] = field(default_factory=dict)  # amount start -> the year it concerns
    grant_years: int = 1  # how many years the grant is for


def _sentence_of(text: str, start: int) -> tuple[int, int]:
    return next(b for b in sentence_bounds(text) if b[0] <= start <= b[1])


def _clause_start(text: str, sentence_start: int, position: int) -> int:
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, sentence_start, position)]
    return breaks[-1] if breaks else sentence_start


def _restates(text: str, before: Amount | None, amount: Amount) -> bool:
    if before is None or amount.start - before.end > 40:
        return False
    if not _patterns()["restatement"].match(text[before.end : amount.start]):
        return False
    return abs(amount.value - before.value) <= SAME_VALUE * max(before.value, 1)


def _year_of(text: str, sentence: tuple[int, int], amount: Amount, after: int) -> int | None:
    """The one year the amount's clause names, before it (`Under 2019 användes …`) or
    after it (`… 148 000 kr under 2019`); else a year earlier in the sentence, after the
    amount before it (`Under 2019, som …, användes 190 000 kr`)."""

    def single_years(start: int, end: int) -> list[int]:
        return [int(m.group(1)) for m in _YEAR.finditer(text, start, end) if not m.group(2)]

    clause = max(after, _clause_start(text, sentence[0], amount.start))
    clause_end = min(
        (m.start() for m in _CLAUSE_BREAK.finditer(text, amount.end, sentence[1])),
        default=sentence[1],
    )
    found = (
        single_years(clause, amount.start)[-1:]
        or single_years(amount.end, clause_end)[:1]
        or single_years(after, amount.start)[-1:]
    )
    return found[0] if found else None


def _grant_years(text: str, granted: list[Amount]) -> int:
    """`för 2019–2020` or `för de två åren` in a sentence of the grant."""
    words = role_words().period_years
    for amount in granted:
        start, end = _sentence_of(text, amount.start)
        sentence = text[start:end].lower()
        for match in _YEAR.finditer(sentence):
            if match.group(2):
                return max(1, int(match.group(2)) - int(match.group(1)) + 1)
        for phrase, years in words.items():
            if phrase in sentence:
                return years
    return 1


def read_roles(text: str, amounts: list[Amount]) -> RoleReading:
    """Sort the amounts of a budget answer by what their clauses make them."""
    patterns = _patterns()
    reading = RoleReading(amounts=[])
    previous: Amount | None = None
    for amount in amounts:
        sentence = _sentence_of(text, amount.start)
        clause = _clause_start(text, sentence[0], amount.start)
        before, after = text[clause : amount.start], text[amount.end : sentence[1]]
        last, previous = previous, amount
        per_unit = patterns["per_unit_after"].match(after)
        if _restates(text, last, amount):
            continue
        if per_unit or patterns["per_unit_before"].search(before):
            if per_unit and per_unit.group("unit").lower() in ("år", "året"):
                reading.per_year.append(amount)
            continue
        if not amount.unit and patterns["counted"].match(after):
            continue
        if patterns["overspend_before"].search(before) or patterns["overspend_after"].match(after):
            reading.overspend.append(amount)
            continue
        if patterns["difference"].search(text[sentence[0] : amount.start]):
            continue
        if amount.role is None and _elliptic(text, reading.amounts, sentence, amount):
            # "Under 2018 användes 79 000 kr, under 2019 81 000 kr": the verb carries over
            amount = amount.model_copy(update={"role": reading.amounts[-1].role})
        if amount.role is Role.USED and patterns["planned"].search(text, clause, sentence[1]):
            amount = amount.model_copy(update={"role": _unplanned_role(text, sentence, amount)})
            if amount.role is None:
                continue
        year = _year_of(text, sentence, amount, max(sentence[0], last.end if last else 0))
        if year is not None:
            reading.years[amount.start] = year
        reading.amounts.append(amount)
    granted = [a for a in reading.amounts if a.role is Role.GRANTED]
    reading.grant_years = _grant_years(text, granted)
    return reading


def _elliptic(text: str, earlier: list[Amount], sentence: tuple[int, int], amount: Amount) -> bool:
    """The amount before it in the sentence has a role, and only another year stands
    between them: the same verb, another year."""
    if not earlier or earlier[-1].start < sentence[0] or earlier[-1].role is None:
        return False
    between = text[earlier[-1].end : amount.start]
    return (
        len(between) <= 40
        and bool(_YEAR.search(between))
        and not re.search(r"\d", _YEAR.sub("", between))
    )


def _unplanned_role(text: str, sentence: tuple[int, int], amount: Amount) -> Role | None:
    """A planned cost (`som den skulle ha kostat`) is no use of money; what the rest of the
    sentence does with it (`betalas tillbaka`) may make it money left over."""
    if cue_regex(Role.REMAINING).search(text, sentence[0], sentence[1]):
        return Role.REMAINING
    return None


def money_amounts(text: str) -> list[Amount]:
    """The amounts of a text that are money of the budget (not per unit, not restated)."""
    return read_roles(text, find_amounts(text)).amounts

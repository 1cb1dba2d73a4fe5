"""Amounts of money as officials write them: `500 000 kronor`, `167 tkr`, `0,5 mnkr`,
`SEK 150.000`, `150.000:-`, `en halv miljon kronor`.

Values are kept in whole kronor. Each amount found in a text also gets a role
(granted, applied, used or remaining) from the cue word nearest to it in its sentence;
the cue words are data (prompts/amounts.toml).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cache

from pydantic import BaseModel, ConfigDict

from bot.mall.datafiles import PROMPTS_DIR, load_toml_model
from bot.mall.number_words import NUMBER_WORDS_PATTERN, parse_number_words, split_scale

# Space, no-break space and narrow no-break space all separate thousands.
_SEPARATORS = " \u00a0\u202f"
_NUMBER = rf"\d{{1,3}}(?:[{_SEPARATORS}.]\d{{3}})+(?:,\d+)?|\d+(?:,\d+)?"
_GROUPED = rf"\d{{1,3}}(?:[{_SEPARATORS}]\d{{3}})+"

# Unit spellings, longest first so that `miljoner kronor` wins over `miljoner`.
_UNITS: tuple[tuple[str, int], ...] = (
    (r"miljon(?:er)?\s+(?:kronor|kr)", 1_000_000),
    (r"mn\s?kr|mnkr|mkr|msek", 1_000_000),
    (r"miljon(?:er)?", 1_000_000),
    (r"tusen\s+(?:kronor|kr)", 1_000),
    (r"tkr|ksek", 1_000),
    (r"kronorna|kronor|konor|kr|sek|:-", 1),
)
_UNIT_PATTERN = "|".join(f"(?:{pattern})" for pattern, _ in _UNITS)
_APPROXIMATE = (
    r"(?:ca\.?|cirka|omkring|ungefär|drygt|knappt|runt|nästan|närmare|"
    r"strax\s+(?:under|över)|uppemot|uppskattningsvis)"
)
_APPROX = rf"(?:(?P<approx>{_APPROXIMATE})\s+)?"
_AFTER = r"(?![\wåäöÅÄÖ])"

# Not glued to a preceding number (`2019 200 000 kr` is ambiguous and is not read).
_LEFT = rf"(?<![\w.,])(?<!\d[{_SEPARATORS}])"
_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        rf"{_LEFT}{_APPROX}(?P<number>{_NUMBER})[{_SEPARATORS}]?(?P<unit>{_UNIT_PATTERN}){_AFTER}",
        re.IGNORECASE,
    ),
    # The currency first: `SEK 150.000`, `kr 2 500`.
    re.compile(
        rf"{_LEFT}{_APPROX}(?P<unit>sek|kr)\.?[{_SEPARATORS}]?(?P<number>{_NUMBER}){_AFTER}",
        re.IGNORECASE,
    ),
    # In words: `en halv miljon`, `trehundrafemtiotusen kronor`, `två miljoner kronor`.
    re.compile(
        rf"(?<![\wåäö]){_APPROX}(?P<words>{NUMBER_WORDS_PATTERN})\s+"
        rf"(?P<unit>miljon(?:er)?(?:\s+(?:kronor|kr))?|tusen\s+(?:kronor|kr)|kronorna|kronor|kr)"
        rf"{_AFTER}",
        re.IGNORECASE,
    ),
)
# In a budget answer a grouped number is money even without a unit: `drygt 200 000`.
_BARE = re.compile(rf"{_LEFT}{_APPROX}(?P<number>{_GROUPED})(?![\d.,]\d|[\wåäö%])")
_PLUS_VAT = re.compile(
    r"\s*(?:plus|\+|exklusive|exkl\.?|ex\.?|utöver)\s+(?:moms|mervärdesskatt)", re.IGNORECASE
)
_WHOLE_AMOUNT = re.compile(
    rf"\s*(?:{_APPROXIMATE}\s+)?({_NUMBER})[{_SEPARATORS}]?"
    rf"({_UNIT_PATTERN})?\s*",
    re.IGNORECASE,
)

UNIT_TYPOS = {"konor": "kronor"}


class Role(StrEnum):
    GRANTED = "granted"
    APPLIED = "applied"
    USED = "used"
    REMAINING = "remaining"


class _CueWords(BaseModel):
    model_config = ConfigDict(extra="forbid")

    granted: list[str]
    applied: list[str]
    used: list[str]
    remaining: list[str]


def cue_pattern(words: list[str]) -> re.Pattern[str]:
    """One pattern for a list of cue words and phrases; `word*` matches its beginning."""
    parts = []
    for word in sorted(words, key=len, reverse=True):
        stem = r"\s+".join(re.escape(p) for p in word.rstrip("*").split())
        parts.append(stem + (r"[\wåäö]*" if word.endswith("*") else ""))
    return re.compile(rf"(?<![\wåäö])(?:{'|'.join(parts)})(?![\wåäö])", re.IGNORECASE)


@cache
def _cues() -> dict[Role, re.Pattern[str]]:
    words = load_toml_model(PROMPTS_DIR / "amounts.toml", _CueWords)
    return {role: cue_pattern(getattr(words, role.value)) for role in Role}


def cue_regex(role: Role) -> re.Pattern[str]:
    """The cue words of one role as a pattern (prompts/amounts.toml)."""
    return _cues()[role]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ\d])|\n")
_OF_WHOLE = r"av\s+(?:de\s+|totalt\s+|beviljade\s+|budgeterade\s+|tilldelade\s+)*"
_WHOLE_OF = re.compile(rf"(?<![\wåäö]){_OF_WHOLE}$", re.IGNORECASE)
_OPENS_WITH_WHOLE = re.compile(rf"^\W*{_OF_WHOLE}$", re.IGNORECASE)


class Amount(BaseModel):
    """One amount found in a text."""

    model_config = ConfigDict(frozen=True)

    value: int  # whole kronor
    span: tuple[int, int]
    text: str
    unit: str  # the unit as written, e.g. `tkr`, `konor`; "" for a bare number
    approximate: bool = False
    role: Role | None = None
    plus_vat: bool = False  # `150 000 kr plus moms`: the amount is without VAT

    @property
    def start(self) -> int:
        return self.span[0]

    @property
    def end(self) -> int:
        return self.span[1]


def _multiplier(unit: str) -> int:
    for pattern, factor in _UNITS:
        if re.fullmatch(pattern, unit, re.IGNORECASE):
            return factor
    raise AssertionError(f"unit {unit!r} matched the pattern but no factor")


def _to_kronor(number: str, unit: str | None) -> int:
    digits = number
    for separator in (*_SEPARATORS, "."):
        digits = digits.replace(separator, "")
    value = Decimal(digits.replace(",", ".")) * (_multiplier(unit) if unit else 1)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_amount(text: str) -> int:
    """Read one amount, such as `202 000 kr`, `0,5 mnkr` or `en halv miljon`, as whole kronor."""
    match = _WHOLE_AMOUNT.fullmatch(text)
    if not match:
        found = find_amounts(text.strip())
        if len(found) == 1 and found[0].span == (0, len(text.strip())):
            return found[0].value  # `SEK 150.000`, `trehundratusen kronor`
        shown = text.strip()[:40] or "(tomt)"
        raise ValueError(
            f"”{shown}” går inte att läsa som ett belopp. Skriv till exempel "
            "200 000 kr, 167 tkr eller 1,2 miljoner kronor (decimaler med komma)."
        )
    return _to_kronor(match.group(1), match.group(2))


def format_kronor(value: int, *, non_breaking: bool = False) -> str:
    """`200000` -> `200 000 kr`, the one way an amount is written.

    The chat uses plain spaces (no-break spaces would break copy-paste); a document asks for
    no-break spaces so that an amount never breaks across two lines.
    """
    space = "\u00a0" if non_breaking else " "
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value):,}{space}kr".replace(",", space)


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a line break also ends one."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        bounds.append((start, boundary.start()))
        start = boundary.end()
    bounds.append((start, len(text)))
    return bounds


def _cue_matches(text: str, sentence: tuple[int, int]) -> list[tuple[int, int, Role]]:
    """Cue words in the sentence; a longer phrase wins over a word inside it."""
    found = [
        (m.start(), m.end(), role)
        for role, pattern in _cues().items()
        for m in pattern.finditer(text, sentence[0], sentence[1])
    ]
    found.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    kept: list[tuple[int, int, Role]] = []
    for cue in found:
        if not any(cue[0] < end and start < cue[1] for start, end, _ in kept):
            kept.append(cue)
    return kept


def _role_near(cues: list[tuple[int, int, Role]], span: tuple[int, int]) -> Role | None:
    """The role of the cue word nearest to the amount; before it wins a tie."""
    best: tuple[int, int, Role] | None = None
    for start, end, role in cues:
        if end <= span[0]:
            rank = (span[0] - end, 0, role)
        elif start >= span[1]:
            rank = (start - span[1], 1, role)
        else:
            continue
        if best is None or rank[:2] < best[:2]:
            best = rank
    return best[2] if best else None


def _unit(match: re.Match[str]) -> str:
    """The unit as written; `miljon kronor` of `en halv miljon kronor`."""
    unit = match.groupdict().get("unit") or ""
    if match.groupdict().get("words"):
        scale = split_scale(match.group("words"))[1]
        return f"{scale} {unit}" if scale else unit
    return unit


def _value(match: re.Match[str]) -> int | None:
    """Whole kronor; None for words that are no number (`fem fyra kronor`)."""
    groups = match.groupdict()
    unit = groups.get("unit")
    if groups.get("words"):
        factor = _multiplier(unit) if unit else 1
        scale = {1_000_000: " miljon", 1_000: " tusen"}.get(factor, "")
        number = parse_number_words(groups["words"] + scale)  # `en halv` + ` miljon`
        if number is None:
            return None
        return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return _to_kronor(groups["number"], unit)


def find_amounts(text: str, *, bare_numbers: bool = False) -> list[Amount]:
    """Every amount in the text, in order, with its role where a cue word gives one.

    With `bare_numbers`, a number grouped in thousands (`200 000`) is read as kronor
    even without a unit, as a budget answer or a table of costs writes it.
    """
    patterns = (*_PATTERNS, _BARE) if bare_numbers else _PATTERNS
    taken: list[re.Match[str]] = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            if _value(match) is None:
                continue
            if not any(match.start() < t.end() and t.start() < match.end() for t in taken):
                taken.append(match)
    taken.sort(key=lambda m: m.start())
    sentences = sentence_bounds(text)
    amounts: list[Amount] = []
    for match in taken:
        span = (match.start(), match.end())
        sentence = next(b for b in sentences if b[0] <= span[0] <= b[1])
        role = _role_near(_cue_matches(text, sentence), span)
        earlier = [a for a in amounts if a.start >= sentence[0]]
        before = text[sentence[0] : span[0]]
        if (earlier and _WHOLE_OF.search(before)) or _OPENS_WITH_WHOLE.match(before):
            role = Role.GRANTED  # `120 000 kr återstår av 300 000 kr`: the whole
        value = _value(match)
        assert value is not None  # matches without a value were not taken
        amounts.append(
            Amount(
                value=value,
                span=span,
                text=match.group(),
                unit=_unit(match),
                approximate=match.group("approx") is not None,
                role=role,
                plus_vat=_PLUS_VAT.match(text, span[1]) is not None,
            )
        )
    return amounts

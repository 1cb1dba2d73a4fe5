"""Amounts of money as officials write them: `500 000 kronor`, `167 tkr`, `0,5 mnkr`.

Values are kept in whole kronor. Each amount found in a text also gets a role
(granted, applied or used) from the cue word nearest to it in its sentence.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

# Space, no-break space and narrow no-break space all separate thousands.
_SEPARATORS = " \u00a0\u202f"
_NUMBER = rf"\d{{1,3}}(?:[{_SEPARATORS}.]\d{{3}})+(?:,\d+)?|\d+(?:,\d+)?"

# Unit spellings, longest first so that `miljoner kronor` wins over `miljoner`.
_UNITS: tuple[tuple[str, int], ...] = (
    (r"miljon(?:er)?\s+(?:kronor|kr)", 1_000_000),
    (r"mn\s?kr|mnkr|mkr|msek", 1_000_000),
    (r"miljon(?:er)?", 1_000_000),
    (r"tusen\s+(?:kronor|kr)", 1_000),
    (r"tkr|ksek", 1_000),
    (r"kronor|konor|kr|sek|:-", 1),
)
_UNIT_PATTERN = "|".join(f"(?:{pattern})" for pattern, _ in _UNITS)
_APPROXIMATE = r"(?:ca\.?|cirka|omkring|ungefär|drygt|knappt)"

# Not glued to a preceding number (`2019 200 000 kr` is ambiguous and is not read).
_AMOUNT = re.compile(
    rf"(?<![\w.,])(?<!\d[{_SEPARATORS}])"
    rf"(?:(?P<approx>{_APPROXIMATE})\s+)?"
    rf"(?P<number>{_NUMBER})[{_SEPARATORS}]?"
    rf"(?P<unit>{_UNIT_PATTERN})(?![\wåäöÅÄÖ])",
    re.IGNORECASE,
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


_CUES: dict[Role, frozenset[str]] = {
    Role.GRANTED: frozenset(
        "beviljades beviljats beviljade beviljat beviljas beviljar tilldelades tilldelats "
        "erhöll erhållit fick".split()
    ),
    Role.APPLIED: frozenset("ansökte ansökt ansökts ansöker sökte sökt sökts söker".split()),
    Role.USED: frozenset(
        "använt använts användes använde nyttjat nyttjats nyttjades nyttjade utnyttjat "
        "utnyttjats utnyttjades förbrukat förbrukats förbrukades förbrukade kostat kostade "
        "spenderat spenderats".split()
    ),
}
_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])|\n")


class Amount(BaseModel):
    """One amount found in a text."""

    model_config = ConfigDict(frozen=True)

    value: int  # whole kronor
    span: tuple[int, int]
    text: str
    unit: str  # the unit as written, e.g. `tkr`, `konor`
    approximate: bool = False
    role: Role | None = None

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
    """Read one amount, such as `202 000 kr` or `0,5 mnkr`, as whole kronor."""
    match = _WHOLE_AMOUNT.fullmatch(text)
    if not match:
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


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        bounds.append((start, boundary.start()))
        start = boundary.end()
    bounds.append((start, len(text)))
    return bounds


def _role_near(text: str, sentence: tuple[int, int], span: tuple[int, int]) -> Role | None:
    """The role of the cue word nearest to the amount; before it wins a tie."""
    best: tuple[int, int, Role] | None = None
    for word in _WORD.finditer(text, sentence[0], sentence[1]):
        lowered = word.group().lower()
        for role, cues in _CUES.items():
            if lowered not in cues:
                continue
            if word.end() <= span[0]:
                rank = (span[0] - word.end(), 0, role)
            elif word.start() >= span[1]:
                rank = (word.start() - span[1], 1, role)
            else:
                continue
            if best is None or rank[:2] < best[:2]:
                best = rank
    return best[2] if best else None


def find_amounts(text: str) -> list[Amount]:
    """Every amount in the text, in order, with its role where a cue word gives one."""
    sentences = _sentence_bounds(text)
    amounts = []
    for match in _AMOUNT.finditer(text):
        span = (match.start(), match.end())
        sentence = next(b for b in sentences if b[0] <= span[0] <= b[1])
        amounts.append(
            Amount(
                value=_to_kronor(match.group("number"), match.group("unit")),
                span=span,
                text=match.group(),
                unit=match.group("unit"),
                approximate=match.group("approx") is not None,
                role=_role_near(text, sentence, span),
            )
        )
    return amounts

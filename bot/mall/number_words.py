"""Swedish cardinal numbers written in words, up to the millions: `sjutusen`,
`trehundrafemtiotusen`, `tre hundra femtio tusen`, `en och en halv miljon`,
`två miljoner fyrahundratusen`, `etthundratjugofemtusen`.

A number is read from its parts (ones, teens, tens, `hundra`, `tusen`, `miljon`) whether
they are written together or apart; a run of parts that is no well-formed number
(`tusen tusen`, `fem fyra`) is not read.
"""

from __future__ import annotations

import re
from decimal import Decimal

_ONES = {
    "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7,
    "åtta": 8, "nio": 9,
}  # fmt: skip
_TEENS = {
    "tio": 10, "elva": 11, "tolv": 12, "tretton": 13, "fjorton": 14, "femton": 15,
    "sexton": 16, "sjutton": 17, "arton": 18, "aderton": 18, "nitton": 19,
}  # fmt: skip
_TENS = {
    "tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50, "sextio": 60, "sjuttio": 70,
    "åttio": 80, "nittio": 90,
}  # fmt: skip
_SCALES = {"hundra": 100, "tusen": 1_000, "miljon": 1_000_000, "miljoner": 1_000_000}
_FRACTIONS = {"halv": Decimal("0.5"), "halva": Decimal("0.5"), "kvarts": Decimal("0.25")}
_HALF_MORE = "halvannan"  # one and a half

_PARTS: dict[str, int] = {**_ONES, **_TEENS, **_TENS, **_SCALES, "ettusen": 1_000}
_PART = "|".join(sorted(map(re.escape, _PARTS), key=len, reverse=True))
_TOKEN = re.compile(rf"{_PART}|{_HALF_MORE}|halva|halv|kvarts|och|\s+", re.IGNORECASE)

# A run of number words: parts written together or apart, with `och en halv` between.
# Greedy: `en miljon ett` is one number; `en halv` before `miljon` is left to the unit.
_RUN = (
    rf"(?:{_HALF_MORE}|(?:{_PART})+(?:\s+och\s+en\s+(?:halv|kvarts))?|en\s+(?:halv|kvarts))"
    rf"(?:\s+(?:{_PART})+(?:\s+och\s+en\s+(?:halv|kvarts))?)*"
)
NUMBER_WORDS_PATTERN = rf"(?<![\wåäö])(?:{_RUN})(?![\wåäö])"


def _tokens(text: str) -> list[str] | None:
    compact = text.lower()
    tokens, position = [], 0
    while position < len(compact):
        match = _TOKEN.match(compact, position)
        if match is None:
            return None
        token = match.group()
        if token == "ettusen":  # one t of `ett tusen` is dropped when written together
            tokens += ["ett", "tusen"]
        elif token.strip():
            tokens.append(token)
        position = match.end()
    return tokens


def _below_thousand(tokens: list[str]) -> int | None:
    """`två hundra femtio tre` -> 253; None when the words are no such number."""
    value, index = 0, 0
    if (
        index < len(tokens)
        and tokens[index] in _ONES
        and tokens[index + 1 : index + 2] == ["hundra"]
    ):
        value, index = 100 * _ONES[tokens[index]], index + 2
    elif index < len(tokens) and tokens[index] == "hundra":
        value, index = 100, index + 1
    rest = tokens[index:]
    if not rest:
        return value if value else None
    if len(rest) == 1 and rest[0] in {**_ONES, **_TEENS, **_TENS}:
        return value + {**_ONES, **_TEENS, **_TENS}[rest[0]]
    if len(rest) == 2 and rest[0] in _TENS and rest[1] in _ONES:
        return value + _TENS[rest[0]] + _ONES[rest[1]]
    return None


def _group(tokens: list[str]) -> Decimal | None:
    """The multiplier before a scale word: a number below a thousand, or `en halv`,
    `en och en halv`, `halvannan`."""
    if tokens == [_HALF_MORE]:
        return Decimal("1.5")
    if len(tokens) == 2 and tokens[0] in ("en", "ett") and tokens[1] in _FRACTIONS:
        return _FRACTIONS[tokens[1]]
    if len(tokens) == 1 and tokens[0] in _FRACTIONS:
        return _FRACTIONS[tokens[0]]
    if len(tokens) >= 4 and tokens[-3:-1] == ["och", "en"] and tokens[-1] in _FRACTIONS:
        whole = _below_thousand(tokens[:-3])
        return None if whole is None else whole + _FRACTIONS[tokens[-1]]
    whole = _below_thousand(tokens)
    return None if whole is None else Decimal(whole)


def parse_number_words(text: str) -> Decimal | None:
    """The value of a Swedish cardinal written in words, or None if it is not one."""
    tokens = _tokens(text)
    if not tokens:
        return None
    total = Decimal(0)
    for scale, factor in (("miljon", 1_000_000), ("tusen", 1_000)):
        names = ("miljon", "miljoner") if scale == "miljon" else ("tusen",)
        at = [i for i, t in enumerate(tokens) if t in names]
        if len(at) > 1:
            return None
        if at:
            before = tokens[: at[0]]
            group = _group(before) if before else Decimal(1)
            if group is None or group >= 1000:
                return None
            total += group * factor
            tokens = tokens[at[0] + 1 :]
    if tokens:
        rest = _below_thousand(tokens)
        if rest is None:
            return None
        total += rest
    return total if total > 0 else None


_SCALE_AT_END = re.compile(r"\s+(?P<scale>miljon(?:er)?|tusen)$", re.IGNORECASE)


def split_scale(words: str) -> tuple[str, str]:
    """`två miljoner` -> (`två`, `miljoner`); the scale word is part of the unit as written."""
    match = _SCALE_AT_END.search(words)
    return (words[: match.start()], match.group("scale")) if match else (words, "")

"""Personnummer, samordningsnummer, telephone numbers and e-mail addresses in Swedish text.

Personnummer and samordningsnummer are checked with python-stdnum (`stdnum.se.personnummer`,
`stdnum.luhn`); a samordningsnummer is a personnummer whose day has 60 added. A number
written the way a personnummer is written, ``YYMMDD-NNNN``, ``YYMMDD+NNNN``,
``YYYYMMDD-NNNN`` or ``YYYYMMDDNNNN``, is masked when its date part is a possible date, even
with a wrong check digit: a mistyped personnummer is still personal data. Ten digits in a row
(``YYMMDDNNNN``) or a space before the last four are masked only when the check digit is
right, since without it ten digits are too often something else.

Telephone numbers are found by `phonenumbers` (region SE, numbers it holds valid). Of its
matches, only those written as telephone numbers are kept: starting with ``0`` (a Swedish
area code), ``+`` or ``00`` (a country code); an amount ("500 000 00 kr", "SEK 200 000"), a
date ("2019-03-11", "11.03.2019"), a year or a diarienummer ("STK-2018-1307") is not one.

E-mail addresses are masked also when the @ is written out: ``anna(at)malmo.se``,
``anna [at] malmo.se``, ``anna at malmo.se``, ``anna snabel-a malmo.se``, and with
``(dot)`` or ``[punkt]`` for the dots.
"""

from __future__ import annotations

import re

import phonenumbers
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.se import personnummer

from bot.review.masking.names import Placeholder, replace_spans

PERSONNUMMER_PATTERN = re.compile(
    r"(?<![\w+-])(?P<century>19|20)?(?P<date>\d{6})(?P<sep>[-+ ]?)(?P<tail>\d{4})(?![\w-])"
)
_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
_AT = (
    rf"(?:[ \t]?{_OPEN}[ \t]?(?:at|snabel-a|@)[ \t]?{_CLOSE}[ \t]?"
    r"|[ \t](?:at|snabel-a)[ \t]|[ \t]?@[ \t]?)"
)
_DOT = rf"(?:\.|[ \t]?{_OPEN}[ \t]?(?:dot|punkt)[ \t]?{_CLOSE}[ \t]?)"
EMAIL_PATTERN = re.compile(
    rf"(?<![\w.+-])[\w.+-]*\w{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[^\W\d_]{{2,}}(?![\w-])",
    re.IGNORECASE,
)
_DATE_LIKE = re.compile(r"\d{1,4}[-./]\d{1,2}(?:[-./]\d{1,4})?")
_AMOUNT_AFTER = re.compile(r"[ \u00a0]*(?:kr\b|kronor\b|tkr\b|mkr\b|mnkr\b|sek\b|:-|%)", re.I)
_AMOUNT_BEFORE = re.compile(r"(?:sek|kr)[ \u00a0]*$", re.I)


def replace_emails(text: str, placeholder: Placeholder) -> str:
    """Mask e-mail addresses, with the @ and the dots written as signs or as words."""
    return EMAIL_PATTERN.sub(lambda m: placeholder(m.group(0)), text)


def replace_personnummer(text: str, placeholder: Placeholder) -> str:
    """Mask personnummer and samordningsnummer (see the module's text for which forms)."""

    def replace(match: re.Match[str]) -> str:
        return placeholder(match.group(0)) if _is_personnummer(match) else match.group(0)

    return PERSONNUMMER_PATTERN.sub(replace, text)


def _is_personnummer(match: re.Match[str]) -> bool:
    century, digits = match.group("century") or "", match.group("date")
    sep, tail = match.group("sep"), match.group("tail")
    day = int(digits[4:6])
    coordination = day > 60
    birth = digits[:4] + f"{day - 60:02d}" if coordination else digits
    number = f"{century}{birth}{'+' if sep == '+' else '-'}{tail}"
    written_as_one = sep in ("-", "+") or bool(century and not sep)
    try:
        if coordination:
            personnummer.get_birth_date(number)  # the date part, day less 60
            luhn.validate(digits + tail)
        else:
            personnummer.validate(number)
    except InvalidChecksum:
        return written_as_one
    except ValidationError:
        return False
    return True


def replace_phones(text: str, placeholder: Placeholder) -> str:
    """Mask telephone numbers that `phonenumbers` holds valid and are written as such."""
    spans: list[tuple[int, int]] = []
    matcher = phonenumbers.PhoneNumberMatcher(text, "SE", leniency=phonenumbers.Leniency.VALID)
    for match in matcher:
        raw, start, end = match.raw_string, match.start, match.end
        if _written_as_phone(text, raw, start, end):
            spans.append((start, end))
    return replace_spans(text, spans, placeholder)


def _written_as_phone(text: str, raw: str, start: int, end: int) -> bool:
    if not raw.lstrip("(").startswith(("0", "+")):
        return False  # no area or country code: an amount, a year or part of a code
    if _DATE_LIKE.fullmatch(raw):
        return False
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
        return False  # the tail of a code such as STK-0123-456
    return not (_AMOUNT_AFTER.match(text, end) or _AMOUNT_BEFORE.search(text, 0, start))

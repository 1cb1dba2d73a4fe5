"""Dates as Swedish text writes them: `2019-03-11`, `den 11 mars 2019`, `våren 2020`.

Each date found is a period (first and last day) with the precision it was written in,
so `februari 2018` is the whole month and `hösten 2018` September to November.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

MONTHS = (
    "januari februari mars april maj juni juli augusti september oktober november december"
).split()

# Season -> (first month, last month); a last month below the first runs into the next year.
SEASONS: dict[str, tuple[int, int]] = {
    "våren": (3, 5),
    "sommaren": (6, 8),
    "hösten": (9, 11),
    "vintern": (12, 2),
    "vårterminen": (1, 6),
    "höstterminen": (8, 12),
}


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"


class DatePeriod(BaseModel):
    """A date or period found in a text."""

    model_config = ConfigDict(frozen=True)

    start: date
    end: date
    precision: Precision
    span: tuple[int, int]
    text: str


_MONTH = "|".join(MONTHS)
_YEAR = r"(?:19|20)\d{2}"
_PATTERNS: tuple[tuple[Precision, re.Pattern[str]], ...] = (
    (
        Precision.DAY,
        re.compile(rf"(?<![\w-])(?P<y>{_YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w-])"),
    ),
    (
        Precision.DAY,
        re.compile(
            rf"(?<!\w)(?:den\s+)?(?P<d>\d{{1,2}})\s+(?P<mname>{_MONTH})\s+(?P<y>{_YEAR})(?!\w)",
            re.IGNORECASE,
        ),
    ),
    (
        Precision.MONTH,
        re.compile(rf"(?<!\w)(?P<mname>{_MONTH})\s+(?P<y>{_YEAR})(?!\w)", re.IGNORECASE),
    ),
    (
        Precision.SEASON,
        re.compile(
            rf"(?<!\w)(?P<season>{'|'.join(SEASONS)})\s+(?P<y>{_YEAR})(?!\w)", re.IGNORECASE
        ),
    ),
    # A bare year, or a range such as 2018-2020; not a part of a diarienummer or a date.
    (
        Precision.YEAR,
        re.compile(rf"(?<![\w-])(?P<y>{_YEAR})(?:\s?[-–/]\s?(?P<y2>{_YEAR}))?(?![\w-])"),
    ),
)


# Without a year, read only when a reference date is given (`den 3/10`, `den 31 juni`): a
# day/month after `den` or a weekday, or a day and a month name not followed by a year.
_WEEKDAY = r"(?:mån|tis|ons|tors|fre|lör|sön)dag(?:en)?"
_YEARLESS: tuple[re.Pattern[str], ...] = (
    re.compile(
        rf"(?<!\w)(?:den|{_WEEKDAY})\s+(?:den\s+)?(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})(?![\d/-])",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<![\w/])(?:den\s+)?(?P<d>\d{{1,2}})\s+(?P<mname>{_MONTH})(?!\w)(?!\s+(?:{_YEAR}))",
        re.IGNORECASE,
    ),
)


def _yearless(text: str, reference: date, taken: list[tuple[int, int]]) -> list[DatePeriod | str]:
    """Day/month dates without a year, resolved to the first such day on or after the
    reference (the decision); the written text of one that is no date (`30/2`)."""
    found: list[DatePeriod | str] = []
    for pattern in _YEARLESS:
        for match in pattern.finditer(text):
            span = (match.start(), match.end())
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            groups = match.groupdict()
            month = (
                int(groups["m"]) if groups.get("m") else MONTHS.index(groups["mname"].lower()) + 1
            )
            day_number = int(groups["d"])
            year = reference.year + (
                1 if (month, day_number) < (reference.month, reference.day) else 0
            )
            try:
                day = date(year, month, day_number)
            except ValueError:
                if month == 2 and day_number == 29:
                    continue  # a leap day: a date in some year
                found.append(match.group())
                continue
            found.append(
                DatePeriod(
                    start=day, end=day, precision=Precision.DAY, span=span, text=match.group()
                )
            )
    return found


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _period(precision: Precision, match: re.Match[str]) -> tuple[date, date]:
    groups = match.groupdict()
    year = int(groups["y"])
    if precision is Precision.YEAR:
        last_year = int(groups["y2"]) if groups.get("y2") else year
        if last_year < year:
            raise ValueError("the range runs backwards")
        return date(year, 1, 1), date(last_year, 12, 31)
    if precision is Precision.SEASON:
        first, last = SEASONS[groups["season"].lower()]
        end_year = year + 1 if last < first else year
        return date(year, first, 1), _last_day(end_year, last)
    month = int(groups["m"]) if groups.get("m") else MONTHS.index(groups["mname"].lower()) + 1
    if precision is Precision.MONTH:
        return date(year, month, 1), _last_day(year, month)
    day = date(year, month, int(groups["d"]))  # raises ValueError for 2019-02-30
    return day, day


class DateMentions(BaseModel):
    """The dates of a text, and what looks like a date but cannot be one (`30 februari`)."""

    model_config = ConfigDict(frozen=True)

    periods: list[DatePeriod]
    impossible: list[str]


def find_date_mentions(text: str, reference: date | None = None) -> DateMentions:
    """Every date or period in the text, in order, and the impossible ones as written.

    With a `reference` (the decision's date), day/month dates without a year (`den 3/10`,
    `31 juni`) are read too, in the year that puts them on or after it."""
    taken: list[tuple[int, int]] = []
    found: list[DatePeriod] = []
    impossible: list[tuple[int, str]] = []
    for precision, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            span = (match.start(), match.end())
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            try:
                start, end = _period(precision, match)
            except ValueError:
                if precision is Precision.DAY:
                    taken.append(span)
                    impossible.append((span[0], match.group()))
                continue
            taken.append(span)
            found.append(
                DatePeriod(start=start, end=end, precision=precision, span=span, text=match.group())
            )
    for item in _yearless(text, reference, taken) if reference else []:
        if isinstance(item, str):
            impossible.append((text.find(item), item))
        else:
            found.append(item)
    return DateMentions(
        periods=sorted(found, key=lambda period: period.span),
        impossible=[written for _, written in sorted(impossible)],
    )


def find_dates(text: str) -> list[DatePeriod]:
    """Every date or period in the text, in order; the most precise reading wins."""
    return find_date_mentions(text).periods


def format_swedish_date(day: date) -> str:
    """`date(2020, 2, 28)` -> `28 februari 2020`."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"

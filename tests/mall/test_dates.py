"""Dates and periods in Swedish text."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.mall.dates import Precision, find_date_mentions, find_dates, format_swedish_date


def _read(text: str) -> list[tuple[str, date, date, Precision]]:
    return [(d.text, d.start, d.end, d.precision) for d in find_dates(text)]


def test_days_in_both_ways_of_writing() -> None:
    text = "Beslut 2019-03-11. Barnrättslagen träder i kraft den 1 januari 2020."
    assert _read(text) == [
        ("2019-03-11", date(2019, 3, 11), date(2019, 3, 11), Precision.DAY),
        ("den 1 januari 2020", date(2020, 1, 1), date(2020, 1, 1), Precision.DAY),
    ]


def test_months_and_seasons_are_periods() -> None:
    text = "Beslut i februari 2018; klart januari 2019. Våren 2020 och hösten 2018."
    assert _read(text) == [
        ("februari 2018", date(2018, 2, 1), date(2018, 2, 28), Precision.MONTH),
        ("januari 2019", date(2019, 1, 1), date(2019, 1, 31), Precision.MONTH),
        ("Våren 2020", date(2020, 3, 1), date(2020, 5, 31), Precision.SEASON),
        ("hösten 2018", date(2018, 9, 1), date(2018, 11, 30), Precision.SEASON),
    ]


def test_winter_runs_into_the_next_year() -> None:
    [winter] = find_dates("vintern 2019")
    assert (winter.start, winter.end) == (date(2019, 12, 1), date(2020, 2, 29))


def test_years_and_ranges_but_not_case_numbers_or_impossible_dates() -> None:
    text = "Plan 2018-2020 i ärendet STK-2018-1307, bildades 2017, fel 2019-02-30, tel 040-34 62 62"
    assert _read(text) == [
        ("2018-2020", date(2018, 1, 1), date(2020, 12, 31), Precision.YEAR),
        ("2017", date(2017, 1, 1), date(2017, 12, 31), Precision.YEAR),
    ]


def test_spans_point_into_the_text() -> None:
    text = "Sista datum för nämndens svar är: 2020-02-28"
    [found] = find_dates(text)
    assert text[found.span[0] : found.span[1]] == "2020-02-28"


def test_format_swedish_date() -> None:
    assert format_swedish_date(date(2020, 2, 28)) == "28 februari 2020"
    assert format_swedish_date(date(2019, 3, 1)) == "1 mars 2019"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_a_formatted_date_is_found_again(day: date) -> None:
    [found] = find_dates(f"Mötet hölls den {format_swedish_date(day)}.")
    assert (found.start, found.end, found.precision) == (day, day, Precision.DAY)


def test_dates_that_cannot_exist_are_named_not_read() -> None:
    mentions = find_date_mentions("Möten den 30 februari 2020, 2019-13-01 och 11 mars 2019.")
    assert mentions.impossible == ["den 30 februari 2020", "2019-13-01"]
    assert [p.text for p in mentions.periods] == ["11 mars 2019"]
    assert [p.text for p in find_dates("den 30 februari 2020")] == []


# Issue 22: day/month dates without a year, read against a reference (the decision).
@pytest.mark.parametrize(
    ("text", "resolved"),
    [
        ("Träffarna hölls den 3/10 och den 14/11.", [date(2019, 10, 3), date(2019, 11, 14)]),
        ("Första träffen var den 5/2.", [date(2020, 2, 5)]),  # before the decision: next year
        ("Vi ses tisdagen den 7/5.", [date(2019, 5, 7)]),
        ("Kursen slutade den 12 december med en fest.", [date(2019, 12, 12)]),
        ("Hälften, 1/2, av deltagarna kom; 3/4 var nöjda.", []),  # fractions, not dates
    ],
)
def test_day_and_month_without_a_year_are_read_in_the_year_of_the_work(
    text: str, resolved: list[date]
) -> None:
    mentions = find_date_mentions(text, date(2019, 3, 11))
    assert [p.start for p in mentions.periods] == resolved
    assert mentions.impossible == []


@pytest.mark.parametrize("text", ["den 30/2", "den 31 juni", "den 31/4", "den 32 maj", "den 3/13"])
def test_impossible_days_without_a_year_are_named(text: str) -> None:
    assert find_date_mentions(f"Träffen hölls {text}.", date(2019, 3, 11)).impossible == [text]


def test_without_a_reference_yearless_dates_are_not_read() -> None:
    assert find_date_mentions("Träffen hölls den 3/10.").periods == []

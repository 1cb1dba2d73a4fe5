"""The budget answer read as a person reads it, and the one-line summary for the chat."""

from __future__ import annotations

import pytest

from bot.review.budget import Confidence, Source, read_budget
from bot.review.budget_summary import budget_summary


@pytest.mark.parametrize(
    ("answer", "granted", "used", "source"),
    [
        ("Kostnaderna uppgick till 312 000 kr.", None, 312_000, Source.STATED),
        (
            "Nämnden beviljades 180 000 kr. Kostnaderna för utbildningen uppgick till "
            "118 000 kr. Därutöver 77 000 kr för lokaler.",
            180_000,
            195_000,
            Source.SUM,
        ),
        ("Vid årets slut återstår 120 000 kr av 300 000 kr.", 300_000, 180_000, Source.REMAINDER),
        ("Av beviljade 250 000 kr finns 10 000 kr kvar.", 250_000, 240_000, Source.REMAINDER),
        (
            "Vi fick en halv miljon kronor och har använt drygt 480 000 kr.",
            500_000,
            480_000,
            Source.STATED,
        ),
        (
            "Förvaltningen beviljades SEK 150.000. Utfallet blev 147.500:-.",
            150_000,
            147_500,
            Source.STATED,
        ),
        (
            "Nämnden beviljades 1,2 mnkr. Vi har förbrukat 1 150 tkr.",
            1_200_000,
            1_150_000,
            Source.STATED,
        ),
        (
            "Vi beviljades 200 000 kr. Vi har använt 190 000 kr, varav 120 000 kr till "
            "utbildning och 70 000 kr till lokaler.",
            200_000,
            190_000,
            Source.STATED,
        ),
        (
            "Vi beviljades 200 000 kr. Vi har använt 190 000 kr till utbildningar. "
            "Föreläsningen kostade 40 000 kr.",
            200_000,
            190_000,
            Source.STATED,
        ),
        (
            "Nämnden beviljades 200 000 kr och hela beloppet har använts.",
            200_000,
            200_000,
            Source.STATED,
        ),
        (
            "Serviceförvaltningen har totalt nyttjat 167 tkr av beviljade 400 tkr.",
            400_000,
            167_000,
            Source.STATED,
        ),
        (
            "Det bokförda utfallet blev 88 000 kr. Dessutom har vi betalat 12 000 kr för fika.",
            None,
            100_000,
            Source.SUM,
        ),
    ],
)
def test_the_figures_a_person_reads(
    answer: str, granted: int | None, used: int, source: Source
) -> None:
    reading = read_budget(answer)
    assert (reading.granted.value if reading.granted else None) == granted
    assert reading.used is not None
    assert (reading.used.value, reading.used.source) == (used, source)
    assert reading.used.confidence > Confidence.LOW


def test_a_table_column_and_its_total_row() -> None:
    answer = (
        "Så här användes pengarna:\n\n| Aktivitet | Budget (tkr) | Utfall (tkr) |\n|---|---|---|\n"
        "| Ledarutbildning | 120 | 88 |\n| Prova-på-dagar | 80 | 45 |\n| **Summa** | 200 | 133 |"
    )
    reading = read_budget(answer)
    assert reading.used is not None and reading.granted is not None
    assert (reading.used.value, reading.used.source) == (133_000, Source.TABLE)
    assert reading.used.confidence is Confidence.HIGH
    assert reading.granted.value == 200_000
    assert [(a.label, a.value) for a in reading.activities] == [
        ("Ledarutbildning", 88_000),
        ("Prova-på-dagar", 45_000),
    ]


def test_a_table_whose_rows_do_not_add_up_to_its_total_is_unclear() -> None:
    answer = "| Post | Utfall (kr) |\n|---|---|\n| Kurs | 50 000 |\n| Lokal | 20 000 |\n| Summa | 90 000 |"
    reading = read_budget(answer)
    assert reading.used is not None and reading.used.confidence is Confidence.LOW


def test_a_table_without_a_total_row_is_added_up() -> None:
    answer = "Aktivitet\tKostnad (kr)\nKurs\t50 000\nLokal\t20 000"
    reading = read_budget(answer)
    assert reading.used is not None
    assert (reading.used.value, reading.used.confidence) == (70_000, Confidence.MEDIUM)


def test_two_different_totals_are_unclear_not_a_conclusion() -> None:
    reading = read_budget(
        "Vi beviljades 200 000 kr. Vi har använt 150 000 kr. Enligt ekonomi har vi använt 90 000 kr."
    )
    assert reading.used is not None and reading.used.confidence is Confidence.LOW
    assert budget_summary(reading) == "Beviljat 200 000 kr · använt: oklart"


def test_parts_that_exceed_the_stated_total_make_it_unclear() -> None:
    reading = read_budget(
        "Vi har använt 100 000 kr. Kursen kostade 80 000 kr och lokalen kostade 60 000 kr."
    )
    assert reading.used is not None and reading.used.confidence is Confidence.LOW


def test_used_and_remaining_that_do_not_fit_the_grant_are_unclear() -> None:
    reading = read_budget(
        "Vi beviljades 300 000 kr, har använt 250 000 kr och har 100 000 kr kvar."
    )
    assert reading.used is not None and reading.used.confidence is Confidence.LOW


def test_the_registered_grant_is_used_when_the_answer_has_none() -> None:
    reading = read_budget("Det återstår 50 000 kr.", granted_hint=200_000)
    assert not reading.granted_in_text
    assert reading.granted is not None and reading.granted.source is Source.REGISTERED
    assert reading.used is not None and reading.used.value == 150_000
    assert reading.used_share == 75


def test_nothing_said_of_the_money() -> None:
    reading = read_budget("Medlen har gett oss goda förutsättningar.")
    assert (reading.granted, reading.used, reading.remaining) == (None, None, None)
    assert budget_summary(reading) == "Beviljat: saknas · använt: saknas"


def test_the_summary_line() -> None:
    reading = read_budget("Nämnden beviljades 500 000 kr och har använt 194 000 kr.")
    assert (
        budget_summary(reading)
        == "Beviljat 500 000 kr · använt 194 000 kr (39 %) · kvar 306 000 kr"
    )
    vat = read_budget("Vi fick 100 000 kr plus moms och har använt ca 98 000 kr.")
    assert vat.plus_vat
    assert budget_summary(vat) == (
        "Beviljat 100 000 kr · använt ca 98 000 kr (98 %) · kvar ca 2 000 kr (exklusive moms)"
    )


def test_activity_costs_are_named() -> None:
    reading = read_budget(
        "Kostnaderna för ledarutbildningen uppgick till 118 000 kr. Därutöver 77 000 kr för "
        "prova-på-dagarna."
    )
    assert [(a.label, a.value) for a in reading.activities] == [
        ("ledarutbildningen", 118_000),
        ("prova-på-dagarna", 77_000),
    ]


def test_a_list_of_costs_under_a_lead_line_adds_up() -> None:
    reading = read_budget(
        "Nämnden beviljades 250 000 kr. Pengarna har använts till:\n\n- Föreläsare: 90 000 kr\n"
        "- Lokaler: 40 000 kr\n- Material: 15 000 kr"
    )
    assert reading.used is not None
    assert (reading.used.value, reading.used.source) == (145_000, Source.SUM)
    assert [a.label for a in reading.activities] == ["Föreläsare", "Lokaler", "Material"]


def test_a_list_that_breaks_down_a_total_is_not_added_to_it() -> None:
    reading = read_budget(
        "Vi har använt 145 000 kr till:\n- Föreläsare: 90 000 kr\n- Lokaler: 55 000 kr"
    )
    assert reading.used is not None and reading.used.value == 145_000
    assert reading.used.confidence is Confidence.HIGH


def test_a_share_of_the_grant() -> None:
    reading = read_budget("Vi har använt 80 procent av de beviljade 200 000 kronorna.")
    assert reading.used is not None
    assert (reading.used.value, reading.used.source) == (160_000, Source.SHARE)
    registered = read_budget("Vi har förbrukat 75 % av medlen.", granted_hint=400_000)
    assert registered.used is not None and registered.used.value == 300_000
    assert read_budget("Andelen flickor ökade till 38 procent av deltagarna.").used is None

"""Amounts of a budget answer read by their clause (issue 22): per unit, restatements,
overspend, differences, planned costs, counted things and the year of each use."""

from __future__ import annotations

import pytest

from bot.review.budget import Confidence, Source, read_budget
from bot.review.budget_roles import money_amounts


@pytest.mark.parametrize(
    ("answer", "granted", "used"),
    [
        # per unit: never added, never a second figure
        (
            "Vi fick 90 000 kr och allt har använts. Det blev ungefär 120 kr per deltagare.",
            90_000,
            90_000,
        ),
        (
            "Beviljat 60 000 kr. Kostnaden blev 58 000 kr, cirka 300 kr/timme för handledningen.",
            60_000,
            58_000,
        ),
        (
            "Vi beviljades 50 000 kr. Utgifter:\n- Föreläsningar: 2 tillfällen à 8 000 kr, totalt 16 000 kr"
            "\n- Lokal: 30 000 kr",
            50_000,
            46_000,
        ),
        # restatements: one figure
        (
            "Vi beviljades 1 000 000 kronor (1 mnkr). Vi har använt 950 tkr, det vill säga "
            "950 000 kronor.",
            1_000_000,
            950_000,
        ),
        (
            "Nämnden tilldelades 240 000 kronor för tre år, alltså 80 000 kronor per år. "
            "79 000 kr användes under 2018, 81 000 kr under 2019 och 78 000 kr under 2020.",
            240_000,
            238_000,
        ),
        # an overspend amount is no grant
        ("Budgeten på 100 000 kr överskreds med 12 000 kr.", 100_000, 112_000),
        ("Vi fick 80 000 kr men har gått 5 000 kr över budget.", 80_000, 85_000),
        # a difference and a planned cost are not used money
        (
            "Vi beviljades 70 000 kr och kostnaderna blev 76 000 kr. Mellanskillnaden på "
            "6 000 kr har betalats av förvaltningen.",
            70_000,
            76_000,
        ),
        (
            "Vi beviljades 100 000 kr och har använt 85 000 kr. Konferensen blev inte av, och "
            "de 15 000 kr den var beräknad att kosta betalas tillbaka.",
            100_000,
            85_000,
        ),
        # a named part "kostade sammanlagt" is no grand total
        (
            "Vi fick 150 000 kr. Handledarna kostade sammanlagt 100 000 kr. Därutöver "
            "45 000 kr för lokaler.",
            150_000,
            145_000,
        ),
        # counted things are not money
        ("Vi fick 40 000 kr och 1 200 besökare kom. Kostnaderna blev 39 000 kr.", 40_000, 39_000),
        # words for money used
        ("Nämnden fick 75 000 kr. Inköpen av böcker uppgick till 74 000 kr.", 75_000, 74_000),
        ("Nämnden fick 75 000 kr. Allt är förbrukat.", 75_000, 75_000),
    ],
)
def test_the_clause_decides_what_an_amount_is(answer: str, granted: int, used: int) -> None:
    reading = read_budget(answer)
    assert reading.granted is not None and reading.granted.value == granted
    assert reading.granted.confidence > Confidence.LOW
    assert reading.used is not None and reading.used.value == used
    assert reading.used.confidence > Confidence.LOW


def test_the_use_of_several_years_adds_up_and_one_year_is_compared_with_its_share() -> None:
    both = read_budget(
        "Vi beviljades 200 000 kr för 2019–2020. Under 2019 användes 99 000 kr och under "
        "2020 har 98 000 kr använts."
    )
    assert both.used is not None and (both.used.value, both.used.source) == (197_000, Source.SUM)
    assert both.compared_grant == 200_000
    one = read_budget(
        "Vi beviljades 200 000 kr för 2019–2020. Under 2019 användes 95 000 kr till utbildning."
    )
    assert one.used_years == (2019,) and one.compared_grant == 100_000


def test_an_overspend_is_no_grant_and_a_per_unit_figure_no_implausible_amount() -> None:
    assert [a.value for a in money_amounts("Budgeten överskreds med 40 000 kr.")] == []
    assert [a.value for a in money_amounts("Kostnaden blev 45 kronor per besökare.")] == []
    assert [a.value for a in money_amounts("Kostnaden blev 45 000 kronor.")] == [45_000]

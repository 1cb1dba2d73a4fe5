"""Dates with a sense of time (issue 22): a period told as finished after the report's
date, plans left alone, impossible day/month dates without a year."""

from __future__ import annotations

import pytest

from bot.mall.template import TemplateCatalog
from bot.review.date_checks import date_findings
from bot.review.findings import CaseFacts


@pytest.mark.parametrize(
    ("goal", "signature", "flagged"),
    [
        (
            "Projektet löpte till den 30 september 2020 och är nu avslutat.",
            "Malmö 2020-02-14",
            True,
        ),
        ("Projektet ska avslutas den 30 september 2020.", "Malmö 2020-02-14", False),
        ("Sista träffen hölls i juni 2020.", "Malmö den 14 februari 2020", True),
        ("Sista träffen hölls i januari 2020.", "Malmö den 14 februari 2020", False),
        ("Utvärderingen kommer att göras i april 2020.", "", False),
        # without a date by the signature, the last reply date (28 februari 2020) is the bound
        ("Arbetet avslutades den 15 mars 2020.", "", True),
    ],
)
def test_a_finished_period_after_the_reports_date(
    goal: str, signature: str, flagged: bool, catalog: TemplateCatalog
) -> None:
    template = catalog.get("mall-2019")
    answers = {"maluppfyllelse": goal, "underskrift": f"Anna Berg, förvaltningschef\n{signature}"}
    found = date_findings(template, answers, CaseFacts())
    assert bool(found) == flagged
    for f in found:
        assert f.code == "date_implausible" and f.question == "maluppfyllelse"
        assert f.evidence in goal and "2020" in f.message


def test_day_month_dates_are_checked_in_the_year_of_the_work(catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2019")
    answers = {
        "maluppfyllelse": "Träffarna hölls den 3/10 och den 30/2.",
        "underskrift": "Anna Berg",
    }
    [found] = date_findings(template, answers, CaseFacts())
    assert found.evidence == "den 30/2" and "finns inte" in found.message

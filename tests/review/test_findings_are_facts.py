"""Findings are facts (issue 22): over- and underspending and cancelled activities are
reported whenever the figures and the text say so; an explanation in the sentence about
the money or the activity is quoted and makes the finding milder."""

from __future__ import annotations

import pytest

from bot.mall.template import TemplateCatalog
from bot.review.checks import run_checks
from bot.review.findings import CaseFacts


def _answers(catalog: TemplateCatalog, budget: str) -> dict[str, str]:
    template = catalog.get("mall-2019")
    answers = {q.key: "Ett svar om arbetet." for q in template.questions}
    return {**answers, "underskrift": "Anna Andersson", "budget": budget}


@pytest.mark.parametrize(
    ("budget", "found"),
    [
        (
            "Vi fick 100 000 kr men har bara använt 70 000 kr. Vi har inte hunnit göra allt i "
            "stället.",
            {"budget_underspent": "warning"},
        ),
        (
            "Vi fick 100 000 kr men har bara använt 70 000 kr. Överskottet på 30 000 kr förs "
            "över till 2020.",
            {"budget_underspent": "info"},
        ),
        (
            "Vi fick 100 000 kr och har använt 130 000 kr. Resten betalades ur ordinarie budget.",
            {"budget_overspent": "warning"},
        ),
        (
            "Vi fick 100 000 kr och har använt 130 000 kr. Förvaltningens ordinarie budget för "
            "kultur är stor.",
            {"budget_overspent": "error"},  # says nothing of paying the difference
        ),
        (
            "Kommunstyrelsen beviljade oss 250 000 kronor. Totalt kostade aktiviteterna "
            "251 500 kronor; mellanskillnaden tog förvaltningen.",
            {"budget_overspent": "warning"},
        ),
        (
            "Nämnden beviljades 80 000 kr. Kostnaden blev 80 000 kr. Workshoppen i oktober "
            "genomfördes aldrig.",
            {"cancelled_activities": "warning"},
        ),
        (
            "Nämnden beviljades 80 000 kr. Kostnaden blev 80 000 kr. Vi genomförde aldrig någon "
            "enkät, men workshoppen hölls.",
            {},
        ),
        (
            "Projektet beviljades 90 000 kr. Två av fyra utbildningstillfällen ställdes in på "
            "grund av pandemin, och 45 000 kr har använts. De resterande 45 000 kronorna "
            "återbetalas.",
            {"budget_underspent": "info", "cancelled_activities": "info"},
        ),
        (
            "Budget: 120 000 kr\nUtfall: 60 000 kr\nKvar: 60 000 kr",
            {"budget_underspent": "warning"},
        ),
        ("Budgeten var 75 000 kr och utfallet 74 000 kr, en avvikelse på 1 000 kr.", {}),
        ("Beviljat 50 000 kr, allt har gått till utbildningen och är förbrukat.", {}),
    ],
)
def test_what_the_figures_say_is_reported_and_an_explanation_makes_it_milder(
    budget: str, found: dict[str, str], catalog: TemplateCatalog
) -> None:
    template = catalog.get("mall-2019")
    findings = run_checks(template, _answers(catalog, budget), CaseFacts())
    assert {f.code: f.severity.value for f in findings if f.code != "spelling"} == found
    explained = [f for f in findings if f.severity.value == "info" or f.code == "budget_overspent"]
    for f in explained:
        if f.severity.value != "error":  # the explanation is quoted as written
            assert any(part.strip() in f.message for part in budget.split(".") if len(part) > 15)

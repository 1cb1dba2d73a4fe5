"""The new fixed checks, and confirmed budget figures, on answers made to test one rule each."""

from __future__ import annotations

from datetime import date

import pytest

from bot.mall.template import Template, TemplateCatalog
from bot.review.checks import run_checks
from bot.review.findings import CaseFacts, Finding, Severity
from bot.review.text_checks import looks_like_name, not_swedish


def _complete(template: Template, **overrides: str) -> dict[str, str]:
    answers = {q.key: "Ett svar." for q in template.questions}
    answers["underskrift"] = "Anna Andersson"
    answers["budget"] = "Nämnden beviljades 200 000 kr och har använt 190 000 kr."
    return {**answers, **overrides}


def _codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings if f.code != "spelling"]


@pytest.mark.parametrize(
    "signature",
    [
        "Anna Svensson, förvaltningschef",
        "Förvaltningschef Anna Svensson",
        "Anna Svensson\nFörvaltningschef\nMiljöförvaltningen",
        "Per-Olof af Klint – enhetschef",
        "A. Svensson, avdelningschef",
        "Lejla Hodžić, avdelningschef",  # issue 22: names in any Latin script
        "Ayşe Şahin\nFörvaltningschef",
        "Łucja Wójcik-Nowak, enhetschef",
        "Nuño Peña",
        "Fatima Al-Sayed, avdelningschef",
        "Zoltán Kővári",
        "Ž. Hodžić, stadsområdesdirektör",
    ],
)
def test_a_name_beside_a_title_is_a_signature(signature: str) -> None:
    assert looks_like_name(signature)


@pytest.mark.parametrize(
    "signature",
    [
        "Förvaltningschef Miljöförvaltningen",
        "Enhetschef Social hållbarhet",
        "Avdelningschef\nStrategiska avdelningen",
        "Malmö Stad",
        "Förvaltningschefen",
    ],
)
def test_a_title_or_a_unit_alone_is_no_signature(signature: str, catalog: TemplateCatalog) -> None:
    assert not looks_like_name(signature)
    template = catalog.get("mall-2019")
    [finding] = [
        f
        for f in run_checks(template, _complete(template, underskrift=signature), CaseFacts())
        if f.code != "spelling"
    ]
    assert (finding.code, finding.severity) == ("signature_missing", Severity.ERROR)
    assert "för- och efternamn" in finding.message


def test_a_title_only_signature_is_told_so(catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2019")
    answers = _complete(template, underskrift="Förvaltningschef Miljöförvaltningen")
    [finding] = run_checks(template, answers, CaseFacts())
    assert "titel eller en enhet" in finding.message
    assert finding.evidence == "Förvaltningschef Miljöförvaltningen"


@pytest.mark.parametrize(
    ("text", "facts", "flagged"),
    [
        ("Sista träffen hölls i oktober 2091.", CaseFacts(), ["oktober 2091"]),
        ("Utbildningen hölls 2019-13-02 i Malmö.", CaseFacts(), ["2019-13-02"]),
        ("Nämnden beslutade den 31 april 2019.", CaseFacts(), ["den 31 april 2019"]),
        ("Arbetet startade i maj 2016.", CaseFacts(), ["maj 2016"]),
        ("Arbetet startade i maj 2018 och avslutas i december 2020.", CaseFacts(), []),
        ("Vi följer barnkonventionen från 1989 och Agenda 2030.", CaseFacts(), []),
        ("Under 2091 ska alla vara utbildade.", CaseFacts(), ["2091"]),
        # The registered dates win over the mall's: a 2023 decision makes 2024 plausible.
        # (Issue 22: "hölls i mars 2024" is now told as done after the last reply date,
        # 28 februari 2024, and pointed out; January keeps this case's point.)
        (
            "Utbildningen hölls i januari 2024.",
            CaseFacts(decision_date=date(2023, 3, 1), last_reply_date=date(2024, 2, 28)),
            [],
        ),
        (
            "Utbildningen hölls i mars 2020.",
            CaseFacts(decision_date=date(2023, 3, 1), last_reply_date=date(2024, 2, 28)),
            ["mars 2020"],
        ),
    ],
)
def test_dates_that_cannot_belong_to_the_report(
    text: str, facts: CaseFacts, flagged: list[str], catalog: TemplateCatalog
) -> None:
    template = catalog.get("mall-2019")
    findings = run_checks(template, _complete(template, maluppfyllelse=text), facts)
    dates = [f for f in findings if f.code == "date_implausible"]
    assert [f.evidence for f in dates] == flagged
    assert all(f.question == "maluppfyllelse" and f.severity is Severity.WARNING for f in dates)


def test_the_2018_mall_with_only_a_month_as_decision_date(catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2018")
    ok = run_checks(template, _complete(template, maluppfyllelse="Klart i juni 2018."), CaseFacts())
    assert "date_implausible" not in _codes(ok)
    far = run_checks(
        template, _complete(template, maluppfyllelse="Klart i juni 2031."), CaseFacts()
    )
    assert "date_implausible" in _codes(far)


ENGLISH = (
    "We have held five workshops for the staff and the managers, and the goal of the work was "
    "reached during the autumn. The results will be used in the planning for next year."
)


def test_an_answer_in_english_is_one_finding_instead_of_a_flood_of_spelling(
    catalog: TemplateCatalog,
) -> None:
    template = catalog.get("mall-2019")
    findings = run_checks(template, _complete(template, forankring=ENGLISH), CaseFacts())
    assert [(f.code, f.question, f.severity) for f in findings] == [
        ("not_swedish", "forankring", Severity.ERROR)
    ]
    assert "svenska" in findings[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ENGLISH, True),
        ("لقد عقدنا خمس ورش عمل للموظفين والمديرين وتم تحقيق الهدف خلال الخريف الماضي", True),
        (
            "Wir haben fünf Workshops für die Mitarbeiter gehalten und das Ziel wurde erreicht.",
            True,
        ),
        (
            "Vi har hållit fem workshops för personalen och cheferna, och målet nåddes i höstas.",
            False,
        ),
        ("Workshop, Normer, Bemötande.", False),  # too short to tell
        (
            "Förvaltningen har genomfört HBTQ-certifiering enligt RFSL:s modell för personalen "
            "och samtliga chefer under hösten.",
            False,
        ),
    ],
)
def test_not_swedish(text: str, expected: bool) -> None:
    assert not_swedish(text) is expected


def test_cancelled_activities_while_all_the_money_is_used(catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2019")
    answers = _complete(
        template,
        maluppfyllelse="Två av tre utbildningar genomfördes inte, eftersom lokalen brann.",
        budget="Nämnden beviljades 200 000 kr. Hela beloppet, 200 000 kr, har förbrukats.",
    )
    [finding] = run_checks(template, answers, CaseFacts())
    assert (finding.code, finding.question, finding.evidence) == (
        "cancelled_activities",
        "budget",
        "genomfördes inte",
    )
    assert "hela beloppet" in finding.message and "betalas tillbaka" in finding.message


# Issue 22: findings are facts. A cancelled activity is always a finding; what the report
# says of its money (in the clause about it) is quoted and makes it info, never removes it.
@pytest.mark.parametrize(
    ("budget", "found"),
    [
        (
            "Nämnden beviljades 200 000 kr. Seminariet ställdes in.",
            [("budget_spent_missing", "error"), ("cancelled_activities", "warning")],
        ),
        (
            "Nämnden beviljades 200 000 kr och har använt 196 000 kr. Seminariet ställdes in, och "
            "pengarna användes i stället till en extra kurs.",
            [("cancelled_activities", "info")],
        ),
        (
            "Nämnden beviljades 200 000 kr och har använt 120 000 kr. Seminariet ställdes in.",
            [("budget_underspent", "warning"), ("cancelled_activities", "warning")],
        ),
        (
            "Nämnden beviljades 200 000 kr och har använt 196 000 kr. Inga aktiviteter ställdes in.",
            [],
        ),
        (
            "Nämnden beviljades 200 000 kr och har använt 150 000 kr. Seminariet sköts upp till "
            "våren och resterande medel betalas tillbaka.",
            [("budget_underspent", "info"), ("cancelled_activities", "info")],
        ),
        (
            "Nämnden beviljades 200 000 kr och har använt 196 000 kr. Personalen är inställd på "
            "att fortsätta arbetet.",
            [],  # prepared for, not cancelled
        ),
        (
            "Nämnden beviljades 200 000 kr och har använt 196 000 kr. Workshoppen blev inte av. "
            "Vi skrev i stället en kort rapport om arbetet.",
            [("cancelled_activities", "warning")],  # "i stället" says nothing of the money
        ),
    ],
)
def test_cancelled_activities(
    budget: str, found: list[tuple[str, str]], catalog: TemplateCatalog
) -> None:
    template = catalog.get("mall-2019")
    findings = run_checks(template, _complete(template, budget=budget), CaseFacts())
    assert sorted((f.code, f.severity.value) for f in findings) == sorted(found)
    for f in findings:
        if f.severity.value == "info":
            assert "”" in f.message  # the explanation is quoted


def test_confirmed_figures_take_precedence_over_the_reading(catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2019")
    unclear = "Nämnden beviljades 200 000 kr. Vi har använt 150 000 kr. Vi har använt 90 000 kr."
    answers = _complete(template, budget=unclear)
    assert _codes(run_checks(template, answers, CaseFacts())) == ["budget_figure_unclear"]
    confirmed = CaseFacts(confirmed_granted_kr=200_000, confirmed_used_kr=240_000)
    [overspent] = run_checks(template, answers, confirmed)
    assert overspent.code == "budget_overspent"
    assert "240 000 kr" in overspent.message and "40 000 kr för mycket" in overspent.message


def test_confirmed_figures_without_a_word_in_the_text_need_no_amounts(
    catalog: TemplateCatalog,
) -> None:
    template = catalog.get("mall-2019")
    answers = _complete(template, budget="Pengarna gick till utbildning av ledare.")
    facts = CaseFacts(confirmed_granted_kr=200_000, confirmed_used_kr=195_000)
    assert _codes(run_checks(template, answers, facts)) == []


def test_text_that_disagrees_with_the_confirmed_figure_is_pointed_out(
    catalog: TemplateCatalog,
) -> None:
    template = catalog.get("mall-2019")
    facts = CaseFacts(confirmed_granted_kr=200_000, confirmed_used_kr=150_000)
    findings = run_checks(template, _complete(template), facts)  # the text says 190 000 kr
    assert _codes(findings) == ["budget_text_disagrees", "budget_underspent"]
    assert "150 000 kr" in findings[0].message and "190 000 kr" in findings[0].message


def test_an_unsure_reading_states_no_conclusion(catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2019")
    budget = "Vi har använt 100 000 kr. Kursen kostade 80 000 kr och lokalen kostade 60 000 kr."
    findings = run_checks(
        template, _complete(template, budget=budget), CaseFacts(granted_amount_kr=300_000)
    )
    assert _codes(findings) == ["budget_granted_missing", "budget_figure_unclear"]
    unclear = findings[-1] if findings[-1].code == "budget_figure_unclear" else findings[0]
    assert "100 000 kr" in unclear.message

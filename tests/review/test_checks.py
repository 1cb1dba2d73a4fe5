"""The rule-based review on the seeds and on answers made to break one rule each."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.mall.template import Template, TemplateCatalog
from bot.review.checks import looks_like_name, run_checks
from bot.review.findings import CaseFacts, Finding, Severity
from tests.review.seeds import SEED_TEMPLATES, seed_text, split_answers


def _seed(
    seeds_dir: Path, catalog: TemplateCatalog, number: str
) -> tuple[Template, dict[str, str]]:
    template = catalog.get(SEED_TEMPLATES[number])
    return template, split_answers(seed_text(seeds_dir, number), template)


def _codes(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return [(f.code, f.question) for f in findings]


def _complete(template: Template, **overrides: str) -> dict[str, str]:
    answers = {q.key: "Ett svar." for q in template.questions}
    answers["underskrift"] = "Anna Andersson"
    answers["budget"] = "Nämnden beviljades 200 000 kr och har använt 190 000 kr."
    return {**answers, **overrides}


def test_seed_000(seeds_dir: Path, catalog: TemplateCatalog) -> None:
    template, answers = _seed(seeds_dir, catalog, "000")
    findings = run_checks(template, answers, CaseFacts(case_number="STK-2018-1307"))
    # A report that never says how much was used is not final: an error (issue 20).
    assert _codes(findings) == [
        ("budget_spent_missing", "budget"),
        ("signature_missing", "underskrift"),
        ("amount_implausible", "budget"),
        ("budget_granted_missing", "budget"),
    ]
    implausible = findings[2]
    assert implausible.evidence == "200 000 tkr"
    assert "200 000 000 kr" in implausible.message


def test_seed_001_says_what_was_granted_but_not_what_was_used(
    seeds_dir: Path, catalog: TemplateCatalog
) -> None:
    template, answers = _seed(seeds_dir, catalog, "001")
    findings = run_checks(template, answers, CaseFacts(granted_amount_kr=500_000))
    assert _codes(findings) == [
        ("budget_spent_missing", "budget"),
        ("cancelled_activities", "budget"),
        ("spelling", "erfarenheter"),
    ]
    # Activities "uteblivit" and no word of what became of their money (issue 11).
    assert findings[1].evidence == "uteblivit"
    assert "betalas tillbaka" in findings[1].message
    assert findings[2].evidence == "förvaltningsamordnaren"


def test_seed_002(seeds_dir: Path, catalog: TemplateCatalog) -> None:
    template, answers = _seed(seeds_dir, catalog, "002")
    findings = run_checks(template, answers, CaseFacts(granted_amount_kr=100_000))
    assert _codes(findings) == [
        ("budget_spent_missing", "budget"),
        ("spelling", "forankring"),
        ("spelling", "budget"),
    ]
    assert [f.evidence for f in findings[1:]] == ["jämställhetsombud", "konor"]
    assert "kronor" in findings[2].message


def test_seed_004_has_nothing_to_say(seeds_dir: Path, catalog: TemplateCatalog) -> None:
    template, answers = _seed(seeds_dir, catalog, "004")
    assert run_checks(template, answers, CaseFacts(granted_amount_kr=202_000)) == []


def test_seed_003_tjansteskrivelse_is_underspent(seeds_dir: Path, catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2018")
    answers = _complete(template, budget=seed_text(seeds_dir, "003"))
    findings = [f for f in run_checks(template, answers, CaseFacts()) if f.code != "spelling"]
    [underspent] = findings
    assert (underspent.code, underspent.severity) == ("budget_underspent", Severity.WARNING)
    assert "400 000 kr" in underspent.message
    assert "167 000 kr" in underspent.message
    assert "resterande 233 000 kr" in underspent.message


def test_every_blank_question_is_named_once(catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2019")
    answers = _complete(template, namn="", forankring="   \n")
    del answers["tillvarata"]
    findings = run_checks(template, answers, CaseFacts())
    assert _codes(findings) == [
        ("missing_answer", "namn"),
        ("missing_answer", "forankring"),
        ("missing_answer", "tillvarata"),
    ]
    assert all(f.severity is Severity.ERROR for f in findings)
    assert "Utvecklingsarbetets namn" in findings[0].message


@pytest.mark.parametrize(
    "signature", ["", "chefen", "Magnusson", "jonas magnusson", "Enhetschef 2019"]
)
def test_a_signature_must_be_a_name(catalog: TemplateCatalog, signature: str) -> None:
    template = catalog.get("mall-2018")
    findings = run_checks(template, _complete(template, underskrift=signature), CaseFacts())
    assert _codes([f for f in findings if f.code != "spelling"]) == [
        ("signature_missing", "underskrift")
    ]


@pytest.mark.parametrize(
    "name", ["Joanna Eriksson", "Jonas Magnusson\nEnhetschef", "Anna-Karin von Platen", "Åsa Öberg"]
)
def test_names(name: str) -> None:
    assert looks_like_name(name)


def test_overspent_is_an_error(catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2018")
    budget = "Vi beviljades 200 000 kr. Vi har använt 230 000 kr."
    [finding] = run_checks(template, _complete(template, budget=budget), CaseFacts())
    assert (finding.code, finding.severity) == ("budget_overspent", Severity.ERROR)
    assert "30 000 kr för mycket" in finding.message


def test_granted_amount_must_match_the_case(catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2018")
    findings = run_checks(template, _complete(template), CaseFacts(granted_amount_kr=250_000))
    # Spending is measured against what the answer says was granted (95 % here).
    assert [(f.code, f.severity, f.evidence) for f in findings] == [
        ("budget_granted_mismatch", Severity.ERROR, "200 000 kr"),
    ]
    assert "250 000 kr" in findings[0].message


def test_a_grant_in_tkr_that_cannot_be_right(catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2018")
    budget = "Nämnden beviljades 200 000 tkr och har använt 180 000 kr."
    findings = run_checks(template, _complete(template, budget=budget), CaseFacts())
    assert _codes(findings) == [("amount_implausible", "budget")]


def test_case_numbers_must_agree(catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2019")
    answers = _complete(template, namn="Arbetet i ärende STK-2018-1304")
    findings = run_checks(
        template, answers, CaseFacts(), case_numbers_in_text=["STK-2018-1307", "STK-2018-1307"]
    )
    assert _codes(findings) == [("case_number_mismatch", None)]
    assert "STK-2018-1304" in findings[0].message and "STK-2018-1307" in findings[0].message

    against_case = run_checks(template, answers, CaseFacts(case_number="STK-2018-1307"))
    assert [(f.code, f.question, f.evidence) for f in against_case] == [
        ("case_number_mismatch", "namn", "STK-2018-1304")
    ]


def test_the_same_typo_twice_in_an_answer_is_one_finding(catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2018")
    answers = _complete(
        template, maluppfyllelse="Vi gjorde en åiterrapportering. En åiterrapportering."
    )
    findings = run_checks(template, answers, CaseFacts())
    assert [(f.code, f.severity, f.evidence) for f in findings] == [
        ("spelling", Severity.INFO, "åiterrapportering")
    ]

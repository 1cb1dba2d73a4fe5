"""The finding for an answer that is word for word the nämnd's previous report's."""

from __future__ import annotations

from bot.mall.template import TemplateCatalog
from bot.review.checks import run_checks
from bot.review.findings import CaseFacts

BEFORE = {
    "namnd": "Servicenämnden",
    "maluppfyllelse": "Målet var att alla i kundtjänst skulle gå utbildningen; 42 av 45 gick.",
    "forankring": "Se bilaga.",
    "budget": "Vi beviljades 300 000 kr och har använt 300 000 kr till utbildningen.",
}


def repeated(answers: dict[str, str], facts: CaseFacts, catalog: TemplateCatalog) -> list[str]:
    found = run_checks(catalog.get("mall-2019"), answers, facts)
    return [f.question or "" for f in found if f.code == "same_as_last_time"]


def test_copied_answers_are_marked_with_the_earlier_diarienummer(catalog: TemplateCatalog) -> None:
    facts = CaseFacts(previous_case_number="SN-2019-0100", previous_answers=BEFORE)
    answers = {
        "namnd": "Servicenämnden",  # a name is the same by nature
        "maluppfyllelse": "målet var att alla i kundtjänst  skulle gå\nutbildningen; 42 av 45 gick.",
        "forankring": "Se bilaga.",  # too short to be a copy rather than a habit
        "budget": BEFORE["budget"],
    }
    assert repeated(answers, facts, catalog) == ["maluppfyllelse", "budget"]
    found = run_checks(catalog.get("mall-2019"), answers, facts)
    [first] = [f for f in found if f.question == "maluppfyllelse" and f.code == "same_as_last_time"]
    assert "SN-2019-0100" in first.message and first.severity == "warning"


def test_a_changed_answer_or_no_earlier_report_is_not_marked(catalog: TemplateCatalog) -> None:
    facts = CaseFacts(previous_case_number="SN-2019-0100", previous_answers=BEFORE)
    changed = {"maluppfyllelse": BEFORE["maluppfyllelse"].replace("42 av 45", "44 av 45")}
    assert repeated(changed, facts, catalog) == []
    assert repeated(dict(BEFORE), CaseFacts(), catalog) == []

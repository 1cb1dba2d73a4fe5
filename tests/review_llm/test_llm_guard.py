"""The language model as a careful second reader, over real HTTP against the local fake."""

from __future__ import annotations

from datetime import date

from bot.mall.template import TemplateCatalog
from bot.review.findings import CaseFacts, Severity
from bot.review.llm_guard import evidence_in_answers, fact_changes
from bot.review.llm_reviewer import LlmReviewer
from bot.review.perspectives import Perspective
from bot.review.service import review_report
from tests.fakes.openai_server import FakeOpenAIServer, reply
from tests.review_llm.test_llm_reviewer import ANSWERS, data_part


def _item(evidence: str, severity: str = "warning", code: str = "amount_activity_mismatch"):
    return {
        "code": code,
        "severity": severity,
        "question": "budget",
        "message": "Beloppet går inte ihop med aktiviteterna. Förklara vad pengarna gick till.",
        "evidence": evidence,
    }


def test_the_model_is_given_the_facts_of_the_case(
    reviewer: LlmReviewer, openai_server: FakeOpenAIServer, catalog: TemplateCatalog
) -> None:
    template = catalog.get("mall-2019")
    openai_server.enqueue(reply({"findings": []}))
    facts = CaseFacts(
        case_number="STK-2019-0412",
        granted_amount_kr=500_000,
        last_reply_date=date(2020, 2, 28),
    )
    result = review_report(
        template, ANSWERS, facts, granted_for=[Perspective.BARNRATT], llm=reviewer
    )
    assert result.llm_used
    sent = data_part(openai_server.requests[0])
    assert sent["facts"] == {
        "decided_by": "Kommunstyrelsens arbetsutskott",
        "decision_date": "11 mars 2019",
        "case_number": "STK-2019-0412",
        "granted_amount": "500 000 kr",
        "granted_amount_source": "registrerat av samordnaren",
        "used_amount_confirmed": None,
        "report_period": {"from": "11 mars 2019", "to": "28 februari 2020"},
        "perspectives": ["barnrättsperspektivet"],
    }
    assert [q["key"] for q in sent["questions"]] == list(ANSWERS)
    system = openai_server.requests[0].message("system")
    assert '"facts"' in system and "gissa inte" in system


def test_confirmed_figures_are_what_the_model_is_told(
    reviewer: LlmReviewer, openai_server: FakeOpenAIServer, catalog: TemplateCatalog
) -> None:
    openai_server.enqueue(reply({"findings": []}))
    facts = CaseFacts(granted_amount_kr=500_000, confirmed_granted_kr=450_000, confirmed_used_kr=1)
    review_report(catalog.get("mall-2019"), ANSWERS, facts, llm=reviewer)
    sent = data_part(openai_server.requests[0])["facts"]
    assert sent["granted_amount"] == "450 000 kr"
    assert sent["granted_amount_source"] == "bekräftat av tjänstepersonen"
    assert sent["used_amount_confirmed"] == "1 kr"


def test_a_finding_is_shown_only_with_evidence_from_the_answers_and_at_most_a_warning(
    reviewer: LlmReviewer, openai_server: FakeOpenAIServer, catalog: TemplateCatalog
) -> None:
    items = [
        _item("Vi fick 500 000 kr"),  # not in the answers: invented
        _item("vi fick 200 000 KR   och använde", severity="error"),  # case and spaces differ
        _item("", code="empty_evidence"),
        _item("Målet är helt uppfyllt / Målet nåddes inte helt", code="goal_contradiction"),
    ]
    openai_server.enqueue(reply({"findings": items}))
    found = reviewer.check_consistency(catalog.get("mall-2019"), ANSWERS, case_id=None)
    assert [(f.code, f.severity, f.evidence) for f in found] == [
        ("amount_activity_mismatch", Severity.WARNING, "vi fick 200 000 KR   och använde"),
        ("goal_contradiction", Severity.WARNING, items[3]["evidence"]),
    ]


def test_through_the_command_an_invented_quotation_never_reaches_the_coordinator(
    openai_server: FakeOpenAIServer, catalog: TemplateCatalog, reviewer: LlmReviewer
) -> None:
    openai_server.enqueue(reply({"findings": [_item("Vi använde 900 000 kr", severity="error")]}))
    result = review_report(catalog.get("mall-2019"), ANSWERS, CaseFacts(), llm=reviewer)
    assert result.llm_used
    assert "amount_activity_mismatch" not in {f.code for f in result.findings}


def test_a_suggestion_that_changes_an_amount_is_not_offered_as_it_stands(
    reviewer: LlmReviewer, openai_server: FakeOpenAIServer, catalog: TemplateCatalog
) -> None:
    question = catalog.get("mall-2019").question("budget")
    answer = "Nämnden fick 200 000 kr. Det har använts till föreläsningar under hösten 2019."
    changed = {
        "suggestion": "Nämnden fick 5 000 000 kr. Pengarna gick till föreläsningar hösten 2019.",
        "explanation": "Jag skrev kortare.",
    }
    openai_server.enqueue(reply(changed), reply(changed))
    assert reviewer.suggest_phrasing(question, answer, None) is None
    marked = reviewer.suggest_phrasing(question, answer, None, allow_changes=True)
    assert marked is not None and marked.needs_second_confirmation
    amount = next(c for c in marked.changes if c.kind == "amount")
    assert (amount.dropped, amount.added) == (("200 000 kr",), ("5 000 000 kr",))


def test_a_suggestion_that_drops_a_person_or_a_placeholder_is_dropped(
    reviewer: LlmReviewer, openai_server: FakeOpenAIServer, catalog: TemplateCatalog
) -> None:
    question = catalog.get("mall-2019").question("maluppfyllelse")
    answer = "Kontaktperson var Anna Svensson (personnummer 850101-1234). Vi höll fem workshops."
    without_number = {
        "suggestion": "[PERSON_1] var kontaktperson. Vi höll fem workshops.",
        "explanation": "Kortare.",
    }
    kept = {
        "suggestion": "[PERSON_1] (personnummer [PERSONNUMMER_1]) var kontaktperson. "
        "Vi höll 5 workshops.",
        "explanation": "Kortare.",
    }
    openai_server.enqueue(reply(without_number), reply(kept))
    assert reviewer.suggest_phrasing(question, answer, None) is None
    offered = reviewer.suggest_phrasing(question, answer, None)
    assert offered is not None and offered.changes == ()
    assert "Anna Svensson" in offered.suggestion and "850101-1234" in offered.suggestion


def test_fact_changes() -> None:
    assert fact_changes("Vi höll fem workshops.", "Vi höll 5 workshops.") == []
    assert (
        fact_changes(
            "Vi samarbetade med SKR.", "Vi samarbetade med Sveriges Kommuner och Regioner (SKR)."
        )
        == []
    )
    [name] = fact_changes("Vi höll fem workshops.", "Vi höll fem workshops i Lund.")
    assert (name.kind, name.added) == ("name", ("Lund",))
    [date_change] = fact_changes("Det skedde i mars 2019.", "Det skedde i maj 2019.")
    assert date_change.kind == "date"
    kinds = {c.kind for c in fact_changes("Vi var 30 deltagare.", "Vi var 40 deltagare.")}
    assert kinds == {"number"}


def test_evidence_in_answers() -> None:
    answers = {"a": "Målet är ”helt” uppfyllt.\nVi höll\nfem workshops."}
    assert evidence_in_answers('målet är "helt" uppfyllt', answers)
    assert evidence_in_answers("Vi höll fem workshops", answers)
    assert not evidence_in_answers("Vi höll sex workshops", answers)
    assert not evidence_in_answers("  ", answers)

"""The review with a language model reads the budget answer twice (issue 22): the rules and
the model, over real HTTP against the local fake. Figures both read alike are sure; a
figure they read differently is "oklart" and the finding says so; when the model fails,
the rules decide alone and the review is what it is without a model."""

from __future__ import annotations

from bot.mall.template import TemplateCatalog
from bot.review.budget import Confidence
from bot.review.budget_summary import budget_summary
from bot.review.findings import CaseFacts
from bot.review.llm_reviewer import LlmReviewer
from bot.review.service import ReviewResult, review_report
from tests.fakes.openai_server import FakeOpenAIServer, RecordedRequest, hang, reply, status
from tests.review_llm.test_llm_reviewer import ANSWERS

BUDGET = (
    "Enligt Anna Lindqvist på ekonomienheten beviljades nämnden 300 000 kronor för de två "
    "åren, det vill säga 150 000 kronor per år. Under 2019 användes 148 000 kronor och under "
    "2020 har 151 000 kronor använts."
)
NO_FINDINGS = reply({"findings": []})


def _budget_reply(used_total: int, used: list[tuple[str, int]]) -> dict[str, object]:
    return {
        "figures": [
            {
                "role": "granted",
                "kronor": 300_000,
                "words": "[PERSON_1] på ekonomienheten beviljades nämnden 300 000 kronor",
            },
            {"role": "per_unit", "kronor": 150_000, "words": "150 000 kronor per år"},
            *({"role": "used", "kronor": k, "words": w} for w, k in used),
        ],
        "granted_total": 300_000,
        "used_total": used_total,
    }


AGREES = _budget_reply(
    299_000, [("användes 148 000 kronor", 148_000), ("151 000 kronor använts", 151_000)]
)
DISAGREES = _budget_reply(151_000, [("2020 har 151 000 kronor använts", 151_000)])


def _review(catalog: TemplateCatalog, llm: LlmReviewer | None) -> ReviewResult:
    answers = {**ANSWERS, "budget": BUDGET}
    return review_report(catalog.get("mall-2019"), answers, CaseFacts(), llm=llm, case_id=None)


def _budget_requests(server: FakeOpenAIServer) -> list[RecordedRequest]:
    return [r for r in server.requests if "Du läser budgetsvaret" in r.message("system")]


def _budget_findings(result: ReviewResult) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in result.findings if f.code.startswith("budget_")]


def test_figures_both_readers_read_alike_are_sure(
    reviewer: LlmReviewer, openai_server: FakeOpenAIServer, catalog: TemplateCatalog
) -> None:
    openai_server.enqueue(NO_FINDINGS, reply(AGREES))
    result = _review(catalog, reviewer)
    assert result.budget is not None
    assert result.budget.used is not None and result.budget.used.confidence is Confidence.HIGH
    assert budget_summary(result.budget).startswith("Beviljat 300 000 kr · använt 299 000 kr")
    assert _budget_findings(result) == _budget_findings(_review(catalog, None)) == []
    assert len(_budget_requests(openai_server)) == 1


def test_a_figure_the_readers_read_differently_is_oklart_and_the_finding_says_so(
    reviewer: LlmReviewer, openai_server: FakeOpenAIServer, catalog: TemplateCatalog
) -> None:
    openai_server.enqueue(NO_FINDINGS, reply(DISAGREES))
    result = _review(catalog, reviewer)
    [(code, message)] = _budget_findings(result)
    assert code == "budget_figure_unclear"
    assert "oklart" in message and "både som 299 000 kr och som 151 000 kr" in message
    assert result.budget is not None and "använt: oklart" in budget_summary(result.budget)
    # No conclusion from an unclear figure: 151 000 of 300 000 is not called underspent.
    assert "budget_underspent" not in {f.code for f in result.findings}


def test_the_answer_reaches_the_model_masked_and_its_words_are_read_back_unmasked(
    reviewer: LlmReviewer, openai_server: FakeOpenAIServer, catalog: TemplateCatalog
) -> None:
    openai_server.enqueue(NO_FINDINGS, reply(AGREES))
    result = _review(catalog, reviewer)
    [request] = _budget_requests(openai_server)
    sent = request.message("user")
    assert "Anna" not in sent and "Lindqvist" not in sent
    assert "[PERSON_1] på ekonomienheten" in sent and "148 000 kronor" in sent
    # The granted figure's words came back with a placeholder; unmasked, they are in the text.
    assert result.budget is not None and result.budget.granted is not None
    assert result.budget.granted.confidence is Confidence.HIGH


def test_when_the_model_fails_the_rules_decide_alone(
    reviewer: LlmReviewer, openai_server: FakeOpenAIServer, catalog: TemplateCatalog
) -> None:
    without = _review(catalog, None)
    openai_server.enqueue(NO_FINDINGS, status(400))
    refused = _review(catalog, reviewer)
    assert refused.llm_used and refused.findings == without.findings
    assert refused.budget == without.budget
    openai_server.enqueue(NO_FINDINGS, hang())
    timed_out = _review(catalog, reviewer)
    assert timed_out.findings == without.findings and timed_out.budget == without.budget

"""The second budget reader (issue 22): the real openai client against the local fake
endpoint; figures are kept only when their words are in the answer, agreement makes a
figure sure and disagreement makes it "oklart"; without a model the rules decide alone."""

from __future__ import annotations

from bot.review.budget import Confidence, read_budget
from bot.review.budget_summary import budget_summary
from bot.review.llm_budget import model_reading, two_readers
from bot.review.llm_reviewer import LlmReviewer
from tests.fakes.openai_server import FakeOpenAIServer, reply, status

ANSWER = (
    "Nämnden beviljades 300 000 kronor för de två åren, det vill säga 150 000 kronor per år. "
    "Under 2019 användes 148 000 kronor och under 2020 har 151 000 kronor använts."
)


def _figures(used_total: int, used_words: list[tuple[str, int]]) -> dict[str, object]:
    return {
        "figures": [
            {"role": "granted", "kronor": 300_000, "words": "beviljades 300 000 kronor"},
            {"role": "per_unit", "kronor": 150_000, "words": "150 000 kronor per år"},
            *({"role": "used", "kronor": k, "words": w} for w, k in used_words),
        ],
        "granted_total": 300_000,
        "used_total": used_total,
    }


def test_agreement_makes_the_figures_sure(
    reviewer: LlmReviewer, openai_server: FakeOpenAIServer
) -> None:
    openai_server.enqueue(
        reply(
            _figures(
                299_000,
                [("användes 148 000 kronor", 148_000), ("151 000 kronor använts", 151_000)],
            )
        )
    )
    assert reviewer.client is not None
    model = model_reading(reviewer.client, ANSWER, masking=reviewer.masking)
    assert model is not None and (model.granted, model.used) == (300_000, 299_000)
    both = two_readers(read_budget(ANSWER), model)
    assert both.granted is not None and both.granted.confidence is Confidence.HIGH
    assert both.used is not None and (both.used.value, both.used.confidence) == (
        299_000,
        Confidence.HIGH,
    )
    [request] = openai_server.requests
    assert "<data>" in request.message("user") and "148 000 kronor" in request.message("user")


def test_disagreement_makes_the_figure_oklart(
    reviewer: LlmReviewer, openai_server: FakeOpenAIServer
) -> None:
    openai_server.enqueue(reply(_figures(151_000, [("151 000 kronor använts", 151_000)])))
    assert reviewer.client is not None
    model = model_reading(reviewer.client, ANSWER, masking=reviewer.masking)
    both = two_readers(read_budget(ANSWER), model)
    assert both.used is not None and both.used.confidence is Confidence.LOW
    assert "använt: oklart" in budget_summary(both)


def test_words_not_in_the_answer_are_not_believed(
    reviewer: LlmReviewer, openai_server: FakeOpenAIServer
) -> None:
    invented = _figures(450_000, [("använts 450 000 kronor", 450_000)])
    openai_server.enqueue(reply(invented))
    assert reviewer.client is not None
    model = model_reading(reviewer.client, ANSWER, masking=reviewer.masking)
    assert model is not None and model.used is None and model.granted == 300_000
    both = two_readers(read_budget(ANSWER), model)
    assert both.used is not None and both.used.confidence is not Confidence.HIGH


def test_without_an_answer_from_the_model_the_rules_decide_alone(
    reviewer: LlmReviewer, openai_server: FakeOpenAIServer
) -> None:
    openai_server.enqueue(status(400), status(400), status(400))
    assert reviewer.client is not None
    model = model_reading(reviewer.client, ANSWER, masking=reviewer.masking)
    assert model is None
    rule = read_budget(ANSWER)
    assert two_readers(rule, None) == rule
    unsure = read_budget("Vi har använt 150 000 kr. Vi har använt 90 000 kr.")
    assert "använt: oklart" in budget_summary(two_readers(unsure, None))

"""A second reader of the budget answer: the language model, when one is configured.

The model returns the figures with their roles and the words it read each from, as
structured output (`BudgetReply`). A figure whose words are not in the answer is dropped.
Where the model's granted or used total agrees with the rule reader's, the figure is sure;
where they disagree, or only one of them found it, it is unsure ("oklart"), and the chat
asks the official. Without a model, or when it fails, the rule reader decides alone and
is unchanged (it already says "oklart" rather than guess).
"""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel, Field

from bot.mall.amounts import find_amounts
from bot.review.budget import read_budget
from bot.review.budget_model import BudgetReading, Confidence, Figure, Source
from bot.review.llm import LlmClient, LlmError
from bot.review.llm_prompts import LLM_PROMPTS_DIR, PromptTemplate, as_data, load_prompt
from bot.review.masking import MaskPolicy

log = logging.getLogger(__name__)

PROMPT_FILE = LLM_PROMPTS_DIR / "budget_reading.toml"
AGREE = 0.01  # two readings within 1 % agree
MAX_ANSWER_CHARS = 20_000

ModelRole = Literal[
    "granted", "used", "remaining", "per_unit", "part", "restatement", "overspend",
    "planned", "not_money",
]  # fmt: skip


class ModelFigure(BaseModel):
    role: ModelRole
    kronor: int = Field(ge=0)
    words: str = Field(description="the words of the answer the amount stands in, verbatim")


class BudgetReply(BaseModel):
    """What the model reads in the budget answer."""

    figures: list[ModelFigure]
    granted_total: int | None = Field(default=None, ge=0)
    used_total: int | None = Field(default=None, ge=0)


class ModelReading(BaseModel):
    """The model's totals that its own words in the answer bear out."""

    granted: int | None = None
    used: int | None = None
    evidence: dict[str, tuple[str, ...]] = Field(default_factory=dict)


def _plain(text: str) -> str:
    return " ".join(text.split()).lower()


def _in_text(words: str, answer: str) -> bool:
    return bool(words.strip()) and _plain(words) in _plain(answer)


def _borne_out(reply: BudgetReply, answer: str, role: str, total: int | None) -> tuple[str, ...]:
    """The words behind a total, when they are in the answer and read as its amounts:
    one figure of that role equal to the total, or figures of that role that add up to it."""
    if total is None:
        return ()
    kept = [
        f
        for f in reply.figures
        if f.role == role
        and _in_text(f.words, answer)
        and f.kronor in {a.value for a in find_amounts(f.words, bare_numbers=True)}
    ]
    if any(f.kronor == total for f in kept):
        return tuple(f.words for f in kept if f.kronor == total)[:1]
    if kept and sum(f.kronor for f in kept) == total:
        return tuple(f.words for f in kept)
    return ()


def load_budget_prompt() -> PromptTemplate:
    return load_prompt(PROMPT_FILE)


def model_reading(
    client: LlmClient,
    answer: str,
    *,
    masking: MaskPolicy | None = None,
    case_id: int | None = None,
    prompt: PromptTemplate | None = None,
) -> ModelReading | None:
    """The model's granted and used totals, each kept only when its words are in the
    answer; None when the model is not asked or fails."""
    if not answer.strip() or len(answer) > MAX_ANSWER_CHARS:
        return None
    template = prompt or load_budget_prompt()
    session = (masking or MaskPolicy.from_names(())).session()
    messages = template.render(data=as_data({"answer": session.mask(answer)}))
    try:
        reply = client.complete(
            purpose=template.purpose, messages=messages, schema=BudgetReply, case_id=case_id
        )
    except LlmError as exc:
        log.info("no second budget reading: %s", type(exc).__name__)
        return None
    reply = reply.model_copy(
        update={
            "figures": [
                f.model_copy(update={"words": session.unmask(f.words)}) for f in reply.figures
            ]
        }
    )
    granted_words = _borne_out(reply, answer, "granted", reply.granted_total)
    used_words = _borne_out(reply, answer, "used", reply.used_total)
    return ModelReading(
        granted=reply.granted_total if granted_words else None,
        used=reply.used_total if used_words else None,
        evidence={"granted": granted_words, "used": used_words},
    )


def _together(rule: Figure | None, model: int | None, words: tuple[str, ...]) -> Figure | None:
    """Agreement makes a figure sure; disagreement, or a figure one reader alone found,
    makes it unsure. A registered or confirmed figure is not the text's to change."""
    if rule is not None and rule.source in (Source.REGISTERED, Source.CONFIRMED):
        return rule
    if rule is None and model is None:
        return None
    if rule is None:
        assert model is not None
        return Figure(value=model, confidence=Confidence.LOW, source=Source.STATED, evidence=words)
    if model is None:
        return rule.model_copy(update={"confidence": min(rule.confidence, Confidence.MEDIUM)})
    if abs(rule.value - model) <= AGREE * max(rule.value, model, 1):
        return rule.model_copy(update={"confidence": Confidence.HIGH})
    return rule.model_copy(update={"confidence": Confidence.LOW, "disputed": (rule.value, model)})


def two_readers(rule: BudgetReading, model: ModelReading | None) -> BudgetReading:
    """The rule reader's figures, sure where the model agrees and "oklart" where not;
    without the model's reading, the rule reader's unchanged."""
    if model is None:
        return rule
    return rule.model_copy(
        update={
            "granted": _together(rule.granted, model.granted, model.evidence.get("granted", ())),
            "used": _together(rule.used, model.used, model.evidence.get("used", ())),
        }
    )


class TwoReaders:
    """The rule reader and the model as one budget reader (`BudgetReader`) for one review:
    the model reads each text once, masked, and a failed reading leaves the rules alone."""

    def __init__(
        self,
        client: LlmClient,
        *,
        masking: MaskPolicy | None = None,
        case_id: int | None = None,
        prompt: PromptTemplate | None = None,
    ) -> None:
        self._client = client
        self._masking = masking
        self._case_id = case_id
        self._prompt = prompt
        self._read: dict[str, ModelReading | None] = {}

    def __call__(self, text: str, granted_hint: int | None = None) -> BudgetReading:
        if text not in self._read:
            self._read[text] = model_reading(
                self._client, text, masking=self._masking, case_id=self._case_id,
                prompt=self._prompt,
            )  # fmt: skip
        return two_readers(read_budget(text, granted_hint), self._read[text])

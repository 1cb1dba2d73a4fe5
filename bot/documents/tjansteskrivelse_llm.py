"""A language model's draft of the tjänsteskrivelse's Sammanfattning and Ärendet.

Only a suggestion: the official accepts it or not, and the accepted text is passed to
build_tjansteskrivelse. The report's facts travel to the model as JSON data inside the
user message (prompts/llm/tjansteskrivelse.toml). A draft that names an amount, a date, a
name or a perspective the stored data does not hold is thrown away before it is offered
(tjansteskrivelse_check.py), as is any failure of the model: the plain summary built from
the answers is always there.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from bot.documents.text_markup import clean_text
from bot.documents.tjansteskrivelse import (
    TjansteskrivelseFacts,
    budget_figures,
    named_perspectives,
    texts,
)
from bot.documents.tjansteskrivelse_check import invented_facts
from bot.mall.amounts import format_kronor
from bot.review.llm import LlmClient, LlmError
from bot.review.llm_prompts import LLM_PROMPTS_DIR, PromptTemplate, load_prompt
from bot.review.masking import MaskPolicy

log = logging.getLogger(__name__)

PROMPT_FILE = LLM_PROMPTS_DIR / "tjansteskrivelse.toml"
SUMMARY_LIMIT = 4_000
MATTER_LIMIT = 12_000


class TjansteskrivelseDraft(BaseModel):
    """The schema the model's reply must follow."""

    model_config = ConfigDict(extra="forbid")

    sammanfattning: str = Field(min_length=1, max_length=SUMMARY_LIMIT)
    arendet: str = Field(min_length=1, max_length=MATTER_LIMIT)


@dataclass(frozen=True)
class DraftSuggestion:
    summary: str
    matter: str


def load_tjansteskrivelse_prompt() -> PromptTemplate:
    return load_prompt(PROMPT_FILE)


def draft_data(facts: TjansteskrivelseFacts, mask: Callable[[str], str] = str) -> str:
    """The facts and answers as the JSON the model reads, the answers passed through `mask`."""
    granted, used = budget_figures(facts)
    template = facts.template
    answers = {
        q.text.rstrip(":"): mask(facts.answers[q.key])
        for q in template.questions
        if facts.answers.get(q.key, "").strip()
    }
    decision = template.decided_by
    if facts.decision_date:
        decision += f", {facts.decision_date.isoformat()}"
    return json.dumps(
        {
            "namnd": facts.committee or facts.answers.get("namnd") or None,
            "beviljat": format_kronor(granted) if granted else None,
            "anvant": format_kronor(used) if used is not None else None,
            "beslut": decision,
            "perspektiv": [texts()(f"perspective_{p.value}") for p in named_perspectives(facts)],
            "svar": answers,
        },
        ensure_ascii=False,
        indent=2,
    )


def draft_suggestion(
    client: LlmClient,
    facts: TjansteskrivelseFacts,
    prompt: PromptTemplate | None = None,
    case_id: int | None = None,
    masking: MaskPolicy | None = None,
) -> DraftSuggestion | None:
    """Ask the model for Sammanfattning and Ärendet; None when it fails or invents a fact.

    Personal data in the answers is masked as `masking` says (MaskPolicy.from_names of the
    LLM_MASK setting) and put back in the reply.
    """
    template = prompt or load_tjansteskrivelse_prompt()
    session = (masking or MaskPolicy.from_names(())).session()
    messages = template.render(data=draft_data(facts, session.mask))
    try:
        draft = client.complete(
            purpose=template.purpose,
            messages=messages,
            schema=TjansteskrivelseDraft,
            case_id=case_id,
        )
    except LlmError as exc:
        log.info("no tjänsteskrivelse draft from the language model: %s", type(exc).__name__)
        return None
    summary = clean_text(session.unmask(draft.sammanfattning)).strip()
    matter = clean_text(session.unmask(draft.arendet)).strip()
    invented = invented_facts(facts, f"{summary}\n\n{matter}")
    if invented:
        # Only the kinds and counts: the words themselves may be personal data.
        kinds = ", ".join(f"{kind}: {len(items)}" for kind, items in invented.items())
        log.warning("the tjänsteskrivelse draft named facts that are not stored (%s)", kinds)
        return None
    return DraftSuggestion(summary, matter)

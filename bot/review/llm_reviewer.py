"""The language-model reviews: a clearer phrasing of one answer, contradictions across a report.

The model only suggests: nothing here changes an answer. User text reaches the model masked
(see masking.py) and as data: a JSON document inside <data>…</data> in the user message; the
system prompt is the same whatever the user wrote. The prompts are data files in
prompts/llm/*.toml, validated at load with their declared variables. Replies are validated
against pydantic schemas and then repaired or dropped: a finding's code must be snake_case,
its question a key of the template (or None), its severity one of `Severity`.

When the model is not configured, fails or is slow, the reviews return None or [] and the
conversation goes on without them.

The model is a careful second reader (llm_guard.py): it is given the facts of the ärende
beside the answers; a finding of its is kept only when its quoted evidence is in the
answers, and is at most a warning; a phrasing suggestion that adds, drops or changes an
amount, date, number, name or placeholder is dropped (or, with allow_changes=True, returned
with exactly those changes listed, for a chat that asks for a second confirmation).
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path

from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel, ConfigDict, Field

from bot.config import Settings
from bot.mall.template import Question, QuestionKind, Template
from bot.review.findings import Finding, Severity
from bot.review.llm import (
    CircuitBreaker,
    LlmClient,
    LlmError,
    SchemaT,
    UsageRecorder,
    ignore_usage,
)
from bot.review.llm_guard import FactChange, capped, evidence_in_answers, fact_changes
from bot.review.llm_prompts import (
    LLM_PROMPTS_DIR,
    LlmPrompts,
    PromptTemplate,
    as_data,
    load_llm_prompts,
)
from bot.review.masking import PLACEHOLDER_PATTERN, MaskPolicy

log = logging.getLogger(__name__)

MAX_ANSWER_CHARS = 20_000
MAX_FINDINGS = 20
MAX_EVIDENCE_CHARS = 300
PHRASED_KINDS = (QuestionKind.TEXT, QuestionKind.BUDGET)

KNOWN_CODES: dict[str, str] = {
    "amount_activity_mismatch": "ett belopp stämmer inte med de aktiviteter som beskrivs",
    "goal_contradiction": "målet sägs vara uppfyllt i ett svar men inte nått i ett annat",
    "count_mismatch": 'ett antal stämmer inte med det som räknas upp ("fem workshops" men fyra '
    "i listan)",
    "date_mismatch": "datum eller tidsperioder som inte går ihop",
}

NOT_CONFIGURED_MESSAGE = (
    "Granskning med språkmodell är inte tillgänglig: ingen nyckel (OPENAI_API_KEY) är "
    "inställd. De fasta kontrollerna fungerar som vanligt."
)


# --- what the model answers, and what the reviews return ----------------------------------------


class PhrasingReply(BaseModel):
    """The model's reply to the phrasing prompt."""

    suggestion: str = Field(description="the whole answer rewritten in klarspråk")
    explanation: str = Field(description="what changed and why, in Swedish, at most 3 sentences")


class ConsistencyItem(BaseModel):
    code: str = Field(description="snake_case code of the contradiction")
    severity: Severity
    question: str | None = Field(description="key of the answer to change, or null")
    message: str = Field(description="Swedish: what does not agree and what to do")
    evidence: str = Field(description="a short quotation that shows it")


class ConsistencyReply(BaseModel):
    """The model's reply to the consistency prompt."""

    findings: list[ConsistencyItem]


class PhrasingSuggestion(BaseModel):
    """A clearer wording the official may take, edit or ignore."""

    model_config = ConfigDict(frozen=True)

    question: str
    original: str
    suggestion: str
    explanation: str
    changes: tuple[FactChange, ...] = ()  # facts it changed; empty unless allow_changes

    @property
    def needs_second_confirmation(self) -> bool:
        return bool(self.changes)


# --- the reviewer ------------------------------------------------------------------------------


class LlmReviewer:
    """The two language-model reviews; `available` is False when no model is configured."""

    def __init__(
        self,
        client: LlmClient | None,
        *,
        prompts: LlmPrompts | None = None,
        masking: MaskPolicy | None = None,
    ) -> None:
        self._client = client
        self._prompts = prompts or load_llm_prompts()
        self._masking = masking or MaskPolicy.from_names(())

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        usage: UsageRecorder = ignore_usage,
        breaker: CircuitBreaker | None = None,
        prompts_dir: Path = LLM_PROMPTS_DIR,
        sleep: Callable[[float], None] = time.sleep,
    ) -> LlmReviewer:
        """The reviewer for the configured endpoint; not available without OPENAI_API_KEY."""
        masking = MaskPolicy.from_names(settings.llm_mask)
        prompts = load_llm_prompts(prompts_dir)
        client = LlmClient.from_settings(settings, usage=usage, breaker=breaker, sleep=sleep)
        return cls(client, prompts=prompts, masking=masking)

    @property
    def available(self) -> bool:
        return self._client is not None

    @property
    def client(self) -> LlmClient | None:
        """The configured model's client, for other drafts (the tjänsteskrivelse's)."""
        return self._client

    @property
    def masking(self) -> MaskPolicy:
        return self._masking

    @property
    def unavailable_reason(self) -> str | None:
        """Why the reviews cannot run, in Swedish for the user; None when available."""
        return None if self.available else NOT_CONFIGURED_MESSAGE

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def __enter__(self) -> LlmReviewer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def suggest_phrasing(
        self, question: Question, answer: str, case_id: int | None, *, allow_changes: bool = False
    ) -> PhrasingSuggestion | None:
        """A clearer phrasing of one answer, or None (nothing to improve, or no model).

        A suggestion that changes a fact (amount, date, number, name, placeholder) is None,
        unless `allow_changes`: then it comes with `changes` listing exactly what changed."""
        if self._client is None or question.kind not in PHRASED_KINDS:
            return None
        if not answer.strip() or len(answer) > MAX_ANSWER_CHARS:
            return None
        masking = self._masking.session()
        data = {"question": question.text, "hint": question.hint, "answer": masking.mask(answer)}
        messages = self._prompts.phrasing.render(data=as_data(data))
        reply = self._ask(self._prompts.phrasing, messages, PhrasingReply, case_id)
        if reply is None:
            return None
        suggestion = masking.unmask(reply.suggestion).strip()
        explanation = masking.unmask(reply.explanation).strip()
        if not suggestion or _same_text(suggestion, answer):
            return None
        if PLACEHOLDER_PATTERN.search(suggestion) or PLACEHOLDER_PATTERN.search(explanation):
            log.warning("LLM phrasing: the reply has placeholders it was never given; dropped")
            return None
        changes = tuple(fact_changes(answer, suggestion))
        if changes and not allow_changes:
            log.info("LLM phrasing: the suggestion changes %s; dropped", [c.kind for c in changes])
            return None
        return PhrasingSuggestion(
            question=question.key,
            original=answer,
            suggestion=suggestion,
            explanation=explanation,
            changes=changes,
        )

    def check_consistency(
        self,
        template: Template,
        answers: dict[str, str],
        case_id: int | None,
        facts: Mapping[str, object] | None = None,
    ) -> list[Finding]:
        """Contradictions across the answers of one report; [] when none, or no model."""
        return self.consistency_or_none(template, answers, case_id, facts) or []

    def consistency_or_none(
        self,
        template: Template,
        answers: dict[str, str],
        case_id: int | None,
        facts: Mapping[str, object] | None = None,
    ) -> list[Finding] | None:
        """Like check_consistency, but None when the model was not asked or did not answer,
        so the caller can say plainly that the language model was not used.

        `facts` (see llm_guard.model_facts) go to the model beside the answers."""
        if self._client is None:
            return None
        masking = self._masking.session()
        items = [
            {"key": q.key, "question": q.text, "answer": masking.mask(answers[q.key])}
            for q in template.questions
            if answers.get(q.key, "").strip()
        ]
        if len(items) < 2 or sum(len(i["answer"]) for i in items) > MAX_ANSWER_CHARS * 3:
            return None
        codes = "\n".join(f"- {code}: {meaning}" for code, meaning in KNOWN_CODES.items())
        document = {"facts": dict(facts or {}), "questions": items}
        messages = self._prompts.consistency.render(codes=codes, data=as_data(document))
        reply = self._ask(self._prompts.consistency, messages, ConsistencyReply, case_id)
        if reply is None:
            return None
        findings: list[Finding] = []
        for item in reply.findings:
            finding = _repair_finding(item, template, masking.unmask)
            if finding is not None and not evidence_in_answers(finding.evidence, answers):
                log.info("LLM consistency: dropped a finding whose evidence is not in the answers")
                continue
            if finding is not None and finding not in findings:
                findings.append(finding)
        return findings[:MAX_FINDINGS]

    def _ask(
        self,
        prompt: PromptTemplate,
        messages: list[ChatCompletionMessageParam],
        schema: type[SchemaT],
        case_id: int | None,
    ) -> SchemaT | None:
        assert self._client is not None
        try:
            return self._client.complete(
                purpose=prompt.purpose, messages=messages, schema=schema, case_id=case_id
            )
        except LlmError as exc:
            log.warning("LLM %s skipped: %s", prompt.purpose, exc)
            return None


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def repair_code(value: str) -> str | None:
    """A snake_case code from what the model wrote ("Count mismatch" -> count_mismatch)."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    code = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:60].rstrip("_")
    return code if re.match(r"^[a-z][a-z0-9_]*$", code) else None


def repair_question(value: str | None, template: Template) -> str | None:
    """The template key the model meant, by key, alias or question text; else None."""
    if value is None:
        return None
    wanted = value.strip().lower().rstrip(":?").strip()
    for question in template.questions:
        names = {question.key, *(a.lower() for a in question.aliases)}
        if wanted in names or wanted == question.text.lower().rstrip(":?").strip():
            return question.key
    return None


def _repair_finding(
    item: ConsistencyItem, template: Template, unmask: Callable[[str], str]
) -> Finding | None:
    code = repair_code(item.code)
    message = unmask(item.message).strip()
    if code is None or not message or PLACEHOLDER_PATTERN.search(message):
        log.info("LLM consistency: dropped a finding without a usable code or message")
        return None
    evidence = unmask(item.evidence).strip()
    if len(evidence) > MAX_EVIDENCE_CHARS:
        evidence = evidence[: MAX_EVIDENCE_CHARS - 1].rstrip() + "…"
    return capped(
        Finding(
            code=code,
            severity=item.severity,
            question=repair_question(item.question, template),
            message=message,
            evidence=evidence,
        )
    )

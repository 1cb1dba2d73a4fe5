"""One review of a whole report: the rules, readability, perspectives and the language model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.mall.template import Template
from bot.review.budget import BudgetReading, read_budget
from bot.review.checks import BudgetReader, budget_reading, run_checks
from bot.review.findings import CaseFacts, Finding, Severity
from bot.review.llm_budget import TwoReaders
from bot.review.llm_guard import model_facts
from bot.review.llm_reviewer import LlmReviewer
from bot.review.perspectives import (
    Coverage,
    Perspective,
    coverage,
    load_keywords,
    perspective_findings,
)
from bot.review.readability import Readability, readability

SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class ReviewResult:
    findings: list[Finding]
    llm_used: bool
    llm_note: str | None  # why the language model was not used, in Swedish
    readability: dict[str, Readability] = field(default_factory=dict)
    perspectives: dict[Perspective, Coverage] = field(default_factory=dict)
    budget: BudgetReading | None = None  # the budget as read from the answers

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


LLM_FAILED_NOTE = (
    "Språkmodellen svarade inte just nu, så bara de fasta kontrollerna gjordes. "
    "Försök igen om en stund."
)


def review_report(
    template: Template,
    answers: dict[str, str],
    facts: CaseFacts,
    *,
    case_numbers_in_text: Sequence[str] = (),
    other_text: Sequence[str] = (),
    granted_for: Sequence[Perspective] | None = None,
    llm: LlmReviewer | None = None,
    case_id: int | None = None,
) -> ReviewResult:
    """Everything the review finds; the rules always run, the language model when it can.

    With a model, it also reads the budget answer beside the rules (llm_budget.py): the
    figures both read alike are sure, those they read differently are "oklart"."""
    llm_used = False
    note: str | None
    found: list[Finding] | None = None
    read: BudgetReader = read_budget
    if llm is None or not llm.available or llm.client is None:
        note = (llm.unavailable_reason if llm else None) or (
            "Ingen språkmodell är inställd, så bara de fasta kontrollerna gjordes."
        )
    else:
        labels = None
        if granted_for is not None:
            keywords = load_keywords()
            labels = [keywords[p].label for p in granted_for]
        context = model_facts(template, facts, labels)
        found = llm.consistency_or_none(template, answers, case_id, context)
        if found is None:
            note = LLM_FAILED_NOTE
        else:
            llm_used, note = True, None
        read = TwoReaders(llm.client, masking=llm.masking, case_id=case_id)
    findings = run_checks(
        template, answers, facts, case_numbers_in_text, other_text=other_text, read=read
    )
    findings.extend(f for f in found or () if f not in findings)
    covered = coverage(answers)
    if granted_for is not None:
        findings.extend(perspective_findings(covered, granted_for))
    findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    scores = {
        q.key: score
        for q in template.questions
        if q.kind.collects_several_messages and (score := readability(answers.get(q.key, "")))
    }
    budget = budget_reading(template, answers, facts, other_text, read)
    return ReviewResult(findings, llm_used, note, scores, covered, budget)

"""The deterministic review: rules that need no language model.

Every finding tells the official, in Swedish, what to do about it (the texts are in
prompts/review/checks.toml). The budget rules read the budget answer as a person does
(budget.py, budget_checks.py); with a language model configured, the review hands in a
reader that reads the budget answer with the model beside the rules (llm_budget.py); what
the answers say is checked in text_checks.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.mall.case_numbers import case_numbers_in
from bot.mall.template import QuestionKind, Template
from bot.review.budget import BudgetReading, read_budget
from bot.review.budget_checks import (
    PLAUSIBLE_MAX_KR,
    PLAUSIBLE_MIN_KR,
    UNDERSPENT_SHARE,
    BudgetReader,
    budget_answer_findings,
    finding,
    implausible_amounts,
)
from bot.review.check_texts import message
from bot.review.findings import CaseFacts, Finding, Severity
from bot.review.repeat_checks import repeated_answers
from bot.review.spelling import SpellChecker, default_checker
from bot.review.text_checks import (
    cancelled_findings,
    date_findings,
    language_findings,
    looks_like_name,
    signature_findings,
)

__all__ = [
    "PLAUSIBLE_MAX_KR",
    "PLAUSIBLE_MIN_KR",
    "UNDERSPENT_SHARE",
    "BudgetReader",
    "budget_reading",
    "looks_like_name",
    "run_checks",
]


def _missing_answers(template: Template, answers: dict[str, str]) -> list[Finding]:
    # A signature has its own rule, signature_missing; one finding is enough.
    return [
        finding(
            "missing_answer",
            Severity.ERROR,
            q.key,
            message("missing_answer", question=q.text.rstrip(":")),
        )
        for q in template.questions
        if q.required
        and q.kind is not QuestionKind.SIGNATURE
        and not answers.get(q.key, "").strip()
    ]


def _budget_keys(template: Template) -> list[str]:
    return [q.key for q in template.questions if q.kind is QuestionKind.BUDGET]


def budget_reading(
    template: Template,
    answers: dict[str, str],
    facts: CaseFacts,
    other_text: Sequence[str] = (),
    read: BudgetReader = read_budget,
) -> BudgetReading | None:
    """The budget as the answers say it: the budget answer, else the other text; None if
    neither says anything."""
    text = "\n\n".join(answers.get(key, "") for key in _budget_keys(template)).strip()
    text = text or "\n\n".join(other_text).strip()
    return read(text, facts.granted_kr) if text else None


def _budget(
    template: Template, answers: dict[str, str], facts: CaseFacts, read: BudgetReader
) -> list[Finding]:
    findings: list[Finding] = []
    for key in _budget_keys(template):
        answer = answers.get(key, "")
        if answer.strip():
            findings += budget_answer_findings(key, answer, facts, read)
    return findings


def _case_numbers(
    answers: dict[str, str], facts: CaseFacts, in_text: Sequence[str]
) -> list[Finding]:
    places: dict[str, str | None] = {}  # diarienummer -> the first question it is in
    for key, answer in answers.items():
        for number in case_numbers_in(answer):
            places.setdefault(number, key)
    for number in in_text:
        places.setdefault(number, None)
    if facts.case_number:
        return [
            finding(
                "case_number_mismatch",
                Severity.ERROR,
                places[n],
                message("case_number_against_case", found=n, case_number=facts.case_number),
                n,
            )
            for n in places
            if n != facts.case_number
        ]
    if len(places) > 1:
        numbers = ", ".join(places)
        return [
            finding(
                "case_number_mismatch",
                Severity.ERROR,
                None,
                message("case_numbers_differ", numbers=numbers),
                numbers,
            )
        ]
    return []


def _spelling(answers: dict[str, str], checker: SpellChecker) -> list[Finding]:
    findings = []
    for key, answer in answers.items():
        seen: set[str] = set()
        for unknown in checker.unknown_words(answer):
            if unknown.word in seen:
                continue
            seen.add(unknown.word)
            text = (
                message("spelling_suggestion", word=unknown.word, suggestion=unknown.suggestion)
                if unknown.suggestion
                else message("spelling_check", word=unknown.word)
            )
            findings.append(finding("spelling", Severity.INFO, key, text, unknown.word))
    return findings


def _other_text(
    template: Template,
    answers: dict[str, str],
    facts: CaseFacts,
    text: str,
    checker: SpellChecker,
    read: BudgetReader,
) -> list[Finding]:
    if not text.strip():
        return []
    found = _spelling({"": text}, checker)
    if not any(answers.get(key, "").strip() for key in _budget_keys(template)):
        missing = ("budget_granted_missing", "budget_spent_missing")
        found += [f for f in budget_answer_findings("", text, facts, read) if f.code not in missing]
    return [f.model_copy(update={"question": None}) for f in found]


def run_checks(
    template: Template,
    answers: dict[str, str],
    facts: CaseFacts,
    case_numbers_in_text: Sequence[str] = (),
    spell_checker: Callable[[], SpellChecker] = default_checker,
    other_text: Sequence[str] = (),
    read: BudgetReader = read_budget,
) -> list[Finding]:
    """Every rule-based finding for the answers, errors first, then in question order.

    `other_text` is text of the document that belongs to no question (an imported
    tjänsteskrivelse, say): it is spell-checked, and when the budget question has no
    answer its amounts are checked as the budget answer's would be. An answer in another
    language gets one `not_swedish` finding instead of a spelling finding per word.
    `read` reads the budget answer: the rules alone, or with the language model beside
    them (llm_budget.TwoReaders), whose disagreements make a figure "oklart".
    """
    checker = spell_checker()
    foreign = language_findings(template, answers)
    foreign_keys = {f.question for f in foreign}
    in_swedish = {k: v for k, v in answers.items() if k not in foreign_keys}
    reading = budget_reading(template, answers, facts, other_text, read)
    findings = [
        *_missing_answers(template, answers),
        *signature_findings(template, answers),
        *implausible_amounts(answers),
        *_budget(template, answers, facts, read),
        *cancelled_findings(template, answers, reading, facts),
        *date_findings(template, answers, facts),
        *repeated_answers(template, answers, facts),
        *foreign,
        *_case_numbers(answers, facts, case_numbers_in_text),
        *_spelling(in_swedish, checker),
        *_other_text(template, answers, facts, "\n\n".join(other_text), checker, read),
    ]
    order = {q.key: i for i, q in enumerate(template.questions)}
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(
        findings, key=lambda f: (rank[f.severity], order.get(f.question or "", len(order)))
    )

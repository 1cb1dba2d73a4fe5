"""An answer copied word for word from the nämnd's previous report: a finding, so the official
describes this period (or says why nothing changed), whether they typed it or chose
"Utgå från det"."""

from __future__ import annotations

from bot.mall.template import QuestionKind, Template
from bot.review.budget_checks import finding
from bot.review.check_texts import message
from bot.review.findings import CaseFacts, Finding, Severity

# Answers in words, where last period's account cannot be this period's; a nämnd's or a
# project's name is expected to stay the same.
COMPARED_KINDS = (QuestionKind.TEXT, QuestionKind.BUDGET)
# Shorter answers ("Se bilaga.", "Inga.") are alike by chance, not copied.
MIN_CHARS = 30


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def repeated_answers(
    template: Template, answers: dict[str, str], facts: CaseFacts
) -> list[Finding]:
    if not facts.previous_answers or facts.previous_case_number is None:
        return []
    found = []
    for question in template.questions:
        answer = answers.get(question.key, "")
        before = facts.previous_answers.get(question.key, "")
        if question.kind not in COMPARED_KINDS or len(answer.strip()) < MIN_CHARS:
            continue
        if _words(answer) == _words(before):
            text = message("same_as_last_time", case_number=facts.previous_case_number)
            evidence = " ".join(answer.split())[:80]
            found.append(
                finding("same_as_last_time", Severity.WARNING, question.key, text, evidence)
            )
    return found

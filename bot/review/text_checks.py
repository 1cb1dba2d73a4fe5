"""Checks of what the answers say: the signature, language, cancelled activities (the
dates are checked in date_checks.py)."""

from __future__ import annotations

__all__ = ["date_findings", "report_span"]

import re

from bot.mall.template import QuestionKind, Template
from bot.review.budget import BudgetReading, Confidence
from bot.review.budget_checks import UNDERSPENT_SHARE, finding, granted_figure, used_figure
from bot.review.check_texts import message, review_words, word_pattern
from bot.review.date_checks import date_findings, report_span
from bot.review.explanations import explanation
from bot.review.findings import CaseFacts, Finding, Severity
from bot.review.names import NAME_WORD, UPPER

_NAME_WORD = NAME_WORD  # any Latin script: Lejla Hodžić, Ayşe Şahin, Łucja Wójcik
_INITIAL = rf"[{re.escape(UPPER)}]\."
_PARTICLE = r"(?:af|av|de|del|da|di|dos|van|von|der|den|la|le|bin|ibn|el|al)"
_PERSON_NAME = re.compile(
    rf"(?:{_NAME_WORD}|{_INITIAL})(?:\s+(?:{_PARTICLE}\s+)?(?:{_NAME_WORD}|{_INITIAL})){{1,3}}"
)
_PARTS = re.compile(r"[,;\n]|\s[-–]\s")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")

MIN_WORDS_FOR_LANGUAGE = 8
SWEDISH_SHARE = 0.12  # Swedish text has 30-45 % of its words among the most common ones


def _is_title(word: str) -> bool:
    lowered = word.lower()
    words = review_words()
    return lowered in words.title_words or any(
        lowered.endswith(ending) for ending in words.title_endings
    )


def names_a_person(part: str) -> bool:
    """Whether a piece of a signature holds a name: capitalised words beyond any title."""
    words = [w.title() if w.isalpha() and w.isupper() and len(w) > 1 else w for w in part.split()]
    kept = [w for w in words if not _is_title(w.strip(".:"))]
    return _PERSON_NAME.fullmatch(" ".join(kept)) is not None if len(kept) >= 2 else False


def looks_like_name(text: str) -> bool:
    """Whether the signature names a person ("Anna Svensson, förvaltningschef" does;
    "Förvaltningschef Miljöförvaltningen" does not)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return False
    return any(names_a_person(p.strip()) for p in _PARTS.split(lines[0]) if p.strip())


def signature_findings(template: Template, answers: dict[str, str]) -> list[Finding]:
    findings = []
    for q in template.questions:
        if q.kind is not QuestionKind.SIGNATURE:
            continue
        answer = answers.get(q.key, "").strip()
        if looks_like_name(answer):
            continue
        first_line = answer.splitlines()[0].strip() if answer else ""
        titles_only = (
            bool(first_line)
            and all(_is_title(w) for w in _WORDS.findall(first_line))
            and any(w[0].isupper() for w in _WORDS.findall(first_line))
        )
        if not answer:
            text = message("signature_empty")
        elif titles_only:
            text = message("signature_title_only", written=first_line)
        else:
            text = message("signature_not_a_name")
        findings.append(finding("signature_missing", Severity.ERROR, q.key, text, first_line))
    return findings


def not_swedish(answer: str) -> bool:
    """Whether an answer is mostly in another language than Swedish."""
    words = [w.lower() for w in _WORDS.findall(answer)]
    if len(words) < MIN_WORDS_FOR_LANGUAGE:
        return False
    swedish, foreign = set(review_words().swedish_common), set(review_words().foreign_common)
    latin = sum(1 for w in words if re.fullmatch(r"[a-zåäöéüæøàèáóíú-]+", w))
    if latin < len(words) / 2:
        return True  # another script altogether
    in_swedish = sum(1 for w in words if w in swedish)
    in_foreign = sum(1 for w in words if w in foreign - swedish)
    return in_swedish / len(words) < SWEDISH_SHARE or in_foreign > in_swedish


def language_findings(template: Template, answers: dict[str, str]) -> list[Finding]:
    return [
        finding(
            "not_swedish",
            Severity.ERROR,
            q.key,
            message("not_swedish"),
            " ".join(answers[q.key].split()[:8]),
        )
        for q in template.questions
        if q.kind.collects_several_messages and not_swedish(answers.get(q.key, ""))
    ]


def _cancellations(answer: str) -> list[tuple[int, str]]:
    """(position, words) of each activity said not to have happened: a verb of cancelling,
    postponing or never happening in its clause, not negated ("Ingen aktivitet ställdes
    in") and not "inställd på att" (prepared for)."""
    negation = word_pattern("negations")
    prepared = word_pattern("prepared_for")
    found = []
    for match in word_pattern("cancelled").finditer(answer):
        sentence_start = max(
            answer.rfind(".", 0, match.start()), answer.rfind("\n", 0, match.start())
        )
        if negation.search(answer, sentence_start + 1, match.start()):
            continue
        if prepared.match(answer, match.start()):
            continue
        found.append((match.start(), match.group()))
    return found


def _explained(
    answers: dict[str, str], key: str, position: int, budget_key: str | None
) -> str | None:
    """What the report says became of the activity's money: in the cancellation's sentence
    or the next, else in a sentence of the budget answer about the money."""
    said = explanation(answers[key], "money_explained", near=(position, position))
    if said is None and budget_key is not None and budget_key != key:
        said = explanation(answers.get(budget_key, ""), "money_explained")
    return said


def cancelled_findings(
    template: Template, answers: dict[str, str], reading: BudgetReading | None, facts: CaseFacts
) -> list[Finding]:
    """Activities that did not happen: always a finding; what the report says of their
    money is quoted and makes it milder (info), never removes it."""
    said = [
        (q.key, position, words)
        for q in template.questions
        for position, words in _cancellations(answers.get(q.key, ""))
    ]
    if not said:
        return []
    budget_key = next((q.key for q in template.questions if q.kind is QuestionKind.BUDGET), None)
    used = used_figure(reading, facts) if reading else None
    if used is not None and used.confidence is Confidence.LOW:
        used = None
    granted = granted_figure(reading, facts) if reading else None
    granted_kr = granted.value if granted else facts.granted_kr
    fully_used = bool(used and granted_kr and used.value >= UNDERSPENT_SHARE * granted_kr)
    key, position, written = said[0]
    explained = next((e for k, p, _ in said if (e := _explained(answers, k, p, budget_key))), None)
    if explained:
        text = message("cancelled_explained", written=written, explanation=explained)
        severity = Severity.INFO
    elif fully_used:
        text, severity = message("cancelled_fully_used", written=written), Severity.WARNING
    else:
        text, severity = message("cancelled_unexplained", written=written), Severity.WARNING
    return [finding("cancelled_activities", severity, budget_key or key, text, written)]

"""The deterministic review: rules that need no language model.

Every finding tells the official, in Swedish, what to do about it. The budget rules read
the budget answer; unit errors (`200 000 tkr`) are looked for in every answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.mall.amounts import Amount, Role, find_amounts, format_kronor
from bot.mall.case_numbers import case_numbers_in
from bot.mall.template import QuestionKind, Template
from bot.review.findings import CaseFacts, Finding, Severity
from bot.review.spelling import SpellChecker, default_checker

PLAUSIBLE_MIN_KR = 1_000
PLAUSIBLE_MAX_KR = 10_000_000
UNDERSPENT_SHARE = 0.9

_NAME_WORD = r"[A-ZÅÄÖÉ][a-zåäöéüø]+(?:-[A-ZÅÄÖÉ][a-zåäöéüø]+)?"
_PARTICLE = r"(?:af|av|de|del|van|von|der|la|le|bin|el)"
_PERSON_NAME = re.compile(rf"{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{1,3}}")


def looks_like_name(text: str) -> bool:
    """Whether the first line is a person's name: two to four capitalised words."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return bool(lines) and _PERSON_NAME.fullmatch(lines[0]) is not None


def _finding(
    code: str, severity: Severity, question: str | None, message: str, evidence: str = ""
) -> Finding:
    return Finding(
        code=code, severity=severity, question=question, message=message, evidence=evidence
    )


def _missing_answers(template: Template, answers: dict[str, str]) -> list[Finding]:
    # A signature has its own rule, signature_missing; one finding is enough.
    return [
        _finding(
            "missing_answer",
            Severity.ERROR,
            q.key,
            f"Frågan ”{q.text.rstrip(':')}” är inte besvarad. Skriv ett svar innan "
            "redovisningen skickas.",
        )
        for q in template.questions
        if q.required
        and q.kind is not QuestionKind.SIGNATURE
        and not answers.get(q.key, "").strip()
    ]


def _signature(template: Template, answers: dict[str, str]) -> list[Finding]:
    findings = []
    for q in template.questions:
        if q.kind is not QuestionKind.SIGNATURE:
            continue
        answer = answers.get(q.key, "").strip()
        if looks_like_name(answer):
            continue
        first_line = answer.splitlines()[0].strip() if answer else ""
        findings.append(
            _finding(
                "signature_missing",
                Severity.ERROR,
                q.key,
                "Skriv för- och efternamn på den chef som ska skriva under redovisningen"
                + (", till exempel ”Anna Andersson”." if answer else ". Fältet är tomt."),
                first_line,
            )
        )
    return findings


def _implausible(answers: dict[str, str]) -> list[Finding]:
    findings = []
    for key, answer in answers.items():
        for amount in find_amounts(answer):
            if amount.role is None or PLAUSIBLE_MIN_KR <= amount.value <= PLAUSIBLE_MAX_KR:
                continue
            findings.append(
                _finding(
                    "amount_implausible",
                    Severity.WARNING,
                    key,
                    f"”{amount.text}” blir {format_kronor(amount.value)}, vilket är orimligt "
                    "för de här medlen. Kontrollera enheten (kr, tkr eller mnkr) och beloppet.",
                    amount.text,
                )
            )
    return findings


def _largest(amounts: list[Amount], role: Role) -> Amount | None:
    """The total is usually the largest amount of a kind; the rest are its parts."""
    of_role = [
        a for a in amounts if a.role is role and PLAUSIBLE_MIN_KR <= a.value <= PLAUSIBLE_MAX_KR
    ]
    return max(of_role, key=lambda a: a.value, default=None)


def _budget(template: Template, answers: dict[str, str], facts: CaseFacts) -> list[Finding]:
    keys = [q.key for q in template.questions if q.kind is QuestionKind.BUDGET]
    findings: list[Finding] = []
    for key in keys:
        answer = answers.get(key, "")
        if answer.strip():
            findings += _budget_answer(key, answer, facts)
    return findings


def _budget_answer(key: str, answer: str, facts: CaseFacts) -> list[Finding]:
    amounts = find_amounts(answer)
    implausible = [
        a for a in amounts if a.role and not PLAUSIBLE_MIN_KR <= a.value <= PLAUSIBLE_MAX_KR
    ]
    granted_amount, used_amount = _largest(amounts, Role.GRANTED), _largest(amounts, Role.USED)
    findings: list[Finding] = []
    known_grant = (
        f" Enligt ärendet beviljades {format_kronor(facts.granted_amount_kr)}."
        if (facts.granted_amount_kr)
        else ""
    )

    if not any(a.role is Role.GRANTED for a in amounts):
        findings.append(
            _finding(
                "budget_granted_missing",
                Severity.WARNING,
                key,
                "Skriv hur mycket pengar som beviljades, i kronor, till exempel ”Nämnden "
                f"beviljades 200 000 kr”.{known_grant}",
            )
        )
    elif (
        granted_amount
        and facts.granted_amount_kr
        and granted_amount.value != facts.granted_amount_kr
    ):
        findings.append(
            _finding(
                "budget_granted_mismatch",
                Severity.ERROR,
                key,
                f"Svaret säger att {format_kronor(granted_amount.value)} beviljades, men i ärendet "
                f"är det beviljade beloppet {format_kronor(facts.granted_amount_kr)}. Rätta "
                "beloppet eller kontakta samordnaren.",
                granted_amount.text,
            )
        )
    if not any(a.role is Role.USED for a in amounts):
        findings.append(
            _finding(
                "budget_spent_missing",
                Severity.WARNING,
                key,
                "Skriv hur mycket av medlen som har använts, i kronor, till exempel ”Vi har "
                "använt 194 000 kr”, och till vad.",
            )
        )
    if implausible or used_amount is None:
        return findings

    granted = granted_amount.value if granted_amount else facts.granted_amount_kr
    if not granted:
        return findings
    used = used_amount.value
    if used > granted:
        findings.append(
            _finding(
                "budget_overspent",
                Severity.ERROR,
                key,
                f"Enligt svaret har {format_kronor(used)} använts, men bara "
                f"{format_kronor(granted)} beviljades ({format_kronor(used - granted)} för mycket). "
                "Kontrollera beloppen och förklara hur mellanskillnaden har betalats.",
                used_amount.text,
            )
        )
    elif used < UNDERSPENT_SHARE * granted:
        share = round(100 * used / granted)
        findings.append(
            _finding(
                "budget_underspent",
                Severity.WARNING,
                key,
                f"Av beviljade {format_kronor(granted)} har {format_kronor(used)} använts "
                f"({share} %). Redovisa vad som händer med resterande "
                f"{format_kronor(granted - used)}: om de betalas tillbaka, används senare eller "
                "varför de inte behövdes.",
                used_amount.text,
            )
        )
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
        wrong = [n for n in places if n != facts.case_number]
        return [
            _finding(
                "case_number_mismatch",
                Severity.ERROR,
                places[n],
                f"Diarienumret {n} stämmer inte med ärendets diarienummer "
                f"{facts.case_number}. Rätta det så att redovisningen hamnar i rätt ärende.",
                n,
            )
            for n in wrong
        ]
    if len(places) > 1:
        numbers = ", ".join(places)
        return [
            _finding(
                "case_number_mismatch",
                Severity.ERROR,
                None,
                f"Dokumentet anger olika diarienummer ({numbers}). Kontrollera vilket som är "
                "rätt och använd samma överallt.",
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
            advice = (
                f"Menar du ”{unknown.suggestion}”?"
                if unknown.suggestion
                else "Kontrollera stavningen."
            )
            findings.append(
                _finding(
                    "spelling",
                    Severity.INFO,
                    key,
                    f"Ordet ”{unknown.word}” finns inte i ordlistan. {advice}",
                    unknown.word,
                )
            )
    return findings


def _other_text(
    template: Template, answers: dict[str, str], facts: CaseFacts, text: str, checker: SpellChecker
) -> list[Finding]:
    if not text.strip():
        return []
    found = _spelling({"": text}, checker)
    budget_keys = [q.key for q in template.questions if q.kind is QuestionKind.BUDGET]
    if not any(answers.get(key, "").strip() for key in budget_keys):
        missing = ("budget_granted_missing", "budget_spent_missing")
        found += [f for f in _budget_answer("", text, facts) if f.code not in missing]
    return [f.model_copy(update={"question": None}) for f in found]


def run_checks(
    template: Template,
    answers: dict[str, str],
    facts: CaseFacts,
    case_numbers_in_text: Sequence[str] = (),
    spell_checker: Callable[[], SpellChecker] = default_checker,
    other_text: Sequence[str] = (),
) -> list[Finding]:
    """Every rule-based finding for the answers, errors first, then in question order.

    `other_text` is text of the document that belongs to no question (an imported
    tjänsteskrivelse, say): it is spell-checked, and when the budget question has no
    answer its amounts are checked as the budget answer's would be.
    """
    checker = spell_checker()
    findings = [
        *_missing_answers(template, answers),
        *_signature(template, answers),
        *_implausible(answers),
        *_budget(template, answers, facts),
        *_case_numbers(answers, facts, case_numbers_in_text),
        *_spelling(answers, checker),
        *_other_text(template, answers, facts, "\n\n".join(other_text), checker),
    ]
    order = {q.key: i for i, q in enumerate(template.questions)}
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(
        findings, key=lambda f: (rank[f.severity], order.get(f.question or "", len(order)))
    )

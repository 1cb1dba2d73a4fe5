"""What keeps the language model a careful second reader.

- The model is given the facts of the ärende beside the answers (`model_facts`).
- A finding of its is shown only when its quoted evidence is in the answers
  (`evidence_in_answers`, whitespace, case and quotation marks aside), and never above
  "varning" (`capped`).
- A phrasing suggestion that adds, drops or changes an amount, a date, a number, a name or
  a placeholder is not offered as it stands: `fact_changes` lists exactly what changed.
  The reviewer drops such a suggestion by default; a chat that shows the changes and asks
  for a second confirmation may ask for it marked instead (`allow_changes=True`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from bot.mall.amounts import find_amounts, format_kronor, sentence_bounds
from bot.mall.dates import find_dates, format_swedish_date
from bot.mall.template import Template
from bot.review.findings import CaseFacts, Finding, Severity
from bot.review.masking import PLACEHOLDER_PATTERN
from bot.review.text_checks import report_span

HIGHEST_SEVERITY = Severity.WARNING
_QUOTES = str.maketrans({"”": '"', "“": '"', "„": '"', "’": "'", "‘": "'", "«": '"', "»": '"'})
_PIECES = re.compile(r"\s+/\s+|…|\.\.\.|\s\|\s|\s[-–]{2}\s")
_NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f.]\d{3})*(?:,\d+)?")
_CAPITALISED = re.compile(r"(?<![\wåäöÅÄÖ])[A-ZÅÄÖÉ][\wåäöéü-]+")
_ACRONYM_EXPANDED = re.compile(
    r"((?:[A-ZÅÄÖ][\wåäö-]*\s+(?:och\s+|för\s+|i\s+)?){1,6})\(([A-ZÅÄÖ]{2,})\)"
)
NUMBER_WORDS = {
    "två": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
    "sju": 7,
    "åtta": 8,
    "nio": 9,
    "tio": 10,
    "elva": 11,
    "tolv": 12,
    "tjugo": 20,
    "trettio": 30,
    "hundra": 100,
}
_NUMBER_WORD = re.compile(rf"(?<![\wåäö])({'|'.join(NUMBER_WORDS)})(?![\wåäö])", re.IGNORECASE)


def model_facts(
    template: Template, facts: CaseFacts, perspectives: Sequence[str] | None = None
) -> dict[str, object]:
    """The facts of the ärende as the model is given them; null where unknown."""
    span = report_span(template, facts)
    granted = facts.granted_kr
    source = (
        "bekräftat av tjänstepersonen"
        if facts.confirmed_granted_kr is not None
        else "registrerat av samordnaren"
        if facts.granted_amount_kr is not None
        else None
    )
    return {
        "decided_by": facts.decided_by or template.decided_by,
        "decision_date": format_swedish_date(span[0]) if span else None,
        "case_number": facts.case_number,
        "granted_amount": format_kronor(granted) if granted else None,
        "granted_amount_source": source,
        "used_amount_confirmed": (
            format_kronor(facts.confirmed_used_kr) if facts.confirmed_used_kr is not None else None
        ),
        "report_period": (
            {"from": format_swedish_date(span[0]), "to": format_swedish_date(span[1])}
            if span
            else None
        ),
        "perspectives": list(perspectives) if perspectives is not None else None,
    }


def _normal(text: str) -> str:
    text = text.translate(_QUOTES).casefold()
    return " ".join(text.replace("*", " ").split())


def evidence_in_answers(evidence: str, answers: dict[str, str]) -> bool:
    """Whether every quoted piece of the evidence is in one of the answers."""
    haystack = [_normal(a) for a in answers.values()]
    pieces = [_normal(p).strip(" \"'.,;:") for p in _PIECES.split(evidence)]
    pieces = [p for p in pieces if p]
    return bool(pieces) and all(any(p in answer for answer in haystack) for p in pieces)


def capped(finding: Finding) -> Finding:
    """A model's finding is at most a warning: it may be wrong."""
    if finding.severity is Severity.ERROR:
        return finding.model_copy(update={"severity": HIGHEST_SEVERITY})
    return finding


class FactChange(BaseModel):
    """One fact a suggestion added or dropped, as written."""

    model_config = ConfigDict(frozen=True)

    kind: str  # amount, date, number, name, placeholder
    dropped: tuple[str, ...]  # in the answer, not in the suggestion
    added: tuple[str, ...]  # in the suggestion, not in the answer


def _amounts(text: str) -> Counter[str]:
    return Counter(format_kronor(a.value) for a in find_amounts(text))


def _dates(text: str) -> Counter[str]:
    def shown(start: date, end: date) -> str:
        return format_swedish_date(start) if start == end else f"{start}–{end}"

    return Counter(shown(d.start, d.end) for d in find_dates(text))


def _numbers(text: str) -> Counter[str]:
    found = Counter(re.sub(r"[ \u00a0\u202f.]", "", n) for n in _NUMBER.findall(text))
    found.update(str(NUMBER_WORDS[w.lower()]) for w in _NUMBER_WORD.findall(text))
    return found


def _names(text: str, other: str) -> set[str]:
    """Capitalised words that do not start a sentence; an acronym's expansion is no name."""
    expanded = {
        word
        for match in _ACRONYM_EXPANDED.finditer(text)
        if match.group(2) in other
        for word in _CAPITALISED.findall(match.group(1))
    }
    starts = {start for start, _ in sentence_bounds(text)}
    names = set()
    for match in _CAPITALISED.finditer(text):
        before = text[: match.start()].rstrip(" \"'(”*-•")
        if match.start() in starts or not before or before[-1] in ".!?:\n":
            continue
        if match.group() not in expanded:
            names.add(match.group())
    return names


def fact_changes(original: str, suggestion: str) -> list[FactChange]:
    """Every amount, date, number, name and placeholder the suggestion added or dropped."""
    changes = []
    for kind, read in (
        ("amount", _amounts),
        ("date", _dates),
        ("number", _numbers),
        ("placeholder", lambda t: Counter(PLACEHOLDER_PATTERN.findall(t))),
    ):
        before, after = read(original), read(suggestion)
        dropped, added = before - after, after - before
        if dropped or added:
            changes.append(
                FactChange(
                    kind=kind,
                    dropped=tuple(_shown(k) for k in sorted(dropped.elements(), key=str)),
                    added=tuple(_shown(k) for k in sorted(added.elements(), key=str)),
                )
            )
    lowered_original, lowered_suggestion = original.casefold(), suggestion.casefold()
    dropped_names = sorted(
        n for n in _names(original, suggestion) if n.casefold() not in lowered_suggestion
    )
    added_names = sorted(
        n for n in _names(suggestion, original) if n.casefold() not in lowered_original
    )
    if dropped_names or added_names:
        changes.append(
            FactChange(kind="name", dropped=tuple(dropped_names), added=tuple(added_names))
        )
    return changes


def _shown(key: object) -> str:
    if isinstance(key, tuple):
        return f"[{key[0]}_{key[1]}]"
    return str(key)

"""Does a drafted Sammanfattning or Ärendet name only what is stored?

A language model's draft is offered to the official only when every amount, date, name
and perspective in it is in the ärende's stored facts: an amount in the answers or the
confirmed figures, a date in the answers or the facts (a year or a month that holds one
counts), a capitalised word inside a sentence that the answers or facts use, a perspective
that the rule draft names. Anything else is invented, and the draft is not offered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.documents.tjansteskrivelse import (
    TjansteskrivelseFacts,
    budget_figures,
    build_tjansteskrivelse,
    named_perspectives,
)
from bot.documents.tjansteskrivelse_rules import rules, word_pattern
from bot.mall.amounts import find_amounts, format_kronor
from bot.mall.dates import DatePeriod, Precision, find_dates
from bot.review.perspectives import Perspective

_CAPITALISED = re.compile(r"(?<![\w-])[A-ZÅÄÖÉÜ][\w-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*|[”\"(–-]\s*)$")
_PLACEHOLDER = re.compile(r"\[[A-Z]+_\d+\]")


def _known_text(facts: TjansteskrivelseFacts) -> str:
    """Everything stored that a draft may repeat, and the rule draft built from it."""
    granted, used = budget_figures(facts)
    parts = [
        *facts.answers.values(),
        facts.case_number,
        facts.committee or "",
        facts.committee_case_number or "",
        facts.template.decided_by,
        facts.template.decision_date,
        facts.author_name or "",
        facts.author_title or "",
        facts.author_email or "",
        *facts.recipients,
        *facts.responsible,
        *(d.isoformat() for d in (facts.decision_date, facts.report_date, facts.today) if d),
        *(format_kronor(x) for x in (granted, used) if x is not None),
        build_tjansteskrivelse(facts).text(),
    ]
    return "\n".join(parts)


def _amounts(draft: str, known: str) -> list[str]:
    stored = {a.value for a in find_amounts(known)}
    return [format_kronor(a.value) for a in find_amounts(draft) if a.value not in stored]


def _date_known(found: DatePeriod, known: Iterable[DatePeriod]) -> bool:
    for period in known:
        if (period.start, period.end) == (found.start, found.end):
            return True
        coarser = found.precision is not Precision.DAY
        if coarser and found.start <= period.start and period.end <= found.end:
            return True
    return False


def _dates(draft: str, known: str) -> list[str]:
    stored = find_dates(known)
    return [p.text for p in find_dates(draft) if not _date_known(p, stored)]


def _names(draft: str, known: str) -> list[str]:
    """Capitalised words inside a sentence (names of people, places, bodies) not stored."""
    words = set(re.findall(r"[\w-]+", known))
    lowered = {w.lower() for w in words}
    invented = []
    for match in _CAPITALISED.finditer(draft):
        word = match.group(0)
        if word in words or _SENTENCE_START.search(draft[: match.start()]):
            continue
        if word.isupper() and word.lower() in lowered:
            continue
        invented.append(word)
    return invented


def _perspectives(draft: str, facts: TjansteskrivelseFacts) -> list[str]:
    r = rules()
    for phrase in (*r.draft_check.fixed_phrases, facts.template.decided_by):
        draft = re.sub(re.escape(phrase), " ", draft, flags=re.IGNORECASE)
    allowed = set(named_perspectives(facts))
    return [
        name
        for name, words in r.perspective_words.items()
        if Perspective(name) not in allowed and word_pattern(words).search(draft)
    ]


def invented_facts(facts: TjansteskrivelseFacts, draft: str) -> dict[str, list[str]]:
    """What the draft names that is not stored, by kind ("belopp", "datum", "namn",
    "perspektiv"); empty when everything in it is known."""
    draft = _PLACEHOLDER.sub(" ", draft)
    known = _known_text(facts)
    found = {
        "belopp": _amounts(draft, known),
        "datum": _dates(draft, known),
        "namn": _names(draft, known),
        "perspektiv": _perspectives(draft, facts),
    }
    return {kind: items for kind, items in found.items() if items}

"""Reading the ärende's facts out of what the official writes (issue 20).

"Kopian ska gå till asa.pahlmblad@malmo.se, inte Anders. Resten stämmer." gives the copy
recipient; "sista svarsdag är 28 februari 2020" the last reply date; "svaret skickas till
registrera.stk@malmo.se", "beslutsdatum 11 mars 2019", "beslutet fattades av
Kommunstyrelsens arbetsutskott", "beviljat belopp 500 000 kr", "nämnden är
Kulturnämnden", "redovisningsperioden är 2019". Nothing here stores anything: the chat
reads the changes back for a yes first (bot/engine/fact_chat.py).

In the middle of a conversation (`whole_message=True`) a message counts only when every
sentence of it is a fact or a word such as "resten stämmer" or "tack", and it is short:
a report's answer that mentions a date or a recipient stays an answer. After /uppgifter
(`whole_message=False`) the sentences that name a fact are read, in shorter forms too
("mottagare a@b.se", "nämnd Kulturnämnden", "beviljat 500 000").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.mall.amounts import find_amounts
from bot.mall.dates import Precision, find_dates

MAX_FACT_MESSAGE = 400
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")
_NEGATED = re.compile(r"\b(inte|ej|ingen|inga|utan|istället för|i stället för)\s*$", re.I)
_COPY = re.compile(r"\b(kopi(a|an|or|orna)|cc)\b", re.I)
_NO_COPY = re.compile(r"\bingen kopia\b|\bkopia behövs inte\b|\binga kopior\b", re.I)
_RECIPIENT = re.compile(
    r"\b(mottagare(n)?|skickas till|skicka(s)? (det|svaret|rapporten) till|ska (gå|skickas) till"
    r"|svaret? (ska )?(gå|skickas)|registrator(n)?)\b",
    re.I,
)
_LAST_REPLY = re.compile(
    r"\b(sista svars(dag|datum|dagen|datumet)|sista (dag|datum)(en|et)? för (svar|nämndens svar)"
    r"|svara senast|svaret senast|senast (den )?svar|deadline(n)?)\b",
    re.I,
)
_DECISION_DATE = re.compile(
    r"\b(beslutsdatum(et)?|beslutet (fattades|togs|är från|kom)|beslutades|beviljades den"
    r"|sammanträdet)\b",
    re.I,
)
_DECIDED_BY = re.compile(
    r"\b(?:beslutet (?:fattades|togs) av|beslutades av|beviljades av|beslutsorgan(?:et)?"
    r"(?: är|:)?|beslutande organ(?: är|:)?)\s+(?P<body>.+)$",
    re.I,
)
_GRANTED = re.compile(
    r"\b(beviljat belopp(et)?|beviljade belopp(et)?|beviljade medel|bidraget (är|var))\b", re.I
)
_GRANTED_SHORT = re.compile(r"^\s*beviljat?\b", re.I)
_COMMITTEE = re.compile(r"^\s*(?:nämnden|nämnd)(?:\s+är|\s*:)\s*(?P<name>.+)$", re.I)
_COMMITTEE_SHORT = re.compile(r"^\s*(?:nämnden|nämnd)\s+(?P<name>\S.+)$", re.I)
_PERIOD = re.compile(
    r"\b(?:redovisnings|rapport)period(?:en)?(?:\s+är|\s*:)?\s*(?P<period>.+)$", re.I
)
_DATE_TAIL = re.compile(r"\s+(den|på sammanträdet|vid sammanträdet)\b.*$", re.I)
_FILLER = re.compile(
    r"^(resten|övrigt|allt annat|det andra|annars|i övrigt|allt)\b.*\b(stämmer|rätt|bra)\b"
    r"|^(tack|ok|okej|bra|ja|toppen)\b",
    re.I,
)


@dataclass(frozen=True)
class FactChange:
    """A value the official gave for one fact, in its stored (JSON) form."""

    name: str
    value: Any


@dataclass(frozen=True)
class FactReading:
    changes: tuple[FactChange, ...]
    unreadable: tuple[str, ...] = ()  # sentences naming a fact whose value could not be read


def _addresses(part: str) -> list[str]:
    """The addresses in `part`, except those said not to be ("inte anders@…")."""
    kept = []
    for match in EMAIL.finditer(part):
        if not _NEGATED.search(part[: match.start()][-20:]):
            kept.append(match.group().rstrip("."))
    return list(dict.fromkeys(kept))


def _one_day(sentence: str) -> str | None:
    days = [d for d in find_dates(sentence) if d.precision is Precision.DAY]
    return days[0].start.isoformat() if len(days) == 1 else None


def _clean_name(text: str) -> str:
    return " ".join(_DATE_TAIL.sub("", text).split()).strip(" .,;:”\"'")


def _recipients(sentence: str, changes: dict[str, Any]) -> bool:
    copy = _COPY.search(sentence)
    if _NO_COPY.search(sentence):
        changes["copy_to"] = []
        return True
    before = sentence[: copy.start()] if copy else sentence
    after = sentence[copy.start() :] if copy else ""
    found = False
    if copy and (cc := _addresses(after)):
        changes["copy_to"] = cc
        found = True
    if (_RECIPIENT.search(before) or (copy is None and _RECIPIENT.search(sentence))) and (
        to := _addresses(before)
    ):
        changes["recipient"] = to[0]
        if len(to) > 1 and "copy_to" not in changes:
            changes["copy_to"] = to[1:]
        found = True
    return found


def _sentence(sentence: str, whole_message: bool, changes: dict[str, Any]) -> bool | None:
    """Read one sentence into `changes`: True when it gave a fact, None when it names a
    fact whose value cannot be read, False when it names none."""
    named = False
    if (EMAIL.search(sentence) or _NO_COPY.search(sentence)) and _recipients(sentence, changes):
        return True
    if _LAST_REPLY.search(sentence):
        named = True
        if day := _one_day(sentence):
            changes["last_reply_date"] = day
            return True
    if (by := _DECIDED_BY.search(sentence)) and (body := _clean_name(by.group("body"))):
        changes["decided_by"] = body
        if day := _one_day(sentence):
            changes["decision_date"] = day
        return True
    if _DECISION_DATE.search(sentence):
        named = True
        if day := _one_day(sentence):
            changes["decision_date"] = day
            return True
    if _GRANTED.search(sentence) or (not whole_message and _GRANTED_SHORT.search(sentence)):
        named = True
        amounts = [a.value for a in find_amounts(sentence, bare_numbers=True) if a.value > 0]
        if len(amounts) == 1:
            changes["granted_amount_kr"] = amounts[0]
            return True
    committee = _COMMITTEE.match(sentence) or (
        None if whole_message else _COMMITTEE_SHORT.match(sentence)
    )
    if committee and (name := _clean_name(committee.group("name"))):
        changes["committee"] = name
        return True
    if (period := _PERIOD.search(sentence)) and (text := _clean_name(period.group("period"))):
        changes["report_period"] = text
        return True
    return None if named else False


def read_fact_words(text: str, *, whole_message: bool = True) -> FactReading | None:
    """The facts the text gives; None when it gives none (or, with `whole_message`, when
    it is more than facts and a word of agreement: then it is something else, an answer)."""
    if whole_message and len(text) > MAX_FACT_MESSAGE:
        return None
    changes: dict[str, Any] = {}
    unreadable: list[str] = []
    for raw in _SENTENCES.split(text):
        sentence = raw.strip()
        if not sentence:
            continue
        outcome = _sentence(sentence, whole_message, changes)
        if outcome is None:
            unreadable.append(sentence)
        elif outcome is False and whole_message and not _FILLER.search(sentence):
            return None
    if not changes and not unreadable:
        return None
    return FactReading(
        tuple(FactChange(name, value) for name, value in changes.items()), tuple(unreadable)
    )

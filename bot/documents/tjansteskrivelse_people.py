"""Who the tjänsteskrivelse names, and which perspectives it says the work concerned.

"Vår referens" is a person (name, title, e-mail): the official's profile when it holds a
full name, else the signature block of the report; never a login name such as "anna".
"Ansvariga" are the persons the official gave, else the signer of the report with the
title, as seed 003 writes them ("Lena Lundin, avdelningschef kansli- och utveckling").
The perspectives are the registered ones (what the grant was for), else the ones the
report is about: named in the work's name, or mentioned often in the answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.documents.text_markup import clean_line
from bot.mall.template import QuestionKind, Template
from bot.review.perspectives import THIN_BELOW, Perspective, coverage

NAME_KEY = "namn"  # the question "Utvecklingsarbetets namn" in both mallar
SHARE_OF_MOST = 0.25  # a perspective mentioned less than this share of the most mentioned
_PARTICLES = {"af", "av", "von", "van", "de", "del", "da", "di", "la", "le", "bin", "el"}
_NAME_WORD = re.compile(r"^[A-ZÅÄÖÉÜ][a-zåäöéüèáíóúøæ'’]+(?:-[A-ZÅÄÖÉÜ][a-zåäöéüèáíóúøæ'’]+)*$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def is_person_name(text: str | None) -> bool:
    """A first name and a surname, each capitalised ("Saida Sokolovic", "Anna af Ekström");
    not a login ("anna"), a single first name, a title or an address."""
    parts = (text or "").split()
    if len(parts) < 2 or len(parts) > 5:
        return False
    named = [p for p in parts if p.lower() not in _PARTICLES]
    return len(named) >= 2 and all(_NAME_WORD.match(p) for p in named)


@dataclass(frozen=True)
class Person:
    name: str
    title: str | None = None
    email: str | None = None


def signature_person(template: Template, answers: Mapping[str, str]) -> Person | None:
    """The signer as the report's signature block gives them: the name (first line, or
    before a comma), the title (the next line that is no address), an e-mail if given."""
    keys = [q.key for q in template.questions if q.kind is QuestionKind.SIGNATURE]
    text = answers.get(keys[0], "") if keys else ""
    lines = [clean_line(x) for x in text.splitlines()]
    lines = [x for x in lines if x]
    if not lines:
        return None
    email = next((m.group(0) for x in lines if (m := _EMAIL.search(x))), None)
    first, _, rest = lines[0].partition(",")
    others = [x for x in ([rest.strip()] if rest.strip() else []) + lines[1:] if x]
    others = [x for x in others if not _EMAIL.search(x) and not re.search(r"\d{3}", x)]
    if not is_person_name(first.strip()):
        return None
    return Person(first.strip(), others[0] if others else None, email)


def the_official(
    template: Template,
    answers: Mapping[str, str],
    name: str | None,
    title: str | None,
    email: str | None,
) -> Person | None:
    """Who "Vår referens" names: the author when their name is a person's, else the signer."""
    if name and is_person_name(clean_line(name)):
        return Person(clean_line(name), clean_line(title or "") or None, email)
    return signature_person(template, answers)


def _title_in_sentence(title: str) -> str:
    """ "Enhetschef Social hållbarhet" -> "enhetschef Social hållbarhet" (a title inside a
    line is written in lower case, as seed 003 does; an abbreviation stays)."""
    first = title.split()[0]
    if len(first) > 1 and first[1:].islower():
        return title[0].lower() + title[1:]
    return title


def responsible_lines(
    given: Sequence[str], template: Template, answers: Mapping[str, str]
) -> list[str]:
    """The responsible persons as given, else the signer "Namn, befattning"."""
    lines = [clean_line(x) for x in given if clean_line(x)]
    if lines:
        return lines
    signer = signature_person(template, answers)
    if signer is None:
        return []
    if signer.title:
        return [f"{signer.name}, {_title_in_sentence(signer.title)}"]
    return [signer.name]


def concerned_perspectives(
    registered: Sequence[str] | None, answers: Mapping[str, str]
) -> list[Perspective]:
    """The perspectives the grant was registered for; else the ones the report concerns:
    named in the work's name, or mentioned at least THIN_BELOW times and at least a
    quarter as often as the most mentioned one."""
    if registered:
        return [p for p in Perspective if p.value in registered]
    found = coverage(answers)
    most = max((seen.count for seen in found.values()), default=0)
    named = coverage({NAME_KEY: answers.get(NAME_KEY, "")})
    return [
        p
        for p in Perspective
        if named[p].count
        or (found[p].count >= THIN_BELOW and found[p].count >= most * SHARE_OF_MOST)
    ]

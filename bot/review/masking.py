"""Masking personal data before text leaves for the language model, and putting it back.

What is masked is chosen by name (settings.llm_mask): ``personnummer``, ``email``, ``phone``
and ``person_name``. Each value found is replaced by a placeholder such as ``[PERSON_1]`` or
``[EPOST_2]``; the same value gets the same placeholder everywhere in one `MaskingSession`, so
the model can still see that two answers mention the same person. `MaskingSession.unmask`
puts the values back in the model's reply.

The kinds are looked for in this order, so that a number inside an e-mail address is not
taken for a telephone number:

1. e-mail addresses: ``local@domain.tld``;
2. personnummer and samordningsnummer: ``YYMMDD-XXXX``, ``YYMMDD+XXXX``, ``YYYYMMDD-XXXX``,
   ``YYYYMMDDXXXX``, and ``YYMMDDXXXX`` when it passes the Luhn check (without the check ten
   digits in a row are too often something else). The date part must be a possible date
   (day 61-91 is a samordningsnummer);
3. Swedish telephone numbers: starting with ``0``, ``+46`` or ``0046``, 8 to 10 digits in all,
   with single spaces or dashes between groups (``040-34 62 62``, ``070-123 45 67``,
   ``+46 (0)40 34 62 62``);
4. names of private persons, by a heuristic: two to four words in a row, each starting with a
   capital letter followed by small letters (hyphenated ``Anna-Karin`` and a middle initial
   ``P.`` allowed), on one line. Swedish writes organisations, places and titles with a
   capital on the first word only ("Malmö stad", "Sveriges kommuner och regioner"), so two
   capitalised words in a row are most often a first and a last name. Not taken as a name:
   - a run whose first word is a common word that starts a sentence ("I Malmö", "Under Våren"),
     a title ("Enhetschef Social") or a document word ("Tjänsteskrivelse Uppföljning"): that
     first word is dropped and the rest is looked at again;
   - a run containing a known place or organisation word ("Malmö", "Region", "Rädda Barnen")
     or a word ending like an organisation ("-nämnden", "-förvaltningen", "-skolan", ...);
   - words in capitals only (acronyms such as STK, HBTQ) never start or continue a name.
   The heuristic misses single names ("Anna sa ...") and names with small-letter particles
   ("von", "af"), and may mask a capitalised title it does not know; both are accepted:
   masking too much only makes the model's text slightly vaguer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import partial

_Placeholder = Callable[[str], str]


class MaskKind(StrEnum):
    PERSONNUMMER = "personnummer"
    EMAIL = "email"
    PHONE = "phone"
    PERSON_NAME = "person_name"


PLACEHOLDER_LABELS: dict[MaskKind, str] = {
    MaskKind.EMAIL: "EPOST",
    MaskKind.PERSONNUMMER: "PERSONNUMMER",
    MaskKind.PHONE: "TELEFON",
    MaskKind.PERSON_NAME: "PERSON",
}
DETECTION_ORDER = (MaskKind.EMAIL, MaskKind.PERSONNUMMER, MaskKind.PHONE, MaskKind.PERSON_NAME)
PLACEHOLDER_PATTERN = re.compile(r"\[(EPOST|PERSONNUMMER|TELEFON|PERSON)_(\d+)\]")

EMAIL_PATTERN = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
PERSONNUMMER_PATTERN = re.compile(
    r"(?<![\w-])(?P<century>19|20)?(?P<date>\d{6})(?P<sep>[-+]?)(?P<tail>\d{4})(?![\w-])"
)
_GAP = r"(?:[ \u00a0]?-[ \u00a0]?|[ \u00a0])?"
PHONE_PATTERN = re.compile(
    r"(?<![\w+])(?:(?:\+|00)46" + _GAP + r"(?:\(0\)" + _GAP + r")?[1-9]|0[1-9])"
    r"(?:" + _GAP + r"\d){6,8}(?![\w-])"
)
_NAME_WORD = r"[A-ZÅÄÖÉÈÜ][a-zåäöéèüáíóú]+(?:-[A-ZÅÄÖÉÈÜ][a-zåäöéèüáíóú]+)?"
_INITIAL = r"[A-ZÅÄÖ]\."
NAME_RUN_PATTERN = re.compile(
    r"(?<![\w-])"
    + _NAME_WORD
    + r"(?:[ \u00a0]+(?:"
    + _INITIAL
    + r"[ \u00a0]+)?"
    + _NAME_WORD
    + r"){1,3}(?![\w-])"
)
_WORD_PATTERN = re.compile(_NAME_WORD + "|" + _INITIAL)

# Words that start sentences or lines but are not first names; a run starting with one is
# looked at again without it.
NOT_FIRST_NAMES = frozenset(
    """
    i in på av till för från med om och men samt eller även under efter inför inom innan
    vid mot genom utan enligt mellan sedan hos bland kring runt trots via vi ni de den det
    dessa denna detta där här då nu när var vad vem vilka vilken vilket hur som att jag du
    han hon hen man alla flera många några ingen inget inga varje en ett två tre fyra fem
    sex sju åtta nio tio första andra tredje totalt sammanlagt slutligen dessutom också
    hej hejsan tack kontakt kontakta ring ringde mejla mejlade skriv fråga kontaktperson
    hälsningar vänliga vänlig ansvarig ansvariga ansvarar utbildare föreläsare
    kursledare projektledare samordnare strateg handläggare chef chefen enhetschef
    avdelningschef sektionschef förvaltningschef stadsdirektör servicedirektör direktör
    ordförande nämnden projektet syftet målet målgruppen budgeten resultatet arbetet
    tjänsteskrivelse uppföljning redovisning beslutsunderlag ärendet bilaga bilagor
    sammanfattning bakgrund förslag beslut underskrift datum mall rapporten rapport
    workshop workshops utbildning utbildningen föreläsning seminarium konferens
    våren hösten sommaren vintern januari februari mars april juni juli augusti
    september oktober november december måndag tisdag onsdag torsdag fredag lördag söndag
    """.split()
)

# Places and organisations written with capitals that are not people.
PLACE_AND_ORGANISATION_WORDS = frozenset(
    """
    malmö lund stockholm göteborg helsingborg skåne sverige sveriges norden europa
    rosengård möllevången fosie husie kirseberg limhamn hyllie oxie bunkeflo västra östra
    norra södra innerstaden centrum sofielund seved holma kroksbäck lindängen
    region stad kommun kommunen länsstyrelsen staten regeringen riksdagen
    universitet universitetet högskola högskolan akademi akademin institut institutet
    rädda barnen röda korset unicef bris add gender
    """.split()
)
ORGANISATION_SUFFIXES = (
    "nämnden",
    "nämnd",
    "förvaltningen",
    "förvaltning",
    "styrelsen",
    "skolan",
    "föreningen",
    "förening",
    "förbundet",
    "rådet",
    "myndigheten",
    "verket",
    "kommun",
    "stad",
    "fonden",
    "centret",
    "huset",
    "bolaget",
    "kyrkan",
    "gruppen",
    "avdelningen",
    "enheten",
)


class MaskingError(ValueError):
    """A masking kind in the settings is not one this module knows."""


@dataclass(frozen=True)
class MaskPolicy:
    """Which kinds of personal data are masked."""

    kinds: frozenset[MaskKind]

    @classmethod
    def from_names(cls, names: Iterable[str]) -> MaskPolicy:
        """Build from settings.llm_mask; an unknown name is an error, not ignored."""
        kinds: set[MaskKind] = set()
        for name in names:
            try:
                kinds.add(MaskKind(name.strip().lower()))
            except ValueError as exc:
                known = ", ".join(k.value for k in MaskKind)
                raise MaskingError(f"LLM_MASK: okänd sort {name!r} (kända: {known})") from exc
        return cls(frozenset(kinds))

    def session(self) -> MaskingSession:
        """Start masking the texts of one request to the model."""
        return MaskingSession(self.kinds)


@dataclass
class MaskingSession:
    """Masks the texts of one request and unmasks the reply; placeholders are per session."""

    kinds: frozenset[MaskKind]
    _by_value: dict[tuple[MaskKind, str], str] = field(default_factory=dict)
    _by_placeholder: dict[str, str] = field(default_factory=dict)
    _counts: dict[MaskKind, int] = field(default_factory=dict)
    _reserved: set[str] = field(default_factory=set)

    @property
    def replacements(self) -> dict[str, str]:
        """Placeholder -> original value, for everything masked so far."""
        return dict(self._by_placeholder)

    def mask(self, text: str) -> str:
        """Return the text with each personal value replaced by its placeholder."""
        # text that already looks like a placeholder keeps it: such numbers are not handed out
        self._reserved.update(m.group(0) for m in PLACEHOLDER_PATTERN.finditer(text))
        for kind in DETECTION_ORDER:
            if kind in self.kinds:
                text = _FINDERS[kind](text, partial(self._placeholder, kind))
        return text

    def unmask(self, text: str) -> str:
        """Put the original values back; placeholders this session never made stay as they are."""
        return PLACEHOLDER_PATTERN.sub(
            lambda m: self._by_placeholder.get(m.group(0), m.group(0)), text
        )

    def _placeholder(self, kind: MaskKind, value: str) -> str:
        key = (kind, value)
        existing = self._by_value.get(key)
        if existing is not None:
            return existing
        number = self._counts.get(kind, 0)
        placeholder = ""
        while not placeholder or placeholder in self._reserved:
            number += 1
            placeholder = f"[{PLACEHOLDER_LABELS[kind]}_{number}]"
        self._counts[kind] = number
        self._by_value[key] = placeholder
        self._by_placeholder[placeholder] = value
        return placeholder


def _replace_emails(text: str, placeholder: _Placeholder) -> str:
    return EMAIL_PATTERN.sub(lambda m: placeholder(m.group(0)), text)


def _replace_personnummer(text: str, placeholder: _Placeholder) -> str:
    def replace(match: re.Match[str]) -> str:
        return placeholder(match.group(0)) if _is_personnummer(match) else match.group(0)

    return PERSONNUMMER_PATTERN.sub(replace, text)


def _is_personnummer(match: re.Match[str]) -> bool:
    digits = match.group("date")
    year, month, day = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    if day > 60:
        day -= 60  # samordningsnummer
    century = match.group("century")
    full_year = int(century) * 100 + year if century else 2000 + year
    try:
        date(full_year if full_year <= 2099 else 2000, month, day)
    except ValueError:
        try:  # 29 February of a year that is a leap year only in the other century
            date(1900 + year, month, day)
        except ValueError:
            return False
    if century or match.group("sep"):
        return True
    return _luhn_ok(digits + match.group("tail"))


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _replace_phones(text: str, placeholder: _Placeholder) -> str:
    return PHONE_PATTERN.sub(lambda m: placeholder(m.group(0)), text)


def _replace_names(text: str, placeholder: _Placeholder) -> str:
    def replace(match: re.Match[str]) -> str:
        run = match.group(0)
        words = list(_WORD_PATTERN.finditer(run))
        while words and words[0].group(0).lower() in NOT_FIRST_NAMES:
            words.pop(0)
        real_words = [w for w in words if not w.group(0).endswith(".")]
        if len(real_words) < 2 or any(_is_place_or_organisation(w.group(0)) for w in words):
            return run
        start, end = words[0].start(), words[-1].end()
        return run[:start] + placeholder(run[start:end]) + run[end:]

    return NAME_RUN_PATTERN.sub(replace, text)


def _is_place_or_organisation(word: str) -> bool:
    lowered = word.lower()
    if lowered in PLACE_AND_ORGANISATION_WORDS:
        return True
    return any(lowered.endswith(suffix) for suffix in ORGANISATION_SUFFIXES)


_FINDERS: dict[MaskKind, Callable[[str, _Placeholder], str]] = {
    MaskKind.EMAIL: _replace_emails,
    MaskKind.PERSONNUMMER: _replace_personnummer,
    MaskKind.PHONE: _replace_phones,
    MaskKind.PERSON_NAME: _replace_names,
}

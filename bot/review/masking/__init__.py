"""Masking personal data before text leaves for the language model, and putting it back.

What is masked is chosen by name (settings.llm_mask): ``personnummer``, ``email``, ``phone``
and ``person_name``. Each value found is replaced by a placeholder such as ``[PERSON_1]`` or
``[EPOST_2]``; the same value gets the same placeholder everywhere in one `MaskingRun`, so
the model can still see that two answers mention the same person. `MaskingRun.unmask`
puts the values back in the model's reply, so that the text comes back exactly as it was.

The kinds are looked for in this order, so that a number inside an e-mail address is not
taken for a telephone number and no word of an address for a name:

1. e-mail addresses, also with the @ written out (`numbers.replace_emails`);
2. personnummer and samordningsnummer, checked by python-stdnum (`numbers`);
3. telephone numbers, parsed by phonenumbers (`numbers`);
4. names of private persons (`names`), with the word lists in prompts/masking/names.toml.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial

from bot.review.masking.names import NameFinder, WordCheck
from bot.review.masking.numbers import replace_emails, replace_personnummer, replace_phones
from bot.review.spelling import SpellingUnavailable, default_checker

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


class MaskingError(ValueError):
    """A masking kind in the settings is not one this module knows."""


def swedish_word(word: str) -> bool:
    """Whether the Swedish spelling dictionary knows the word (no dictionary: nothing is)."""
    try:
        return default_checker().is_known(word)
    except SpellingUnavailable:
        return False


@dataclass(frozen=True)
class MaskPolicy:
    """Which kinds of personal data are masked."""

    kinds: frozenset[MaskKind]
    is_word: WordCheck = swedish_word

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

    def session(self) -> MaskingRun:
        """Start masking the texts of one request to the model."""
        return MaskingRun(self.kinds, NameFinder(self.is_word))


@dataclass
class MaskingRun:
    """Masks the texts of one request and unmasks the reply; placeholders are per session."""

    kinds: frozenset[MaskKind]
    names: NameFinder = field(default_factory=lambda: NameFinder(swedish_word))
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
        finders: dict[MaskKind, Callable[[str, _Placeholder], str]] = {
            MaskKind.EMAIL: replace_emails,
            MaskKind.PERSONNUMMER: replace_personnummer,
            MaskKind.PHONE: replace_phones,
            MaskKind.PERSON_NAME: self.names.replace,
        }
        for kind in DETECTION_ORDER:
            if kind in self.kinds:
                text = finders[kind](text, partial(self._placeholder, kind))
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

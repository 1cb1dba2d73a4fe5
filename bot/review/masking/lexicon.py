"""The word lists behind name masking, read from prompts/masking/names.toml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.mall.datafiles import PROMPTS_DIR, load_toml_model

NAMES_FILE = PROMPTS_DIR / "masking" / "names.toml"


class _NamesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_names: str
    first_names_also_words: str
    particles: str
    particles_starting_a_name: str
    titles: str
    not_names: str
    places: str
    organisation_words: str
    organisation_suffixes: str
    organisation_before: str
    organisation_after: str
    name_cues_before: str
    name_cues_after: str


def _words(text: str) -> frozenset[str]:
    return frozenset(word.lower() for word in text.split())


@dataclass(frozen=True)
class NameLexicon:
    """Lower-cased word sets; see the data file for what each one is for."""

    first_names: frozenset[str]
    first_names_also_words: frozenset[str]
    particles: frozenset[str]
    particles_starting_a_name: frozenset[str]
    titles: frozenset[str]
    not_names: frozenset[str]
    places: frozenset[str]
    organisation_words: frozenset[str]
    organisation_suffixes: tuple[str, ...]
    organisation_before: frozenset[str]
    organisation_after: frozenset[str]
    name_cues_before: frozenset[str]
    name_cues_after: frozenset[str]

    @classmethod
    def read(cls, path: Path = NAMES_FILE) -> NameLexicon:
        data = load_toml_model(path, _NamesFile)
        return cls(
            first_names=_words(data.first_names),
            first_names_also_words=_words(data.first_names_also_words),
            particles=_words(data.particles),
            particles_starting_a_name=_words(data.particles_starting_a_name),
            titles=_words(data.titles),
            not_names=_words(data.not_names),
            places=_words(data.places),
            organisation_words=_words(data.organisation_words),
            organisation_suffixes=tuple(sorted(_words(data.organisation_suffixes))),
            organisation_before=_words(data.organisation_before),
            organisation_after=_words(data.organisation_after),
            name_cues_before=_words(data.name_cues_before),
            name_cues_after=_words(data.name_cues_after),
        )

    def is_first_name(self, lowered: str) -> bool:
        """A known first name; of a hyphenated one (`anna-karin`) the first part is enough."""
        return lowered in self.first_names or lowered.split("-")[0] in self.first_names

    def is_organisation(self, lowered: str) -> bool:
        """An organisation word, or one ending like one (a genitive s removed first)."""
        forms = (lowered, lowered[:-1]) if lowered.endswith("s") else (lowered,)
        return any(
            form in self.organisation_words or form.endswith(self.organisation_suffixes)
            for form in forms
        )


@cache
def default_lexicon() -> NameLexicon:
    """The bundled lists, read once."""
    return NameLexicon.read()

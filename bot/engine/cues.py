"""Is a message an answer, or talk about the chat? Rules over the word lists in prompts/cues.toml.

A short message whose every word is a cue word or a filler word ("avsluta", "?",
"oj, stavfel. gå tillbaka", "vet inte", "I don't understand, can I write in English?")
is talk about the chat. A message with other words may still be talk: bot/engine/talk.py
reads it by its build. The result only chooses which question the bot asks and its
buttons; it never stores or drops text by itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.mall.datafiles import PROMPTS_DIR, DataFileError, load_toml_model

# The order decides between kinds that match equally many words.
KIND_ORDER = (
    "back",
    "stop",
    "unsure",
    "help",
    "complaint",
    "greeting",
    "foreign",
    "aside",
    "shape",
)
SHAPE = "shape"  # a message without a cue that does not fit its question's answer
_WORD = re.compile(r"[\wåäöÅÄÖéü']+", re.UNICODE)
_SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖ]")
_NAME_WORD = r"[A-ZÅÄÖÉ][a-zåäöéüøá]+(?:-[A-ZÅÄÖÉ][a-zåäöéüøá]+)?"
_PARTICLES = {"af", "av", "de", "del", "van", "von", "der", "la", "le", "bin", "el"}
_NAME_START = re.compile(
    rf"{_NAME_WORD}\s+(?:(?:{'|'.join(sorted(_PARTICLES))})\s+)?{_NAME_WORD}(?=$|[\s,–—])"
)


class CueError(DataFileError):
    """prompts/cues.toml is broken; the message names the file and the field."""


class CueKind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    words: tuple[str, ...]
    commands: tuple[str, ...] = Field(min_length=1)

    @field_validator("commands")
    @classmethod
    def _label_equals_command(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            label, sep, command = (part.strip() for part in item.partition("="))
            if not sep or not label.startswith("button_") or not command.startswith("/"):
                raise ValueError(f"{item!r}: skriv som ”button_namn = /kommando”")
        return value

    def buttons(self) -> list[tuple[str, str]]:
        """(text key of the label, command) of each button, in order."""
        pairs = [tuple(part.strip() for part in item.partition("=")[::2]) for item in self.commands]
        return [(label, command) for label, command in pairs]


class ForeignWords(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    words: tuple[str, ...] = Field(min_length=1)


class NameWords(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    not_name_endings: tuple[str, ...] = Field(min_length=1)


class CueFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_words: int = Field(ge=1, le=30)
    max_chars: int = Field(ge=1, le=300)
    min_foreign_words: int = Field(ge=1)
    filler: tuple[str, ...]
    kinds: dict[str, CueKind]
    foreign: ForeignWords
    names: NameWords

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, value: dict[str, CueKind]) -> dict[str, CueKind]:
        unknown = set(value) - set(KIND_ORDER)
        missing = set(KIND_ORDER) - set(value)
        if unknown or missing:
            raise ValueError(f"okända sorter {sorted(unknown)}, saknade sorter {sorted(missing)}")
        return value


@dataclass(frozen=True)
class Cue:
    """What a message seems to be about, and the buttons to offer."""

    kind: str
    buttons: tuple[tuple[str, str], ...]  # (text key of the label, command)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


class CueRules:
    """The loaded word lists and the rule that reads a message with them."""

    def __init__(self, data: CueFile) -> None:
        self._data = data
        self._filler = set(data.filler)
        self._foreign = set(data.foreign.words)
        # phrase (as a tuple of words) -> kind; longer phrases are tried first.
        self._phrases: dict[tuple[str, ...], str] = {}
        for kind in reversed(KIND_ORDER):
            for phrase in data.kinds[kind].words:
                self._phrases[tuple(_words(phrase))] = kind
        self._longest = max((len(p) for p in self._phrases), default=1)

    def label_keys(self) -> set[str]:
        return {label for kind in self._data.kinds.values() for label, _ in kind.buttons()}

    def first_command(self, kind: str) -> str | None:
        """The command of the first button offered for a message of this kind."""
        chosen = self._data.kinds.get(kind)
        return chosen.buttons()[0][1] if chosen is not None else None

    def offers(self, kind: str, command: str) -> bool:
        """Whether the question asked for a message of this kind offers `command`."""
        chosen = self._data.kinds.get(kind)
        return chosen is not None and any(c == command for _, c in chosen.buttons())

    def starts_with_name(self, block: str) -> bool:
        """Whether the block's first line begins with a person's name: two
        capitalised words ("Jonas Magnusson", "Karin Lund, avdelningschef"), neither of
        them a title or a unit ("Förvaltningschef Miljöförvaltningen" is not a name)."""
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            return False
        match = _NAME_START.match(lines[0])
        if match is None:
            return False
        endings = self._data.names.not_name_endings
        words = [w.lower() for w in match.group(0).split() if w.lower() not in _PARTICLES]
        return not any(w.endswith(endings) for w in words)

    def classify(self, text: str) -> Cue | None:
        """The kind of chat talk `text` is, or None when it is (or may be) an answer."""
        stripped = text.strip()
        if not stripped or len(stripped) > self._data.max_chars or "\n" in stripped:
            return None
        words = _words(stripped)
        if not words:
            return self._cue("help")  # "?", "…", "!!"
        if len(words) > self._data.max_words:
            return None
        if (
            len(words) >= self._data.min_foreign_words
            and not _SWEDISH_LETTERS.search(stripped)
            and all(w in self._foreign for w in words)
        ):
            return self._cue("foreign")
        counts: dict[str, int] = {}
        i = 0
        while i < len(words):
            for size in range(min(self._longest, len(words) - i), 0, -1):
                kind = self._phrases.get(tuple(words[i : i + size]))
                if kind is not None:
                    counts[kind] = counts.get(kind, 0) + size
                    i += size
                    break
            else:
                if words[i] not in self._filler:
                    return None  # a word of content: an answer
                i += 1
        if not counts:
            return None
        best = max(KIND_ORDER, key=lambda k: (counts.get(k, 0), -KIND_ORDER.index(k)))
        return self._cue(best)

    def cue(self, kind: str) -> Cue:
        """The cue of a kind found by other rules (bot/engine/talk.py)."""
        return self._cue(kind)

    def _cue(self, kind: str) -> Cue:
        return Cue(kind, tuple(self._data.kinds[kind].buttons()))


@lru_cache
def load_cues(path: Path | None = None) -> CueRules:
    """Read and validate prompts/cues.toml; a broken file stops the program."""
    return CueRules(load_toml_model(path or PROMPTS_DIR / "cues.toml", CueFile, CueError))

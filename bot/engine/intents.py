"""Commands said in words, by intent: a small grammar of verbs and objects (prompts/intents.toml).

"visa vad jag skrivit", "kan du ta om frågan", "ta bort det sista", "gå till fråga 5",
"nästa", "Klart!" each name one command; polite words around them ("snälla", "… tack",
"… hittills") do not matter. Anything else is no command, and "Menade du /klar?" answers a
mistyped slash command with the nearest real one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.mall.datafiles import PROMPTS_DIR, DataFileError, load_toml_model

_WORD = re.compile(r"[\wåäöÅÄÖéü']+", re.UNICODE)
NEXT = "nasta"  # finish the answer being written, or skip the question
MAX_INTENT_WORDS = 10
MISTYPE_CUTOFF = 0.6


class IntentError(DataFileError):
    """prompts/intents.toml is broken; the message names the file and the field."""


class Intent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    command: str = Field(pattern=r"^[a-z_]+$")
    phrases: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()
    bare: bool = False  # the verb alone is the command ("ångra", "backa")


class IntentFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    glue: tuple[str, ...]
    asides: tuple[str, ...] = ()
    go_to_words: tuple[str, ...]
    intents: tuple[Intent, ...] = Field(min_length=1)


def words_of(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORD.findall(text))


def _phrases(items: Iterable[str]) -> set[tuple[str, ...]]:
    return {words_of(item) for item in items}


class IntentRules:
    """The grammar, loaded: which command a short message says in words, if any."""

    def __init__(self, data: IntentFile) -> None:
        self._asides = set(data.asides)
        self._glue = set(data.glue) | self._asides
        self._go_to = set(data.go_to_words)
        self._intents = [
            (i.command, _phrases(i.phrases), _phrases(i.verbs), _phrases(i.objects), i.bare)
            for i in data.intents
        ]

    def command_of(self, text: str) -> tuple[str, str] | None:
        """(command, argument) the message says, or None: "gå till fråga 5" → ("fraga", "5")."""
        words = words_of(text)
        if not words or len(words) > MAX_INTENT_WORDS or "\n" in text.strip():
            return None
        number = self._question_number(words)
        if number is not None:
            return "fraga", number
        for candidate in (words, self._stripped(words)):
            for command, phrases, verbs, objects, bare in self._intents:
                if candidate in phrases or self._verb_object(candidate, verbs, objects, bare):
                    return command, ""
        return None

    def has_aside(self, text: str) -> bool:
        """Whether the message carries an aside about the one before ("oj, stavfel")."""
        return any(w in self._asides for w in words_of(text))

    def suggestion(self, text: str) -> str | None:
        """The command a message most likely means, for a button; None when none."""
        found = self.command_of(text)
        if found is not None:
            return found[0]
        words = self._stripped(words_of(text))
        for command, _, verbs, _, _ in self._intents:
            if any(words[: len(verb)] == verb for verb in verbs):
                return command
        return None

    def _stripped(self, words: tuple[str, ...]) -> tuple[str, ...]:
        start, end = 0, len(words)
        while start < end and words[start] in self._glue:
            start += 1
        while end > start and words[end - 1] in self._glue:
            end -= 1
        return words[start:end]

    @staticmethod
    def _verb_object(
        words: tuple[str, ...],
        verbs: set[tuple[str, ...]],
        objects: set[tuple[str, ...]],
        bare: bool,
    ) -> bool:
        for verb in verbs:
            if words[: len(verb)] != verb:
                continue
            rest = words[len(verb) :]
            if (not rest and bare) or (rest and rest in objects):
                return True
        return False

    def _question_number(self, words: tuple[str, ...]) -> str | None:
        numbers = [w for w in words if w.isdecimal() and w.isascii() and len(w) <= 2]
        if len(numbers) != 1 or not {"fråga", "frågan", "nummer", "question"} & set(words):
            return None
        others = [w for w in words if w not in numbers]
        if all(w in self._go_to or w in self._glue for w in others):
            return numbers[0]
        return None


def closest_command(name: str, known: Iterable[str]) -> str | None:
    """The real command a mistyped one is nearest ("klarr" → "klar", "hopa" → "hoppa")."""
    found = get_close_matches(name.lower(), sorted(set(known)), n=1, cutoff=MISTYPE_CUTOFF)
    return found[0] if found else None


@lru_cache
def load_intents(path: Path | None = None) -> IntentRules:
    """Read and validate prompts/intents.toml; a broken file stops the program."""
    data = load_toml_model(path or PROMPTS_DIR / "intents.toml", IntentFile, IntentError)
    return IntentRules(data)

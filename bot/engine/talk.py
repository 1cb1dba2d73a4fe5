"""Is a short message said to the bot, and does it fit the answer its question asks for?

Rules over prompts/talk.toml (read its head for the signs). `sign` names the kind of talk a
message is (a cue kind of prompts/cues.toml, which chooses the buttons) or None; `fits`
says whether a message without such a sign has the shape of its question's answer
(`answer` in the mall's data: a body, a title, a text, a budget, a signature). Neither
stores or drops anything: a message that shows a sign or does not fit is asked about.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.engine.intents import words_of
from bot.mall.datafiles import PROMPTS_DIR, DataFileError, load_toml_model
from bot.mall.template import AnswerShape

_SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖ]")
_ACRONYM = re.compile(r"^[A-ZÅÄÖ]{2,6}$")
QUESTION_WORDS = {"vad", "hur", "varför", "vem", "vilken", "vilket", "vilka", "what", "how", "why"}
GREETINGS = {
    "hej",
    "hejsan",
    "hallå",
    "tjena",
    "tjenare",
    "tja",
    "morsning",
    "godmorgon",
    "godkväll",
    "hello",
    "hi",
    "hey",
}
SLIP_WORDS = {"stavfel", "skrivfel", "felstavat", "felstavning", "felskrivning", "typo", "mistake"}
INTERJECTIONS = {"nej", "ja", "jo", "nä", "men", "oj", "ok", "okej", "äh", "asså", "aa"}
APOLOGIES_AND_THANKS = {
    "tack",
    "tackar",
    "thanks",
    "thank",
    "förlåt",
    "ursäkta",
    "sorry",
    "oops",
    "hoppsan",
    "ops",
    "hoppla",
    "oj",
    "ojdå",
    "ledsen",
    "aj",
}
# With "det där" these make a message about the one before ("det där skulle inte med").
DEICTIC_CONTEXT = {"inte", "bort", "fel", "med", "ska", "skulle", "rätt", "ändå", "not", "wrong"}
APOLOGIES_ANYWHERE = {"sorry", "förlåt", "ursäkta", "ledsen", "oops"}
THANKS = {"tack", "tackar", "thanks", "thx"}
ANSWER_WORDS = {"ja", "nej", "jo", "inga", "inget", "ingen", "alla", "allt"}
NOW_WORDS = {"nu", "då", "oj", "jaha", "aha"}
WAIT_WORDS = {"vänta", "wait", "stanna", "pausa"}
UNDO_SELF = {"menade", "menar", "skrev", "tryckte", "råkade", "glömde", "klistrade"}
HELP_SELF = {"förstår", "fattar", "hittar", "begriper", "undrar"}
# Swedish words that are also on the English list; alone they make nothing English.
HOMOGRAPHS = {"i", "a", "in", "so", "be", "for", "is", "man", "sen", "go", "ok", "okay", "hi"}
MIN_ENGLISH_WORDS = 2
MIN_FUZZY_ENDING = 6  # only long endings ("nämnden", "styrelsen") are matched with a typo
FUZZY_ENDING = 0.8


class TalkError(DataFileError):
    """prompts/talk.toml is broken; the message names the file and the field."""


class TalkFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_words: int = Field(ge=1, le=40)
    max_chars: int = Field(ge=1, le=400)
    second_person: tuple[str, ...]
    subjects: tuple[str, ...]
    statement_starts: tuple[str, ...]
    imperatives: tuple[str, ...]
    imperative_objects: tuple[str, ...]
    not_verbs: tuple[str, ...]
    social: tuple[str, ...]
    social_glue: tuple[str, ...]
    meta: tuple[str, ...]
    deictic: tuple[tuple[str, ...], ...]
    self_verbs: tuple[str, ...]
    later: tuple[str, ...]
    not_in_titles: tuple[str, ...]
    body_endings: tuple[str, ...] = Field(min_length=1)
    english: tuple[str, ...]
    budget_words: tuple[str, ...]
    not_yet: tuple[str, ...]


class TalkRules:
    """The loaded word lists and the rules that read a short message with them."""

    def __init__(self, data: TalkFile) -> None:
        self._data = data
        self._sets = {
            name: frozenset(getattr(data, name))
            for name in (
                "second_person",
                "subjects",
                "statement_starts",
                "imperatives",
                "imperative_objects",
                "not_verbs",
                "social",
                "social_glue",
                "meta",
                "self_verbs",
                "later",
                "not_in_titles",
                "english",
            )
        }
        self._deictic = [tuple(pair) for pair in data.deictic]
        self._endings = tuple(e for e in data.body_endings if len(e) > 2)
        self._short_bodies = frozenset(e for e in data.body_endings if len(e) <= 2)

    def short(self, text: str) -> bool:
        stripped = text.strip()
        return (
            "\n" not in stripped
            and len(stripped) <= self._data.max_chars
            and len(words_of(stripped)) <= self._data.max_words
        )

    def sign(self, text: str) -> str | None:
        """The cue kind of a short message said to the bot; None when it shows no sign."""
        stripped = text.strip()
        if not self.short(stripped):
            return None
        words = words_of(stripped)
        if not words:
            return "help"  # "?", "…", an emoji
        s = self._sets
        first = words[0]
        if any(w in SLIP_WORDS for w in words):
            return "back"
        if any(w in s["meta"] for w in words):
            return "aside"
        if self._english(stripped, words):
            return "foreign"
        if self._has_deictic(stripped, words):
            return "back"
        mine = self._about_myself(words)
        if mine is not None:
            return mine
        if len(words) == 1 and stripped.endswith("!") and first not in ANSWER_WORDS:
            return "aside"  # "Gomorron!", "Hoppsansa!": an exclamation, not a part
        if stripped.endswith("?") or first in QUESTION_WORDS:
            return "help"
        if any(w in s["second_person"] for w in words):
            return "help"
        order = self._order(words)
        if order is not None:
            return order
        if len(words) >= 2 and first not in s["statement_starts"] and words[1] in s["subjects"]:
            return "help"  # a verb before its subject: "räcker det", "behöver ni mer"
        if len(words) >= 3 and first in NOW_WORDS and words[2] == "jag":
            return "help"  # "nu blev jag förvirrad", "då fattar jag ingenting"
        social = self._social(words)
        if social is not None:
            return social
        if any(w in s["later"] for w in words):
            return "unsure"
        return None

    def about_budget(self, text: str) -> bool:
        """An amount and a word about using, spending or meaning ("jag menade 250 000")."""
        return bool(re.search(r"\d", text)) and self._says(text, self._data.budget_words)

    def not_yet(self, text: str) -> bool:
        """ "det vet jag inte än", "ekonomen har inte gjort bokslutet": not known yet."""
        return self._says(text, self._data.not_yet) or self.sign(text) == "unsure"

    @staticmethod
    def _says(text: str, phrases: tuple[str, ...]) -> bool:
        words = f" {' '.join(words_of(text))} "
        return any(f" {' '.join(words_of(p))} " in words for p in phrases)

    def fits(self, text: str, shape: AnswerShape) -> bool:
        """Whether a message without a sign of talk has the shape its question asks for."""
        stripped = text.strip()
        if shape is AnswerShape.BODY:
            return self._names_a_body(stripped)
        if shape is AnswerShape.TITLE:
            return self._is_title(stripped)
        if shape is AnswerShape.SIGNATURE:
            return stripped[:1].isupper() and not self.about_budget(stripped.splitlines()[0])
        return True

    def _names_a_body(self, text: str) -> bool:
        if "\n" in text:
            return False
        words = text.replace("-", " ").split()
        plain = [word.strip(".,;:!()\"”'").lower() for word in words]
        if any(p.endswith(self._endings) or p in self._short_bodies for p in plain):
            return True
        if any(_ACRONYM.match(word.strip(".,;:!()")) for word in words):
            return True
        # Only then the slower look for a typo in the body's name ("Serviceändmnden").
        return any(_like_ending(p, ending) for p in plain for ending in self._endings)

    def _is_title(self, text: str) -> bool:
        first = text.lstrip("\"”'«")[:1]
        if not (first.isupper() or first.isdigit()):
            return False
        return not any(w in self._sets["not_in_titles"] for w in words_of(text))

    def _english(self, text: str, words: tuple[str, ...]) -> bool:
        if len(words) < MIN_ENGLISH_WORDS or _SWEDISH_LETTERS.search(text):
            return False
        english = [w for w in words if w in self._sets["english"]]
        return len(english) * 3 >= len(words) * 2 and any(w not in HOMOGRAPHS for w in english)

    def _has_deictic(self, text: str, words: tuple[str, ...]) -> bool:
        """ "det där skulle inte med", "blev det där rätt?": about the message before."""
        pairs = set(zip(words, words[1:], strict=False))
        if not any(pair in pairs for pair in self._deictic):
            return False
        return text.endswith("?") or any(w in DEICTIC_CONTEXT for w in words)

    def _about_myself(self, words: tuple[str, ...]) -> str | None:
        """ "jag menade …", "det vet jag inte", "orkar jag inte": the writer about themself."""
        for i, word in enumerate(words):
            if word != "jag":
                continue
            around = {words[j] for j in (i - 1, i + 1) if 0 <= j < len(words)}
            verbs = around & self._sets["self_verbs"]
            if verbs & UNDO_SELF:
                return "back"
            if verbs & HELP_SELF:
                return "help"
            if verbs:
                return "unsure"
        return None

    def _order(self, words: tuple[str, ...]) -> str | None:
        """An imperative to the bot, after a "nej" or an "oj": "vänta lite", "nej vänta",
        "radera det", "ta om"."""
        s = self._sets
        if len(words) >= 2 and words[0] in INTERJECTIONS:
            words = words[1:]
        first = words[0]
        if first in s["imperatives"] or (
            len(words) >= 2 and first not in s["not_verbs"] and words[1] in s["imperative_objects"]
        ):
            return "unsure" if first in WAIT_WORDS else "help"
        return None

    def _social(self, words: tuple[str, ...]) -> str | None:
        """Thanks, a greeting, an apology or an "ok" and nothing more."""
        s = self._sets
        if any(w in APOLOGIES_ANYWHERE for w in words) or words[-1] in THANKS:
            return "aside"  # "Glömde bifoga filen, sorry", "Schysst, tack"
        if words[0] not in s["social"] or words[1:2] == ("vare",):  # "tack vare": owing to
            return None
        if words[0] in APOLOGIES_AND_THANKS:
            return "aside"  # "Ursäkta, skrev till fel person", "tack för hjälpen med det"
        if all(w in s["social"] or w in s["social_glue"] for w in words):
            return "greeting" if words[0] in GREETINGS else "aside"
        return None


def _like_ending(word: str, ending: str) -> bool:
    """Whether the word ends almost like the ending (one letter wrong, missing or extra)."""
    if len(ending) < MIN_FUZZY_ENDING or len(word) <= len(ending):
        return False
    tails = (word[-size:] for size in (len(ending) - 1, len(ending), len(ending) + 1))
    return any(SequenceMatcher(None, tail, ending).ratio() >= FUZZY_ENDING for tail in tails)


@lru_cache
def load_talk(path: Path | None = None) -> TalkRules:
    """Read and validate prompts/talk.toml; a broken file stops the program."""
    return TalkRules(load_toml_model(path or PROMPTS_DIR / "talk.toml", TalkFile, TalkError))

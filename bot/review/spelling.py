"""Swedish spelling: spylls with the hunspell-sv dictionary, taught the field's own words.

What is not checked, and why:
- e-mail addresses, web addresses and diarienummer: they are not words;
- numbers, and words glued to a digit (`8A`): codes, not words;
- acronyms of at most five capitals (`HR`, `SKR`): too many to list, rarely mistyped;
- personal names, found two ways: a run of capitalised words in which the dictionary
  knows one as a name (`Marie Lundin Karphammar`), and a line holding only two to four
  capitalised words (a signature or `Vår referens` block). A capitalised word on its own
  is still checked, so `Serviceämnden` at the start of a sentence is caught.

Compounds the dictionary does not know are accepted when they split into known words,
with the Swedish rule for the linking s: a first part ending in -ning, -het, -tion and
the like takes it (`förvaltningssamordnare`, not `förvaltningsamordnare`), a present
participle never does (`kompetenshöjande insatser`, not `kompetenshöjandesinsatser`).
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict
from spylls.hunspell import Dictionary, readers
from spylls.hunspell.readers.file_reader import FileReader

from bot.mall.amounts import UNIT_TYPOS, find_amounts
from bot.mall.case_numbers import CASE_NUMBER_IN_TEXT
from bot.mall.datafiles import PROMPTS_DIR
from bot.review.names import NAME_WORD, foreign_names

DICTIONARY_NAME = "sv_SE"
FIELD_WORDS_DIR = PROMPTS_DIR / "spelling"

_NOT_WORDS = re.compile(
    r"(?:https?://|www\.|mailto:)\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    rf"|{CASE_NUMBER_IN_TEXT.pattern}",
    re.IGNORECASE,
)
_WORD = re.compile(r"(?<![\w-])[^\W\d_]+(?:-[^\W\d_]+)*-?(?![\w])")
_TITLE_WORD = NAME_WORD
_NAME_RUN = re.compile(rf"{_TITLE_WORD}(?:[ \u00a0]{_TITLE_WORD})+")
_NAME_LINE = re.compile(rf"^[ \t]*{_TITLE_WORD}(?:[ \u00a0]{_TITLE_WORD}){{1,3}}[ \t]*$", re.M)

_MIN_PART = 3  # letters in each part of a two-part compound
_MIN_PART_OF_THREE = 5  # letters in each part (without the linking s) of a three-part one
_TAKES_LINKING_S = ("ning", "ing", "het", "skap", "tion", "dom", "nad", "tet")
_NEVER_LINKING_S = ("ande", "ende")
# A first part that drops its final vowel: -are -> -ar (deltagarråd), -a after a consonant
# (skolgård, flickgrupp); the shortened part must be at least this long.
_DROPS_VOWEL = (("ar", "e"), ("er", "e"), ("ck", "a"), ("l", "a"), ("n", "a"), ("k", "a"))
_MIN_TRUNCATED = 5
# A first part left hanging before `och` (`Gymnasie- och vuxenutbildningsnämnden`).
_SUSPENDED = re.compile(r"-(?:\s*,\s*[^\W\d_]+-)*\s*(?:,|och|eller|samt)\s+(?P<next>[^\W\d_]+)")


class SpellingUnavailable(RuntimeError):
    """The Swedish dictionary files are not installed."""


class UnknownWord(BaseModel):
    """A word the checker does not know, where it is, and a suggestion when one is certain."""

    model_config = ConfigDict(frozen=True)

    word: str
    span: tuple[int, int]
    suggestion: str | None = None


def _candidate_dirs() -> list[Path]:
    dirs = [Path(sys.prefix) / "share" / "hunspell", Path(sys.base_prefix) / "share" / "hunspell"]
    try:
        files = metadata.distribution("hunspell-sv").files or []
    except metadata.PackageNotFoundError:
        files = []
    for file in files:
        if file.name == f"{DICTIONARY_NAME}.aff":
            dirs.append(Path(str(file.locate())).resolve().parent)
    dirs.append(Path("/usr/share/hunspell"))
    return dirs


def dictionary_path() -> Path:
    """The path of sv_SE (without suffix) as spylls wants it, or a clear error."""
    searched = _candidate_dirs()
    for directory in searched:
        base = directory / DICTIONARY_NAME
        if base.with_suffix(".aff").is_file() and base.with_suffix(".dic").is_file():
            return base
    raise SpellingUnavailable(
        "Den svenska ordlistan (sv_SE.aff och sv_SE.dic från paketet hunspell-sv) hittades "
        f"inte. Installera hunspell-sv. Letade i: {', '.join(str(d) for d in searched)}"
    )


def read_field_words(directory: Path = FIELD_WORDS_DIR) -> tuple[set[str], set[str]]:
    """The field's words and phrases from every *.dic in the folder; `#` starts a comment."""
    words: set[str] = set()
    phrases: set[str] = set()
    for path in sorted(directory.glob("*.dic")):
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = line.split("#", 1)[0].strip()
            if entry:
                (phrases if " " in entry else words).add(entry)
    return words, phrases


class SpellChecker:
    """Checks Swedish text against the dictionary and the field's own words."""

    def __init__(self, dictionary: Dictionary, words: Iterable[str], phrases: Iterable[str] = ()):
        self._dictionary = dictionary
        self._exact = {w for w in words if not w.islower()}
        self._lower = {w for w in words if w.islower()}
        self._exact_upper = {w.upper() for w in self._exact}
        self._phrases = sorted(phrases, key=len, reverse=True)
        self._cache: dict[str, bool] = {}
        self._lock = threading.Lock()

    def _field_word(self, word: str) -> bool:
        for form in (word, word[:-1] if word.endswith("s") else ""):
            if form in self._exact or form.lower() in self._lower:
                return True
            if form.isupper() and form in self._exact_upper:
                return True
        return False

    def _simple(self, word: str) -> bool:
        return bool(self._dictionary.lookup(word)) or self._field_word(word)

    def _head_ok(self, head: str, min_stem: int) -> bool:
        """Whether `head` can start a compound, linking s included, or without the final
        vowel it drops there (`deltagar-` of deltagare, `skol-` of skola)."""
        if head.endswith("s") and len(head) - 1 >= min_stem and self._simple(head[:-1]):
            return not head[:-1].lower().endswith(_NEVER_LINKING_S)
        if len(head) >= min_stem and self._simple(head):
            return not head.lower().endswith(_TAKES_LINKING_S)
        return len(head) >= _MIN_TRUNCATED and any(
            head.lower().endswith(ending) and self._simple(head + vowel)
            for ending, vowel in _DROPS_VOWEL
        )

    def _compound(self, word: str, parts: int) -> bool:
        min_part = _MIN_PART if parts == 2 else _MIN_PART_OF_THREE
        for cut in range(min_part, len(word) - min_part + 1):
            head, tail = word[:cut], word[cut:].lower()
            if not self._head_ok(head, min_part):
                continue
            if len(tail) >= min_part and self._simple(tail):
                return True
            if parts < 3 and self._compound(tail, parts + 1):
                return True
        return False

    def _known_part(self, word: str) -> bool:
        if len(word) < 2 or (word.isupper() and len(word) <= 5):
            return True
        if word.isupper():
            word = word.lower()
        return self._simple(word) or self._compound(word, 2)

    def is_known(self, word: str) -> bool:
        """Whether the word (possibly hyphenated, `HBtQ-certifiering`) is spelled right."""
        with self._lock:
            cached = self._cache.get(word)
        if cached is not None:
            return cached
        parts = [p for p in word.split("-") if p]
        known = self._known_part(word.rstrip("-")) or all(self._known_part(p) for p in parts)
        with self._lock:
            self._cache[word] = known
        return known

    def _masked(self, text: str) -> str:
        """The text with everything that is not to be checked replaced by spaces."""
        chars = list(text)

        def blank(start: int, end: int) -> None:
            chars[start:end] = " " * (end - start)

        for match in _NOT_WORDS.finditer(text):
            blank(*match.span())
        for phrase in self._phrases:
            for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text):
                blank(*match.span())
        for match in _NAME_LINE.finditer(text):
            blank(*match.span())
        for span in foreign_names(text):  # Hodžić, Kővári: names, not Swedish words
            blank(*span)
        for match in _NAME_RUN.finditer(text):
            names = match.group().split()
            if any(
                self._dictionary.lookup(n) and not self._dictionary.lookup(n.lower()) for n in names
            ):
                blank(*match.span())
        return "".join(chars)

    def _suspended_known(self, text: str, word: re.Match[str]) -> bool:
        """`Gymnasie-` before `och vuxenutbildningsnämnden`: known when it joins the last
        part of the compound after it (`gymnasienämnden`)."""
        if not word.group().endswith("-"):
            return False
        following = _SUSPENDED.match(text, word.end() - 1)
        if following is None:
            return False
        head, next_word = word.group()[:-1].lower(), following.group("next").lower()
        return any(
            self._simple(next_word[cut:]) and self.is_known(head + next_word[cut:])
            for cut in range(0, len(next_word) - _MIN_PART + 1)
        )

    def unknown_words(self, text: str) -> list[UnknownWord]:
        """Every misspelt word in the text, in order, amount-unit typos (`konor`) included."""
        masked = self._masked(text)
        found = [
            UnknownWord(word=m.group().rstrip("-"), span=m.span())
            for m in _WORD.finditer(masked)
            if not self.is_known(m.group()) and not self._suspended_known(masked, m)
        ]
        for amount in find_amounts(text):
            fix = UNIT_TYPOS.get(amount.unit.lower())
            if fix:
                span = (amount.end - len(amount.unit), amount.end)
                found.append(UnknownWord(word=amount.unit, span=span, suggestion=fix))
        return sorted(found, key=lambda unknown: unknown.span)


class _ClosingReader(FileReader):
    """spylls' file reader leaves its files open; this one closes them when told."""

    def __init__(self, path: Path, encoding: str = "Windows-1252") -> None:
        self._handles: list[IO[str]] = []
        super().__init__(str(path), encoding)

    def _open(self, path: str, encoding: str) -> IO[str]:
        handle = open(path, encoding=encoding, errors="surrogateescape")  # noqa: SIM115
        self._handles.append(handle)
        return handle

    def close(self) -> None:
        for handle in self._handles:
            handle.close()


def read_dictionary(base: Path) -> Dictionary:
    """Read `base`.aff and `base`.dic (what Dictionary.from_files does, closing the files)."""
    aff_reader = _ClosingReader(base.with_suffix(".aff"))
    try:
        aff, context = readers.read_aff(aff_reader)
    finally:
        aff_reader.close()
    dic_reader = _ClosingReader(base.with_suffix(".dic"), encoding=context.encoding)
    try:
        dic = readers.read_dic(dic_reader, aff=aff, context=context)
    finally:
        dic_reader.close()
    return Dictionary(aff, dic)


_default: SpellChecker | None = None
_default_lock = threading.Lock()


def load_checker(field_words_dir: Path = FIELD_WORDS_DIR) -> SpellChecker:
    """Build a checker from the installed dictionary (about 3 s) and our word lists."""
    dictionary = read_dictionary(dictionary_path())
    words, phrases = read_field_words(field_words_dir)
    return SpellChecker(dictionary, words, phrases)


def default_checker() -> SpellChecker:
    """The shared checker, loaded once on first use; safe to call from several threads."""
    global _default
    with _default_lock:
        if _default is None:
            _default = load_checker()
        return _default

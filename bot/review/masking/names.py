"""Finding the names of private persons in the running text of Swedish officials.

Swedish writes organisations, places and titles with a capital on the first word only
("Malmö stad", "Sveriges kommuner och regioner"), so people's names stand out as runs of
capitalised words. A run is one line of words separated by single spaces, each
capitalised (``Anna``, ``Al-Hassan``, ``O'Brien``, ``Šemsović``), an initial (``A.``), or a
small-letter particle between two of them (``von``, ``van der``, ``de la``, ``bin``); a run
in capitals (``ANNA SVENSSON``) is looked at the same way. A run is a person's name when

- it starts with a known first name (the list in prompts/masking/names.toml, of many
  origins), also on its own ("Fatima ringde"): a first name that is also a Swedish word
  (Hans, Inga, Per) only when it is not the first word of a sentence or a surname follows;
- it starts with an initial followed by a surname ("A. Karlsson");
- it starts with a particle that may start a surname ("von Sydow");
- it follows a title or a role ("förvaltningschef Eva Lund", "handläggare Xiomara Quispe"),
  or starts with one ("Förvaltningschef Eva Lund": the title is left out of the mask);
- it has two or more words and the first is not an ordinary Swedish word (the spelling
  dictionary), or a later one is not ("Saida Sokolovic", "Amal Hussein"), so that names not
  on the list still are found; a role or a common word before a known first name is left
  out ("Kulturtolken Shirin Ahmadi");
- it is one word that is not an ordinary Swedish word, after a greeting ("Hej Dawit!") or
  before a verb of speaking or getting in touch ("Dawit ringde").

Not a person, whatever the above says:

- a run starting with a place ("Malmö Stad") or holding an organisation word or ending
  ("Rädda Barnen", "Sociala Resursförvaltningen", "Kommunstyrelsens Arbetsutskott");
- a run right after a word that names an organisation ("stiftelsen Noaks Ark",
  "föreningen Ung Kraft"), right before one ("Svenska Bostäder AB", "Lunds universitet"),
  or inside quotation marks;
- a run holding the genitive of a first name before its last word ("Noaks Ark").

After a name is found, its parts written alone later in the same session are masked too
("Eva Lund ... Lunds rapport", the genitive s left outside the placeholder), unless an
organisation word follows ("Lunds universitet"). Masking too much only makes the model's
text a little vaguer; a name that slips through leaves the machine.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.review.masking.lexicon import NameLexicon, default_lexicon

Placeholder = Callable[[str], str]
WordCheck = Callable[[str], bool]

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_PLACEHOLDER = re.compile(r"\[[A-Z]+_\d+\]")
_JOIN = (" ", "\u00a0")
_TITLE_GAPS = (" ", "\u00a0", ": ", ":\u00a0")
_QUOTES = "\"'«»“”„’"
_SENTENCE_END = ".!?:;\n"
_BULLETS = " \t\u00a0\"'«»“”„*•–-(["
_MAX_RUN = 6


def replace_spans(text: str, spans: list[tuple[int, int]], placeholder: Placeholder) -> str:
    """Replace each (start, end) span, numbering the placeholders in the order of the text."""
    pieces, done = [], 0
    for start, end in sorted(spans):
        pieces += [text[done:start], placeholder(text[start:end])]
        done = end
    return "".join(pieces) + text[done:]


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def initial(self) -> bool:
        return self.text.endswith(".")

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper() and any(c.islower() for c in self.text)

    @property
    def in_capitals(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _WORD.finditer(text):
        word, start, end = match.group(0), match.start(), match.end()
        if len(word) == 1 and word.isupper() and text[end : end + 1] == ".":
            tokens.append(_Token(word + ".", start, end + 1))
        else:
            tokens.append(_Token(word, start, end))
    return tokens


@dataclass
class NameFinder:
    """Finds names in the texts of one session, remembering the names it has found."""

    is_word: WordCheck
    lexicon: NameLexicon = field(default_factory=default_lexicon)
    _parts: set[str] = field(default_factory=set)

    def replace(self, text: str, placeholder: Placeholder) -> str:
        """Mask every name in the text (see the module's text for the rules)."""
        # placeholders made earlier are blanked so that no word inside them is read
        plain = _PLACEHOLDER.sub(lambda m: "#" * len(m.group(0)), text)
        tokens = _tokens(plain)
        spans: list[tuple[int, int]] = []
        taken: set[int] = set()
        for run in self._runs(plain, tokens):
            person = self._person(plain, tokens, run)
            if person is None:
                continue
            first, last = person
            spans.append((tokens[first].start, tokens[last].end))
            taken.update(range(first, last + 1))
            self._remember(tokens[first : last + 1])
        spans.extend(self._known_parts(tokens, taken))
        return replace_spans(text, spans, placeholder)

    # runs ------------------------------------------------------------------------------

    def _name_like(self, token: _Token) -> bool:
        return (
            token.initial
            or token.capitalised
            or token.in_capitals
            or token.lower in self.lexicon.particles
        )

    def _runs(self, text: str, tokens: list[_Token]) -> list[list[int]]:
        runs: list[list[int]] = []
        current: list[int] = []
        for index, token in enumerate(tokens):
            if not self._name_like(token):
                current = []
                continue
            if current:
                previous = tokens[current[-1]]
                gap = text[previous.end : token.start]
                joined = gap in _JOIN or (previous.initial and gap == "")
                mixed = (token.in_capitals and not previous.in_capitals) or (
                    token.capitalised and previous.in_capitals
                )
                if joined and not (mixed and not previous.initial):
                    current.append(index)
                    continue
            current = [index]
            runs.append(current)
        return runs

    # deciding ----------------------------------------------------------------------------

    def _person(self, text: str, tokens: list[_Token], run: list[int]) -> tuple[int, int] | None:
        lex = self.lexicon
        first, last = run[0], run[-1]
        titled = self._after_title(text, tokens, first)
        if self._after_organisation_word(text, tokens, first) or self._quoted(
            text, tokens[first].start, tokens[last].end
        ):
            return None
        if self._before_organisation_word(text, tokens, last):
            return None
        while first <= last:
            word = tokens[first].lower
            if word in lex.organisation_before:
                return None
            if word in lex.titles:
                titled, first = True, first + 1
            elif self._not_a_start(tokens, first, last):
                first += 1
            else:
                break
        while last >= first and tokens[last].lower in lex.particles:
            last -= 1
        if first > last or last - first + 1 > _MAX_RUN:
            return None
        words = tokens[first : last + 1]
        if not self._could_be_a_person(words):
            return None
        if self._is_name(text, words, titled, self._cued(text, tokens, first, last)):
            return first, last
        return None

    def _cued(self, text: str, tokens: list[_Token], first: int, last: int) -> bool:
        """A greeting before the run ("Hej Dawit!") or a verb of speaking after ("Dawit sa")."""
        word, _gap = self._previous(text, tokens, first)
        if word in self.lexicon.name_cues_before:
            return True
        if last + 1 >= len(tokens):
            return False
        after = tokens[last + 1]
        return text[tokens[last].end : after.start] in _JOIN and (
            after.lower in self.lexicon.name_cues_after
        )

    def _not_a_start(self, tokens: list[_Token], first: int, last: int) -> bool:
        """A particle that cannot start a name, or a common word before the name."""
        lex, word = self.lexicon, tokens[first].lower
        if word in lex.particles:
            return word not in lex.particles_starting_a_name
        if first == last or lex.is_first_name(word):
            return word in lex.not_names and first == last
        following = tokens[first + 1]
        if word in lex.not_names:
            return True
        # a role or a common word before a name: "Kulturtolken Shirin Ahmadi"
        name_follows = following.initial or (
            lex.is_first_name(following.lower) and following.lower not in lex.first_names_also_words
        )
        return name_follows and self.is_word(word)

    def _could_be_a_person(self, words: list[_Token]) -> bool:
        lex = self.lexicon
        head = words[0].lower
        if any(lex.is_organisation(w.lower) for w in words if not w.initial):
            return False
        if head in lex.places:
            return False
        for word in words[:-1]:  # "Noaks Ark": a first name's genitive is not a name's start
            low = word.lower
            if low.endswith("s") and not lex.is_first_name(low) and lex.is_first_name(low[:-1]):
                return False
        return True

    def _is_name(self, text: str, words: list[_Token], titled: bool, cued: bool) -> bool:
        lex = self.lexicon
        head = words[0]
        rest = [w for w in words[1:] if w.lower not in lex.particles]
        has_surname = any(not w.initial and w.lower not in lex.not_names for w in rest)
        known_first = lex.is_first_name(head.lower)
        if any(w.in_capitals for w in words):
            ambiguous = head.lower in lex.first_names_also_words
            return (titled and bool(rest)) or (known_first and not ambiguous and has_surname)
        if any(w.lower in lex.places for w in words[1:]) and not (
            known_first or head.initial or titled
        ):
            return False
        if head.initial or head.lower in lex.particles_starting_a_name:
            return has_surname
        if known_first:
            if has_surname or titled:
                return True
            ambiguous = head.lower in lex.first_names_also_words
            return cued or not (ambiguous and self._sentence_start(text, head.start))
        if head.lower in lex.not_names or self.is_word(head.lower):
            if titled:
                return has_surname
            # a first word the dictionary knows makes an organisation ("Ung Kraft") unless a
            # later word is one no dictionary knows, a surname ("Amal Hussein")
            return any(not w.initial and not self.is_word(w.lower) for w in rest)
        return has_surname or titled or cued

    # context ----------------------------------------------------------------------------

    def _previous(self, text: str, tokens: list[_Token], index: int) -> tuple[str, str]:
        if index == 0:
            return "", ""
        before = tokens[index - 1]
        return before.lower, text[before.end : tokens[index].start]

    def _after_title(self, text: str, tokens: list[_Token], index: int) -> bool:
        word, gap = self._previous(text, tokens, index)
        return word in self.lexicon.titles and gap in _TITLE_GAPS

    def _after_organisation_word(self, text: str, tokens: list[_Token], index: int) -> bool:
        word, gap = self._previous(text, tokens, index)
        return word in self.lexicon.organisation_before and gap in _JOIN

    def _before_organisation_word(self, text: str, tokens: list[_Token], index: int) -> bool:
        if index + 1 >= len(tokens):
            return False
        after = tokens[index + 1]
        gap = text[tokens[index].end : after.start]
        return (
            gap.strip() in ("", ",")
            and "\n" not in gap
            and (after.lower.rstrip(".") in self.lexicon.organisation_after)
        )

    @staticmethod
    def _quoted(text: str, start: int, end: int) -> bool:
        return start > 0 and text[start - 1] in _QUOTES and text[end : end + 1] in tuple(_QUOTES)

    @staticmethod
    def _sentence_start(text: str, start: int) -> bool:
        before = text[:start].rstrip(_BULLETS)
        return not before or before[-1] in _SENTENCE_END

    # names seen before --------------------------------------------------------------------

    def _remember(self, words: list[_Token]) -> None:
        for word in words:
            if word.initial or word.lower in self.lexicon.particles or len(word.text) < 3:
                continue
            self._parts.add(word.text)
            if word.text.endswith("s") and len(word.text) > 3:
                self._parts.add(word.text[:-1])

    def _known_parts(self, tokens: list[_Token], taken: set[int]) -> list[tuple[int, int]]:
        spans = []
        for index, token in enumerate(tokens):
            if index in taken or not token.capitalised:
                continue
            if token.text in self._parts:
                end = token.end
            elif token.text.endswith("s") and token.text[:-1] in self._parts:
                end = token.end - 1  # "Lunds rapport": the s stays outside
            else:
                continue
            following = tokens[index + 1].lower if index + 1 < len(tokens) else ""
            if following in self.lexicon.organisation_after or self.lexicon.is_organisation(
                following
            ):
                continue
            spans.append((token.start, end))
        return spans

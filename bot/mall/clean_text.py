"""Invisible characters taken out of text as it comes in (typed, pasted or imported).

A bidirectional control (U+202A–U+202E, U+2066–U+2069, the marks U+200E, U+200F and
U+061C) makes a viewer show text in another order than it is stored: "500 000 kr" then
U+202E "000 002" prints as "500 000 kr 200 000". Zero-width spaces, word joiners, the
byte order mark, soft hyphens, tag characters and the other invisible format
characters (Unicode category Cf) change what a search or a signature sees without
changing what a reader sees. `remove_invisible` takes them all out and says which it
removed, so that the caller can tell the user.

Format characters that carry meaning stay where they do: the zero-width joiner between
two symbols (it builds one emoji out of several, 👨‍👩‍👧), the zero-width non-joiner between
two letters of a script that uses it (Persian, Hindi), and the tag characters of an
emoji tag sequence (🏴 followed by tags and the cancel tag: the flags of Scotland, Wales
and England).

`broken_characters` finds what cannot be stored at all: half of a UTF-16 surrogate pair
(half an emoji, cut by a broken client), which the adapters refuse at the door.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

ZERO_WIDTH_JOINER = "\u200d"
ZERO_WIDTH_NON_JOINER = "\u200c"
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)

TAGS = range(0xE0020, 0xE007F)  # tag letters, digits and signs
CANCEL_TAG = "\U000e007f"
_SURROGATES = range(0xD800, 0xE000)

# Swedish names for the kinds of character removed, for the message to the user.
_KIND_BIDI = "styrtecken för skrivriktning"
_KIND_INVISIBLE = "osynliga tecken"


@dataclass(frozen=True)
class CleanedText:
    """The text without invisible characters, and what was removed (code points, in order)."""

    text: str
    removed: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.removed)

    def removed_kinds(self) -> list[str]:
        """Swedish: which kinds of character were removed ("styrtecken för skrivriktning", ...)."""
        kinds = []
        if any(char in BIDI_CONTROLS for char in self.removed):
            kinds.append(_KIND_BIDI)
        if any(char not in BIDI_CONTROLS for char in self.removed):
            kinds.append(_KIND_INVISIBLE)
        return kinds

    def removed_codes(self) -> list[str]:
        """Each removed character once, as U+202E."""
        return [f"U+{ord(char):04X}" for char in dict.fromkeys(self.removed)]


def _is_symbol(char: str) -> bool:
    return bool(char) and unicodedata.category(char) in ("So", "Sk", "Mn", "Me")


def _joins_letters(before: str, after: str) -> bool:
    return (
        bool(before and after)
        and not before.isascii()
        and not after.isascii()
        and before.isalpha()
        and after.isalpha()
    )


def _kept(text: str, index: int) -> bool:
    char = text[index]
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if char == ZERO_WIDTH_JOINER:
        return _is_symbol(before) and _is_symbol(after)
    if char == ZERO_WIDTH_NON_JOINER:
        return _joins_letters(before, after)
    return False


def is_invisible(char: str) -> bool:
    """A format character (Cf) or a bidi control: shows nothing, may change what is shown."""
    return char in BIDI_CONTROLS or unicodedata.category(char) == "Cf"


def _tag_sequences(text: str) -> set[int]:
    """Indexes of the tag characters that belong to an emoji tag sequence: after a symbol,
    one or more tags, ended by the cancel tag."""
    kept: set[int] = set()
    index = 0
    while index < len(text):
        end = index + 1
        if _is_symbol(text[index]):
            while end < len(text) and ord(text[end]) in TAGS:
                end += 1
            if end > index + 1 and end < len(text) and text[end] == CANCEL_TAG:
                kept.update(range(index + 1, end + 1))
                end += 1
        index = end
    return kept


def broken_characters(text: str) -> list[str]:
    """The lone surrogates in the text (half an emoji), each once, as U+D83D."""
    found = [char for char in text if ord(char) in _SURROGATES]
    return [f"U+{ord(char):04X}" for char in dict.fromkeys(found)]


def remove_invisible(text: str) -> CleanedText:
    """The text without bidi controls and invisible format characters, and what was removed."""
    if text.isascii():
        return CleanedText(text)
    kept: list[str] = []
    removed: list[str] = []
    in_tags = _tag_sequences(text) if CANCEL_TAG in text else set()
    for index, char in enumerate(text):
        if is_invisible(char) and index not in in_tags and not _kept(text, index):
            removed.append(char)
        else:
            kept.append(char)
    if not removed:
        return CleanedText(text)
    return CleanedText("".join(kept), tuple(removed))

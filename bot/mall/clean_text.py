"""Invisible characters taken out of text as it comes in (typed, pasted or imported).

A bidirectional control (U+202A–U+202E, U+2066–U+2069, the marks U+200E, U+200F and
U+061C) makes a viewer show text in another order than it is stored: "500 000 kr" then
U+202E "000 002" prints as "500 000 kr 200 000". Zero-width spaces, word joiners, the
byte order mark, soft hyphens, tag characters and the other invisible format
characters (Unicode category Cf) change what a search or a signature sees without
changing what a reader sees. `remove_invisible` takes them all out and says which it
removed, so that the caller can tell the user.

Two format characters carry meaning and stay where they do: the zero-width joiner
between two symbols (it builds one emoji out of several, 👨‍👩‍👧) and the zero-width
non-joiner between two letters of a script that uses it (Persian, Hindi).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

ZERO_WIDTH_JOINER = "\u200d"
ZERO_WIDTH_NON_JOINER = "\u200c"
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)

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


def remove_invisible(text: str) -> CleanedText:
    """The text without bidi controls and invisible format characters, and what was removed."""
    if text.isascii():
        return CleanedText(text)
    kept: list[str] = []
    removed: list[str] = []
    for index, char in enumerate(text):
        if is_invisible(char) and not _kept(text, index):
            removed.append(char)
        else:
            kept.append(char)
    if not removed:
        return CleanedText(text)
    return CleanedText("".join(kept), tuple(removed))

"""Letters of personal names in any Latin script: `Lejla Hodžić`, `Zoltán Kővári`,
`Łucja Wójcik`, `Ayşe Şahin`, `Nuño Peña`, as Malmö's officials are named.

A capitalised word is an upper-case Latin letter followed by lower-case ones; a word with
a letter outside the Swedish alphabet (ž, ć, ő, ł, ş, ñ …) and a capital first is a name
and is not spell-checked as Swedish.
"""

from __future__ import annotations

import re

_LATIN = [chr(c) for c in range(0x41, 0x250) if chr(c).isalpha()]
UPPER = "".join(c for c in _LATIN if c.isupper())
LOWER = "".join(c for c in _LATIN if c.islower())
SWEDISH_LETTERS = "abcdefghijklmnopqrstuvwxyzåäöéü"

CAPITALISED = rf"[{re.escape(UPPER)}][{re.escape(LOWER)}]+"
# With an apostrophe or a hyphen inside: O'Brien, Al-Sayed, Lind-Hodžić.
NAME_WORD = rf"{CAPITALISED}(?:['’-]{CAPITALISED})?"
_CAPITALISED_WORD = re.compile(rf"(?<![\w-]){CAPITALISED}(?![\w])")


def foreign_names(text: str) -> list[tuple[int, int]]:
    """Spans of capitalised words with a letter outside the Swedish alphabet."""
    return [
        m.span()
        for m in _CAPITALISED_WORD.finditer(text)
        if any(c.lower() not in SWEDISH_LETTERS for c in m.group())
    ]

"""LIX, the Swedish readability index: words per sentence plus the share of long words.

LIX = words / sentences + 100 * long words / words, where a long word has more than six
letters. A line without a full stop (a list item, a heading) counts as a sentence.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

LONG_WORD = 6  # letters; longer words are long
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_SENTENCE = re.compile(r"[^.!?\n]*[^\W_][^.!?\n]*(?:[.!?]+|\n|$)")

# Upper bounds of each band (exclusive), as the index is commonly read in Sweden.
_LABELS: tuple[tuple[float, str], ...] = (
    (25, "mycket lättläst"),
    (35, "lättläst"),
    (45, "medelsvår"),
    (55, "svår"),
    (float("inf"), "mycket svår"),
)


class Readability(BaseModel):
    model_config = ConfigDict(frozen=True)

    lix: float
    label: str
    words: int
    sentences: int
    long_words: int


def lix_label(lix: float) -> str:
    """The Swedish name of the band the value falls in, `mycket lättläst` … `mycket svår`."""
    return next(label for bound, label in _LABELS if lix < bound)


def readability(text: str) -> Readability | None:
    """The LIX of the text, or None when it has no words."""
    words = [w for w in _WORD.findall(text) if not w.isdigit()]
    if not words:
        return None
    sentences = max(1, len(_SENTENCE.findall(text)))
    long_words = sum(1 for word in words if len(word) > LONG_WORD)
    value = round(len(words) / sentences + 100 * long_words / len(words), 1)
    return Readability(
        lix=value,
        label=lix_label(value),
        words=len(words),
        sentences=sentences,
        long_words=long_words,
    )

"""What a report says about a difference or a cancelled activity, read by the clause.

An explanation ("Resterande 30 000 kr betalas tillbaka", "Mellanskillnaden har betalats av
förvaltningens egen budget", "pengarna för den användes i stället till …") counts only in a
sentence that concerns the money or the activity: one with an amount or a word for money
in it, one that goes on about it with a pronoun ("De ska återbetalas."), or the sentence of
the cancellation itself. "I stället för en skriftlig rapport …" explains nothing about money.
An explanation never removes a finding; it is quoted in it and makes it milder.
"""

from __future__ import annotations

import re

from bot.mall.amounts import find_amounts, sentence_bounds
from bot.review.check_texts import word_pattern

QUOTE_MAX = 160
_PRONOUN_START = re.compile(r"\s*(?:de|dessa|det|detta|den|dem|dessa\s+medel)\b", re.IGNORECASE)


def _concerns_money(text: str, start: int, end: int) -> bool:
    return bool(find_amounts(text[start:end])) or bool(
        word_pattern("money_nouns").search(text, start, end)
    )


def quote(text: str, start: int, end: int) -> str:
    """The sentence as written, shortened around the middle if it is long."""
    written = " ".join(text[start:end].split())
    if len(written) <= QUOTE_MAX:
        return written
    return written[: QUOTE_MAX - 1].rstrip() + "…"


def explanation(
    text: str, words: str, near: tuple[int, int] | None = None, *, with_words: str | None = None
) -> str | None:
    """The first sentence of `text` with a phrase of the word list `words` that concerns
    the money; with `near` (a cancellation), the sentence of it, or the next one when that
    concerns the money. With `with_words`, the sentence must also hold one of those words
    or an amount."""
    sentences = sentence_bounds(text)
    pattern = word_pattern(words)
    for index, (start, end) in enumerate(sentences):
        if not pattern.search(text, start, end):
            continue
        if with_words and not (
            word_pattern(with_words).search(text, start, end) or find_amounts(text[start:end])
        ):
            continue  # "ordinarie budget" in a sentence that pays for nothing
        about_money = _concerns_money(text, start, end)
        follows_money = (
            index > 0
            and _PRONOUN_START.match(text, start) is not None
            and _concerns_money(text, *sentences[index - 1])
        )
        if near is None:
            if about_money or follows_money:
                return quote(text, start, end)
            continue
        in_sentence = start <= near[0] <= end
        next_one = index > 0 and sentences[index - 1][0] <= near[0] <= sentences[index - 1][1]
        if in_sentence or (next_one and (about_money or follows_money)):
            return quote(text, start, end)
    return None

"""LIX on short texts and on the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.review.readability import lix_label, readability
from tests.review.seeds import seed_text


def test_short_plain_sentences_are_easy() -> None:
    result = readability("Jag har en katt. Den är söt!")
    assert result is not None
    assert (result.words, result.sentences, result.long_words) == (7, 2, 0)
    assert result.lix == 3.5
    assert result.label == "mycket lättläst"


def test_long_words_make_it_hard() -> None:
    result = readability(
        "Arbetsmarknadsförvaltningen genomförde kompetenshöjande utbildningsinsatser."
    )
    assert result is not None
    assert result.lix == 104.0
    assert result.label == "mycket svår"


def test_list_items_count_as_sentences_and_numbers_are_not_words() -> None:
    result = readability("Vi har gjort:\n- två kurser\n- fem möten 2019")
    assert result is not None
    assert (result.words, result.sentences) == (7, 3)


def test_no_words_no_index() -> None:
    assert readability("  2019 — 200 000  ") is None


@pytest.mark.parametrize(
    ("lix", "label"),
    [
        (10, "mycket lättläst"),
        (30, "lättläst"),
        (40, "medelsvår"),
        (50, "svår"),
        (70, "mycket svår"),
    ],
)
def test_labels(lix: float, label: str) -> None:
    assert lix_label(lix) == label


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_the_seeds_read_as_official_texts(seeds_dir: Path, number: str) -> None:
    result = readability(seed_text(seeds_dir, number))
    assert result is not None
    assert 45 <= result.lix <= 65
    assert result.label in {"svår", "mycket svår"}

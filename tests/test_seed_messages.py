"""bench/seed_messages: seed 001 written as an official would, counted; the issue's aim holds."""

from __future__ import annotations

from bench.seed_messages import ISSUE_SLIPS, NATURAL_SLIPS, write_seed


def test_seed_001_takes_at_most_ten_messages_of_overhead_and_comes_out_right() -> None:
    clean = write_seed("clean", [])
    assert clean.answers_right and clean.final_document
    assert clean.content == 15  # 2 short answers, 12 paragraphs, the signature block
    assert clean.overhead <= 10


def test_the_issues_slips_are_recovered_without_rewriting_answers() -> None:
    slipped = write_seed("with slips", ISSUE_SLIPS)
    assert slipped.answers_right and slipped.final_document
    assert slipped.content == 15


def test_natural_slips_cost_one_message_each_and_none_is_stored() -> None:
    """Issue 21: slips in the official's own words are asked about or acted on, so the
    answers come out right without /andra, and no slip costs more than its own message."""
    clean = write_seed("clean", [])
    natural = write_seed("natural", NATURAL_SLIPS)
    assert natural.answers_right and natural.final_document
    assert natural.content == 15  # no answer had to be written again
    assert natural.overhead <= clean.overhead + len(NATURAL_SLIPS)

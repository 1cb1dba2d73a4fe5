"""Swedish numbers in words and amounts in every way they are written read back as
themselves: property tests against a writer of Swedish number words (swedish_numbers.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.mall.amounts import find_amounts, format_kronor, parse_amount
from bot.mall.number_words import parse_number_words
from tests.mall.swedish_numbers import write, write_halves

numbers = st.integers(min_value=1, max_value=999_999_999)


@given(numbers, st.booleans(), st.sampled_from(["ett", ""]))
def test_a_number_written_in_words_reads_back_as_itself(n: int, apart: bool, one: str) -> None:
    assert parse_number_words(write(n, apart=apart, hundred_one=one)) == n


@given(st.integers(min_value=0, max_value=20))
def test_halves_of_millions_read_back(whole: int) -> None:
    words, value = write_halves(whole)
    assert parse_number_words(words) == value
    assert parse_amount(f"{words} kronor") == value


def test_the_issue_examples_and_what_is_no_number() -> None:
    assert parse_number_words("trehundrafemtiotusen") == 350_000
    assert parse_number_words("en och en halv miljon") == 1_500_000
    assert parse_number_words("sjutusen") == 7_000
    assert parse_number_words("Två miljoner fyrahundratusen") == 2_400_000
    for not_a_number in ["fem fyra", "tusen tusen", "hundra hundra", "tjugo tio", "kronor"]:
        assert parse_number_words(not_a_number) is None


def _ways(value: int) -> list[str]:
    """Every way the reader supports of writing `value` kronor."""
    grouped = format_kronor(value)[: -len(" kr")]
    dotted = grouped.replace(" ", ".")
    ways = [
        f"{grouped} kr",
        f"{grouped} kronor",
        f"{value} kr",
        f"{grouped}\u00a0kr",
        f"{grouped}\u202fkr",
        f"{grouped}:-",
        f"{dotted}:-" if value >= 1000 else f"{value}:-",
        f"SEK {dotted}" if value >= 1000 else f"SEK {value}",
        f"{grouped} SEK",
        f"kr {grouped}",
        f"{write(value)} kronor",
        f"{write(value, apart=True)} kronor",
    ]
    if value % 1000 == 0:
        ways += [f"{value // 1000} tkr", f"{value // 1000} tusen kronor"]
    if value % 100_000 == 0:
        millions = f"{value / 1_000_000:.1f}".rstrip("0").rstrip(".").replace(".", ",")
        ways += [f"{millions} mnkr", f"{millions} miljoner kronor", f"{millions} mkr"]
    return ways


@given(st.integers(min_value=1, max_value=9_999_999))
def test_an_amount_written_in_every_supported_way_reads_back_as_itself(value: int) -> None:
    for written in _ways(value):
        sentence = f"Nämnden beviljades {written} för arbetet."
        found = find_amounts(sentence)
        assert [(a.text, a.value) for a in found] == [(written, value)], written
        assert parse_amount(written) == value, written


@given(st.sampled_from([100_000, 250_000, 1_500_000]))
def test_an_amount_written_by_hand_in_words_and_digits_is_the_same(value: int) -> None:
    in_words = find_amounts(f"Vi fick {write(value)} kronor och använde {format_kronor(value)}.")
    assert [a.value for a in in_words] == [value, value]

"""Invisible characters out of incoming text: what is stored is what a page shows."""

from __future__ import annotations

import pytest

from bot.mall.clean_text import remove_invisible


@pytest.mark.parametrize(
    "control", [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
)
def test_every_bidi_control_is_removed_and_named(control: str) -> None:
    cleaned = remove_invisible(f"500 000 kr {control}000 002")
    assert cleaned.text == "500 000 kr 000 002"
    assert cleaned.removed == (control,)
    assert cleaned.removed_kinds() == ["styrtecken för skrivriktning"]
    assert cleaned.removed_codes() == [f"U+{ord(control):04X}"]


def test_the_reversed_amount_reads_as_stored() -> None:
    cleaned = remove_invisible("Vi fick 500 000 kr \u202e000 002\u202c och socialnämnden")
    assert cleaned.text == "Vi fick 500 000 kr 000 002 och socialnämnden"
    assert cleaned.changed


@pytest.mark.parametrize(
    "char", ["\u200b", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u061c", "\U000e0041"]
)
def test_zero_width_and_other_format_characters_are_removed(char: str) -> None:
    cleaned = remove_invisible(f"Stads{char}kontoret")
    assert cleaned.text == "Stadskontoret"
    assert "osynliga tecken" in cleaned.removed_kinds() or "styrtecken" in " ".join(
        cleaned.removed_kinds()
    )


def test_joiners_that_build_an_emoji_or_a_word_stay() -> None:
    family = "👨\u200d👩\u200d👧"
    assert remove_invisible(f"Familj {family}").text == f"Familj {family}"
    persian = "می\u200cخواهم"
    assert remove_invisible(persian).text == persian
    # between Latin letters a joiner is only hidden noise
    assert remove_invisible("a\u200db\u200cc").text == "abc"


def test_plain_text_is_returned_unchanged() -> None:
    text = "Arbetsmarknads- och socialnämnden beviljades 200 000 kr.\n- ✓ Klart"
    cleaned = remove_invisible(text)
    assert cleaned.text == text and not cleaned.changed and cleaned.removed_kinds() == []

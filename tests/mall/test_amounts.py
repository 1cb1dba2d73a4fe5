"""Amounts as officials write them, read back as whole kronor."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.mall.amounts import Role, find_amounts, format_kronor, parse_amount


@pytest.mark.parametrize(
    ("written", "kronor"),
    [
        ("500 000 kronor", 500_000),
        ("202 000 kr", 202_000),
        ("ca 194 000 kr", 194_000),
        ("167 tkr", 167_000),
        ("200 000 tkr", 200_000_000),
        ("0,5 mnkr", 500_000),
        ("1,2 miljoner kronor", 1_200_000),
        ("100 000 konor", 100_000),
        ("1.000.000 kr", 1_000_000),
        ("5\u00a0000\u202fkr", 5_000),
        ("450 tusen kronor", 450_000),
        ("12 500", 12_500),
        ("tjugotusen kr", 20_000),
        ("SEK 150.000", 150_000),
    ],
)
def test_parse_amount_reads_the_ways_officials_write(written: str, kronor: int) -> None:
    assert parse_amount(written) == kronor


@pytest.mark.parametrize(
    "bad", ["", "tjugo tio kr", "12 34 kr", "1.5 mnkr", "kr 500 och 600", "femhundra"]
)
def test_parse_amount_refuses_malformed_with_a_swedish_message(bad: str) -> None:
    with pytest.raises(ValueError, match="går inte att läsa som ett belopp"):
        parse_amount(bad)


def test_format_kronor_groups_thousands_with_spaces() -> None:
    assert format_kronor(200_000) == "200 000 kr"
    assert format_kronor(1_234_567) == "1 234 567 kr"
    assert format_kronor(950) == "950 kr"


def test_roles_follow_the_nearest_cue_word() -> None:
    amounts = find_amounts("Serviceförvaltningen har totalt nyttjat 167 tkr av beviljade 400 tkr.")
    assert [(a.value, a.role) for a in amounts] == [(167_000, Role.USED), (400_000, Role.GRANTED)]


def test_roles_stay_within_their_sentence() -> None:
    text = (
        "Nämnden beviljades 202 000 kr för detta utvecklingsarbete. Preliminärt bokslut "
        "visar att vi har använt ca 194 000 kr. Alla planerade budgetposter har använts."
    )
    amounts = find_amounts(text)
    assert [(a.value, a.role, a.approximate) for a in amounts] == [
        (202_000, Role.GRANTED, False),
        (194_000, Role.USED, True),
    ]
    assert text[amounts[1].start : amounts[1].end] == "ca 194 000 kr"


def test_applied_and_unit_typo() -> None:
    applied = find_amounts("Nämnden ansökte om 200 000 tkr för att genomföra insatser.")
    assert [(a.value, a.role) for a in applied] == [(200_000_000, Role.APPLIED)]
    typo = find_amounts("Verksamheten har beviljats 100 000 konor plus mervärdesskatt.")
    assert [(a.value, a.unit, a.role) for a in typo] == [(100_000, "konor", Role.GRANTED)]


def test_numbers_that_are_not_amounts_are_left_alone() -> None:
    text = "Ca 300 chefer deltog 2019-03-11, konor på vägen, 30 personer, under 2019 200 000 kr."
    assert find_amounts(text) == []


_UNITS = {"kr": 1, "kronor": 1, "tkr": 1_000, "mnkr": 1_000_000, "miljoner kronor": 1_000_000}


def _grouped(number: int, separator: str) -> str:
    return f"{number:,}".replace(",", separator)


@given(
    kronor=st.integers(min_value=0, max_value=10**12),
    unit=st.sampled_from(sorted(_UNITS)),
    separator=st.sampled_from([" ", "\u00a0", "\u202f", "."]),
    before_unit=st.sampled_from([" ", "\u00a0", ""]),
)
def test_a_written_amount_reads_back_as_itself(
    kronor: int, unit: str, separator: str, before_unit: str
) -> None:
    factor = _UNITS[unit]
    whole, rest = divmod(kronor, factor)
    written = _grouped(whole, separator)
    if rest:
        written += "," + f"{rest:0{len(str(factor)) - 1}d}".rstrip("0")
    if unit == "miljoner kronor" and not before_unit:
        before_unit = " "
    text = f"{written}{before_unit}{unit}"
    assert parse_amount(text) == kronor
    found = find_amounts(f"Nämnden beviljades {text} för arbetet.")
    assert [(a.value, a.text, a.role) for a in found] == [(kronor, text, Role.GRANTED)]


@given(st.integers(min_value=0, max_value=10**12))
def test_formatted_kronor_read_back(kronor: int) -> None:
    assert parse_amount(format_kronor(kronor)) == kronor


@pytest.mark.parametrize(
    ("text", "kronor", "unit"),
    [
        ("Vi fick SEK 150.000 för arbetet.", 150_000, "SEK"),
        ("Kursen kostade 150.000:- totalt.", 150_000, ":-"),
        ("Vi beviljades en halv miljon kronor.", 500_000, "miljon kronor"),
        ("Vi beviljades en miljon.", 1_000_000, "miljon"),
        ("Vi beviljades två miljoner kronor.", 2_000_000, "miljoner kronor"),
        ("Vi beviljades en kvarts miljon.", 250_000, "miljon"),
        ("Vi fick femtio tusen kronor.", 50_000, "tusen kronor"),
    ],
)
def test_amounts_written_in_other_ways(text: str, kronor: int, unit: str) -> None:
    [amount] = find_amounts(text)
    assert (amount.value, amount.unit) == (kronor, unit)


def test_spending_verbs_are_many_and_a_linking_verb_takes_its_subject() -> None:
    for verb in ["kostade", "förbrukat", "nyttjat", "bokfört", "fakturerat", "spenderat"]:
        [amount] = find_amounts(f"Vi har {verb} 40 000 kr.")
        assert amount.role is Role.USED, verb
    [cost] = find_amounts("Kostnaderna uppgick till 312 000 kr.")
    [grant] = find_amounts("Det beviljade beloppet uppgick till 300 000 kr.")
    [outcome] = find_amounts("Utfallet landade på 99 000 kr.")
    assert (cost.role, grant.role, outcome.role) == (Role.USED, Role.GRANTED, Role.USED)


def test_what_is_left_and_the_whole_it_is_left_of() -> None:
    amounts = find_amounts("Det återstår 120 000 kr av 300 000 kr.")
    assert [(a.value, a.role) for a in amounts] == [
        (120_000, Role.REMAINING),
        (300_000, Role.GRANTED),
    ]
    [unused] = find_amounts("Vi har inte använt 40 000 kr, som betalas tillbaka.")
    assert unused.role is Role.REMAINING


def test_plus_vat_and_bare_numbers() -> None:
    [vat] = find_amounts("Beviljat 100 000 kr plus moms.")
    assert vat.plus_vat
    [no_vat] = find_amounts("Beviljat 100 000 kr.")
    assert not no_vat.plus_vat
    assert find_amounts("Vi har använt drygt 200 000.") == []
    [bare] = find_amounts("Vi har använt drygt 200 000.", bare_numbers=True)
    assert (bare.value, bare.approximate, bare.unit, bare.role) == (200_000, True, "", Role.USED)
    assert find_amounts("Ca 300 chefer deltog under 2019.", bare_numbers=True) == []

"""Masking personal data before it leaves, and putting it back in the reply."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.mall.datafiles import DataFileError
from bot.review.masking import MaskingError, MaskKind, MaskPolicy
from bot.review.masking.lexicon import NameLexicon

ALL = MaskPolicy.from_names(["personnummer", "email", "phone", "person_name"])


@pytest.mark.parametrize(
    ("text", "placeholder"),
    [
        ("Född 19850101-1234.", "[PERSONNUMMER_1]"),
        ("Född 850101-1234.", "[PERSONNUMMER_1]"),
        ("Född 850101+1234 (över hundra).", "[PERSONNUMMER_1]"),
        ("Född 198501011234.", "[PERSONNUMMER_1]"),
        ("Född 8112189876.", "[PERSONNUMMER_1]"),  # passes the Luhn check
        ("Samordningsnummer 850161-1234.", "[PERSONNUMMER_1]"),
        ("Skriv till anna.svensson@malmo.se i dag.", "[EPOST_1]"),
        ("Ring 040-34 62 62 i dag.", "[TELEFON_1]"),
        ("Ring 070-123 45 67 i dag.", "[TELEFON_1]"),
        ("Ring 0701234567 i dag.", "[TELEFON_1]"),
        ("Ring +46 40 34 62 62 i dag.", "[TELEFON_1]"),
        ("Ring +46 (0)70-123 45 67 i dag.", "[TELEFON_1]"),
        ("Ring 08-123 456 78 i dag.", "[TELEFON_1]"),
        ("Kursledare var Marie Lundin Karphammar, barnrättsjurist.", "[PERSON_1]"),
        ("Vi träffade Anders P. Eriksson i maj.", "[PERSON_1]"),
        ("Anna-Karin Svensson ledde arbetet.", "[PERSON_1]"),
        ("Under våren kom Lena Lundin till oss.", "[PERSON_1]"),
    ],
)
def test_each_kind_is_masked_and_comes_back(text: str, placeholder: str) -> None:
    session = ALL.session()
    masked = session.mask(text)
    assert placeholder in masked
    original = session.replacements[placeholder]
    assert original not in masked
    assert session.unmask(masked) == text


@pytest.mark.parametrize(
    "text",
    [
        "Beviljat belopp 200 000 kr, använt 185 500 kr.",
        "Beslut 2019-03-11 i ärendet STK-2018-1307, svar senast 2020-02-28.",
        "Arbetsmarknads- och socialnämnden i Malmö stad ordnade två workshops.",
        "I Malmö samarbetade vi med Rädda Barnen och Sveriges kommuner och regioner.",
        "Utbildare var Add gender, sakkunniga inom HBTQ och STK-frågor.",
        "Enhetschef Social hållbarhet, Strategiska avdelningen",
        "Under 2019 deltog 110 barnrättsombud; 8112189875 är inget personnummer.",
        "Hans rapport blev klar i tid. Inga deltagare uteblev.",
        "Per deltagare blev kostnaden 1 200 kr. Klara mål saknades.",
        "Sverigefinländarnas Dag uppmärksammades på Mazetti Kulturhus.",
        "Folkets Park och Garaget i Sofielund upplät sina lokaler.",
        "Beviljat 500 000 00 kr; utfall 312 000 kr; SEK 150 000.",
    ],
)
def test_ordinary_report_text_is_left_alone(text: str) -> None:
    assert ALL.session().mask(text) == text


def test_the_same_value_gets_the_same_placeholder_in_one_session() -> None:
    session = ALL.session()
    first = session.mask("Jonas Magnusson skrev under.")
    second = session.mask("Kontakt: Jonas Magnusson, jonas.magnusson@malmo.se")
    assert first == "[PERSON_1] skrev under."
    assert second == "Kontakt: [PERSON_1], [EPOST_1]"


def test_a_name_found_in_one_answer_is_masked_alone_in_the_next() -> None:
    session = ALL.session()
    assert session.mask("Förvaltningschef Eva Lund skrev.") == "Förvaltningschef [PERSON_1] skrev."
    masked = session.mask("Lunds rapport visar mer än Lunds universitet gjorde.")
    assert masked == "[PERSON_2]s rapport visar mer än Lunds universitet gjorde."
    assert session.replacements["[PERSON_2]"] == "Lund"
    assert session.unmask(masked) == "Lunds rapport visar mer än Lunds universitet gjorde."


def test_a_first_name_that_is_also_a_word_is_a_name_inside_a_sentence() -> None:
    assert ALL.session().mask("Vi fick hjälp av Per.") == "Vi fick hjälp av [PERSON_1]."
    assert ALL.session().mask("Per deltagare 200 kr.") == "Per deltagare 200 kr."


def test_placeholders_are_numbered_in_the_order_of_the_text() -> None:
    session = ALL.session()
    masked = session.mask("Deltagare: Anna, Karl och Fatima; 070-123 45 67 och 040-34 62 62.")
    assert masked == "Deltagare: [PERSON_1], [PERSON_2] och [PERSON_3]; [TELEFON_1] och [TELEFON_2]."


def test_a_broken_name_list_is_named_in_the_error(tmp_path: Path) -> None:
    broken = tmp_path / "names.toml"
    broken.write_text('first_names = "anna"\n', encoding="utf-8")
    with pytest.raises(DataFileError, match="names.toml"):
        NameLexicon.read(broken)


def test_only_the_configured_kinds_are_masked() -> None:
    policy = MaskPolicy.from_names(["email"])
    text = "Anna Svensson, anna@malmo.se, 040-34 62 62, 850101-1234"
    assert policy.session().mask(text) == "Anna Svensson, [EPOST_1], 040-34 62 62, 850101-1234"
    assert MaskPolicy.from_names([]).session().mask(text) == text
    assert MaskPolicy.from_names([" Phone "]).kinds == frozenset({MaskKind.PHONE})


def test_an_unknown_kind_is_an_error() -> None:
    with pytest.raises(MaskingError, match="adress"):
        MaskPolicy.from_names(["email", "adress"])


def test_text_that_already_looks_like_a_placeholder_is_not_confused() -> None:
    session = ALL.session()
    text = "Mallen skriver [PERSON_1] där Anna Svensson ska stå."
    masked = session.mask(text)
    assert masked == "Mallen skriver [PERSON_1] där [PERSON_2] ska stå."
    assert session.unmask(masked) == text


def test_unknown_placeholders_stay_as_they_are() -> None:
    session = ALL.session()
    session.mask("Anna Svensson")
    assert session.unmask("[PERSON_1] och [PERSON_7]") == "Anna Svensson och [PERSON_7]"


def test_the_seeds_lose_their_people_and_addresses(seeds_dir: Path) -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt")))
    session = ALL.session()
    masked = session.mask(text)
    for personal in [
        "Jonas Magnusson",
        "Marie Lundin Karphammar",
        "Saida Sokolovic",
        "Lena Lundin",
        "Carina Tempel",
        "anders.p.eriksson@malmo.se",
        "040-34 62 62",
    ]:
        assert personal not in masked
    for kept in ["Rädda Barnen", "Malmö", "STK-2018-1307", "2020-02-28", "Add gender"]:
        assert kept in masked
    assert session.unmask(masked) == text


SWEDISH_TEXT = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzåäöABCDEGKLMNOPRSTUÅÄÖ0123456789 -+.,:@\n[]_()")
    ),
    max_size=200,
)


@given(SWEDISH_TEXT)
def test_masking_round_trips_any_text(text: str) -> None:
    session = ALL.session()
    assert session.unmask(session.mask(text)) == text


@given(st.lists(st.sampled_from(["Anna Svensson", "[PERSON_1]", "a@b.se", " och ", "\n"])))
def test_masking_round_trips_text_with_placeholder_lookalikes(parts: list[str]) -> None:
    text = "".join(parts)
    session = ALL.session()
    assert session.unmask(session.mask(text)) == text

"""The spell checker on the five seeds: every real typo, no false flags."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.review.spelling import SpellChecker, default_checker, dictionary_path, read_field_words
from tests.review.seeds import seed_text

# What a careful reader flags in each whole seed file, and nothing else.
EXPECTED = {
    "000": {"åiterrapportering"},  # återrapportering
    "001": {"förvaltningsamordnaren"},  # förvaltningssamordnaren
    "002": {
        "jämställhetsombud",  # jämställdhetsombud
        "konor",  # "100 000 konor": kronor
        "utvecklingsarbets",  # the heading's "utvecklingsarbets budget": utvecklingsarbetets
    },
    "003": {
        "Serviceämnden",  # Servicenämnden
        "Serviceämndens",
        "kompetenshöjandesinsatser",  # kompetenshöjande insatser
    },
    "004": set(),
}


@pytest.fixture(scope="module")
def checker() -> SpellChecker:
    return default_checker()


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_the_seeds_flag_exactly_their_typos(
    checker: SpellChecker, seeds_dir: Path, number: str
) -> None:
    flagged = {unknown.word for unknown in checker.unknown_words(seed_text(seeds_dir, number))}
    assert flagged == EXPECTED[number]


def test_spans_point_at_the_word(checker: SpellChecker) -> None:
    text = "Vi fick 100 000 konor och skrev åiterrapportering."
    for unknown in checker.unknown_words(text):
        assert text[unknown.span[0] : unknown.span[1]] == unknown.word
    assert [u.suggestion for u in checker.unknown_words(text)] == ["kronor", None]


def test_konor_is_a_word_except_after_an_amount(checker: SpellChecker) -> None:
    assert checker.unknown_words("Konor och glass.") == []
    assert [u.word for u in checker.unknown_words("Kostnaden var 5 000 konor.")] == ["konor"]


def test_field_words_come_from_the_data_file(checker: SpellChecker) -> None:
    words, phrases = read_field_words()
    assert {"HBtQ", "STK", "tkr", "normkreativa", "workshoppar", "barnrättsombud"} <= words
    assert "Add gender" in phrases
    for word in ("HBtQ-certifiering", "HBtQ-personer", "STK", "normkreativa", "workshoppar"):
        assert checker.is_known(word), word


def test_compounds_need_their_linking_s(checker: SpellChecker) -> None:
    for good in ("Referensgruppsmöten", "fokusområdesanalyser", "förvaltningssamordnartjänsten"):
        assert checker.is_known(good), good
    for bad in ("förvaltningsamordnaren", "utbildninginsats", "kompetenshöjandesinsatser"):
        assert not checker.is_known(bad), bad


def test_addresses_case_numbers_acronyms_and_names_are_skipped(checker: SpellChecker) -> None:
    text = (
        "Skicka till saida.sokolovic@malmo.se eller www.malmö.se, ange STK-2018-1307.\n"
        "Kursledare var Marie Lundin Karphammar, se SKR.\n"
        "Vår referens\nSaida Sokolovic\n"
    )
    assert checker.unknown_words(text) == []


def test_a_lone_capitalised_word_is_still_checked(checker: SpellChecker) -> None:
    assert [u.word for u in checker.unknown_words("Karphammar kom.")] == ["Karphammar"]


def test_the_dictionary_is_found_and_loaded_once(checker: SpellChecker) -> None:
    assert dictionary_path().with_suffix(".aff").is_file()
    seen: list[SpellChecker] = []
    threads = [threading.Thread(target=lambda: seen.append(default_checker())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(other is checker for other in seen)


# Issue 22: names in any Latin script, and regular compounds, are not flagged; typos are.
def test_names_with_letters_outside_swedish_are_names(checker: SpellChecker) -> None:
    text = (
        "Lejla Hodžić, avdelningschef, och Zoltán Kővári deltog. Łucja Wójcik och Ayşe Şahin "
        "ledde mötet med Nuño Peña."
    )
    assert checker.unknown_words(text) == []
    # a lower-case word with such a letter is still checked as Swedish
    assert [u.word for u in checker.unknown_words("Vi hade ett möte om budžet.")] == ["budžet"]


def test_compounds_whose_first_part_drops_its_vowel(checker: SpellChecker) -> None:
    for good in ("deltagarråd", "Deltagarrådet", "ledarutbildningen", "skolgårdsråd"):
        assert checker.is_known(good), good
    for bad in ("deltagarrådt", "utbilningen", "jämställhetsombud", "förvaltningsamordnaren"):
        assert not checker.is_known(bad), bad


def test_a_first_part_left_hanging_before_och(checker: SpellChecker) -> None:
    assert checker.unknown_words("Gymnasie- och vuxenutbildningsnämnden beslutade.") == []
    assert [u.word for u in checker.unknown_words("Gymnasei- och vuxenutbildningsnämnden.")] == [
        "Gymnasei"
    ]

"""Which perspectives a report addresses, and when it is thin on one it was granted for."""

from __future__ import annotations

from pathlib import Path

from bot.mall.template import TemplateCatalog
from bot.review.findings import Severity
from bot.review.perspectives import Perspective, coverage, load_keywords, perspective_findings
from tests.review.seeds import SEED_TEMPLATES, seed_text, split_answers


def _answers(seeds_dir: Path, catalog: TemplateCatalog, number: str) -> dict[str, str]:
    return split_answers(seed_text(seeds_dir, number), catalog.get(SEED_TEMPLATES[number]))


def test_the_keyword_file_covers_every_perspective() -> None:
    assert set(load_keywords()) == set(Perspective)


def test_seed_001_is_about_childrens_rights(seeds_dir: Path, catalog: TemplateCatalog) -> None:
    found = coverage(_answers(seeds_dir, catalog, "001"))
    barnratt = found[Perspective.BARNRATT]
    assert barnratt.count > 10
    assert {"barnkonventionen", "barnets rättigheter"} <= set(barnratt.evidence)
    assert "budget" in barnratt.questions
    assert found[Perspective.JAMSTALLDHET].count == 0
    assert found[Perspective.NATIONELLA_MINORITETER].count == 0


def test_seed_000_addresses_equality_and_discrimination(
    seeds_dir: Path, catalog: TemplateCatalog
) -> None:
    found = coverage(_answers(seeds_dir, catalog, "000"))
    assert found[Perspective.JAMSTALLDHET].count >= 5
    assert "normkreativa" in found[Perspective.ANTIDISKRIMINERING].evidence


def test_a_granted_perspective_never_mentioned_is_a_warning(
    seeds_dir: Path, catalog: TemplateCatalog
) -> None:
    found = coverage(_answers(seeds_dir, catalog, "004"))
    findings = perspective_findings(found, [Perspective.BARNRATT, Perspective.JAMSTALLDHET])
    assert [(f.code, f.severity) for f in findings] == [("perspective_thin", Severity.WARNING)]
    assert "jämställdhet" in findings[0].message


def test_a_perspective_mentioned_once_is_info_with_its_evidence(
    seeds_dir: Path, catalog: TemplateCatalog
) -> None:
    found = coverage(_answers(seeds_dir, catalog, "002"))
    [finding] = perspective_findings(
        found, [Perspective.JAMSTALLDHET, Perspective.ANTIDISKRIMINERING]
    )
    assert finding.severity is Severity.INFO
    assert finding.question == "erfarenheter"
    assert finding.evidence == "jämställdhetsanalyser"


def test_keywords_match_whole_words_only() -> None:
    found = coverage({"namn": "Männen samlade ett könsneutralt material om samerna."})
    # "män" must not match inside "Männen"; "köns*" and "samer" are keywords.
    assert found[Perspective.JAMSTALLDHET].evidence == ("könsneutralt",)
    assert found[Perspective.NATIONELLA_MINORITETER].count == 0

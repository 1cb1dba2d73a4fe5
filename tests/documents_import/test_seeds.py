"""Every real report in tests/fixtures/seeds imports into the right answers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.documents.importer import ImportedReport, import_report
from bot.mall.template import TemplateCatalog

# For each seed and question: how the answer starts and how it ends, copied from the seed.
EXPECTED: dict[str, dict[str, tuple[str, str]]] = {
    "seed_000.txt": {
        "namnd": ("Arbetsmarknads- och socialnämnden", "Arbetsmarknads- och socialnämnden"),
        "namn": ("Omställning av arbetet med jämställdhet", "och socialförvaltningen"),
        "maluppfyllelse": (
            "Arbetsmarknads- och socialnämnden ansökte inför 2019 om utvecklingsmedel",
            "processer som inte finansierats av kommunstyrelsens medel.",
        ),
        "forankring": (
            "Våren 2019 pågick planeringsprocessen",
            "En liknande referensgrupp formades för stabsfunktionerna.",
        ),
        "erfarenheter": (
            "Arbetsmarknads- och socialnämnden bildades 2017",
            "har tagits av chefer och inte av medarbetare.",
        ),
        "tillvarata": (
            "Som ovan beskrivet har en av de styrande principerna",
            "Detta har varit positivt och kan med fördel utvecklas framöver.",
        ),
        "budget": (
            "Arbetsmarknads- och socialnämnden ansökte om 200 000 tkr",
            "för malmöbor som är i kontakt med nämndens verksamheter.",
        ),
    },
    "seed_001.txt": {
        "namnd": ("Arbetsmarknads- och socialnämnden", "Arbetsmarknads- och socialnämnden"),
        "namn": ("Kunskaps- och kompetenshöjande insatser", "socialförvaltningen inom barnrätt."),
        "maluppfyllelse": (
            "Arbetsmarknads- och socialnämndens *Plan för integrering av barnets rättigheter",
            "Totalt har 110 barnrättsombud deltagit i barnrättsstrategsutbildningen.",
        ),
        "forankring": (
            "Arbetet med kunskaps- och kompetenshöjande insatser är förankrat",
            "fortsatt planering av utvecklingsarbete och kompetenshöjande insatser.",
        ),
        "erfarenheter": (
            "Genom dialog med chefer och i samarbete med förvaltningens barnrättsnätverk",
            "särskilda målgrupper samt att planera utbildningsinsatserna.",
        ),
        "tillvarata": (
            "Arbetsmarknads- och socialförvaltningen är en stor förvaltning",
            "har erhållit verktyg att omsätta kunskapen till praktiskt arbete.",
        ),
        "budget": (
            "Arbetsmarknads- och socialnämnden/förvaltningen beviljades 500 000 kronor",
            "prioritera förvaltningens arbete med barnrättsintegrering.",
        ),
        "underskrift": (
            "Jonas Magnusson\nEnhetschef Social hållbarhet\n",
            "Strategiska avdelningen\nArbetsmarknads- och socialförvaltningen",
        ),
    },
    "seed_002.txt": {
        "namnd": ("Arbetsmarknads- och socialnämnden", "Arbetsmarknads- och socialnämnden"),
        "namn": (
            "HBtQ-certifiering av ungdomssektion",
            "ungdomssektionen på enhet barn och familj",
        ),
        "maluppfyllelse": (
            "Målet med utvecklingsarbetet var att anställda i verksamheten",
            "samt i övrigt börjat normgranska verksamheten.",
        ),
        "forankring": (
            "Kommunstyrelsen har beviljat utvecklingsmedel",
            "som berör målområde fyra under år 2019.",
        ),
        "erfarenheter": (
            "Verksamheten har tidigare genomfört jämställdhetsanalyser",
            "Kränkande särbehandling har varit ett tema på konferens för personalen.",
        ),
        "tillvarata": (
            "Genom att arbeta aktivt med den handlingsplan",
            "som framarbetas i samband med certifieringen.",
        ),
        "budget": (
            "Verksamheten har uppnått de kriterier",
            "dock avslutas inte certifieringen förrän januari 2019.",
        ),
        "underskrift": ("Joanna Eriksson", "Joanna Eriksson"),
    },
    "seed_004.txt": {
        "namnd": ("Arbetsmarknads- och socialnämnden", "Arbetsmarknads- och socialnämnden"),
        "namn": (
            "Program för barnets rättigheter i stadsutveckling",
            "Program för barnets rättigheter i stadsutveckling",
        ),
        "maluppfyllelse": (
            "Program för barnets rättigheter i stadsutveckling har under 2018 engagerat",
            "- Möjligheter att hitta former för kontinuerlig samverkan inom ramen för "
            "ordinarie verksamheter.",
        ),
        "forankring": (
            "Arbetet har förankrats i den egna nämnden på följande sätt:\n\n"
            "- Representanter i förvaltningen",
            "medverkan i workshops, planeringsmöten, samt praktisk tillämpning.",
        ),
        "erfarenheter": (
            "Utvecklingsarbetet har tagit tillvara tidigare erfarenheter",
            "en gemensam produkt som behandlar barnets rättigheter i stadsutveckling.",
        ),
        "tillvarata": (
            "Utvecklingsarbetet faller väl in under det nämnds mål",
            "gemensam utveckling av social hållbarhet i samhällsplanering i Malmö.",
        ),
        "budget": (
            "Arbetsmarknads- och socialnämnden /förvaltningen beviljades 202 000 kr",
            "Kostnaderna för budgetposterna har blivit något lägre än beräknat.",
        ),
        "underskrift": ("Jonas Magnusson", "Jonas Magnusson"),
    },
}

TEMPLATES = {
    "seed_000.txt": "mall-2019",
    "seed_001.txt": "mall-2019",
    "seed_002.txt": "mall-2018",
    "seed_003.txt": "mall-2018",
    "seed_004.txt": "mall-2018",
}


def _import(seeds_dir: Path, catalog: TemplateCatalog, name: str) -> ImportedReport:
    return import_report(name, (seeds_dir / name).read_bytes(), catalog)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_question_gets_its_answer(
    name: str, seeds_dir: Path, catalog: TemplateCatalog
) -> None:
    report = _import(seeds_dir, catalog, name)
    assert set(report.answers) == set(EXPECTED[name])
    for key, (start, end) in EXPECTED[name].items():
        answer = report.answers[key]
        assert answer.startswith(start), (key, answer[:120])
        assert answer.endswith(end), (key, answer[-120:])
        assert "\n\n\n" not in answer
        assert "Underskrift ansvarig chef" not in answer
        assert "Nämndens svar skickas till" not in answer


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_the_template_is_recognised(name: str, seeds_dir: Path, catalog: TemplateCatalog) -> None:
    report = _import(seeds_dir, catalog, name)
    assert report.template_id == TEMPLATES[name]
    assert report.template_reason
    assert report.source_format == "text"


def test_seed_000(seeds_dir: Path, catalog: TemplateCatalog) -> None:
    report = _import(seeds_dir, catalog, "seed_000.txt")
    # In the intro and in "Ange diarienummer STK-2018-1307": found twice, listed once.
    assert report.case_numbers == ["STK-2018-1307"]
    assert report.case_number == "STK-2018-1307"
    # The line after "Underskrift ansvarig chef:" is the closing text, not a name.
    assert report.signature == ""
    assert "underskrift" not in report.answers
    assert report.missing_keys == ["underskrift"]
    assert report.recipients == ["registrera.stk@malmo.se", "Anders.p.eriksson@malmo.se"]
    assert report.last_reply_date == "2020-02-28"
    assert report.unassigned_text == []
    assert report.granted_amount_text == (
        "Arbetsmarknads- och socialnämnden ansökte om 200 000 tkr för att genomföra "
        "kompetenshöjande insatser riktat mot nämndens fokusområden och stabsfunktionen."
    )
    goal = report.answers["maluppfyllelse"]
    # The bullet split by a page break is one item again.
    assert (
        "integrera perspektiven i ärendehandledning och vidare i utredningar och bedömningar."
        in goal
    )
    assert "- En utbildning i *inkluderande kommunikation* som riktat sig" in goal
    assert "De insatser som har genomförts är:\n\n- En utbildning" in goal
    assert (
        "organisering kan vara gynnsam i fråga om erfarenhetsutbyte"
        in (report.answers["erfarenheter"])
    )
    # Markdown links become plain addresses; the mall's text is no answer.
    assert all("mailto" not in a for a in report.answers.values())


def test_seed_001(seeds_dir: Path, catalog: TemplateCatalog) -> None:
    report = _import(seeds_dir, catalog, "seed_001.txt")
    assert report.case_numbers == ["STK-2018-1304"]
    assert report.case_number == "STK-2018-1304"
    assert report.signature == "Jonas Magnusson"
    assert report.recipients == ["registrera.stk@malmo.se", "asa.pahlmblad@malmo.se"]
    assert report.last_reply_date == "2020-02-28"
    assert report.missing_keys == []
    assert report.unassigned_text == []
    assert report.granted_amount_text is not None
    assert report.granted_amount_text.startswith(
        "Arbetsmarknads- och socialnämnden/förvaltningen beviljades 500 000 kronor"
    )
    assert report.granted_amount_kr == 500_000
    goal = report.answers["maluppfyllelse"]
    # The author's bullet marker and bold text stay as written.
    assert "\n- ✓ **Grundläggande utbildningar** inom barnrätt." in goal
    assert "\n- ✓ **Barnrättsstrategsutbildning för förvaltningens barnrättsombud**" in goal


def test_seed_002(seeds_dir: Path, catalog: TemplateCatalog) -> None:
    report = _import(seeds_dir, catalog, "seed_002.txt")
    assert report.case_numbers == []
    assert report.case_number is None
    assert report.signature == "Joanna Eriksson"
    assert report.recipients == ["anders.p.eriksson@malmo.se"]
    assert report.last_reply_date is None
    assert report.unassigned_text == []
    assert report.granted_amount_text == (
        "Verksamheten har beviljats 100 000 konor plus mervärdesskatt för 30 personer."
    )
    assert report.granted_amount_kr == 100_000


def test_seed_003_is_no_mall_but_keeps_its_text(seeds_dir: Path, catalog: TemplateCatalog) -> None:
    report = _import(seeds_dir, catalog, "seed_003.txt")
    assert report.answers == {}
    assert report.case_numbers == ["SN-2018-1996"]
    assert report.case_number == "SN-2018-1996"
    assert report.signature == ""
    assert report.granted_amount_text == (
        "Serviceförvaltningen har totalt nyttjat 167 tkr av beviljade 400 tkr."
    )
    assert report.granted_amount_kr == 400_000
    assert report.warnings and "Inga av mallens frågor" in report.warnings[0]
    # Every paragraph of the tjänsteskrivelse is kept, none taken for the mall's text.
    seed = (seeds_dir / "seed_003.txt").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in seed.split("\n\n") if p.strip()]
    assert report.unassigned_text == paragraphs
    assert any("SN-2018-1996" in p for p in report.unassigned_text)
    assert any(p.startswith("- Tjänsteskrivelse Uppföljning") for p in report.unassigned_text)


def test_seed_004_letterhead_is_moved_out_of_the_answer(
    seeds_dir: Path, catalog: TemplateCatalog
) -> None:
    report = _import(seeds_dir, catalog, "seed_004.txt")
    assert report.case_numbers == []
    assert report.signature == "Jonas Magnusson"
    assert report.recipients == ["anders.p.eriksson@malmo.se"]
    goal = report.answers["maluppfyllelse"]
    assert "Besöksadress" not in goal
    assert "205 80 Malmö" not in goal
    assert "ARBETSMARKNADS- OCH" not in goal
    # The sentence the letterhead split is whole again.
    assert (
        "Den 15 januari 2019 genomfördes ett seminarium kring barns involvering i "
        "stadsutveckling. Där presenterades" in goal
    )
    letterhead = [u for u in report.unassigned_text if "Besöksadress" in u]
    assert len(letterhead) == 1
    assert letterhead[0].startswith("**ARBETSMARKNADS- OCH\nSOCIALFÖRVALTNINGEN**")
    assert "205 80 Malmö" in letterhead[0]
    assert letterhead[0].endswith("www.malmö.se")
    # The förvaltning's name above the title is no fixed text of the mall: kept too.
    assert "Arbetsmarknads- och socialförvaltningen" in report.unassigned_text
    # "Malmö stad" and the title are the mall's fixed text.
    assert "Malmö stad" not in report.unassigned_text
    assert len(report.unassigned_text) == 2
    # The two halves of the list (a blank line between them in the seed) are one list.
    assert (
        "- Avdelningens kontaktperson i barnrätt har medverkat som dialogpartner.\n"
        "- Tjänstepersoner från förvaltningen har medverkat" in report.answers["forankring"]
    )
    assert report.granted_amount_text == (
        "Arbetsmarknads- och socialnämnden /förvaltningen beviljades 202 000 kr för detta "
        "utvecklingsarbete."
    )
    assert report.granted_amount_kr == 202_000


MALL_TEXT = re.compile(
    r"^(Mall för redovisning|Redovisning av medel|Kommunstyrelsen arbetsutskott beslutade|"
    r"Utskottet för demokrati, jämställdhet och mänskliga rättigheter beslutade|"
    r"Vid redovisning av hur|Nämnden skickar ärendet|Sista datum för|Nämndens svar skickas|"
    r"samt med kopia till|Ange diarienummer|Malmö stad$|Vid vilken nämnd|"
    r"Utvecklingsarbetets (namn|måluppfyllelse)|Hur har utvecklingsarbetet förankrats|"
    r"På vilket sätt har tidigare|Hur kommer nämnden att tillvarata|Vilket är resultatet|"
    r"Underskrift ansvarig chef)"
)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_no_text_is_lost(name: str, seeds_dir: Path, catalog: TemplateCatalog) -> None:
    """Every line of a seed is in an answer or the unassigned text, or is the mall's text."""
    report = _import(seeds_dir, catalog, name)
    kept = "\n".join([*report.answers.values(), *report.unassigned_text, *report.recipients])
    for line in (seeds_dir / name).read_text(encoding="utf-8").splitlines():
        bare = line.strip().lstrip("#").strip()
        if not bare or MALL_TEXT.match(bare.strip("*")):
            continue
        if bare.startswith("[") and "](mailto:" in bare:
            bare = bare[1 : bare.index("]")]
        assert bare in kept, (name, line)

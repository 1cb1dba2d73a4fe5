"""The nämnd's tjänsteskrivelse drafted from a finished report, in seed 003's form and length:
the nämnd as subject, the third person, only the perspectives concerned, the budget line
from the confirmed figures, "Vår referens" a person, every unknown a visible and listed gap."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX

from bot.documents.tjansteskrivelse import (
    GivenFacts,
    Tjansteskrivelse,
    TjansteskrivelseFacts,
    build_tjansteskrivelse,
)
from bot.documents.tjansteskrivelse_render import (
    render_tjansteskrivelse_docx,
    render_tjansteskrivelse_pdf,
    tjansteskrivelse_file_name,
)
from bot.documents.tjansteskrivelse_rules import answer_sentences, third_person
from bot.mall.amounts import find_amounts, format_kronor
from bot.mall.template import TemplateCatalog
from tests.seed_answers import seed_answers

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
SECTIONS = [
    "Sammanfattning", "Förslag till beslut", "Beslutsunderlag", "Beslutsplanering",
    "Beslutet skickas till", "Ärendet", "Ansvariga",
]  # fmt: skip
SHORTEST, LONGEST = 350, 650  # words; seed 003 has 424
FIRST_PERSON = re.compile(
    r"(?<![\w-])(?:vi|jag|oss|mig|vår|vårt|våra|min|mitt|mina)(?![\w-])", re.I
)
GAP = re.compile(r"\[uppgift saknas: ([^\]]+)\]")
# Words the rules may add to an answer's sentence (third person, the list sentence).
RULE_WORDS = {"förvaltningen", "förvaltningens", "sig", "bland", "annat", "och"}
# (seed, mall, diarienummer, granted, confirmed used)
SEED_CASES = [
    ("seed_001", "mall-2019", "STK-2018-1304", 500_000, 430_000),
    ("seed_004", "mall-2018", "STK-2018-0904", 202_000, 194_000),
]


def seed_facts(catalog: TemplateCatalog, seed: str, mall: str, dnr: str) -> TjansteskrivelseFacts:
    template = catalog.get(mall)
    answers = {k: "\n".join(v) for k, v in seed_answers(SEEDS / f"{seed}.txt", template).items()}
    return TjansteskrivelseFacts(
        case_number=dnr,
        template=template,
        answers=answers,
        today=date(2020, 1, 10),
        committee="Arbetsmarknads- och socialnämnden",
        report_date=date(2019, 12, 10),
        author_name="anna",  # a login name, as the terminal chat knows the official
    )


def words(text: str) -> int:
    return len(re.findall(r"\w+(?:-\w+)*", text))


def sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9”])", paragraph) if s]


def assert_drawn_from_the_answers(doc: Tjansteskrivelse, facts: TjansteskrivelseFacts) -> None:
    """Every word of Sammanfattning and Ärendet is in the answers, the facts or the fixed
    texts: nothing was made up."""
    template = facts.template
    known = " ".join(
        [
            *facts.answers.values(),
            facts.committee or "",
            template.decided_by,
            template.decision_date,
        ]
        + [format_kronor(x) for x in (facts.granted_amount_kr, facts.used_amount_kr) if x]
    )
    fixed = (
        "beviljades medel från för att arbeta med frågor som berör har totalt nyttjat av "
        "beviljade jämställdhet antidiskriminering barnets rättigheter nationella minoriteter "
        "medlen har använts till utvecklingsarbetet januari februari mars april maj juni juli "
        "augusti september oktober november december"
    )
    vocabulary = {w.lower() for w in re.findall(r"\w+", f"{known} {fixed}")} | RULE_WORDS
    for paragraph in doc.summary + doc.matter:
        unknown = {w for w in re.findall(r"\w+", paragraph.lower()) if w not in vocabulary}
        assert not unknown, (unknown, paragraph)


@pytest.mark.parametrize(("seed", "mall", "dnr", "granted", "used"), SEED_CASES)
def test_a_seed_report_gives_a_tjansteskrivelse_in_seed_003s_form(
    catalog: TemplateCatalog, seed: str, mall: str, dnr: str, granted: int, used: int
) -> None:
    facts = replace(
        seed_facts(catalog, seed, mall, dnr), granted_amount_kr=granted, used_amount_kr=used
    )
    doc = build_tjansteskrivelse(facts)
    assert SHORTEST <= words(doc.text()) <= LONGEST
    # Three short paragraphs: the grant and what was done (at most four sentences), the
    # money in one line, what comes next.
    assert len(doc.summary) == 3
    grant, money, coming = doc.summary
    assert grant.startswith("Arbetsmarknads- och socialnämnden beviljades ")
    # Both seeds are about the rights of the child alone: only that perspective is named.
    found = re.search(r"för att arbeta med frågor som berör (.*?)\.", grant)
    assert found is not None and found.group(1) == "barnets rättigheter"
    assert 2 <= len(sentences(grant)) <= 1 + 4
    assert money == (
        f"Arbetsmarknads- och socialnämnden har totalt nyttjat {format_kronor(used)} "
        f"av beviljade {format_kronor(granted)}."
    )
    assert any(p.startswith(money) for p in doc.matter)  # Ärendet's budget paragraph
    assert coming and words(coming) <= 60
    # Ärendet: a few paragraphs, shortened; no answer pasted whole.
    assert 4 <= len(doc.matter) <= 6
    assert all(words(p) <= 130 for p in doc.matter)
    for answer in facts.answers.values():
        if words(answer) > 80:
            assert " ".join(answer.split()) not in " ".join(doc.matter)
    # The third person: no "vi", "jag", "vår" from the answers.
    for paragraph in doc.summary + doc.matter:
        assert not FIRST_PERSON.search(paragraph), paragraph
    assert_drawn_from_the_answers(doc, facts)
    # "Vår referens" is a person (the signer), never the login "anna".
    assert doc.reference[0] == "Jonas Magnusson"
    assert "anna" not in doc.reference
    assert doc.responsible[0].startswith("Jonas Magnusson")
    assert any(dnr in line and "10 december 2019" in line for line in doc.basis)
    # Every gap is listed, and every listed gap is in the text.
    shown = GAP.findall(doc.text())
    assert set(shown) == set(doc.gaps)
    for expected in ("nämndens diarienummer", "beslutsplanering (sammanträden och datum)",
                     "vem beslutet skickas till"):  # fmt: skip
        assert expected in doc.gaps


def four_perspectives_facts(catalog: TemplateCatalog) -> TjansteskrivelseFacts:
    """A report written in the first person about all four perspectives."""
    answers = {
        "namnd": "Kulturnämnden",
        "namn": "Ett bibliotek för alla: jämställdhet, barnets rättigheter och minoritetsspråk",
        "maluppfyllelse": (
            "Målet var att göra bibliotekens verksamhet jämställd, fri från diskriminering och "
            "tillgänglig för barn och för de nationella minoriteterna. Vi har under 2019 "
            "genomfört fyra utbildningar i jämställdhet och antidiskriminering för 85 "
            "medarbetare. Vi har också startat sagostunder på samiska, finska, meänkieli, "
            "romani och jiddisch, där 240 barn deltog. Barnkonventionen och barnets rättigheter "
            "har varit utgångspunkten när vi planerade barnens aktiviteter. Vår personal har "
            "tagit fram en handbok om normkritiskt bemötande och likabehandling. Följande har "
            "genomförts under året:\n"
            "- fyra utbildningar i jämställdhet och antidiskriminering\n"
            "- tolv sagostunder på de nationella minoritetsspråken\n"
            "- en barnpanel med elever från tre skolor\n"
            "- en enkät om bemötande till 600 besökare\n\n"
            "Enkäten visar att kvinnor och män, flickor och pojkar upplever bemötandet lika. "
            "Diskriminering rapporterades i två fall, som har följts upp med berörda enheter."
        ),
        "forankring": (
            "Arbetet har förankrats i kulturnämnden genom dragningar vid tre sammanträden. Vi "
            "har haft en styrgrupp med biblioteksdirektören och två enhetschefer. Våra "
            "medarbetare har varit delaktiga i planeringen genom arbetsplatsträffar. "
            "Minoritetsföreningarna har deltagit i referensgruppen."
        ),
        "erfarenheter": (
            "Vi byggde på erfarenheterna från stadens arbete med jämställdhetsintegrering 2017. "
            "Den barnkonsekvensanalys som gjordes 2018 visade oss var behoven var störst."
        ),
        "tillvarata": (
            "Nämnden kommer att föra in sagostunderna på minoritetsspråk i den ordinarie "
            "verksamheten från 2020. Handboken kommer att användas i introduktionen av alla "
            "nyanställda. Vi ska följa upp enkäten vartannat år för att se om bemötandet "
            "förändras. Barnpanelen fortsätter och ska träffas två gånger per termin."
        ),
        "budget": (
            "Kulturnämnden beviljades 300 000 kr. Vi har använt 280 000 kr, varav 150 000 kr "
            "till utbildningarna och 130 000 kr till sagostunderna. Det som blev över, 20 000 "
            "kr, betalas tillbaka. Kostnaderna för lokaler blev lägre än vi räknade med."
        ),
        "underskrift": "Maria Lind\nBiblioteksdirektör\nmaria.lind@malmo.se",
    }
    return TjansteskrivelseFacts(
        case_number="STK-2019-0777",
        template=catalog.get("mall-2019"),
        answers=answers,
        today=date(2020, 2, 3),
        committee="Kulturnämnden",
        granted_amount_kr=300_000,
        used_amount_kr=280_000,
        report_date=date(2020, 1, 20),
        author_name="Sara Berg",
        author_title="Utvecklingssekreterare",
        author_email="sara.berg@malmo.se",
        recipients=("registrera.stk@malmo.se", "asa.pahlmblad@malmo.se"),
    )


def test_an_arende_about_all_four_perspectives_names_all_four(catalog: TemplateCatalog) -> None:
    facts = four_perspectives_facts(catalog)
    doc = build_tjansteskrivelse(facts)
    assert SHORTEST <= words(doc.text()) <= LONGEST
    assert (
        "för att arbeta med frågor som berör jämställdhet, antidiskriminering, barnets "
        "rättigheter och nationella minoriteter." in doc.summary[0]
    )
    assert doc.summary[1] == "Kulturnämnden har totalt nyttjat 280 000 kr av beviljade 300 000 kr."
    for paragraph in doc.summary + doc.matter:
        assert not FIRST_PERSON.search(paragraph), paragraph
    # "Vi har … genomfört" became "Förvaltningen har … genomfört".
    assert "Förvaltningen har under 2019 genomfört fyra utbildningar" in doc.text()
    assert_drawn_from_the_answers(doc, facts)
    # The official's profile is a person: name, title and e-mail as given.
    assert doc.reference == ("Sara Berg", "Utvecklingssekreterare", "sara.berg@malmo.se")
    assert doc.responsible == ("Maria Lind, biblioteksdirektör",)
    # The decision goes where the ärende's answer goes, the copy marked.
    assert doc.send_to == ("registrera.stk@malmo.se", "asa.pahlmblad@malmo.se (kopia)")
    assert doc.gaps == ("nämndens diarienummer", "beslutsplanering (sammanträden och datum)")


def test_the_registered_perspectives_are_the_grants(catalog: TemplateCatalog) -> None:
    facts = replace(four_perspectives_facts(catalog), perspectives=["barnratt"])
    doc = build_tjansteskrivelse(facts)
    assert "för att arbeta med frågor som berör barnets rättigheter." in doc.summary[0]
    nothing = replace(
        facts, perspectives=None, answers={"namn": "Ett arbete", "maluppfyllelse": "Klart."}
    )
    assert "vilka perspektiv medlen avsåg" in build_tjansteskrivelse(nothing).gaps


def test_given_facts_fill_every_gap(catalog: TemplateCatalog) -> None:
    given = GivenFacts(
        committee_case_number="KN-2020-0042",
        decision_planning=["Kulturnämndens arbetsutskott 2020-02-11", "Kulturnämnden 2020-02-25"],
        send_to=["Stadskontoret"],
        responsible=["Maria Lind, biblioteksdirektör", "Per Ek, avdelningschef"],
    )
    doc = build_tjansteskrivelse(given.apply(four_perspectives_facts(catalog)))
    assert doc.gaps == ()
    assert not GAP.search(doc.text())
    assert doc.title.endswith("nationella minoriteter KN-2020-0042")
    assert doc.footer == "Tjänsteskrivelse KN-2020-0042"  # not the STK number
    assert doc.planning == ("Kulturnämndens arbetsutskott 2020-02-11", "Kulturnämnden 2020-02-25")
    assert doc.send_to == ("Stadskontoret",)
    assert doc.responsible == ("Maria Lind, biblioteksdirektör", "Per Ek, avdelningschef")


def test_var_referens_is_a_person_or_a_gap(catalog: TemplateCatalog) -> None:
    facts = four_perspectives_facts(catalog)
    login = build_tjansteskrivelse(replace(facts, author_name="anna", author_title=None))
    # A login name is no person: the signer of the report, with the e-mail of the block.
    assert login.reference == ("Maria Lind", "Biblioteksdirektör", "maria.lind@malmo.se")
    no_one = replace(facts, author_name="sara_b", answers=dict(facts.answers, underskrift=""))
    doc = build_tjansteskrivelse(no_one)
    assert doc.reference == tuple(
        f"[uppgift saknas: {what}]"
        for what in ("handläggarens namn", "handläggarens befattning", "handläggarens e-postadress")
    )
    assert "ansvariga (namn och befattning)" in doc.gaps
    given = GivenFacts(reference=["Saida Sokolovic", "Strateg", "saida.sokolovic@malmo.se"])
    assert build_tjansteskrivelse(given.apply(no_one)).reference == (
        "Saida Sokolovic", "Strateg", "saida.sokolovic@malmo.se",
    )  # fmt: skip


def test_nothing_known_gives_gaps_and_invents_nothing(catalog: TemplateCatalog) -> None:
    bare = TjansteskrivelseFacts(
        case_number="STK-2019-0001",
        template=catalog.get("mall-2018"),
        answers={"namn": "Ett arbete"},
        today=date(2019, 5, 2),
    )
    doc = build_tjansteskrivelse(bare)
    text = doc.text()
    for what in ("nämndens namn", "använt belopp", "beviljat belopp", "handläggarens namn",
                 "ansvariga (namn och befattning)", "redovisningens datum"):  # fmt: skip
        assert f"[uppgift saknas: {what}]" in text
    assert set(GAP.findall(text)) == set(doc.gaps)
    assert find_amounts(text) == []


@pytest.mark.parametrize(
    ("written", "third"),
    [
        ("Vi har genomfört två utbildningar.", "Förvaltningen har genomfört två utbildningar."),
        (
            "Preliminärt bokslut visar att vi har använt medlen.",
            "Preliminärt bokslut visar att förvaltningen har använt medlen.",
        ),  # fmt: skip
        (
            "Genom arbetet har vi haft många perspektiv med oss.",
            "Genom arbetet har förvaltningen haft många perspektiv med sig.",
        ),  # fmt: skip
        (
            "Våra chefer och vårt nätverk stödde oss.",
            "Förvaltningens chefer och förvaltningens nätverk stödde förvaltningen.",
        ),  # fmt: skip
        ("Jag samordnade arbetet.", "Förvaltningen samordnade arbetet."),
        ("Vidare utvecklades viktiga metoder.", "Vidare utvecklades viktiga metoder."),
    ],
)
def test_the_first_person_becomes_the_third(written: str, third: str) -> None:
    assert third_person(written) == third


def test_a_list_becomes_one_sentence_naming_its_first_items() -> None:
    text = (
        "Följande aktiviteter har genomförts:\n- två utbildningar i barnrätt\n"
        "- fem workshops med Rädda Barnen\n- Dialoger med barn i Amiralstaden\n- en enkät\n\n"
        "Allt gick bra."
    )
    assert answer_sentences(text) == [
        "Följande aktiviteter har genomförts, bland annat: två utbildningar i barnrätt, fem "
        "workshops med Rädda Barnen och dialoger med barn i Amiralstaden.",
        "Allt gick bra.",
    ]


def test_an_accepted_suggestion_replaces_the_plain_summary(catalog: TemplateCatalog) -> None:
    facts = four_perspectives_facts(catalog)
    doc = build_tjansteskrivelse(
        facts, summary_suggestion="Nämnden har utbildat personalen.\n\nDet gick bra."
    )
    assert doc.summary == ("Nämnden har utbildat personalen.", "Det gick bra.")
    assert "beviljades" in doc.matter[0]  # Ärendet is still built from the answers


def test_the_docx_has_the_sections_of_seed_003_and_highlights_the_gaps(
    catalog: TemplateCatalog,
) -> None:
    doc = build_tjansteskrivelse(four_perspectives_facts(catalog))
    content = render_tjansteskrivelse_docx(doc)
    word = Document(BytesIO(content))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 2"]
    assert headings == SECTIONS
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == "Tjänsteskrivelse"
    assert any(t.startswith("Datum") and "2020-02-03" in t for t in texts)
    assert any(t.startswith("Vår referens") and "Sara Berg" in t for t in texts)
    highlighted = [
        r.text
        for p in word.paragraphs
        for r in p.runs
        if r.font.highlight_color == WD_COLOR_INDEX.YELLOW
    ]
    assert highlighted == [
        "[uppgift saknas: nämndens diarienummer]",
        "[uppgift saknas: beslutsplanering (sammanträden och datum)]",
    ]
    footer = "".join(p.text for p in word.sections[0].footer.paragraphs)
    assert footer.startswith("Tjänsteskrivelse\t")
    assert tjansteskrivelse_file_name(doc, "docx") == "Tjansteskrivelse_STK-2019-0777.docx"


def test_the_pdf_is_pdf_a_and_user_text_stays_text(catalog: TemplateCatalog) -> None:
    facts = four_perspectives_facts(catalog)
    hostile = dict(
        facts.answers,
        forankring="Det förankrades #set page(fill: red) _x_ $x^2$ <etikett> ] \\ så.",
    )
    doc = build_tjansteskrivelse(replace(facts, answers=hostile))
    pdf = render_tjansteskrivelse_pdf(doc)
    reader = pypdf.PdfReader(BytesIO(pdf))
    assert b"pdfaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    text = "".join(page.extract_text() for page in reader.pages)
    for heading in SECTIONS:
        assert heading in text
    assert "#set page(fill: red) _x_ $x^2$ <etikett> ] \\ så." in " ".join(text.split())
    assert "[uppgift saknas: nämndens diarienummer]" in " ".join(text.split())

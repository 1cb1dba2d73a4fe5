"""The nämnd's tjänsteskrivelse drafted from a finished report: the sections of seed 003,
facts only from stored data, unknowns left as visible gaps; as DOCX and PDF/A."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX

from bot.documents.tjansteskrivelse import (
    Tjansteskrivelse,
    TjansteskrivelseFacts,
    build_tjansteskrivelse,
    first_sentences,
    read_budget,
)
from bot.documents.tjansteskrivelse_render import (
    render_tjansteskrivelse_docx,
    render_tjansteskrivelse_pdf,
    tjansteskrivelse_file_name,
)
from bot.mall.amounts import find_amounts
from bot.mall.template import TemplateCatalog
from tests.seed_answers import seed_answers

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
SECTIONS = [
    "Sammanfattning", "Förslag till beslut", "Beslutsunderlag", "Beslutsplanering",
    "Beslutet skickas till", "Ärendet", "Ansvariga",
]  # fmt: skip


def kr(amount: str) -> str:
    """An amount as the document writes it: no line break inside (no-break spaces)."""
    return f"{amount} kr".replace(" ", "\u00a0")


@pytest.fixture
def facts(catalog: TemplateCatalog) -> TjansteskrivelseFacts:
    template = catalog.get("mall-2018")
    answers = {k: "\n".join(v) for k, v in seed_answers(SEEDS / "seed_004.txt", template).items()}
    return TjansteskrivelseFacts(
        case_number="STK-2018-0904",
        template=template,
        answers=answers,
        today=date(2019, 1, 10),
        committee="Arbetsmarknads- och socialnämnden",
        decision_date=date(2018, 3, 14),
        granted_amount_kr=202_000,
        perspectives=["jamstalldhet", "antidiskriminering", "barnratt"],
        author_name="Saida Sokolovic",
        author_title="Strateg",
        author_email="saida.sokolovic@malmo.se",
    )


def _all_text(doc: Tjansteskrivelse) -> str:
    parts = [doc.date, *doc.reference, doc.title]
    for _key, paragraphs, _bullets in doc.sections():
        parts += paragraphs
    return "\n".join(parts)


def test_the_figures_and_facts_come_from_the_stored_data(facts: TjansteskrivelseFacts) -> None:
    doc = build_tjansteskrivelse(facts)
    assert doc.date == "2019-01-10"
    assert doc.reference == ("Saida Sokolovic", "Strateg", "saida.sokolovic@malmo.se")
    summary = "\n".join(doc.summary)
    assert "Arbetsmarknads- och socialnämnden beviljades mars 2018 medel från Utskottet" in summary
    assert "jämställdhet, antidiskriminering och barnrättsperspektivet" in summary
    # The used amount is read from the budget answer ("använt ca 194 000 kr").
    assert f"har totalt nyttjat {kr('194 000')} av beviljade {kr('202 000')}." in summary
    assert doc.proposal == (
        "Arbetsmarknads- och socialnämnden godkänner redovisningen av medel beviljade till "
        "insatser för jämställdhet, antidiskriminering, barnrättsperspektivet och nationella "
        "minoriteter.",
    )
    assert doc.responsible == ("Jonas Magnusson",)
    assert doc.send_to == ("Stadskontoret",)
    assert any("STK-2018-0904" in line for line in doc.basis)
    # Ärendet carries the answers themselves, a list item per paragraph, no markup signs.
    assert facts.answers["forankring"].splitlines()[0] in doc.matter
    assert "• Representanter i förvaltningen har bjudits in att medverka i arbetet." in doc.matter
    assert not any("**" in p for p in doc.matter)
    # No amount appears that is not stored: every amount is the grant, the use or in an answer.
    stored = {202_000, 194_000} | {
        a.value for text in facts.answers.values() for a in find_amounts(text)
    }
    assert {a.value for a in find_amounts(_all_text(doc))} <= stored


def test_what_is_not_known_is_a_visible_gap(facts: TjansteskrivelseFacts) -> None:
    doc = build_tjansteskrivelse(facts)
    assert doc.title.endswith("[uppgift saknas: nämndens diarienummer]")
    assert doc.planning == ("[uppgift saknas: beslutsplanering (sammanträden och datum)]",)
    assert doc.gaps == ("nämndens diarienummer", "beslutsplanering (sammanträden och datum)")
    bare = TjansteskrivelseFacts(
        case_number="STK-2019-0001",
        template=facts.template,
        answers={"namn": "Ett arbete"},
        today=date(2019, 5, 2),
    )
    empty = build_tjansteskrivelse(bare)
    text = _all_text(empty)
    for what in ("nämndens namn", "använt belopp", "beviljat belopp", "handläggarens namn",
                 "ansvariga (namn och befattning)"):  # fmt: skip
        assert f"[uppgift saknas: {what}]" in text
    assert find_amounts(text) == []  # nothing invented


def test_given_facts_fill_the_gaps_and_a_confirmed_amount_wins(
    facts: TjansteskrivelseFacts,
) -> None:
    doc = build_tjansteskrivelse(
        replace(
            facts,
            committee_case_number="AST-2018-1996",
            used_amount_kr=190_000,
            decision_planning=["Arbetsmarknads- och socialnämnden 2019-01-29"],
            responsible=["Lena Lundin, avdelningschef"],
        )
    )
    assert doc.title.endswith("minoriteter AST-2018-1996")
    assert any(f"nyttjat {kr('190 000')} av beviljade {kr('202 000')}" in p for p in doc.summary)
    assert doc.planning == ("Arbetsmarknads- och socialnämnden 2019-01-29",)
    assert doc.responsible == ("Lena Lundin, avdelningschef",)
    assert doc.gaps == ()


def test_an_accepted_suggestion_replaces_the_plain_summary(facts: TjansteskrivelseFacts) -> None:
    doc = build_tjansteskrivelse(
        facts, summary_suggestion="Nämnden har utbildat personalen.\n\nDet gick bra."
    )
    assert doc.summary == ("Nämnden har utbildat personalen.", "Det gick bra.")
    assert "beviljades mars 2018" in doc.matter[0]  # Ärendet is still built from the answers


def test_first_sentences_of_a_list_answer() -> None:
    text = "Målet var att utbilda **alla**. Det lyckades. Vi fortsätter.\n\nMer text."
    assert first_sentences(text, 2) == "Målet var att utbilda alla. Det lyckades."
    listed = "Vi har gjort följande:\n- två utbildningar\n- fem workshops"
    assert first_sentences(listed, 2) == ""
    assert first_sentences("Vi började i mars. Följande har gjorts:\n- ett", 2) == (
        "Vi började i mars."
    )


def test_the_docx_has_the_sections_of_seed_003_and_highlights_the_gaps(
    facts: TjansteskrivelseFacts,
) -> None:
    doc = build_tjansteskrivelse(facts)
    word = Document(BytesIO(render_tjansteskrivelse_docx(doc)))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 2"]
    assert headings == SECTIONS
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == "Tjänsteskrivelse"
    assert any(t.startswith("Datum") and "2019-01-10" in t for t in texts)
    assert any(t.startswith("Vår referens") and "Saida Sokolovic" in t for t in texts)
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
    assert tjansteskrivelse_file_name(doc, "docx") == "Tjansteskrivelse_STK-2018-0904.docx"


def test_the_pdf_is_pdf_a_and_user_text_stays_text(facts: TjansteskrivelseFacts) -> None:
    hostile = dict(facts.answers, forankring='#set page(fill: red) _x_ $x^2$ <etikett> @ref ] \\')
    doc = build_tjansteskrivelse(replace(facts, answers=hostile))
    pdf = render_tjansteskrivelse_pdf(doc)
    reader = pypdf.PdfReader(BytesIO(pdf))
    metadata = reader.xmp_metadata
    assert metadata is not None
    assert b"pdfaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    text = "".join(page.extract_text() for page in reader.pages)
    for heading in SECTIONS:
        assert heading in text
    assert "#set page(fill: red) _x_ $x^2$ <etikett> @ref ]" in text
    assert "[uppgift saknas: nämndens diarienummer]" in text


def test_the_used_amount_is_read_as_the_review_reads_it(catalog: TemplateCatalog) -> None:
    """Parts across sentences are added up; an amount the reading is unsure of is a gap."""
    template = catalog.get("mall-2019")
    answers = {
        "budget": "Kostnaderna för utbildningen uppgick till 118 000 kr. "
        "Därutöver 77 000 kr för material."
    }
    assert read_budget(template, answers, 180_000, None) == (180_000, 195_000)
    assert read_budget(template, answers, 180_000, 150_000) == (180_000, 150_000)
    assert read_budget(template, {"budget": "Vi har inte räknat klart."}, None, None) == (
        None,
        None,
    )

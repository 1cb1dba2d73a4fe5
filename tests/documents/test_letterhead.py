"""The page a manager signs: Malmö stad's letterhead, the title, the diarienummer and date
at the top, the signature block with befattning and ort, page numbers; the same in DOCX
with Swedish styles, a sans-serif font and real document properties."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from docx import Document

from bot.documents import DocumentCase, DocumentFormat, RenderedDocuments, render_report
from bot.mall.template import TemplateCatalog
from tests.documents import seed_text, split_seed

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def seed_001(catalog: TemplateCatalog, seeds_dir: Path) -> RenderedDocuments:
    template = catalog.get("mall-2019")
    answers = split_seed(seed_text(seeds_dir, "seed_001"), template)
    case = DocumentCase(
        "STK-2018-1304",
        last_reply_date=date(2020, 2, 28),
        recipients=("registrera.stk@malmo.se", "asa.pahlmblad@malmo.se"),
        author="Anna Andersson",
    )
    return render_report(template, answers, case, today=TODAY)


def _pages(result: RenderedDocuments) -> list[str]:
    reader = pypdf.PdfReader(BytesIO(result.get(DocumentFormat.PDF).content))
    return [page.extract_text() for page in reader.pages]


def test_the_first_page_has_the_letterhead_title_diarienummer_and_date(
    seed_001: RenderedDocuments,
) -> None:
    first = _pages(seed_001)[0]
    top = first.split("Redovisning av medel")[0]
    for wanted in (
        "Malmö stad",
        "Arbetsmarknads- och socialnämnden",
        "Arbetsmarknads- och socialförvaltningen",  # from the signature's lines
        "Dnr STK-2018-1304",
        "26 november 2026",
    ):
        assert wanted in top, wanted
    assert "Redovisning av medel beviljade till insatser" in first
    assert "Mall för" not in first


def test_the_signature_block_has_name_befattning_ort_and_date(
    seed_001: RenderedDocuments,
) -> None:
    pages = _pages(seed_001)
    last = pages[-1]
    assert "Namnförtydligande: Jonas Magnusson" in last
    assert "Befattning: Enhetschef Social hållbarhet" in last
    assert "Ort och datum: Malmö, datum enligt den digitala underskriften" in last
    assert [re.search(r"(\d+) \((\d+)\)\s*$", p.strip()).groups() for p in pages] == [  # type: ignore[union-attr]
        (str(n), str(len(pages))) for n in range(1, len(pages) + 1)
    ]


def test_the_docx_is_swedish_sans_serif_with_header_footer_and_properties(
    seed_001: RenderedDocuments,
) -> None:
    content = seed_001.get(DocumentFormat.DOCX).content
    doc = Document(BytesIO(content))
    props = doc.core_properties
    assert props.title.startswith("Redovisning av medel")
    assert props.author == "Anna Andersson"
    assert props.created.date() == TODAY and props.modified.date() == TODAY
    assert "python-docx" not in (props.comments or "")
    assert props.keywords == "STK-2018-1304"
    with zipfile.ZipFile(BytesIO(content)) as archive:
        styles = archive.read("word/styles.xml").decode()
        body = archive.read("word/document.xml").decode()
        parts = [archive.read(n).decode() for n in archive.namelist() if "/footer" in n]
    assert "en-US" not in styles
    style_count = styles.count("<w:style ")
    assert styles.count('w:val="sv-SE"') >= style_count + 1  # every style and the defaults
    assert not re.search(r"w:(ascii|hAnsi|eastAsia|cs)[Tt]heme=", styles)  # no theme fonts
    assert 'w:ascii="Arial"' in styles
    heading = doc.styles["Heading 1"].font
    assert heading.color.rgb is not None and str(heading.color.rgb) == "000000"
    # The letterhead on the first page only, as in the PDF; the footer on every page.
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    first = " ".join(c.text for t in section.first_page_header.tables for c in t._cells)
    for wanted in ("Malmö stad", "Arbetsmarknads- och socialnämnden", "Dnr STK-2018-1304"):
        assert wanted in first
    later = " ".join(c.text for t in section.header.tables for c in t._cells)
    assert "Malmö stad" not in later and "STK-2018-1304" not in later
    for footer in (section.footer, section.first_page_footer):
        assert footer.paragraphs[0].text.startswith("Redovisning STK-2018-1304\t")
    assert len(parts) == 2
    for part in parts:
        assert 'w:instr=" PAGE "' in part and 'w:instr=" NUMPAGES "' in part
    # Characters as stored: a plain hyphen, no Word-only non-breaking hyphen or space.
    for xml in (body, *parts):
        assert "noBreakHyphen" not in xml and "\u00a0" not in xml
    assert "STK-2018-1304" in body
    texts = [p.text for p in doc.paragraphs]
    assert "Ange diarienummer STK-2018-1304" in texts  # python-docx reads it as "-"
    assert any(t.startswith("Befattning: Enhetschef Social hållbarhet") for t in texts) or any(
        "Befattning: Enhetschef Social hållbarhet" in t for t in texts
    )
    assert any(t.startswith("Ort och datum: Malmö den ") for t in texts)

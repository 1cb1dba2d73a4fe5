"""The Word document's page: Malmö stad's header, the footer with page numbers, Swedish
styles in a sans-serif font, and real document properties (python-docx).

Every style says Swedish (sv-SE), so Word checks the spelling against Swedish; the
headings are black and in the body's font instead of python-docx's blue serif theme. The
letterhead is on the first page only, as in the PDF (Word's "different first page"); the
footer is on every page. Text is written as stored: no non-breaking hyphen or space, so a
diarienummer, an amount or a date copied from the document is the same characters.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph as DocxParagraph

from bot.documents.model import ORGANISATION, ReportDocument

LANGUAGE = "sv-SE"
FONT = "Arial"  # sans-serif; LibreOffice shows it as the metric-compatible Liberation Sans
BLACK = RGBColor(0, 0, 0)
GREY = RGBColor(0x59, 0x59, 0x59)
DRAFT_RED = RGBColor(0xB0, 0x1C, 0x1C)
TEXT_WIDTH = Cm(16.0)  # A4 less the margins of 2.5 cm
FOOTER_HALF_POINTS = 17  # 8.5 pt
HEADING_SIZES = {"Heading 1": Pt(15), "Heading 2": Pt(11.5), "Title": Pt(16)}


def _set_font(rpr: object) -> None:
    """One font for every script, and no theme font that would override it."""
    fonts = rpr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)  # type: ignore[attr-defined]
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for name in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(name), FONT)


def _set_language(rpr: object) -> None:
    lang = rpr.find(qn("w:lang"))  # type: ignore[attr-defined]
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)  # type: ignore[attr-defined]
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def swedish_sans_styles(doc: DocxDocument) -> None:
    """Swedish on the defaults and on every style; Arial; black headings."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            _set_language(rpr)
            _set_font(rpr)
    for style in styles.findall(qn("w:style")):
        _set_language(style.get_or_add_rPr())
    for fonts in list(styles.iter(qn("w:rFonts"))):  # table styles' parts included
        _set_font(fonts.getparent())
    doc.styles["Normal"].font.size = Pt(10.5)
    for name, size in HEADING_SIZES.items():
        font = doc.styles[name].font
        font.color.rgb = BLACK
        font.size = size
        font.bold = True
        font.italic = False


def _text_element(value: str) -> object:
    element = OxmlElement("w:t")
    element.text = value
    element.set(qn("xml:space"), "preserve")
    return element


def _field(paragraph: DocxParagraph, instruction: str, shown: str) -> None:
    """A simple field (PAGE, NUMPAGES) that Word and LibreOffice update as they lay out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(FOOTER_HALF_POINTS))
    properties.append(size)
    run.append(properties)
    run.append(_text_element(shown))
    field.append(run)
    paragraph._p.append(field)


def _right_tab(paragraph: DocxParagraph) -> None:
    """One tab stop, at the right margin (the footer style's own stops are cleared)."""
    stops = paragraph.paragraph_format.tab_stops
    for twips in (4680, 9360):  # python-docx's Footer style: centre and right stops
        stops.add_tab_stop(Twips(twips), WD_TAB_ALIGNMENT.CLEAR)
    stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    paragraph.paragraph_format.space_after = Pt(0)


def _letterhead_table(header: object, report: ReportDocument) -> None:
    """Malmö stad, nämnd, förvaltning on the left; diarienummer and date on the right."""
    letterhead = report.letterhead.lines()
    right = [report.case_label, report.date_text]
    rows = max(len(letterhead), len(right))
    table = header.add_table(rows, 2, TEXT_WIDTH)  # type: ignore[attr-defined]
    header._element.insert(0, table._tbl)  # type: ignore[attr-defined]  # above the mark
    for index, row in enumerate(table.rows):
        left_cell, right_cell = row.cells
        left_cell.width, right_cell.width = Cm(11.0), Cm(5.0)
        for cell, value in ((left_cell, letterhead), (right_cell, right)):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            if cell is right_cell:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(value[index] if index < len(value) else "")
            run.bold = index == 0 or None
            run.font.size = Pt(13) if index == 0 and cell is left_cell else Pt(9.5)


def page_footer(footer: object, words: str) -> None:
    """ "Redovisning STK-2018-1307   1 (3)": grey words, the page number at the right."""
    footer.is_linked_to_previous = False  # type: ignore[attr-defined]
    paragraph = footer.paragraphs[0]  # type: ignore[attr-defined]
    _right_tab(paragraph)
    paragraph.add_run(words).font.color.rgb = GREY
    paragraph.add_run("\t")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" (")
    _field(paragraph, "NUMPAGES", "1")
    paragraph.add_run(")")
    for run in paragraph.runs:
        run.font.size = Pt(FOOTER_HALF_POINTS / 2)


def _draft_mark(header: object, report: ReportDocument) -> None:
    mark = header.paragraphs[0]  # type: ignore[attr-defined]
    mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if report.draft is not None:
        run = mark.add_run(report.draft.label)
        run.bold = True
        run.font.size = Pt(14)
        run.font.color.rgb = DRAFT_RED


def page_header_and_footer(doc: DocxDocument, report: ReportDocument) -> None:
    """The letterhead table on the first page (then UTKAST on a draft), UTKAST alone on the
    pages after it, the footer "Redovisning STK-2018-1307   1 (3)" on every page."""
    words = f"Redovisning {report.case_number}" if report.case_number else "Redovisning"
    for page in doc.sections:
        page.different_first_page_header_footer = True
        first = page.first_page_header
        first.is_linked_to_previous = False
        _letterhead_table(first, report)
        _draft_mark(first, report)
        page.header.is_linked_to_previous = False
        _draft_mark(page.header, report)
        page_footer(page.first_page_footer, words)
        page_footer(page.footer, words)


def core_properties(doc: DocxDocument, report: ReportDocument) -> None:
    """Title, the official as author, the document's date: no python-docx sample values."""
    made = datetime.combine(report.document_date or date.today(), time(12, 0), tzinfo=UTC)
    author = report.author or ORGANISATION
    props = doc.core_properties
    props.title = report.title
    props.subject = f"Redovisning {report.case_number}" if report.case_number else "Redovisning"
    props.keywords = report.case_number or ""
    props.author = author
    props.last_modified_by = author
    props.comments = ""
    props.category = "Redovisning av beviljade medel"
    props.language = LANGUAGE
    props.created = made
    props.modified = made
    props.revision = 1

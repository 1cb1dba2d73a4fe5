"""The report as a Word document the official can go on editing (python-docx)."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from bot.documents.docx_page import (
    DRAFT_RED,
    GREY,
    core_properties,
    page_header_and_footer,
    swedish_sans_styles,
)
from bot.documents.model import (
    MISSING_ANSWER,
    Block,
    BulletList,
    Paragraph,
    Remark,
    ReportDocument,
    Section,
    Span,
)

BULLET_INDENT = Cm(0.63)
# The bullet is typed as text ("•\t…"), so it looks the same in every viewer; the
# paragraph style says how the author wrote the item, for the import to give it back:
# `- …` / `- ✓ …` (list syntax) and a bare `• …` / `✓ …`.
DASH_ITEM_STYLE = "List Bullet"
GLYPH_ITEM_STYLE = "List"


def _add_spans(paragraph: DocxParagraph, spans: tuple[Span, ...]) -> list[Run]:
    runs = []
    for span in spans:
        run = paragraph.add_run(span.text)  # python-docx turns \n into a line break
        run.bold = span.bold or None
        run.italic = span.italic or None
        runs.append(run)
    return runs


def _add_bullet(
    doc: DocxDocument, marker: str, spans: tuple[Span, ...], *, dash: bool = False
) -> list[Run]:
    paragraph = doc.add_paragraph(style=DASH_ITEM_STYLE if dash else GLYPH_ITEM_STYLE)
    if dash:  # the style's own numbering would show a second bullet
        paragraph._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 0
    fmt = paragraph.paragraph_format
    fmt.left_indent = BULLET_INDENT
    fmt.first_line_indent = -BULLET_INDENT
    fmt.space_after = Pt(3)
    fmt.tab_stops.add_tab_stop(BULLET_INDENT)
    return [paragraph.add_run(f"{marker}\t"), *_add_spans(paragraph, spans)]


def _add_blocks(doc: DocxDocument, blocks: tuple[Block, ...]) -> list[Run]:
    runs: list[Run] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            runs.extend(_add_spans(doc.add_paragraph(), block.spans))
        elif isinstance(block, BulletList):
            for item in block.items:
                runs.extend(_add_bullet(doc, item.marker, item.spans, dash=item.dash))
    return runs


def _comment(doc: DocxDocument, runs: list[Run], remarks: tuple[Remark, ...]) -> None:
    if not runs:
        return
    for remark in remarks:
        doc.add_comment(runs, text=remark.text, author=remark.author, initials="R")


def _add_section(doc: DocxDocument, section: Section) -> None:
    doc.add_heading(section.heading, level=2)
    runs = _add_blocks(doc, section.blocks)
    if not runs:
        placeholder = doc.add_paragraph().add_run(MISSING_ANSWER)
        placeholder.italic = True
        placeholder.font.color.rgb = GREY
        runs = [placeholder]
    _comment(doc, runs, section.remarks)
    if section.note:
        doc.add_paragraph().add_run(section.note).italic = True


def _add_draft_marks(doc: DocxDocument, report: ReportDocument) -> None:
    """The header says UTKAST (docx_page); the body lists what is missing."""
    draft = report.draft
    if draft is None:
        return
    intro = doc.add_paragraph()
    run = intro.add_run(draft.heading)
    run.bold = True
    run.font.color.rgb = DRAFT_RED
    for missing in draft.missing:
        _add_bullet(doc, "•", (Span(missing),))


def _add_signature(doc: DocxDocument, report: ReportDocument) -> None:
    """Name, befattning and the lines under them, ort and date: for a pen or a PDF reader."""
    signature = report.signature
    doc.add_heading(signature.heading, level=2)
    line = doc.add_paragraph()
    line.paragraph_format.space_before = Pt(30)
    line.paragraph_format.keep_with_next = True
    line.add_run("_" * 40)
    name = doc.add_paragraph()
    name.paragraph_format.keep_with_next = True
    name.add_run(f"{signature.name_label} ").bold = True
    name.add_run(signature.name)
    if signature.title:
        name.add_run().add_break(WD_BREAK.LINE)
        name.add_run(f"{signature.title_label} ").bold = True
        name.add_run(signature.title)
    for extra in signature.more:
        name.add_run().add_break(WD_BREAK.LINE)
        name.add_run(extra)
    when = doc.add_paragraph()
    when.add_run(f"{signature.place_label} ").bold = True
    when.add_run(f"{signature.place} den " + "_" * 20)


def render_docx(report: ReportDocument) -> bytes:
    """The report as DOCX bytes."""
    doc = Document()
    for page in doc.sections:
        page.page_width, page.page_height = Cm(21.0), Cm(29.7)
        page.left_margin = page.right_margin = Cm(2.5)
        page.top_margin = page.bottom_margin = Cm(2.5)
    swedish_sans_styles(doc)
    core_properties(doc, report)
    page_header_and_footer(doc, report)

    _add_draft_marks(doc, report)
    title_runs = doc.add_heading(report.title, level=1).runs
    _comment(doc, list(title_runs), report.remarks)
    for line in report.intro:
        doc.add_paragraph(line)
    for section in report.sections:
        _add_section(doc, section)
    _add_signature(doc, report)
    for line in report.closing:
        doc.add_paragraph(line)

    out = BytesIO()
    doc.save(out)
    return out.getvalue()

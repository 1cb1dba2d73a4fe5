"""The tjänsteskrivelse as DOCX (python-docx, to edit) and as PDF/A-2b (typst).

As in pdf_renderer.py, no user text becomes typst markup: the document travels to typst
as JSON in `sys.inputs` and is only placed as text, and no character is added to steer line
breaks (typst_text.py), so a diarienummer, amount or date copied from either file is the
one stored. Gaps ("[uppgift saknas: …]") are highlighted in both formats so that none is
overlooked. The footer names the nämnd's own diarienummer when it is known.
"""

from __future__ import annotations

import json
import re
from io import BytesIO
from typing import Any, Final

import typst
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Cm
from docx.text.paragraph import Paragraph as DocxParagraph

from bot.documents.docx_page import page_footer, swedish_sans_styles
from bot.documents.pdf_renderer import PdfRenderError
from bot.documents.tjansteskrivelse import Tjansteskrivelse, split_gaps, texts
from bot.documents.typst_text import KEEP_TOGETHER

PDF_STANDARD: Final = "a-2b"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

TYPST_SOURCE = r"""
#let doc = json(bytes(sys.inputs.doc))
#set document(title: doc.title, author: "Malmö stad", keywords: doc.keywords)
#set text(font: ("DejaVu Sans", "Libertinus Serif"), size: 10.5pt, lang: "sv", region: "SE",
  hyphenate: false)
#set par(leading: 0.6em, spacing: 1em)
#set page(paper: "a4", margin: (x: 2.5cm, top: 2.3cm, bottom: 2.3cm),
  footer: context text(size: 8.5pt, fill: luma(35%), {
    doc.footer
    h(1fr)
    counter(page).display("1 (1)", both: true)
  }))
#show heading: set block(above: 1.4em, below: 0.7em)
#show heading.where(level: 1): set text(size: 13pt)
#show heading.where(level: 2): set text(size: 11pt)

#let pieces(items) = {
  for p in items {
    if p.gap { highlight(fill: rgb("#fff2a8"), text(fill: rgb("#8a1c1c"), p.text)) } else { p.text }
  }
}

#{
  grid(columns: (1fr, auto), gutter: 1em,
    text(size: 14pt, weight: "bold", doc.kind),
    {
      text(weight: "bold", doc.label_date); linebreak(); doc.date
      v(0.5em)
      text(weight: "bold", doc.label_reference)
      for line in doc.reference { linebreak(); pieces(line) }
    })
  v(1em)
  heading(level: 1, pieces(doc.title_pieces))
  for section in doc.sections {
    heading(level: 2, section.heading)
    if section.bullets {
      list(..section.paragraphs.map(p => pieces(p)))
    } else {
      for p in section.paragraphs { par(pieces(p)) }
    }
  }
}
"""


def _pieces(text: str) -> list[dict[str, Any]]:
    return [{"text": piece, "gap": is_gap} for piece, is_gap in split_gaps(text)]


def tjansteskrivelse_data(doc: Tjansteskrivelse) -> dict[str, Any]:
    """The document as the JSON the typst source reads."""
    t = texts()
    return {
        "kind": t("document_kind"),
        "keywords": [x for x in (doc.committee_case_number, doc.case_number) if x],
        "title": doc.title,
        "title_pieces": _pieces(doc.title),
        "footer": doc.footer,
        "label_date": t("label_date"),
        "label_reference": t("label_reference"),
        "date": doc.date,
        "reference": [_pieces(line) for line in doc.reference],
        "sections": [
            {"heading": t(key), "paragraphs": [_pieces(p) for p in paragraphs], "bullets": bullets}
            for key, paragraphs, bullets in doc.sections()
        ],
    }


def render_tjansteskrivelse_pdf(doc: Tjansteskrivelse) -> bytes:
    """PDF/A-2b bytes of the tjänsteskrivelse."""
    inputs = {"doc": json.dumps(tjansteskrivelse_data(doc), ensure_ascii=False)}
    source = (KEEP_TOGETHER + TYPST_SOURCE).encode("utf-8")
    compiler = typst.Compiler(source, sys_inputs=inputs)
    try:
        pdf = compiler.compile(format="pdf", pdf_standards=PDF_STANDARD)
    except typst.TypstError as exc:
        raise PdfRenderError(exc.message) from exc
    if not isinstance(pdf, bytes):
        raise PdfRenderError("typst returned no PDF")
    return pdf


def _add_text(paragraph: DocxParagraph, text: str, bold: bool = False) -> None:
    for piece, is_gap in split_gaps(text):
        run = paragraph.add_run(piece)
        run.bold = bold or None
        if is_gap:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def render_tjansteskrivelse_docx(doc: Tjansteskrivelse) -> bytes:
    """The tjänsteskrivelse as a Word document, headings as Word headings, the footer with
    the nämnd's diarienummer and the page numbers on every page."""
    t = texts()
    document = Document()
    for page in document.sections:
        page.page_width, page.page_height = Cm(21.0), Cm(29.7)
        page.left_margin = page.right_margin = Cm(2.5)
        page_footer(page.footer, doc.footer)
    swedish_sans_styles(document)
    document.core_properties.title = doc.title
    document.core_properties.keywords = " ".join(
        x for x in (doc.committee_case_number, doc.case_number) if x
    )
    document.core_properties.author = "Malmö stad"
    document.add_heading(t("document_kind"), level=0)
    for label, lines in ((t("label_date"), (doc.date,)), (t("label_reference"), doc.reference)):
        paragraph = document.add_paragraph()
        paragraph.add_run(label).bold = True
        for line in lines:
            paragraph.add_run().add_break()
            _add_text(paragraph, line)
    _add_text(document.add_heading(level=1), doc.title)
    for key, paragraphs, bullets in doc.sections():
        document.add_heading(t(key), level=2)
        for text in paragraphs:
            _add_text(document.add_paragraph(style="List Bullet" if bullets else None), text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def tjansteskrivelse_file_name(doc: Tjansteskrivelse, extension: str) -> str:
    """Tjansteskrivelse_STK-2018-1307.docx"""
    stem = texts()("file_stem", case_number=doc.case_number)
    return f"{_UNSAFE_IN_FILE_NAME.sub('_', stem).strip('._')}.{extension}"

"""The report as a PDF/A-3b for signing: typst lays it out, pyHanko adds the signature field.

User text never becomes typst markup: the whole document travels to typst as JSON
in `sys.inputs` and the typst source below only places strings as text. The
answers ride along as an attached answers.json. No character is added to the text to
steer line breaks (typst_text.py): what the text layer holds is what was stored.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any, Final

import typst

from bot.documents.model import (
    MISSING_ANSWER,
    ORGANISATION,
    SIGNED_DATE,
    Block,
    BulletList,
    Paragraph,
    ReportDocument,
    Span,
)
from bot.documents.pdf_form import (
    SIGNATURE_HEIGHT_PT,
    SIGNATURE_WIDTH_PT,
    SignaturePosition,
    add_signature_field,
)
from bot.documents.typst_text import KEEP_TOGETHER

log = logging.getLogger(__name__)

PDF_STANDARD: Final = "a-3b"  # PDF/A-2 does not allow the answers.json attachment
REPLACEMENT = "\u25a1"  # □, shown instead of a character no font can display
FALLBACK_REPLACEMENT = "?"
MAX_GLYPH_ROUNDS = 6

TYPST_SOURCE = r"""
#let doc = json(bytes(sys.inputs.report))
#let draft = doc.draft
#let accent = rgb("#b01c1c")
#let grey = luma(35%)

#set document(title: doc.title, author: doc.author, keywords: doc.keywords)
#set text(font: ("DejaVu Sans", "Libertinus Serif"), size: 10.5pt, lang: "sv", region: "SE",
  hyphenate: false)
#set par(leading: 0.6em, spacing: 1em)
#let draft_label = if draft != none {
  text(fill: accent, weight: "bold", size: 12pt, draft.label)
}
#set page(
  paper: "a4",
  margin: (x: 2.5cm, top: 3.6cm, bottom: 2.3cm),
  header-ascent: 25%,
  header: context {
    if here().page() == 1 {
      grid(columns: (1fr, auto), column-gutter: 1em, row-gutter: 0.35em,
        text(weight: "bold", size: 13pt, doc.letterhead.at(0)),
        align(right, text(weight: "bold", doc.case_label)),
        text(size: 9.5pt, doc.letterhead.at(1, default: "")),
        align(right, text(size: 9.5pt, doc.date)),
        text(size: 9.5pt, doc.letterhead.at(2, default: "")),
        align(right, draft_label),
      )
      line(length: 100%, stroke: 0.5pt + grey)
    } else if draft != none {
      align(right, draft_label)
    }
  },
  background: if draft != none {
    rotate(-45deg, text(110pt, fill: luma(90%), weight: "bold", draft.label))
  },
  footer: context text(size: 8.5pt, fill: grey, {
    doc.footer
    h(1fr)
    counter(page).display("1 (1)", both: true)
  }),
)
#show heading: set block(above: 1.5em, below: 0.7em)
#show heading.where(level: 1): set text(size: 14pt)
#show heading.where(level: 2): set text(size: 11pt)
#set list(spacing: 0.7em, body-indent: 0.6em)

#pdf.attach(
  "answers.json",
  bytes(sys.inputs.answers),
  relationship: "data",
  mime-type: "application/json",
  description: "Svaren i redovisningen, maskinläsbara",
)

#let spans(items) = {
  for s in items {
    let body = [#s.text]
    if s.bold { body = strong(body) }
    if s.italic { body = emph(body) }
    body
  }
}

#let blocks(items) = {
  for b in items {
    if b.kind == "paragraph" {
      par(spans(b.spans))
    } else {
      list(marker: [#b.marker], ..b.items.map(spans))
    }
  }
}

#{
  if draft != none {
    block(fill: rgb("#fbeeee"), stroke: 0.6pt + accent, inset: 9pt, radius: 2pt, width: 100%, {
      text(weight: "bold", fill: accent, draft.heading)
      list(..draft.missing.map(m => [#m]))
    })
  }

  heading(level: 1, doc.title)
  for line in doc.intro { par(line) }

  for section in doc.sections {
    heading(level: 2, section.heading)
    if section.blocks.len() == 0 {
      par(text(style: "italic", fill: luma(40%), doc.missing_answer))
    } else {
      blocks(section.blocks)
    }
    if section.note != none {
      par(text(style: "italic", section.note))
    }
  }

  let sig = doc.signature
  heading(level: 2, sig.heading)
  block(breakable: false, {
    box(width: sig.width * 1pt, height: sig.height * 1pt, stroke: (bottom: 0.6pt), context {
      let p = here().position()
      [#metadata((page: p.page, x: p.x / 1pt, y: p.y / 1pt, page_height: page.height / 1pt))
        <signature-field>]
    })
    v(0.3em)
    par({
      text(weight: "bold", sig.name_label)
      " "
      sig.name
      if sig.title != "" {
        linebreak()
        text(weight: "bold", sig.title_label)
        " "
        sig.title
      }
      for line in sig.more { linebreak(); line }
    })
    par({
      text(weight: "bold", sig.place_label)
      " "
      sig.place_and_date
    })
  })

  v(1em)
  for line in doc.closing { par(line) }
}
"""


class PdfRenderError(RuntimeError):
    """Typst could not lay the document out."""


def _spans(spans: tuple[Span, ...]) -> list[dict[str, Any]]:
    return [{"text": s.text, "bold": s.bold, "italic": s.italic} for s in spans]


def _blocks(blocks: tuple[Block, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append({"kind": "paragraph", "spans": _spans(block.spans)})
        elif isinstance(block, BulletList):
            for item in block.items:  # one typst list per run of the same marker
                if out and out[-1]["kind"] == "list" and out[-1]["marker"] == item.marker:
                    out[-1]["items"].append(_spans(item.spans))
                else:
                    out.append(
                        {"kind": "list", "marker": item.marker, "items": [_spans(item.spans)]}
                    )
    return out


def report_data(report: ReportDocument) -> dict[str, Any]:
    """The document as the JSON the typst source reads."""
    signature = report.signature
    draft = report.draft
    footer = f"Redovisning {report.case_number}" if report.case_number else "Redovisning"
    return {
        "title": report.title,
        "author": report.author or ORGANISATION,
        "keywords": [report.case_number] if report.case_number else [],
        "letterhead": list(report.letterhead.lines()),
        "case_label": report.case_label,
        "date": report.date_text,
        "footer": footer,
        "missing_answer": MISSING_ANSWER,
        "intro": list(report.intro),
        "sections": [
            {"key": s.key, "heading": s.heading, "blocks": _blocks(s.blocks), "note": s.note}
            for s in report.sections
        ],
        "signature": {
            "heading": signature.heading,
            "name": signature.name,
            "title": signature.title,
            "more": list(signature.more),
            "name_label": signature.name_label,
            "title_label": signature.title_label,
            "place_label": signature.place_label,
            "place_and_date": f"{signature.place}, {SIGNED_DATE}",
            "width": SIGNATURE_WIDTH_PT,
            "height": SIGNATURE_HEIGHT_PT,
        },
        "closing": list(report.closing),
        "draft": None
        if draft is None
        else {"label": draft.label, "heading": draft.heading, "missing": list(draft.missing)},
    }


def _map_strings(value: Any, change: Any) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_map_strings(v, change) for v in value]
    if isinstance(value, dict):
        return {k: _map_strings(v, change) for k, v in value.items()}
    return value


_UNDISPLAYABLE = re.compile(r'the text `"((?:[^"\\]|\\.)*)"` could not be displayed')
_TYPST_ESCAPE = re.compile(r"\\(u\{([0-9A-Fa-f]+)\}|.)")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(literal: str) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(2):
            return chr(int(match.group(2), 16))
        return _SIMPLE_ESCAPES.get(match.group(1), match.group(1))

    return _TYPST_ESCAPE.sub(one, literal)


def undisplayable_texts(diagnostic: str) -> list[str]:
    """The pieces of text a PDF/A error says no font can display."""
    return list(dict.fromkeys(_unescape(m) for m in _UNDISPLAYABLE.findall(diagnostic)))


def _replace_texts(data: Any, texts: Iterable[str], replacement: str) -> Any:
    pieces = sorted(set(texts), key=len, reverse=True)

    def change(value: str) -> str:
        for piece in pieces:
            if piece in value:
                value = value.replace(piece, replacement)
            elif len(piece) > 1:  # a cluster that got split up: replace its characters
                for char in piece:
                    if not char.isascii():
                        value = value.replace(char, replacement)
        return value

    return _map_strings(data, change)


def _compile(
    data: Any, answers_json: bytes, unshown: list[str] | None = None
) -> tuple[bytes, SignaturePosition]:
    """Compile to PDF/A; characters no font has are replaced (and put in `unshown`) and
    the compile repeated."""
    source = (KEEP_TOGETHER + TYPST_SOURCE).encode("utf-8")
    replacement = REPLACEMENT
    for _ in range(MAX_GLYPH_ROUNDS):
        inputs = {
            "report": json.dumps(data, ensure_ascii=False),
            "answers": answers_json.decode("utf-8"),
        }
        compiler = typst.Compiler(source, sys_inputs=inputs)
        try:
            pdf, warnings = compiler.compile_with_warnings(format="pdf", pdf_standards=PDF_STANDARD)
        except typst.TypstError as exc:
            texts = undisplayable_texts(exc.diagnostic or exc.message)
            if not texts:
                raise PdfRenderError(exc.message) from exc
            if replacement in texts:
                replacement = FALLBACK_REPLACEMENT
            log.info("no font has %d piece(s) of text; they are replaced", len(texts))
            if unshown is not None:
                unshown.extend(texts)
            data = _replace_texts(data, texts, replacement)
            continue
        for warning in warnings:
            log.warning("typst: %s", warning.message)
        if not isinstance(pdf, bytes):
            raise PdfRenderError("typst returned no PDF")
        found = json.loads(
            typst.Compiler(source, sys_inputs=inputs).query("<signature-field>", field="value")
        )
        if len(found) != 1:
            raise PdfRenderError("the signature block was not laid out exactly once")
        return pdf, SignaturePosition(**found[0])
    raise PdfRenderError("the text holds characters no installed font can display")


def unshowable_characters(report: ReportDocument) -> list[str]:
    """The characters (or emoji sequences) of the report that the PDF's fonts cannot show,
    each once, so that the user can be told before the document is made."""
    unshown: list[str] = []
    _compile(report_data(report), report.answers_json(), unshown)
    whole: list[str] = []
    for piece in unshown:  # an emoji tag sequence (🏴 and its tags) is named whole
        if whole and piece and all(0xE0020 <= ord(char) <= 0xE007F for char in piece):
            whole[-1] += piece
        else:
            whole.append(piece)
    pieces = [p for p in dict.fromkeys(whole) if p not in (REPLACEMENT, FALLBACK_REPLACEMENT)]
    return [p.strip() for p in pieces if p.strip()]


def render_pdf(report: ReportDocument) -> bytes:
    """The report as PDF/A-3b bytes with answers.json attached and an empty signature field."""
    pdf, position = _compile(report_data(report), report.answers_json())
    signature = report.signature
    return add_signature_field(pdf, signature.field_name, position, signature.field_description)

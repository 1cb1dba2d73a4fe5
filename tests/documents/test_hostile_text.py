"""Any text the official can type renders in both formats, as text and nothing else."""

from __future__ import annotations

import json
from io import BytesIO

import pypdf
import pytest
from docx import Document

from bot.documents import DocumentCase, DocumentFormat, RenderedDocuments, render_report
from bot.documents.pdf_renderer import undisplayable_texts
from bot.mall.template import TemplateCatalog
from tests.documents import docx_text, pdf_text, squash

TYPST_CODE = [
    "#set page(width: 2cm)",
    '#panic("boom")',
    '#read("/etc/passwd")',
    '#import "@preview/cetz:0.3.0": *',
    '#pdf.attach("evil.json", bytes("x"))',
    "$ x^2 + sqrt(y) $",
    "_inte kursiv_ @etikett <etikett> [hakparentes]",
    "\\ bakåtsnedstreck \\n och `kod` och ```rå```",
    "// en kommentar som inte ska försvinna",
    "/* block-kommentar */ slut",
    "= Rubrik som inte är en rubrik",
    "#{ let x = 1; x } #let y = 2 #y",
    "~ -- --- ... 'citat' \"citat\"",
    "{json(bytes(sys.inputs.report))}",
]
CONTROL = "Före\x00\x01\x02\x08\x0b\x0c\x0e\x1b\x7f\x85\x9f\ufffe\uffff\ud800efter"
EMOJI = "Glada 😀 🎉 👍🏽 👨‍👩‍👧 🇸🇪 中文字 ☃ ✓ • slut"
LONG_WORD = "Lång" + "x" * 5000 + "ord"


def _render(catalog: TemplateCatalog, answer: str) -> RenderedDocuments:
    template = catalog.get("mall-2019")
    answers = {q.key: f"Svar om {q.key}." for q in template.questions}
    answers["maluppfyllelse"] = answer
    answers["underskrift"] = "Jonas Magnusson"
    return render_report(template, answers, DocumentCase("STK-2018-1307"))


def _texts(result: RenderedDocuments) -> tuple[str, str]:
    return (
        pdf_text(result.get(DocumentFormat.PDF).content),
        docx_text(result.get(DocumentFormat.DOCX).content),
    )


def test_typst_syntax_is_printed_not_run(catalog: TemplateCatalog) -> None:
    result = _render(catalog, "\n\n".join(TYPST_CODE))
    pdf, docx = _texts(result)
    for line in TYPST_CODE:
        assert squash(line) in squash(pdf), line
        assert squash(line) in squash(docx), line
    reader = pypdf.PdfReader(BytesIO(result.get(DocumentFormat.PDF).content))
    assert list(reader.attachments) == ["answers.json"]
    assert all(round(float(page.mediabox.width)) == 595 for page in reader.pages)
    attached = json.loads(reader.attachments["answers.json"][0])
    assert attached["answers"]["maluppfyllelse"] == "\n\n".join(TYPST_CODE)


def test_control_characters_are_dropped_in_both_formats(catalog: TemplateCatalog) -> None:
    result = _render(catalog, CONTROL)
    pdf, docx = _texts(result)
    assert "Föreefter" in squash(pdf)  # NEL (\x85) is a line break, the rest goes
    assert "Föreefter" in squash(docx)
    Document(BytesIO(result.get(DocumentFormat.DOCX).content))  # still valid XML


def test_emoji_and_scripts_without_a_font_do_not_crash(catalog: TemplateCatalog) -> None:
    result = _render(catalog, EMOJI)
    pdf, docx = _texts(result)
    assert "Glada" in pdf and "slut" in pdf and "✓" in pdf
    assert EMOJI in docx  # Word and LibreOffice pick their own fonts for these


def test_a_5000_character_word_wraps_instead_of_overflowing(catalog: TemplateCatalog) -> None:
    result = _render(catalog, f"Före {LONG_WORD} efter")
    pdf, docx = _texts(result)
    assert squash(LONG_WORD) in squash(pdf)
    wrapped = [line for line in pdf.split("\n") if "xxxxxxxxxx" in line]
    assert len(wrapped) > 40
    assert max(len(line) for line in wrapped) < 120
    assert LONG_WORD in docx


def test_thirty_pages_of_answer(catalog: TemplateCatalog) -> None:
    paragraph = (
        "Arbetsmarknads- och socialnämnden har under året genomfört utbildningar i barnrätt "
        "för chefer och medarbetare, och resultatet har följts upp med enkäter. "
    ) * 4
    answer = "\n\n".join(f"{n}. {paragraph}" for n in range(1, 180))
    result = _render(catalog, answer)
    reader = pypdf.PdfReader(BytesIO(result.get(DocumentFormat.PDF).content))
    assert len(reader.pages) >= 30
    assert (reader.get_fields() or {})["AnsvarigChef"]["/FT"] == "/Sig"
    pdf, docx = _texts(result)
    assert squash("179. Arbetsmarknads") in squash(pdf)
    assert "179. Arbetsmarknads" in docx


def test_a_long_word_wraps_without_a_character_added(catalog: TemplateCatalog) -> None:
    """A word too long for a line is broken by the layout, not by invisible characters:
    its lines, put back together, are the word as written."""
    word = "Barnrättsstrategsutbildning" * 4
    result = _render(catalog, f"Ord: {word} slut.")
    reader = pypdf.PdfReader(BytesIO(result.get(DocumentFormat.PDF).content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert word not in text  # it did not fit on one line …
    assert word in text.replace("\n", "")  # … and nothing but line breaks were added
    assert not any(c in text for c in "\u200b\u2060\u00ad")


@pytest.mark.parametrize(
    ("diagnostic", "expected"),
    [
        ('error: PDF/A-3b error: the text `"🎉"` could not be displayed with font', ["🎉"]),
        (
            'the text `"\\u{7}"` could not be displayed; the text `"\\"x"` could not be displayed',
            ["\x07", '"x'],
        ),
        ("error: something else", []),
    ],
)
def test_reading_typst_glyph_errors(diagnostic: str, expected: list[str]) -> None:
    assert undisplayable_texts(diagnostic) == expected

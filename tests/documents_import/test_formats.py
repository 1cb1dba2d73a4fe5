"""DOCX and PDF drafts: a document with each question as a heading reads back into its answers.

The DOCX is built here with python-docx (bold or Heading-style questions, List Bullet
paragraphs, bold and italic runs), the PDF with typst, both from the answers a seed
imports to; importing the document must give those answers again.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import docx
import pytest
import typst
from docx.enum.text import WD_BREAK

from bot.documents.importer import ImportedReport, import_report
from bot.mall.template import Template, TemplateCatalog

INLINE_RE = re.compile(r"(\*\*[^*]+\*\*|\*[^*\s][^*]*\*)")
VALUES = {"case_number": "STK-2018-1304", "decision_date": "11 mars 2019"}


def _seed(seeds_dir: Path, catalog: TemplateCatalog, name: str) -> ImportedReport:
    return import_report(name, (seeds_dir / name).read_bytes(), catalog)


def _blocks(answer: str) -> list[list[str]]:
    return [block.split("\n") for block in answer.split("\n\n")]


# --- DOCX ---------------------------------------------------------------------------


def _add_runs(paragraph: docx.text.paragraph.Paragraph, text: str) -> None:
    for piece in INLINE_RE.split(text):
        if piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
            paragraph.add_run(piece[2:-2]).bold = True
        elif piece.startswith("*") and piece.endswith("*") and len(piece) > 2:
            paragraph.add_run(piece[1:-1]).italic = True
        elif piece:
            paragraph.add_run(piece)


def build_docx(template: Template, answers: dict[str, str], heading_style: bool) -> bytes:
    document = docx.Document()
    document.add_paragraph("Malmö stad")
    document.add_heading(template.title, level=0)
    for line in template.intro:
        document.add_paragraph(template.fill(line, VALUES))
    for question in template.questions:
        if heading_style:
            document.add_heading(question.text, level=2)
        else:
            document.add_paragraph().add_run(question.text).bold = True
        for block in _blocks(answers.get(question.key, "")):
            if block == [""]:
                continue
            if all(line.startswith("- ") for line in block):
                for line in block:
                    _add_runs(document.add_paragraph(style="List Bullet"), line[2:])
                continue
            paragraph = document.add_paragraph()
            for n, line in enumerate(block):
                if n:
                    paragraph.add_run().add_break(WD_BREAK.LINE)
                _add_runs(paragraph, line)
    for line in template.closing:
        document.add_paragraph(template.fill(line, VALUES))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("name", ["seed_000.txt", "seed_001.txt", "seed_002.txt", "seed_004.txt"])
@pytest.mark.parametrize("heading_style", [False, True], ids=["bold", "heading"])
def test_docx_reads_back_into_the_same_answers(
    name: str, heading_style: bool, seeds_dir: Path, catalog: TemplateCatalog
) -> None:
    original = _seed(seeds_dir, catalog, name)
    template = catalog.get(original.template_id)
    data = build_docx(template, original.answers, heading_style)
    report = import_report("utkast.docx", data, catalog)
    assert report.source_format == "docx"
    assert report.template_id == original.template_id
    assert report.answers == original.answers
    assert report.signature == original.signature
    assert report.unassigned_text == []
    if template.id == "mall-2019":
        assert report.case_numbers == ["STK-2018-1304"]
        assert report.recipients == ["registrera.stk@malmo.se", "anders.p.eriksson@malmo.se"]


def test_docx_lists_bold_and_italic(catalog: TemplateCatalog) -> None:
    document = docx.Document()
    document.add_paragraph().add_run("Utvecklingsarbetets måluppfyllelse").bold = True
    paragraph = document.add_paragraph("Målet var att ")
    paragraph.add_run("öka kunskapen").italic = True
    paragraph.add_run(" om barnets rättigheter.")
    item = document.add_paragraph("", style="List Bullet")
    item.add_run("Grundläggande utbildningar").bold = True
    item.add_run(" inom barnrätt.")
    document.add_paragraph("Två heldagar för barnrättsombuden.", style="List Bullet")
    # A question in a table cell, its answer in the cell below (a common Word mall).
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).paragraphs[0].add_run("Vilket är resultatet i förhållande till budget?")
    table.cell(1, 0).paragraphs[0].add_run("Nämnden beviljades 200 000 kr. Allt användes.")
    out = io.BytesIO()
    document.save(out)

    report = import_report("Utkast.DOCX", out.getvalue(), catalog)
    assert report.answers["maluppfyllelse"] == (
        "Målet var att *öka kunskapen* om barnets rättigheter.\n\n"
        "- **Grundläggande utbildningar** inom barnrätt.\n"
        "- Två heldagar för barnrättsombuden."
    )
    assert report.answers["budget"] == "Nämnden beviljades 200 000 kr. Allt användes."
    assert report.granted_amount_text == "Nämnden beviljades 200 000 kr."


# --- PDF ----------------------------------------------------------------------------


def _typst_inline(text: str) -> str:
    out = []
    for piece in INLINE_RE.split(text):
        if piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
            out.append(f"#strong({json.dumps(piece[2:-2], ensure_ascii=False)})")
        elif piece.startswith("*") and piece.endswith("*") and len(piece) > 2:
            out.append(f"#emph({json.dumps(piece[1:-1], ensure_ascii=False)})")
        elif piece:
            out.append(f"#{json.dumps(piece, ensure_ascii=False)}")
    return "".join(out)


def build_typst(template: Template, answers: dict[str, str], footer: str = "") -> str:
    lines = [
        '#set text(lang: "sv", hyphenate: false)',
        "#set par(justify: false)",
        f'#set page(paper: "a4", footer: [{footer}])' if footer else '#set page(paper: "a4")',
        _typst_inline("Malmö stad"),
        "",
        f"= {_typst_inline(template.title)}",
        "",
    ]
    lines += [_typst_inline(template.fill(x, VALUES)) + "\n" for x in template.intro]
    for question in template.questions:
        lines += [f"#strong({json.dumps(question.text, ensure_ascii=False)})", ""]
        for block in _blocks(answers.get(question.key, "")):
            if block == [""]:
                continue
            if all(line.startswith("- ") for line in block):
                lines += [f"- {_typst_inline(line[2:])}" for line in block]
            else:
                lines.append(" \\\n".join(_typst_inline(line) for line in block))
            lines.append("")
    lines += [_typst_inline(template.fill(x, VALUES)) + "\n" for x in template.closing]
    return "\n".join(lines)


def build_pdf(tmp_path: Path, source: str) -> bytes:
    path = tmp_path / "utkast.typ"
    path.write_text(source, encoding="utf-8")
    return bytes(typst.compile(str(path)))


@pytest.mark.parametrize("name", ["seed_000.txt", "seed_001.txt", "seed_002.txt", "seed_004.txt"])
def test_pdf_reads_back_into_the_same_answers(
    name: str, seeds_dir: Path, catalog: TemplateCatalog, tmp_path: Path
) -> None:
    original = _seed(seeds_dir, catalog, name)
    template = catalog.get(original.template_id)
    data = build_pdf(tmp_path, build_typst(template, original.answers))
    report = import_report("utkast.pdf", data, catalog)
    assert report.source_format == "pdf"
    assert report.template_id == original.template_id
    for key, answer in original.answers.items():
        assert report.answers[key] == answer, key
    assert report.answers == original.answers
    assert report.signature == original.signature
    assert report.unassigned_text == []


def test_pdf_page_footer_is_moved_out(
    seeds_dir: Path, catalog: TemplateCatalog, tmp_path: Path
) -> None:
    original = _seed(seeds_dir, catalog, "seed_000.txt")
    template = catalog.get(original.template_id)
    footer = "Arbetsmarknads- och socialförvaltningen · Sida #context counter(page).display()"
    data = build_pdf(tmp_path, build_typst(template, original.answers, footer=footer))
    report = import_report("utkast.pdf", data, catalog)
    assert report.answers == original.answers
    assert report.unassigned_text == ["Arbetsmarknads- och socialförvaltningen · Sida 1"]


def test_pdf_of_a_seed_as_plain_text(
    seeds_dir: Path, catalog: TemplateCatalog, tmp_path: Path
) -> None:
    """seed 002 typeset line by line, as someone printing the text file to PDF would."""
    seed = (seeds_dir / "seed_002.txt").read_text(encoding="utf-8").strip()
    body = "\n\n".join(_typst_inline(p).replace("\n", " \\\n") for p in seed.split("\n\n"))
    data = build_pdf(tmp_path, '#set text(lang: "sv")\n' + body)
    report = import_report("seed_002.pdf", data, catalog)
    expected = _seed(seeds_dir, catalog, "seed_002.txt")
    assert report.template_id == "mall-2018"
    assert report.answers == expected.answers
    assert report.signature == "Joanna Eriksson"

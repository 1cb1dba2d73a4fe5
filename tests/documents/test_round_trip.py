"""A rendered report imported again gives back the same answers (DOCX and PDF).

The seeds are imported from their text files (answers A), rendered with
render_report, and each rendered file imported again (answers B): B == A exactly.
The PDF is read through its attached answers.json; its text alone must give the
same answers too, for a PDF that has lost the attachment.
"""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from docx import Document

from bot.documents import DocumentCase, DocumentFormat, RenderedDocuments, render_report
from bot.documents.importer import (
    ImportedReport,
    build_report,
    clean_text,
    import_report,
    read_pdf,
)
from bot.mall.template import TemplateCatalog
from tests.documents import SEEDS

FORMATS = [DocumentFormat.DOCX, DocumentFormat.PDF]
MARKERS = "Vi har:\n\n- streck\n• punkt\n✓ bock\n- ✓ streck och bock"
HOSTILE = "\n\n".join(
    [
        '#set page(width: 2cm) #panic("boom") #read("/etc/passwd")',
        "$ x^2 + sqrt(y) $ och _inte kursiv_ @etikett <etikett> [hakparentes]",
        "\\ bakåtsnedstreck \\n `kod` // inte en kommentar /* inte heller */",
        "= Ingen rubrik\n#{ let x = 1; x } {json(bytes(sys.inputs.report))}",
        "Tecken: <&*_> & < > \"' och 2 * 3 = 6; ensamma * och ** stjärnor",
        "a*b*c och **fet** *kursiv* ***båda*** **fet *och kursiv***",
        "Glada 😀 🎉 👍🏽 👨‍👩‍👧 🇸🇪 中文字 ☃ slut",
        "- ✓ #strong[ingen markup] <&>\n- 🎉 fest\n• _punkt_",
    ]
)


def _seed(seeds_dir: Path, catalog: TemplateCatalog, name: str) -> ImportedReport:
    return import_report(f"{name}.txt", (seeds_dir / f"{name}.txt").read_bytes(), catalog)


def _render_seed(catalog: TemplateCatalog, seed: ImportedReport, name: str) -> RenderedDocuments:
    template = catalog.get(seed.template_id)
    case = DocumentCase(seed.case_number or SEEDS[name][1])
    return render_report(template, seed.answers, case)


def _read_back(
    result: RenderedDocuments, fmt: DocumentFormat, catalog: TemplateCatalog
) -> ImportedReport:
    rendered = result.get(fmt)
    return import_report(rendered.filename, rendered.content, catalog)


@pytest.fixture(scope="module")
def seeds(
    seeds_dir: Path, catalog: TemplateCatalog
) -> dict[str, tuple[ImportedReport, RenderedDocuments]]:
    out = {}
    for name in SEEDS:
        seed = _seed(seeds_dir, catalog, name)
        out[name] = (seed, _render_seed(catalog, seed, name))
    return out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_seed_comes_back_with_the_same_answers(
    name: str,
    fmt: DocumentFormat,
    seeds: dict[str, tuple[ImportedReport, RenderedDocuments]],
    catalog: TemplateCatalog,
) -> None:
    original, result = seeds[name]
    report = _read_back(result, fmt, catalog)
    assert report.template_id == original.template_id
    for key, answer in original.answers.items():
        assert report.answers.get(key) == answer, key
    assert report.answers == original.answers
    assert report.signature == original.signature
    assert report.unassigned_text == []
    assert report.case_number == (original.case_number or SEEDS[name][1])


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_the_pdf_text_alone_gives_the_same_answers(
    name: str,
    seeds: dict[str, tuple[ImportedReport, RenderedDocuments]],
    catalog: TemplateCatalog,
) -> None:
    """Without answers.json: the bullets, the signature block, the footers are read right."""
    original, result = seeds[name]
    pdf = result.get(DocumentFormat.PDF)
    report = build_report(pdf.filename, "pdf", clean_text(read_pdf(pdf.content)), catalog)
    assert report.template_id == original.template_id
    for key, answer in original.answers.items():
        assert report.answers.get(key) == answer, key
    assert report.answers == original.answers
    assert report.signature == original.signature
    assert report.unassigned_text == []


def test_the_attachment_wins_over_the_text(
    seeds: dict[str, tuple[ImportedReport, RenderedDocuments]], catalog: TemplateCatalog
) -> None:
    _, result = seeds["seed_001"]
    report = _read_back(result, DocumentFormat.PDF, catalog)
    assert "answers.json" in report.template_reason
    attached = json.loads(
        pypdf.PdfReader(BytesIO(result.get(DocumentFormat.PDF).content)).attachments[
            "answers.json"
        ][0]
    )
    assert report.answers == attached["answers"]


def _render(catalog: TemplateCatalog, answers: dict[str, str]) -> RenderedDocuments:
    return render_report(catalog.get("mall-2019"), answers, DocumentCase("STK-2018-1307"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_draft_with_missing_answers_comes_back_without_the_draft_marks(
    fmt: DocumentFormat, catalog: TemplateCatalog
) -> None:
    answers = {
        "namnd": "Arbetsmarknads- och socialnämnden",
        "maluppfyllelse": MARKERS,
        "budget": "Nämnden beviljades 200 000 kr.\nAllt har använts.",
    }
    result = _render(catalog, answers)
    assert result.document.draft is not None
    report = _read_back(result, fmt, catalog)
    assert report.template_id == "mall-2019"
    assert report.answers == answers  # no UTKAST, no "what is missing", no [Svar saknas]
    assert report.missing_keys == [
        "namn",
        "forankring",
        "erfarenheter",
        "tillvarata",
        "underskrift",
    ]
    assert report.signature == ""
    assert report.unassigned_text == []
    assert report.case_number == "STK-2018-1307"


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_text_comes_back_as_written(fmt: DocumentFormat, catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2019")
    answers = {q.key: f"Svar om {q.key}." for q in template.questions}
    answers["maluppfyllelse"] = HOSTILE
    answers["underskrift"] = "Jonas Magnusson\nEnhetschef <&> 🎉"
    result = _render(catalog, answers)
    report = _read_back(result, fmt, catalog)
    assert report.answers == result.document.answers == answers
    assert report.signature == "Jonas Magnusson"


def test_each_bullet_keeps_the_way_it_was_written_in_the_docx(catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2019")
    answers = {q.key: f"Svar om {q.key}." for q in template.questions}
    answers["maluppfyllelse"] = MARKERS
    answers["underskrift"] = "Jonas Magnusson"
    result = _render(catalog, answers)
    doc = Document(BytesIO(result.get(DocumentFormat.DOCX).content))
    items = [(p.style.name, p.text) for p in doc.paragraphs if p.text[:2] in ("•\t", "✓\t")]
    assert items == [
        ("List Bullet", "•\tstreck"),
        ("List", "•\tpunkt"),
        ("List", "✓\tbock"),
        ("List Bullet", "✓\tstreck och bock"),
    ]
    assert _read_back(result, DocumentFormat.DOCX, catalog).answers == answers

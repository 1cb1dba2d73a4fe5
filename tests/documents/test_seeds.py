"""Each real report rendered to DOCX and PDF, and read back out of both."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from docx import Document

from bot.documents import DocumentCase, DocumentFormat, RenderedDocuments, render_report
from bot.mall.template import TemplateCatalog
from tests.documents import (
    SEEDS,
    assert_in_order,
    docx_text,
    expected_lines,
    pdf_text,
    seed_text,
    split_seed,
    squash,
)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def rendered(
    catalog: TemplateCatalog, seeds_dir: Path
) -> dict[str, tuple[dict[str, str], RenderedDocuments]]:
    """Every seed rendered once to both formats, with the answers it was split into."""
    results = {}
    for name, (template_id, case_number) in SEEDS.items():
        template = catalog.get(template_id)
        answers = split_seed(seed_text(seeds_dir, name), template)
        case = DocumentCase(case_number, last_reply_date=date(2020, 2, 28))
        results[name] = (answers, render_report(template, answers, case))
    return results


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_the_seed_splits_into_every_question(
    seed: str, rendered: dict[str, tuple[dict[str, str], RenderedDocuments]]
) -> None:
    answers, _ = rendered[seed]
    assert len(answers) == 8
    assert all(answers[key] for key in answers if key != "underskrift")


@pytest.mark.parametrize("seed", sorted(SEEDS))
@pytest.mark.parametrize("fmt", [DocumentFormat.PDF, DocumentFormat.DOCX])
def test_every_answer_reads_back_in_order_with_its_bullets(
    seed: str, fmt: DocumentFormat, rendered: dict[str, tuple[dict[str, str], RenderedDocuments]]
) -> None:
    answers, documents = rendered[seed]
    content = documents.get(fmt).content
    text = pdf_text(content) if fmt is DocumentFormat.PDF else docx_text(content)
    expected: list[str] = [squash(documents.document.title)]
    for section in documents.document.sections:
        expected.append(squash(section.heading))
        expected.extend(expected_lines(answers[section.key]))
    expected.extend(squash(name) for name in documents.document.signature.signer_lines)
    expected.extend(squash(line) for line in documents.document.closing)
    assert_in_order(text, expected)


def test_bullets_and_emphasis_survive_in_the_docx(
    rendered: dict[str, tuple[dict[str, str], RenderedDocuments]],
) -> None:
    _, documents = rendered["seed_001"]
    doc = Document(BytesIO(documents.get(DocumentFormat.DOCX).content))
    checks = [p for p in doc.paragraphs if p.text.startswith("✓\t")]
    assert len(checks) == 2
    assert checks[0].runs[1].bold and checks[0].runs[1].text == "Grundläggande utbildningar"
    italic = [r.text for p in doc.paragraphs for r in p.runs if r.italic]
    assert "Plan för integrering av barnets rättigheter 2018-2020" in italic


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_the_pdf_is_pdfa_with_signature_field_and_answers_attached(
    seed: str, rendered: dict[str, tuple[dict[str, str], RenderedDocuments]]
) -> None:
    answers, documents = rendered[seed]
    pdf = documents.get(DocumentFormat.PDF)
    assert pdf.filename.startswith(f"Redovisning_{SEEDS[seed][1]}")
    reader = pypdf.PdfReader(BytesIO(pdf.content))

    xmp = reader.xmp_metadata
    assert xmp is not None
    description = xmp.rdf_root.getElementsByTagNameNS("*", "Description")[0]
    assert description.getAttribute("pdfaid:part") in {"2", "3", "4"}

    fields = reader.get_fields() or {}
    assert fields["AnsvarigChef"]["/FT"] == "/Sig"
    assert "/V" not in fields["AnsvarigChef"]  # empty: the manager signs it
    widget_page = next(
        i
        for i, page in enumerate(reader.pages)
        for annot in page.get("/Annots") or []
        if annot.get_object().get("/T") == "AnsvarigChef"
    )
    assert "Namnförtydligande" in reader.pages[widget_page].extract_text()

    attached = json.loads(reader.attachments["answers.json"][0])
    assert attached["template_id"] == SEEDS[seed][0]
    assert attached["case_number"] == SEEDS[seed][1]
    assert attached["answers"] == {k: v for k, v in answers.items() if v}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_the_docx_opens_and_is_a4(
    seed: str, rendered: dict[str, tuple[dict[str, str], RenderedDocuments]]
) -> None:
    _, documents = rendered[seed]
    docx = documents.get(DocumentFormat.DOCX)
    assert docx.filename.endswith(".docx")
    doc = Document(BytesIO(docx.content))
    assert doc.core_properties.keywords == SEEDS[seed][1]
    width = doc.sections[0].page_width
    assert width is not None and round(width.cm, 1) == 21.0


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_docx(
    rendered: dict[str, tuple[dict[str, str], RenderedDocuments]], tmp_path: Path
) -> None:
    assert SOFFICE is not None
    paths = [documents.write_to(tmp_path / seed)[0] for seed, (_, documents) in rendered.items()]
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "converted"),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    for path in paths:
        converted = tmp_path / "converted" / (path.stem + ".pdf")
        assert converted.exists(), result.stdout + result.stderr
        assert len(pypdf.PdfReader(converted).pages) >= 1

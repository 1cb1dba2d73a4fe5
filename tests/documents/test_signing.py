"""The empty signature field sits over the signature line and can really be signed."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from bot.documents import DocumentCase, DocumentFormat, render_report
from bot.documents.pdf_renderer import SIGNATURE_HEIGHT_PT, SIGNATURE_WIDTH_PT
from bot.mall.template import TemplateCatalog
from tests.documents.signing_helpers import self_signed


@pytest.fixture
def pdf(catalog: TemplateCatalog) -> bytes:
    template = catalog.get("mall-2018")
    answers = {q.key: f"Svar om {q.key}." for q in template.questions}
    answers["underskrift"] = "Joanna Eriksson"
    result = render_report(
        template, answers, DocumentCase("STK-2018-0902"), formats=[DocumentFormat.PDF]
    )
    return result.get(DocumentFormat.PDF).content


def test_the_field_covers_the_signature_line_on_the_signature_page(pdf: bytes) -> None:
    reader = pypdf.PdfReader(BytesIO(pdf))
    (page, widget) = next(
        (p, a.get_object())
        for p in reader.pages
        for a in p.get("/Annots") or []
        if a.get_object().get("/FT") == "/Sig"
    )
    left, bottom, right, top = (float(v) for v in widget["/Rect"])
    assert (round(right - left), round(top - bottom)) == (SIGNATURE_WIDTH_PT, SIGNATURE_HEIGHT_PT)
    assert 0 < left < right < float(page.mediabox.width)
    assert 0 < bottom < top < float(page.mediabox.height)
    # The name is printed just below the field.
    below: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if "Namnförtydligande" in text:  # y of the text matrix times the CTM
            below.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    assert below and bottom - 40 < below[0] < bottom


def test_the_field_can_be_signed_and_the_attachment_survives(pdf: bytes, tmp_path: Path) -> None:
    key_path, cert_path = self_signed(tmp_path)
    signer = signers.SimpleSigner.load(str(key_path), str(cert_path))
    assert signer is not None
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(BytesIO(pdf)),
        signers.PdfSignatureMetadata(field_name="AnsvarigChef"),
        signer=signer,
    )
    signed = out.getvalue()
    assert signed.startswith(pdf)  # incremental: the rendered document is unchanged
    reader = pypdf.PdfReader(BytesIO(signed))
    field = (reader.get_fields() or {})["AnsvarigChef"]
    assert field["/V"]["/Filter"] == "/Adobe.PPKLite"
    assert "answers.json" in reader.attachments

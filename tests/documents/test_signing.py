"""The empty signature field sits over the signature line and can really be signed."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from bot.documents import DocumentCase, DocumentFormat, render_report
from bot.documents.pdf_form import SIGNATURE_HEIGHT_PT, SIGNATURE_WIDTH_PT
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


# A TrueType font to stamp the signature with; the stamp embeds the glyphs it uses.
STAMP_FONTS = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
]
STAMP_FONT = next((p for p in STAMP_FONTS if p.exists()), None)


def _fonts(obj: object, seen: set[int], found: list[dict[str, object]]) -> None:
    """Every font dictionary reachable from a resource dictionary, XObjects included."""
    if isinstance(obj, pypdf.generic.IndirectObject):
        if obj.idnum in seen:
            return
        seen.add(obj.idnum)
        obj = obj.get_object()
    if isinstance(obj, pypdf.generic.DictionaryObject):
        if obj.get("/Type") == "/Font":
            found.append(obj)
        for key, value in obj.items():
            if key not in ("/Parent", "/P"):
                _fonts(value, seen, found)
    elif isinstance(obj, pypdf.generic.ArrayObject):
        for value in obj:
            _fonts(value, seen, found)


def _embedded(font: dict[str, object]) -> bool:
    descendants = font.get("/DescendantFonts")
    if descendants is not None:
        return all(_embedded(d.get_object()) for d in descendants)  # type: ignore[attr-defined]
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return font.get("/Subtype") == "/Type3"
    descriptor = descriptor.get_object()  # type: ignore[attr-defined]
    return any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


@pytest.mark.skipif(STAMP_FONT is None, reason="no TrueType font for the signature stamp")
# pyHanko's GlyphAccumulatorFactory opens the font file and never closes it.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_signed_with_an_embedded_stamp_font_every_font_stays_embedded(
    pdf: bytes, tmp_path: Path
) -> None:
    from pyhanko import stamp
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle

    key_path, cert_path = self_signed(tmp_path)
    signer = signers.SimpleSigner.load(str(key_path), str(cert_path))
    assert signer is not None
    style = stamp.TextStampStyle(
        stamp_text="Undertecknat av %(signer)s\n%(ts)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(STAMP_FONT))),
    )
    out = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="AnsvarigChef"), signer=signer, stamp_style=style
    ).sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)))
    signed = out.getvalue()
    reader = pypdf.PdfReader(BytesIO(signed))
    found: list[dict[str, object]] = []
    seen: set[int] = set()
    for page in reader.pages:
        _fonts(page.get("/Resources"), seen, found)
        for annot in page.get("/Annots") or []:
            _fonts(annot.get_object().get("/AP"), seen, found)
    names = [str(f.get("/BaseFont")) for f in found]
    assert any("DejaVu" in n or "Liberation" in n for n in names)  # the stamp's font is there
    assert [n for f, n in zip(found, names, strict=True) if not _embedded(f)] == []
    # What was signed is what is stored: the attached answers are the rendered ones.
    before = pypdf.PdfReader(BytesIO(pdf)).attachments["answers.json"]
    assert reader.attachments["answers.json"] == before
    assert json.loads(before[0])["answers"]["underskrift"] == "Joanna Eriksson"


def test_default_stamp_would_add_a_font_that_is_not_embedded(pdf: bytes, tmp_path: Path) -> None:
    """Why the stamp above needs its own font: pyHanko's default stamp uses Courier."""
    key_path, cert_path = self_signed(tmp_path)
    signer = signers.SimpleSigner.load(str(key_path), str(cert_path))
    assert signer is not None
    signed = signers.sign_pdf(
        IncrementalPdfFileWriter(BytesIO(pdf)),
        signers.PdfSignatureMetadata(field_name="AnsvarigChef"),
        signer=signer,
    ).getvalue()
    reader = pypdf.PdfReader(BytesIO(signed))
    found: list[dict[str, object]] = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            _fonts(annot.get_object().get("/AP"), set(), found)
    assert any(not _embedded(f) for f in found)


def test_pdf_ua_items_title_shown_tab_order_and_the_field_in_the_structure(pdf: bytes) -> None:
    reader = pypdf.PdfReader(BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == pypdf.generic.BooleanObject(True)
    assert root["/Lang"] == "sv-SE"
    assert all(page.get("/Tabs") == "/S" for page in reader.pages)
    widget_ref = next(
        a for p in reader.pages for a in p.get("/Annots") or [] if a.get_object()["/FT"] == "/Sig"
    )
    widget = widget_ref.get_object()
    assert widget["/TU"] == "Underskrift av ansvarig chef"
    tree = root["/StructTreeRoot"].get_object()
    nums = tree["/ParentTree"]["/Nums"]
    parents = dict(zip(nums[::2], nums[1::2], strict=True))
    form = parents[widget["/StructParent"]].get_object()
    assert form["/S"] == "/Form"
    assert form["/K"].raw_get("/Obj").idnum == widget_ref.idnum
    assert tree["/ParentTreeNextKey"] > widget["/StructParent"]
    document = tree["/K"][0].get_object()
    assert any(kid.get_object() is form for kid in document["/K"])
    # still PDF/A-3b: the XMP metadata says so
    metadata = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in metadata and 'pdfaid:conformance="B"' in metadata

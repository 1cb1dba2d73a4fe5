"""A signed PDF coming back: verified against the stored answers, with the exit status the
command line gives (0 valid, 1 invalid, 2 unreadable)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from pyhanko.pdf_utils.generic import NameObject, StreamObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from bot.documents import DocumentCase, DocumentFormat, render_report
from bot.documents.verify import Problem, attached_answers, verification_exit, verify
from bot.mall.template import TemplateCatalog
from tests.documents.signing_helpers import sign

CASE = "STK-2018-0902"
OTHER_CASE = "STK-2018-1307"


def _answers(catalog: TemplateCatalog, tag: str) -> dict[str, str]:
    template = catalog.get("mall-2018")
    answers = {q.key: f"Svar om {q.key} ({tag})." for q in template.questions}
    answers["underskrift"] = "Joanna Eriksson"
    return answers


def _pdf(catalog: TemplateCatalog, case_number: str, answers: Mapping[str, str]) -> bytes:
    rendered = render_report(
        catalog.get("mall-2018"),
        answers,
        DocumentCase(case_number),
        formats=[DocumentFormat.PDF],
        draft=None,
    )
    return rendered.get(DocumentFormat.PDF).content


@pytest.fixture
def stored(catalog: TemplateCatalog) -> dict[str, dict[str, str]]:
    """The answers the database holds, by diarienummer."""
    return {CASE: _answers(catalog, "ett"), OTHER_CASE: _answers(catalog, "två")}


@pytest.fixture
def signed(catalog: TemplateCatalog, stored: dict[str, dict[str, str]], tmp_path: Path) -> bytes:
    return sign(_pdf(catalog, CASE, stored[CASE]), tmp_path)


def _replace_attachment(pdf: bytes, new_json: bytes) -> bytes:
    """An incremental update that swaps the attached answers.json for other bytes."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = names[names.index("answers.json") + 1].get_object()
    stream = StreamObject({NameObject("/Type"): NameObject("/EmbeddedFile")}, stream_data=new_json)
    ref = writer.add_object(stream)
    spec["/EF"][NameObject("/F")] = ref
    if "/UF" in spec["/EF"]:
        spec["/EF"][NameObject("/UF")] = ref
    writer.update_container(spec)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_signed_report_is_valid_with_signer_time_and_case(
    signed: bytes, stored: dict[str, dict[str, str]]
) -> None:
    result = verify(signed, stored.get, expected_case_number=CASE)
    assert result.valid and result.exit_status() == 0
    assert (result.signed, result.intact, result.covers_whole_file, result.answers_match) == (
        True, True, True, True,
    )  # fmt: skip
    assert result.signer == "Joanna Eriksson (test)"
    assert result.signed_at is not None and result.signed_at.tzinfo is not None
    assert result.case_number == CASE
    assert "Joanna Eriksson (test)" in result.message and CASE in result.message
    status, text = verification_exit(result)
    data = json.loads(text)
    assert status == 0
    for key in ("signed", "intact", "covers_whole_file", "signer", "signed_at"):
        assert key in data
    assert data["answers_match"] is True and data["case_number"] == CASE


def test_a_report_signed_twice_is_valid_and_names_the_last_signer(
    signed: bytes, stored: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    twice = sign(signed, tmp_path, "Anna Andersson", "Kontrasignering", (60, 60, 260, 110))
    result = verify(twice, stored.get)
    assert result.exit_status() == 0, result.message
    assert [s.signer for s in result.signatures] == ["Joanna Eriksson (test)", "Anna Andersson"]
    assert result.signer == "Anna Andersson"


def test_bytes_changed_after_signing_break_the_signature(
    signed: bytes, stored: dict[str, dict[str, str]]
) -> None:
    at = signed.index(CASE.encode())  # the diarienummer in the document's metadata
    tampered = signed[:at] + b"STK-2018-0903" + signed[at + len(CASE) :]
    result = verify(tampered, stored.get)
    assert result.exit_status() == 1
    assert result.signed and not result.intact and result.problem is Problem.BROKEN_SIGNATURE
    assert "inte giltig" in result.message


def test_bytes_appended_after_signing_are_not_covered(
    signed: bytes, stored: dict[str, dict[str, str]]
) -> None:
    result = verify(signed + b"\n% tillagt efter underskriften\n", stored.get)
    assert result.exit_status() == 1
    assert result.intact and not result.covers_whole_file


def test_an_answers_json_swapped_in_after_signing_is_caught(
    signed: bytes, stored: dict[str, dict[str, str]]
) -> None:
    changed = dict(stored[CASE], budget="Vi har använt alla 400 000 kr.")
    payload = {
        "format": "redovisa-answers", "version": 1, "template_id": "mall-2018",
        "case_number": CASE, "draft": False, "answers": changed,
    }  # fmt: skip
    tampered = _replace_attachment(signed, json.dumps(payload).encode())
    swapped = attached_answers(PdfFileReader(BytesIO(tampered)))
    assert swapped is not None and swapped["answers"]["budget"].startswith("Vi har använt")
    stored_now = {CASE: changed}  # even when the database was changed the same way
    result = verify(tampered, stored_now.get)
    assert result.exit_status() == 1
    assert result.intact and not result.covers_whole_file
    assert result.problem is Problem.CHANGED_AFTER_SIGNING
    assert "ändrats efter" in result.message


def test_an_answer_changed_in_the_database_after_the_pdf_is_caught(
    signed: bytes, stored: dict[str, dict[str, str]]
) -> None:
    stored[CASE] = dict(stored[CASE], forankring="Ett nytt svar skrivet efter underskriften.")
    result = verify(signed, stored.get)
    assert result.exit_status() == 1
    assert not result.answers_match and result.differing_questions == ("forankring",)


def test_an_unsigned_pdf_is_invalid(
    catalog: TemplateCatalog, stored: dict[str, dict[str, str]]
) -> None:
    result = verify(_pdf(catalog, CASE, stored[CASE]), stored.get)
    assert result.exit_status() == 1
    assert not result.signed and result.problem is Problem.UNSIGNED
    assert "ingen underskrift" in result.message


def test_another_cases_pdf_is_refused(
    catalog: TemplateCatalog, stored: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    other = sign(_pdf(catalog, OTHER_CASE, stored[OTHER_CASE]), tmp_path)
    result = verify(other, stored.get, expected_case_number=CASE)
    assert result.exit_status() == 1
    assert result.case_number == OTHER_CASE and not result.answers_match
    assert OTHER_CASE in result.message and CASE in result.message
    # Its own ärende accepts it.
    assert verify(other, stored.get, expected_case_number=OTHER_CASE).exit_status() == 0


def test_a_pdf_claiming_another_case_with_this_cases_answers_does_not_match(
    catalog: TemplateCatalog, stored: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    mixed = sign(_pdf(catalog, OTHER_CASE, stored[CASE]), tmp_path)
    result = verify(mixed, stored.get)
    assert result.exit_status() == 1 and result.problem is Problem.ANSWERS_DIFFER


def test_a_signed_draft_is_not_a_report(
    catalog: TemplateCatalog, stored: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    partial = {"namnd": "Servicenämnden"}
    stored[CASE] = partial
    result = verify(sign(_pdf(catalog, CASE, partial), tmp_path), stored.get)
    assert result.exit_status() == 1 and result.draft and result.problem is Problem.DRAFT


def test_an_unknown_case_cannot_be_compared(
    signed: bytes, stored: dict[str, dict[str, str]]
) -> None:
    result = verify(signed, {}.get)
    assert result.exit_status() == 1 and result.problem is Problem.UNKNOWN_CASE


@pytest.mark.parametrize("content", [b"", b"not a pdf at all", b"%PDF-1.7\n1 0 obj <<"])
def test_an_unreadable_file_exits_2(content: bytes, stored: dict[str, dict[str, str]]) -> None:
    result = verify(content, stored.get)
    assert result.exit_status() == 2 and not result.readable
    assert "går inte att läsa" in result.message


def test_the_signature_stamp_uses_an_embedded_font(signed: bytes) -> None:
    """PDF/A wants every font embedded, the signer's stamp included."""
    reader = pypdf.PdfReader(BytesIO(signed))
    widget = next(
        a.get_object()
        for page in reader.pages
        for a in page.get("/Annots") or []
        if a.get_object().get("/FT") == "/Sig"
    )

    def fonts(stream: pypdf.generic.DictionaryObject) -> list[pypdf.generic.DictionaryObject]:
        resources = stream.get("/Resources", {})
        found = [f.get_object() for f in resources.get("/Font", {}).values()]
        for xobject in resources.get("/XObject", {}).values():
            found += fonts(xobject.get_object())
        return found

    stamp_fonts = fonts(widget["/AP"]["/N"].get_object())
    assert stamp_fonts
    for font in stamp_fonts:
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        descriptor = descendant["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys())

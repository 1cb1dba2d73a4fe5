"""Bad files give a Swedish UserFacingError; odd encodings and marks are handled."""

from __future__ import annotations

import io
import zipfile

import pytest

from bot.documents.importer import MAX_FILE_BYTES, import_report
from bot.mall.errors import UserFacingError
from bot.mall.template import TemplateCatalog


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("utkast.docx", b"", "Filen är tom"),
        ("utkast.txt", b"x" * (MAX_FILE_BYTES + 1), "Filen är för stor"),
        ("utkast.xlsx", b"PK\x03\x04", "Filtypen (.xlsx) stöds inte"),
        ("utkast", b"hej", "Filtypen (utan filändelse) stöds inte"),
        ("utkast.doc", b"\xd0\xcf\x11\xe0", "äldre Word-format"),
        ("utkast.pdf", b"this is not a pdf", "inte vara en giltig PDF"),
        ("utkast.pdf", b"%PDF-1.7\n1 0 obj garbage", "inte vara en giltig PDF"),
        ("utkast.docx", b"not a zip file at all", "inte vara en giltig Word-fil"),
        ("utkast.txt", b"\x00\x01\x02binary\x00", "inte vara en textfil"),
        ("utkast.txt", b" \n\t\n  \r\n", "ingen text"),
    ],
)
def test_bad_files_are_refused_in_swedish(
    filename: str, data: bytes, expected: str, catalog: TemplateCatalog
) -> None:
    with pytest.raises(UserFacingError) as caught:
        import_report(filename, data, catalog)
    assert expected in caught.value.message


def test_a_zip_that_is_no_word_document(catalog: TemplateCatalog) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hej")
    with pytest.raises(UserFacingError, match="giltig Word-fil"):
        import_report("utkast.docx", buffer.getvalue(), catalog)


def test_cp1252_text_and_control_characters(catalog: TemplateCatalog) -> None:
    text = (
        "Vid vilken nämnd har utvecklingsarbetet bedrivits?\r\n\r\n"
        "Servicenämnden\x07\r\n\r\n"
        "Utvecklingsarbetets namn:\r\n\r\nKompetens\x01höjning i jämställdhet\r\n"
    )
    report = import_report("utkast.TXT", text.encode("cp1252"), catalog)
    assert report.answers["namnd"] == "Servicenämnden"
    assert report.answers["namn"] == "Kompetenshöjning i jämställdhet"


def test_headings_however_formatted(catalog: TemplateCatalog) -> None:
    text = "\n".join(
        [
            "# Utvecklingsarbetets namn",  # markdown heading without the colon
            "Barnrätt i praktiken",
            "",
            "**Utveckligsarbetets måluppfylelse**",  # two typos
            "Målet nåddes.",
            "",
            "## Budget",  # an alias counts when it is formatted as a heading
            "Nämnden beviljades 150 000 kronor och använde allt.",
            "",
            "Hur kommer nämnden tillvarata de erfarenheter som gjorts i utvecklingsarbetet",
            "Arbetet fortsätter 2020.",
            "",
            "Underskrift ansvarig chef: Anna Andersson",  # question and answer on one line
        ]
    )
    report = import_report("utkast.md", text.encode(), catalog)
    assert report.answers == {
        "namn": "Barnrätt i praktiken",
        "maluppfyllelse": "Målet nåddes.",
        "budget": "Nämnden beviljades 150 000 kronor och använde allt.",
        "tillvarata": "Arbetet fortsätter 2020.",
        "underskrift": "Anna Andersson",
    }
    assert report.signature == "Anna Andersson"
    assert report.granted_amount_text == "Nämnden beviljades 150 000 kronor och använde allt."
    assert "namnd" in report.missing_keys


def test_a_plain_word_in_an_answer_is_no_heading(catalog: TemplateCatalog) -> None:
    text = "Utvecklingsarbetets måluppfyllelse\n\nBudget\n\nVi höll budgeten.\n"
    report = import_report("utkast.txt", text.encode(), catalog)
    assert report.answers == {"maluppfyllelse": "Budget\n\nVi höll budgeten."}

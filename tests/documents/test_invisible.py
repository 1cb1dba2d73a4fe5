"""An answer with bidi controls or zero-width characters: the pages show what is stored."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pypdf
from docx import Document

from bot.documents import DocumentCase, DocumentFormat, render_report
from bot.documents.importer import import_report
from bot.mall.template import TemplateCatalog

CASE = DocumentCase(
    "STK-2018-1307", last_reply_date=date(2020, 2, 28), recipients=("registrera.stk@malmo.se",)
)


def _answers(catalog: TemplateCatalog) -> dict[str, str]:
    template = catalog.get("mall-2019")
    answers = {q.key: f"Svar om {q.key}." for q in template.questions}
    answers["budget"] = "Vi fick 500 000 kr \u202e000 002\u202c av \u2067socialnämnden\u2069."
    answers["underskrift"] = "Jonas\u200b Magnusson\nEnhetschef"
    return answers


def test_the_pdf_and_docx_show_the_text_in_stored_order(catalog: TemplateCatalog) -> None:
    result = render_report(catalog.get("mall-2019"), _answers(catalog), CASE)
    stored = result.document.answers
    assert stored["budget"] == "Vi fick 500 000 kr 000 002 av socialnämnden."
    assert stored["underskrift"] == "Jonas Magnusson\nEnhetschef"
    raw = "".join(
        page.extract_text()
        for page in pypdf.PdfReader(BytesIO(result.get(DocumentFormat.PDF).content)).pages
    )
    docx = "\n".join(
        p.text for p in Document(BytesIO(result.get(DocumentFormat.DOCX).content)).paragraphs
    )
    for text in (raw, docx):
        assert "500 000 kr 000 002 av socialnämnden" in text
        assert not any(chr(c) in text for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def test_an_imported_file_loses_them_and_the_user_is_told(catalog: TemplateCatalog) -> None:
    text = (
        "Vid vilken nämnd har utvecklingsarbetet bedrivits?\n\nSocial\u200bnämnden\n\n"
        "Vilket är resultatet i förhållande till utvecklingsarbetets budget:\n\n"
        "Vi fick 500 000 kr \u202e000 002\u202c.\n"
    )
    report = import_report("utkast.txt", text.encode("utf-8"), catalog)
    assert report.answers["namnd"] == "Socialnämnden"
    assert report.answers["budget"] == "Vi fick 500 000 kr 000 002."
    note = next(w for w in report.warnings if "osynliga tecken" in w)
    assert "3 osynliga tecken" in note and "U+202E" in note and "skrivriktning" in note


def test_the_last_reply_date_comes_back_as_a_date(catalog: TemplateCatalog) -> None:
    result = render_report(catalog.get("mall-2019"), _answers(catalog), CASE)
    for fmt in (DocumentFormat.DOCX, DocumentFormat.PDF):
        rendered = result.get(fmt)
        report = import_report(rendered.filename, rendered.content, catalog)
        assert report.last_reply_day == date(2020, 2, 28), fmt
        assert report.recipients == ["registrera.stk@malmo.se"]

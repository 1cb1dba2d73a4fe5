"""The neutral document built from the mall, the ärende and the answers."""

from __future__ import annotations

import json
from datetime import date
from io import BytesIO

import pypdf
import pytest
from docx import Document

from bot.documents import (
    DocumentCase,
    DocumentFormat,
    build_document,
    file_name,
    parse_formats,
    render_report,
)
from bot.documents.model import swedish_amount, swedish_date
from bot.documents.render import missing_fact_names
from bot.mall.errors import UserFacingError
from bot.mall.template import TemplateCatalog
from bot.review.findings import Finding, Severity

CASE = DocumentCase(
    "STK-2018-1307",
    decision_date=date(2019, 3, 11),
    last_reply_date=date(2020, 2, 28),
    recipients=("registrera.stk@malmo.se", "anders.p.eriksson@malmo.se"),
)


def _complete(catalog: TemplateCatalog, template_id: str = "mall-2019") -> dict[str, str]:
    template = catalog.get(template_id)
    answers = {q.key: f"Svar om {q.key}." for q in template.questions}
    answers["underskrift"] = "Jonas Magnusson\nEnhetschef"
    return answers


def test_swedish_dates_and_amounts() -> None:
    assert swedish_date(date(2020, 2, 28)) == "28 februari 2020"
    assert swedish_date(date(2019, 3, 1)) == "1 mars 2019"
    # Plain spaces: copied from a document, an amount is what was stored (the PDF keeps it
    # on one line by its layout).
    assert swedish_amount(200000) == "200 000 kr"
    assert swedish_amount(-1500) == "-1 500 kr"


def test_the_mall_text_is_filled_with_the_case_the_swedish_way(catalog: TemplateCatalog) -> None:
    doc = build_document(catalog.get("mall-2019"), _complete(catalog), CASE)
    assert "i ärendet STK-2018-1307" in doc.intro[0]
    assert "Sista datum för nämndens svar är: 28 februari 2020" in doc.closing
    assert "Nämndens svar skickas till: registrera.stk@malmo.se" in doc.closing
    assert "samt med kopia till: anders.p.eriksson@malmo.se" in doc.closing
    assert doc.closing[-1] == "Ange diarienummer STK-2018-1307"
    assert doc.draft is None


def test_a_fact_nobody_gave_is_left_out_not_taken_from_the_mall(catalog: TemplateCatalog) -> None:
    # Issue 12: the mall's example values (28 februari 2020, anders.p.eriksson@…) are no
    # facts of this ärende; the line is left out and the fact named as missing.
    given = DocumentCase("STK-1", decision_date=date(2019, 3, 11))
    doc = build_document(catalog.get("mall-2019"), _complete(catalog), given)
    printed = "\n".join(doc.closing + doc.intro)
    assert "2020" not in printed and "@" not in printed
    assert doc.closing == (
        "Nämnden skickar ärendet vidare till kommunstyrelsen som återrapportering av de sökta medlen.",
        "Ange diarienummer STK-1",
    )
    assert doc.missing_facts == (
        "sista datum för nämndens svar",
        "vart nämndens svar skickas",
        "vem som får en kopia av svaret",
    )
    assert doc.draft is None  # the answers are all there; the chat asks for the facts


def test_without_a_diarienummer_nothing_pretends_to_be_one(catalog: TemplateCatalog) -> None:
    doc = build_document(catalog.get("mall-2018"), _complete(catalog, "mall-2018"), DocumentCase())
    assert doc.case_number is None
    assert doc.draft is not None and doc.draft.missing == ("Uppgift om ärendet: diarienummer",)
    assert json.loads(doc.answers_json())["case_number"] is None
    assert "diarienummer" not in doc.answers_json().decode()
    assert (
        file_name(None, DocumentFormat.PDF, draft=True)
        == "Redovisning_utan-diarienummer_UTKAST.pdf"
    )


def test_questions_in_mall_order_and_the_signature_apart(catalog: TemplateCatalog) -> None:
    template = catalog.get("mall-2018")
    doc = build_document(template, _complete(catalog, "mall-2018"), CASE)
    assert [s.key for s in doc.sections] == [q.key for q in template.questions[:-1]]
    assert doc.sections[0].heading == "Vid vilken nämnd har utvecklingsarbetet bedrivits?"
    assert doc.signature.heading == "Underskrift ansvarig chef:"
    assert doc.signature.name == "Jonas Magnusson"
    assert doc.signature.signer_lines == ("Jonas Magnusson", "Enhetschef")


def test_missing_answers_make_a_draft_that_lists_them(catalog: TemplateCatalog) -> None:
    answers = _complete(catalog)
    del answers["budget"]
    answers["underskrift"] = "  "
    doc = build_document(catalog.get("mall-2019"), answers, CASE)
    assert doc.draft is not None
    assert doc.draft.missing == (
        "Vilket är resultatet i förhållande till utvecklingsarbetets budget?",
        "Underskrift ansvarig chef (namnet på ansvarig chef)",
    )
    assert "budget" not in doc.answers


def test_a_final_document_with_answers_missing_is_refused(catalog: TemplateCatalog) -> None:
    with pytest.raises(UserFacingError, match="Utvecklingsarbetets namn"):
        build_document(catalog.get("mall-2019"), {"namnd": "ASN"}, CASE, draft=False)


def test_a_complete_report_can_still_be_asked_for_as_a_draft(catalog: TemplateCatalog) -> None:
    doc = build_document(catalog.get("mall-2019"), _complete(catalog), CASE, draft=True)
    assert doc.draft is not None and doc.draft.missing == ()


def test_file_names() -> None:
    assert file_name("STK-2018-1307", DocumentFormat.PDF) == "Redovisning_STK-2018-1307.pdf"
    assert (
        file_name("STK-2018-1307", DocumentFormat.DOCX, draft=True)
        == "Redovisning_STK-2018-1307_UTKAST.docx"
    )
    assert file_name("../../etc/passwd", DocumentFormat.PDF) == "Redovisning_etc_passwd.pdf"
    assert file_name("", DocumentFormat.PDF) == "Redovisning_utan-diarienummer.pdf"


def test_parse_formats() -> None:
    assert parse_formats("both") == (DocumentFormat.DOCX, DocumentFormat.PDF)
    assert parse_formats(" PDF ") == (DocumentFormat.PDF,)
    with pytest.raises(UserFacingError, match="Okänt format"):
        parse_formats("odt")


def test_a_draft_says_utkast_on_every_page_in_both_formats(catalog: TemplateCatalog) -> None:
    answers = {"namnd": "Arbetsmarknads- och socialnämnden", "maluppfyllelse": "Lång. " * 3000}
    result = render_report(catalog.get("mall-2019"), answers, CASE)
    pdf = result.get(DocumentFormat.PDF)
    assert pdf.filename == "Redovisning_STK-2018-1307_UTKAST.pdf"
    reader = pypdf.PdfReader(BytesIO(pdf.content))
    assert len(reader.pages) >= 3
    for page in reader.pages:
        assert "UTKAST" in page.extract_text()
    first = reader.pages[0].extract_text()
    assert "Utkast – detta saknas ännu:" in first
    assert "Utvecklingsarbetets namn:" in first.split("Mall för redovisning")[0]

    docx = result.get(DocumentFormat.DOCX)
    assert docx.filename.endswith("_UTKAST.docx")
    doc = Document(BytesIO(docx.content))
    assert all("UTKAST" in s.header.paragraphs[0].text for s in doc.sections)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Utkast – detta saknas ännu:"
    assert "•\tUtvecklingsarbetets namn:" in texts
    assert "[Svar saknas]" in texts


def test_a_final_pdf_has_no_utkast_mark(catalog: TemplateCatalog) -> None:
    result = render_report(catalog.get("mall-2019"), _complete(catalog), CASE)
    reader = pypdf.PdfReader(BytesIO(result.get(DocumentFormat.PDF).content))
    assert all("UTKAST" not in page.extract_text() for page in reader.pages)
    doc = Document(BytesIO(result.get(DocumentFormat.DOCX).content))
    assert all(not s.header.paragraphs[0].text for s in doc.sections)


def test_findings_become_word_comments_on_their_answer(catalog: TemplateCatalog) -> None:
    findings = [
        Finding(
            code="amount_mismatch",
            severity=Severity.WARNING,
            question="budget",
            message="Beloppet stämmer inte med beslutet.",
            evidence="200 000 tkr",
        ),
        Finding(
            code="spelling",
            severity=Severity.INFO,
            question=None,
            message="Kontrollera stavningen.",
        ),
    ]
    result = render_report(
        catalog.get("mall-2019"),
        _complete(catalog),
        CASE,
        formats=[DocumentFormat.DOCX],
        findings=findings,
    )
    assert [f.format for f in result.files] == [DocumentFormat.DOCX]
    doc = Document(BytesIO(result.get(DocumentFormat.DOCX).content))
    comments = {c.text: c for c in doc.comments}
    assert set(comments) == {
        "Beloppet stämmer inte med beslutet.\n\n”200 000 tkr”",
        "Kontrollera stavningen.",
    }
    assert all(c.author == "Redovisa" for c in comments.values())
    body = doc.element.body.xml
    budget_comment = comments["Beloppet stämmer inte med beslutet.\n\n”200 000 tkr”"]
    start = body.index(f'w:commentRangeStart w:id="{budget_comment.comment_id}"')
    assert body.index("Svar om budget.") > start
    assert body.index("Svar om tillvarata.") < start


def test_the_intro_tells_the_decision_date_of_the_registration(catalog: TemplateCatalog) -> None:
    # The ärende's own decision date, not the mall's "11 mars 2019" (or "februari 2018").
    later = DocumentCase("STK-2019-0421", decision_date=date(2019, 4, 2))
    doc = build_document(catalog.get("mall-2019"), _complete(catalog), later)
    assert doc.intro[0].startswith(
        "Kommunstyrelsens arbetsutskott beslutade vid sammanträde den 2 april 2019 om att"
    )
    assert "11 mars" not in "\n".join(doc.intro)
    old = DocumentCase("SN-2018-1996", decision_date=date(2018, 2, 21))
    doc = build_document(catalog.get("mall-2018"), _complete(catalog, "mall-2018"), old)
    assert (
        "Utskottet för demokrati, jämställdhet och mänskliga rättigheter beslutade vid "
        "sammanträde den 21 februari 2018 om att" in doc.intro[0]
    )


def test_an_unknown_decision_date_is_left_out_and_named(catalog: TemplateCatalog) -> None:
    for template_id in ("mall-2018", "mall-2019"):
        doc = build_document(
            catalog.get(template_id), _complete(catalog, template_id), DocumentCase("STK-1")
        )
        assert "beslutade vid sammanträde" not in "\n".join(doc.intro)
        assert "2018" not in "\n".join(doc.intro) and "2019" not in "\n".join(doc.intro)
        assert doc.missing_facts[0] == "beslutsdatum"
        names = missing_fact_names(catalog.get(template_id), DocumentCase("STK-1"))
        assert "decision_date" in names

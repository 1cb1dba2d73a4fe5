"""The coordinator's sammanställning of a year: every ärende with its figures and state,
as XLSX and as a PDF for kommunstyrelsen with a chart of granted against used per nämnd."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

import pypdf
import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.arende.year import build_sammanstallning
from bot.documents import DocumentCase, DocumentFormat, render_report
from bot.documents.sammanstallning import Sammanstallning, status_label
from bot.documents.sammanstallning_render import (
    render_chart_png,
    render_sammanstallning_pdf,
    render_sammanstallning_xlsx,
    sammanstallning_file_name,
)
from bot.mall.case_status import CaseStatus
from bot.mall.template import TemplateCatalog
from storage import ledger_repository as ledger
from storage import repository as repo
from storage import submission_repository as submissions
from storage.db import SessionFactory
from tests.conftest import MovableClock

SERVICE = "Servicenämnden"
ASN = "Arbetsmarknads- och socialnämnden"
BUDGET = "Servicenämnden beviljades 400 000 kr. Vi har nyttjat 167 000 kr till utbildningar."


def _full_answers(catalog: TemplateCatalog) -> dict[str, str]:
    template = catalog.get("mall-2019")
    answers = {q.key: f"Ett svar på {q.key}." for q in template.questions}
    answers.update(namnd=SERVICE, budget=BUDGET, underskrift="Carina Tempel")
    return answers


@pytest.fixture
def summary(
    session_factory: SessionFactory, clock: MovableClock, catalog: TemplateCatalog
) -> Sammanstallning:
    with session_factory() as session, session.begin():
        user = repo.get_or_create_user(session, "terminal:samordnare", "Samordnare", clock())

        def case(number: str, committee: str, granted: int, answers: dict[str, str]) -> int:
            created = repo.create_case(session, number, "mall-2019", user, clock())
            created.committee = committee
            created.granted_amount_kr = granted
            created.decision_date = date(2019, 3, 11)
            created.perspectives = ["jamstalldhet", "barnratt"]
            for key, text in answers.items():
                repo.save_answer(session, created.id, key, text, [], user, clock())
            return created.id

        sent = case("STK-2019-0101", SERVICE, 400_000, _full_answers(catalog))
        when = datetime(2019, 12, 1, 10, 0, tzinfo=UTC)
        submissions.record_signed_report(session, sent, b"%PDF", "Carina Tempel", when, clock())
        submissions.claim_mail(session, "k", sent, "<m@x>", "s", [], clock(), when - when)
        submissions.mark_mail_sent(session, "k", "smtp", None, clock())
        case("STK-2019-0102", SERVICE, 100_000, {"namnd": SERVICE})
        case("STK-2019-0103", ASN, 202_000, {})
        signed = case("STK-2019-0104", ASN, 300_000, _full_answers(catalog))
        # What was signed holds the stored answers (answers.json), so it is still signerad.
        report = render_report(
            catalog.get("mall-2019"), _full_answers(catalog), DocumentCase("STK-2019-0104"),
            [DocumentFormat.PDF],
        ).get(DocumentFormat.PDF)  # fmt: skip
        submissions.record_signed_report(
            session, signed, report.content, "Lena Lundin", when, clock()
        )
        ledger.record_entry(
            session, signed, granted_kr=300_000, used_kr=290_000, remaining_kr=10_000,
            source="read", user_id=user.id, now=clock(),
        )  # fmt: skip
        later = repo.create_case(session, "STK-2020-0001", "mall-2019", user, clock())
        later.decision_date = date(2020, 2, 1)
    with session_factory() as session:
        return build_sammanstallning(session, 2019, catalog, date(2020, 3, 1))


def test_every_case_of_the_year_with_state_figures_and_findings(summary: Sammanstallning) -> None:
    rows = {r.case_number: r for r in summary.rows}
    assert list(rows) == ["STK-2019-0103", "STK-2019-0104", "STK-2019-0101", "STK-2019-0102"]
    states = {n: r.state for n, r in rows.items()}
    assert states == {
        "STK-2019-0101": CaseStatus.SUBMITTED, "STK-2019-0102": CaseStatus.IN_PROGRESS,
        "STK-2019-0103": CaseStatus.NOT_STARTED, "STK-2019-0104": CaseStatus.SIGNED,
    }  # fmt: skip
    # The same words as /oversikt.
    assert [status_label(rows[n].state) for n in sorted(rows)] == [
        "inskickad", "pågår", "inte påbörjad", "signerad",
    ]  # fmt: skip
    sent = rows["STK-2019-0101"]
    assert (sent.granted_kr, sent.used_kr) == (400_000, 167_000)  # read from the budget answer
    assert sent.share_used == pytest.approx(0.4175)
    assert rows["STK-2019-0104"].used_kr == 290_000  # the confirmed amount wins
    assert rows["STK-2019-0103"].used_kr is None and rows["STK-2019-0103"].share_used is None
    assert sent.perspectives == ("jämställdhet", "barnrättsperspektivet")
    draft = rows["STK-2019-0102"]
    # Remarks for kommunstyrelsen: what is missing, not what the official should do.
    assert draft.findings == (
        "Svar saknas på 7 av mallens 8 frågor.", "Använt belopp är inte redovisat.",
    )  # fmt: skip
    assert rows["STK-2019-0103"].findings == ()


def test_totals_per_committee_and_overall(summary: Sammanstallning) -> None:
    groups = {g.committee: g for g in summary.by_committee()}
    assert (groups[SERVICE].granted_kr, groups[SERVICE].used_kr) == (500_000, 167_000)
    assert groups[SERVICE].used_unknown == 1
    # The draft's use is unknown: the share counts only the ärende whose use is known.
    assert groups[SERVICE].share_used == pytest.approx(167_000 / 400_000)
    assert (groups[ASN].granted_kr, groups[ASN].used_kr, groups[ASN].cases) == (
        502_000, 290_000, 2,
    )  # fmt: skip
    total = summary.total()
    assert (total.cases, total.granted_kr, total.used_kr) == (4, 1_002_000, 457_000)
    assert total.share_used == pytest.approx(457_000 / 700_000)


def test_the_workbook_holds_the_rows_the_totals_and_number_formats(
    summary: Sammanstallning,
) -> None:
    book = load_workbook(BytesIO(render_sammanstallning_xlsx(summary)))
    cases = book["Ärenden"]
    rows = list(cases.iter_rows(values_only=True))
    assert rows[0][:7] == (
        "Diarienummer", "Nämnd", "Perspektiv", "Beviljat (kr)", "Använt (kr)", "Andel använd",
        "Läge",
    )  # fmt: skip
    by_case = {r[0]: r for r in rows[1:]}
    assert by_case["STK-2019-0101"][3:7] == (400_000, 167_000, pytest.approx(0.4175), "inskickad")
    # An unknown amount is written as unknown, never left to be read as 0 kr.
    assert by_case["STK-2019-0103"][4:7] == ("uppgift saknas", "uppgift saknas", "inte påbörjad")
    assert by_case["Totalt"][3:5] == (1_002_000, 457_000)
    assert cases["D2"].number_format == '#,##0 "kr"' and cases["F2"].number_format == "0%"
    per_committee = {r[0]: r for r in book["Per nämnd"].iter_rows(values_only=True)}
    assert per_committee[SERVICE][1:4] == (2, 500_000, 167_000)
    assert sammanstallning_file_name(summary, "xlsx") == "Sammanstallning_2019.xlsx"


def test_the_pdf_has_the_table_the_totals_and_the_chart(summary: Sammanstallning) -> None:
    reader = pypdf.PdfReader(BytesIO(render_sammanstallning_pdf(summary)))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in metadata
    text = " ".join(page.extract_text() for page in reader.pages)
    for number in ("STK-2019-0101", "STK-2019-0102", "STK-2019-0103", "STK-2019-0104"):
        assert number in text
    assert "STK-2020-0001" not in text
    for state in ("inskickad", "pågår", "inte påbörjad", "signerad"):
        assert state in text
    assert "1\u00a0002\u00a0000\u00a0kr" in text or "1 002 000 kr" in text
    assert "42 %" in text  # 167 000 of 400 000
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1
    assert images[0].image is not None and images[0].image.width > 500


def test_the_chart_is_a_png_with_a_bar_pair_per_committee(summary: Sammanstallning) -> None:
    png = render_chart_png(summary.by_committee())
    with Image.open(BytesIO(png)) as image:
        assert image.format == "PNG" and image.width > 800


def test_an_empty_year_still_renders(
    session_factory: SessionFactory, catalog: TemplateCatalog
) -> None:
    with session_factory() as session:
        empty = build_sammanstallning(session, 2031, catalog, date(2031, 5, 1))
    assert empty.rows == ()
    text = " ".join(
        p.extract_text() for p in pypdf.PdfReader(BytesIO(render_sammanstallning_pdf(empty))).pages
    )
    assert "Inga ärenden för 2031." in text
    assert load_workbook(BytesIO(render_sammanstallning_xlsx(empty)))["Ärenden"].max_row == 2


def test_the_pdf_copies_as_stored(summary: Sammanstallning) -> None:
    """Amounts and diarienummer in the PDF's text layer are the characters stored: plain
    spaces and hyphens, nothing invisible (they are kept on one line by the layout)."""
    text = "".join(
        page.extract_text()
        for page in pypdf.PdfReader(BytesIO(render_sammanstallning_pdf(summary))).pages
    )
    assert "400 000 kr" in text and "STK-2019-0101" in text
    assert not any(ch in text for ch in "\u00a0\u202f\u2060\u200b")

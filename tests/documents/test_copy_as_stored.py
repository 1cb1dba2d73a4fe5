"""A diarienummer, an amount or a date copied from a document is the characters stored.

The text of the rendered PDFs (the report the manager signs and the tjänsteskrivelse) is
extracted with pypdf and with poppler's pdftotext, as a reader's copy or search would get
it, and every diarienummer, amount and date the document shows must be in it exactly: no
word joiner, zero-width or no-break space, and no line break inside one. The same holds
for the DOCX files' text.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from docx import Document

from bot.documents import DocumentCase, DocumentFormat, render_report
from bot.documents.tjansteskrivelse import (
    GivenFacts,
    TjansteskrivelseFacts,
    build_tjansteskrivelse,
)
from bot.documents.tjansteskrivelse_render import (
    render_tjansteskrivelse_docx,
    render_tjansteskrivelse_pdf,
)
from bot.mall.amounts import find_amounts
from bot.mall.dates import find_dates
from bot.mall.template import TemplateCatalog
from tests.documents import seed_text, split_seed
from tests.seed_answers import seed_answers

PDFTOTEXT = shutil.which("pdftotext")
CASE_NUMBER = re.compile(r"\b[A-ZÅÄÖ]{2,6}-\d{4}-\d{1,6}\b")
INVISIBLE = "\u00a0\u00ad\u200b\u200c\u200d\u2011\u202f\u2060\ufeff"
SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def stored_strings(text: str) -> list[str]:
    """Every diarienummer, amount and date of the text, as written (an amount from its
    first digit: "ca" may wrap to the line before; a date without a leading "den")."""
    found = CASE_NUMBER.findall(text)
    found += [a.text[re.search(r"\d", a.text).start() :] for a in find_amounts(text)]  # type: ignore[union-attr]
    found += [re.sub(r"(?i)^den\s+", "", d.text) for d in find_dates(text)]
    return found


def pypdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(BytesIO(pdf)).pages)


def poppler_text(pdf: bytes, tmp_path: Path) -> str:
    assert PDFTOTEXT is not None
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return done.stdout.decode("utf-8")


def extracted(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    texts = {"pypdf": pypdf_text(pdf)}
    if PDFTOTEXT is not None:
        texts["pdftotext"] = poppler_text(pdf, tmp_path)
    return texts


def assert_found_as_stored(wanted: list[str], texts: dict[str, str]) -> None:
    assert wanted
    for tool, text in texts.items():
        assert not [c for c in INVISIBLE if c in text], tool
        for value in wanted:
            assert value in text, (tool, value)


@pytest.fixture
def seed_001(catalog: TemplateCatalog, seeds_dir: Path) -> dict[str, str]:
    return split_seed(seed_text(seeds_dir, "seed_001"), catalog.get("mall-2019"))


def test_the_signed_report_copies_as_stored(
    catalog: TemplateCatalog, seed_001: dict[str, str], tmp_path: Path
) -> None:
    case = DocumentCase(
        "STK-2018-1304",
        committee="Arbetsmarknads- och socialnämnden",
        decision_date=date(2019, 3, 11),
        last_reply_date=date(2020, 2, 28),
        recipients=("registrera.stk@malmo.se", "asa.pahlmblad@malmo.se"),
        granted_amount_kr=500_000,
    )
    result = render_report(catalog.get("mall-2019"), seed_001, case)
    wanted = stored_strings("\n".join(seed_001.values()))
    wanted += ["STK-2018-1304", "11 mars 2019", "28 februari 2020", "registrera.stk@malmo.se"]
    assert {"2018-2020", "1 januari 2020", "500 000 kronor"} <= set(wanted)
    assert_found_as_stored(wanted, extracted(result.get(DocumentFormat.PDF).content, tmp_path))
    docx = Document(BytesIO(result.get(DocumentFormat.DOCX).content))
    assert_found_as_stored(wanted, {"docx": "\n".join(p.text for p in docx.paragraphs)})


def test_the_tjansteskrivelse_copies_as_stored(catalog: TemplateCatalog, tmp_path: Path) -> None:
    template = catalog.get("mall-2019")
    answers = {k: "\n".join(v) for k, v in seed_answers(SEEDS / "seed_001.txt", template).items()}
    facts = GivenFacts(
        committee_case_number="AST-2020-0113",
        decision_planning=["Arbetsmarknads- och socialnämnden 2020-02-26"],
        send_to=["Stadskontoret"],
    ).apply(
        TjansteskrivelseFacts(
            case_number="STK-2018-1304",
            template=template,
            answers=answers,
            today=date(2020, 1, 10),
            committee="Arbetsmarknads- och socialnämnden",
            granted_amount_kr=500_000,
            used_amount_kr=430_000,
            report_date=date(2019, 12, 10),
        )
    )
    doc = build_tjansteskrivelse(facts)
    wanted = stored_strings(doc.text())
    expected = {"STK-2018-1304", "AST-2020-0113", "430 000 kr", "500 000 kr", "2020-01-10",
                "10 december 2019", "2020-02-26"}  # fmt: skip
    assert expected <= set(wanted)
    texts = extracted(render_tjansteskrivelse_pdf(doc), tmp_path)
    assert_found_as_stored(wanted, texts)
    assert all("Tjänsteskrivelse AST-2020-0113" in text for text in texts.values())  # footer
    docx = Document(BytesIO(render_tjansteskrivelse_docx(doc)))
    footer = docx.sections[0].footer.paragraphs[0].text
    assert_found_as_stored(wanted, {"docx": "\n".join(p.text for p in docx.paragraphs)})
    assert footer.startswith("Tjänsteskrivelse AST-2020-0113\t")


def test_no_line_breaks_inside_what_must_stay_whole(
    catalog: TemplateCatalog, tmp_path: Path
) -> None:
    """The same values at every position of a line: none is ever split by a line break."""
    values = ["STK-2018-1304", "500 000 kr", "28 februari 2020", "2018-2020", "våren 2019"]
    filler = "ord"
    sentences = [
        f"{' '.join([filler] * (n % 13))} {values[n % len(values)]} och mer text."
        for n in range(150)
    ]
    template = catalog.get("mall-2019")
    answers = {q.key: "Svar." for q in template.questions}
    answers["maluppfyllelse"] = " ".join(sentences)
    result = render_report(template, answers, DocumentCase("STK-2019-0001"), [DocumentFormat.PDF])
    texts = extracted(result.get(DocumentFormat.PDF).content, tmp_path)
    for tool, text in texts.items():
        for value in values:
            assert text.count(value) >= 150 // len(values), (tool, value)

"""A table pasted with tabs between its cells, or a Word table, keeps its columns when a
draft is read in, and the budget reader still finds the money used and granted in it."""

from __future__ import annotations

import io

import docx

from bot.documents.importer import import_report
from bot.mall.template import TemplateCatalog
from bot.review.budget import Source, read_budget

BUDGET_QUESTION = "Vilket är resultatet i förhållande till utvecklingsarbetets budget?"
ROWS = [
    ["Aktivitet", "Beviljat (kr)", "Utfall (kr)"],
    ["Utbildning av chefer", "60 000", "45 000"],
    ["Föreläsningar", "40 000", "35 000"],
    ["Summa", "100 000", "80 000"],
]
TABLE = "\n".join("\t".join(row) for row in ROWS)


def _reads_the_table(answer: str) -> None:
    """Both money columns and the rows come from the table (with the cells run together,
    the granted column is lost)."""
    reading = read_budget(answer)
    assert reading.granted is not None and reading.used is not None
    assert (reading.granted.value, reading.used.value) == (100_000, 80_000)
    assert reading.granted.source is Source.TABLE and reading.used.source is Source.TABLE
    assert [(a.label, a.value) for a in reading.activities] == [
        ("Utbildning av chefer", 45_000),
        ("Föreläsningar", 35_000),
    ]


def _text_draft() -> str:
    return (
        "Vid vilken nämnd har utvecklingsarbetet bedrivits?\nServicenämnden\n\n"
        f"{BUDGET_QUESTION}\nSå här användes pengarna:\n{TABLE}\n"
    )


def test_a_pasted_table_keeps_its_tabs(catalog: TemplateCatalog) -> None:
    report = import_report("utkast.txt", _text_draft().encode("utf-8"), catalog)
    assert report.answers["budget"] == f"Så här användes pengarna:\n{TABLE}"
    _reads_the_table(report.answers["budget"])


def test_a_word_table_is_read_row_by_row_with_tabs(catalog: TemplateCatalog) -> None:
    document = docx.Document()
    document.add_paragraph("Vid vilken nämnd har utvecklingsarbetet bedrivits?").runs[0].bold = True
    document.add_paragraph("Servicenämnden")
    document.add_paragraph(BUDGET_QUESTION).runs[0].bold = True
    table = document.add_table(rows=len(ROWS), cols=3)
    for row, values in zip(table.rows, ROWS, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("Resten återbetalas till kommunstyrelsen.")
    buffer = io.BytesIO()
    document.save(buffer)
    report = import_report("utkast.docx", buffer.getvalue(), catalog)
    assert report.answers["budget"] == f"{TABLE}\n\nResten återbetalas till kommunstyrelsen."
    _reads_the_table(report.answers["budget"])


def test_a_table_of_long_cells_is_still_read_cell_by_cell(catalog: TemplateCatalog) -> None:
    document = docx.Document()
    document.add_paragraph(BUDGET_QUESTION).runs[0].bold = True
    table = document.add_table(rows=1, cols=2)
    first, second = table.rows[0].cells
    first.text = "Första stycket."
    first.add_paragraph("Andra stycket.")
    second.text = "Tredje stycket."
    buffer = io.BytesIO()
    document.save(buffer)
    report = import_report("utkast.docx", buffer.getvalue(), catalog)
    assert report.answers["budget"] == "Första stycket.\n\nAndra stycket.\n\nTredje stycket."

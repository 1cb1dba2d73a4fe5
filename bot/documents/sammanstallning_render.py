"""The sammanställning as XLSX (openpyxl) and as a PDF/A-2b for kommunstyrelsen (typst),
with a chart of granted against used per nämnd (matplotlib, Agg, as PNG).

No text becomes typst markup: the data travels as JSON in `sys.inputs`; only the chart
is a file, written next to the typst source in a temporary folder.
"""

from __future__ import annotations

import json
import re
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any, Final

import typst
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.documents.pdf_renderer import PdfRenderError
from bot.documents.sammanstallning import (
    CommitteeTotal,
    Sammanstallning,
    SummaryRow,
    status_label,
    texts,
)
from bot.documents.typst_text import KEEP_TOGETHER
from bot.mall.amounts import format_kronor

PDF_STANDARD: Final = "a-2b"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KRONOR_FORMAT = '#,##0 "kr"'
SHARE_FORMAT = "0%"
CHART_FILE = "chart.png"
_UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _committee(name: str | None) -> str:
    return name or texts()("no_committee")


def _share(value: float | None) -> str:
    return f"{round(100 * value)} %" if value is not None else texts()("unknown")


def _kronor(value: int | None) -> str:
    # Plain spaces: the PDF's layout keeps an amount on one line (typst_text.KEEP_TOGETHER),
    # so a figure copied from it is the characters stored.
    return format_kronor(value) if value is not None else texts()("unknown")


def _cell(value: Any) -> Any:
    """An unknown figure is written as unknown in the sheet, never left to read as 0."""
    return texts()("unknown") if value is None else value


def _row_cells(row: SummaryRow) -> list[Any]:
    t = texts()
    return [
        row.case_number,
        _committee(row.committee),
        ", ".join(row.perspectives) or t("no_perspectives"),
        _cell(row.granted_kr),
        _cell(row.used_kr),
        _cell(row.share_used),
        status_label(row.state),
        "\n".join(row.findings),
    ]


def render_sammanstallning_xlsx(summary: Sammanstallning) -> bytes:
    """Two sheets: every ärende (with a total row), and the totals per nämnd."""
    t = texts()
    book = Workbook()
    cases = book.active
    assert cases is not None
    cases.title = t("sheet_cases")
    header = [
        t("col_case"), t("col_committee"), t("col_perspectives"), t("col_granted"),
        t("col_used"), t("col_share"), t("col_state"), t("col_findings"),
    ]  # fmt: skip
    cases.append(header)
    for row in summary.rows:
        cases.append(_row_cells(row))
    total = summary.total()
    # The note beside the total says how many ärenden its used sum leaves out.
    note = t("used_unknown_note", count=total.used_unknown) if total.used_unknown else None
    cases.append(
        [t("total"), None, None, _cell(total.granted_kr), _cell(total.used_kr),
         _cell(total.share_used), None, note]
    )  # fmt: skip
    for cell in (*cases[1], *cases[cases.max_row]):
        cell.font = Font(bold=True)
    _formats(cases, money=(4, 5), share=6)
    for cell in cases["H"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFGH", (16, 34, 40, 14, 14, 12, 12, 70), strict=True):
        cases.column_dimensions[column].width = width
    cases.freeze_panes = "A2"

    committees = book.create_sheet(t("sheet_committees"))
    committees.append(
        [t("col_committee"), t("col_cases"), t("col_granted"), t("col_used"),
         t("col_used_unknown"), t("col_share")]
    )  # fmt: skip
    for group in (*summary.by_committee(), total):
        name = t("total") if group is total else _committee(group.committee)
        committees.append(
            [name, group.cases, _cell(group.granted_kr), _cell(group.used_kr),
             group.used_unknown, _cell(group.share_used)]
        )  # fmt: skip
    for cell in (*committees[1], *committees[committees.max_row]):
        cell.font = Font(bold=True)
    _formats(committees, money=(3, 4), share=6)
    for index, width in enumerate((34, 14, 14, 14, 14, 12), start=1):
        committees.column_dimensions[get_column_letter(index)].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _formats(sheet: Any, money: tuple[int, ...], share: int) -> None:
    for line in sheet.iter_rows(min_row=2):
        for column in money:
            line[column - 1].number_format = KRONOR_FORMAT
        line[share - 1].number_format = SHARE_FORMAT


def render_chart_png(groups: tuple[CommitteeTotal, ...]) -> bytes:
    """Bars of granted and used per nämnd, as PNG (no display needed)."""
    t = texts()
    names = [_committee(g.committee) for g in groups]
    figure = Figure(figsize=(7.5, 0.6 + 0.55 * max(len(groups), 1)), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(groups)))
    height = 0.38
    axes.barh(
        [p - height / 2 for p in positions], [g.granted_kr or 0 for g in groups], height,
        label=t("chart_granted"), color="#9bb7d4",
    )  # fmt: skip
    axes.barh(
        [p + height / 2 for p in positions], [g.used_kr or 0 for g in groups], height,
        label=t("chart_used"), color="#1f4e79",
    )  # fmt: skip
    axes.set_yticks(positions, names)
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(
        FuncFormatter(lambda value, _pos: format_kronor(int(value)).removesuffix(" kr"))
    )
    axes.set_xlabel(t("chart_axis"))
    axes.legend(loc="lower right")
    axes.grid(axis="x", color="#dddddd")
    axes.set_axisbelow(True)
    figure.tight_layout()
    out = BytesIO()
    figure.savefig(out, format="png", facecolor="white")
    return out.getvalue()


TYPST_SOURCE = r"""
#let doc = json(bytes(sys.inputs.doc))
#set document(title: doc.title, author: "Malmö stad")
#set text(font: ("DejaVu Sans", "Libertinus Serif"), size: 9pt, lang: "sv", region: "SE",
  hyphenate: false)
#set page(paper: "a4", flipped: true, margin: (x: 1.8cm, y: 1.8cm),
  footer: context text(size: 8pt, fill: luma(35%), {
    doc.footer
    h(1fr)
    counter(page).display("1 (1)", both: true)
  }))
#show heading.where(level: 1): set text(size: 13pt)
#show heading.where(level: 2): set text(size: 11pt)
#let table-of(head, rows) = table(
  columns: head.len(),
  stroke: 0.4pt + luma(70%),
  fill: (_, y) => if y == 0 { luma(92%) },
  ..head.map(h => text(weight: "bold", h)),
  ..rows.flatten(),
)

#{
  heading(level: 1, doc.title)
  par(doc.made)
  heading(level: 2, doc.heading_cases)
  if doc.rows.len() == 0 { par(doc.no_cases) } else { table-of(doc.case_head, doc.rows) }
  for note in doc.notes { par(text(style: "italic", note)) }
  heading(level: 2, doc.heading_committees)
  table-of(doc.committee_head, doc.committee_rows)
  if doc.chart {
    heading(level: 2, doc.heading_chart)
    image("chart.png", width: 85%)
  }
  heading(level: 2, doc.heading_findings)
  if doc.findings.len() == 0 { par(doc.no_findings) }
  for f in doc.findings {
    par(text(weight: "bold", f.case_number))
    list(..f.items)
  }
}
"""


def sammanstallning_data(summary: Sammanstallning) -> dict[str, Any]:
    """The PDF's content as the JSON the typst source reads."""
    t = texts()
    total = summary.total()
    groups = summary.by_committee()
    unknown_use = sum(1 for r in summary.rows if r.used_kr is None)
    return {
        "title": t("title", year=summary.year),
        "made": t("made", date=summary.made.isoformat()),
        "footer": t("pdf_footer", year=summary.year),
        "heading_cases": t("heading_cases"),
        "heading_committees": t("heading_committees"),
        "heading_chart": t("heading_chart"),
        "heading_findings": t("heading_findings"),
        "no_cases": t("no_cases", year=summary.year),
        "no_findings": t("no_findings"),
        "case_head": [
            t("col_case"),
            t("col_committee"),
            t("col_perspectives"),
            t("col_granted"),
            t("col_used"),
            t("col_share"),
            t("col_state"),
        ],  # fmt: skip
        "rows": [
            [
                r.case_number,
                _committee(r.committee),
                ", ".join(r.perspectives) or t("no_perspectives"),
                _kronor(r.granted_kr),
                _kronor(r.used_kr),
                _share(r.share_used),
                status_label(r.state),
            ]  # fmt: skip
            for r in summary.rows
        ],
        "notes": [t("used_unknown_note", count=unknown_use)] if unknown_use else [],
        "committee_head": [
            t("col_committee"),
            t("col_cases"),
            t("col_granted"),
            t("col_used"),
            t("col_used_unknown"),
            t("col_share"),
        ],  # fmt: skip
        "committee_rows": [
            [
                t("total") if g is total else _committee(g.committee),
                str(g.cases),
                _kronor(g.granted_kr),
                _kronor(g.used_kr),
                str(g.used_unknown),
                _share(g.share_used),
            ]  # fmt: skip
            for g in (*groups, total)
        ],
        "chart": bool(groups),
        "findings": [
            {"case_number": r.case_number, "items": list(r.findings)}
            for r in summary.rows
            if r.findings
        ],
    }


def with_kept_together(source: str) -> str:
    """The source with the rules that keep amounts, dates and diarienummer on one line put
    right after its text settings."""
    marker = "  hyphenate: false)\n"
    assert marker in source
    return source.replace(marker, marker + KEEP_TOGETHER, 1)


def render_sammanstallning_pdf(summary: Sammanstallning) -> bytes:
    """PDF/A-2b for kommunstyrelsen: the table, the totals per nämnd, the chart, findings."""
    data = sammanstallning_data(summary)
    with tempfile.TemporaryDirectory(prefix="redovisa-sammanstallning-") as folder:
        root = Path(folder)
        (root / "main.typ").write_text(with_kept_together(TYPST_SOURCE), encoding="utf-8")
        if data["chart"]:
            (root / CHART_FILE).write_bytes(render_chart_png(summary.by_committee()))
        try:
            pdf = typst.compile(
                root / "main.typ",
                root=root,
                format="pdf",
                pdf_standards=PDF_STANDARD,
                sys_inputs={"doc": json.dumps(data, ensure_ascii=False)},
            )
        except typst.TypstError as exc:
            raise PdfRenderError(exc.message) from exc
    if not isinstance(pdf, bytes):
        raise PdfRenderError("typst returned no PDF")
    return pdf


def sammanstallning_file_name(summary: Sammanstallning, extension: str) -> str:
    """Sammanstallning_2019.xlsx"""
    stem = texts()("file_stem", year=summary.year)
    return f"{_UNSAFE_IN_FILE_NAME.sub('_', stem).strip('._')}.{extension}"

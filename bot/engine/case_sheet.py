"""Ärenden in a spreadsheet: reading a CSV/XLSX of many, writing the overview as XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from bot.engine.registration import CASE_FIELDS, JsonValue, ParseContext
from bot.engine.texts import CoordinationTexts
from bot.mall.errors import UserFacingError

MAX_ROWS = 5_000
# The overview's column headings: keys in prompts/coordination.toml, in column order.
OVERVIEW_COLUMNS = (
    "sheet_case_number",
    "sheet_committee",
    "sheet_template",
    "sheet_state",
    "sheet_answered",
    "sheet_open_findings",
    "sheet_deadline",
    "sheet_responsible",
)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(filename: str, data: bytes, texts: CoordinationTexts) -> list[dict[str, str]]:
    """The file's rows as {column name in lower case: text}; the first row names the columns."""
    name = filename.lower()
    if name.endswith(".csv"):
        table = _read_csv(data)
    elif name.endswith(".xlsx"):
        table = _read_xlsx(data, texts)
    else:
        raise UserFacingError(texts.file_wrong_kind)
    if not table:
        raise UserFacingError(texts.file_empty)
    header = [cell.strip().lower() for cell in table[0]]
    missing = [f.column for f in CASE_FIELDS if f.required_column and f.column not in header]
    if missing:
        raise UserFacingError(
            texts.file_missing_columns.format(
                missing=", ".join(missing), columns=", ".join(f.column for f in CASE_FIELDS)
            )
        )
    rows = [
        dict(zip(header, row, strict=False)) for row in table[1:] if any(c.strip() for c in row)
    ]
    if len(rows) > MAX_ROWS:
        raise UserFacingError(texts.file_too_many_rows.format(count=len(rows), limit=MAX_ROWS))
    return rows


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _read_xlsx(data: bytes, texts: CoordinationTexts) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl and zipfile raise many kinds for a damaged file
        raise UserFacingError(texts.file_xlsx_unreadable) from exc
    sheet = workbook.worksheets[0]
    table = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return table


def parse_rows(
    rows: list[dict[str, str]], context: ParseContext
) -> tuple[list[dict[str, JsonValue]], list[str]]:
    """Every row's values, or a Swedish line per problem naming the row (the header is row 1)."""
    texts = context.texts
    parsed: list[dict[str, JsonValue]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        values: dict[str, JsonValue] = {}
        for field in CASE_FIELDS:
            try:
                values[field.key] = field.parse(row.get(field.column, ""), context)
            except UserFacingError as error:
                problems.append(
                    texts.row_problem.format(row=number, column=field.column, message=error.message)
                )
        case_number = values.get("case_number")
        if isinstance(case_number, str):
            if case_number in seen:
                problems.append(texts.row_duplicate.format(row=number, case_number=case_number))
            seen.add(case_number)
        parsed.append(values)
    return parsed, problems


def overview_workbook(
    rows: list[list[object]], texts: CoordinationTexts, extra_headings: Sequence[str] = ()
) -> bytes:
    """The overview as XLSX; `extra_headings` name columns after the usual ones."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = texts.sheet_title
    sheet.append([*(texts[key] for key in OVERVIEW_COLUMNS), *extra_headings])
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEFGH", (18, 36, 12, 30, 10, 14, 16, 24), strict=True):
        sheet.column_dimensions[column].width = width
    for offset in range(len(extra_headings)):
        sheet.column_dimensions[get_column_letter(len(OVERVIEW_COLUMNS) + 1 + offset)].width = 18
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

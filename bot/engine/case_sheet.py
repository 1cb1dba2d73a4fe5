"""Ärenden in a spreadsheet: reading a CSV/XLSX of many, writing the overview as XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from bot.engine.registration import CASE_FIELDS, JsonValue, ParseContext
from bot.errors import UserFacingError

MAX_ROWS = 5_000
OVERVIEW_COLUMNS = (
    "Diarienummer",
    "Nämnd",
    "Mall",
    "Läge",
    "Besvarade frågor",
    "Beviljat (kr)",
    "Sista svarsdatum",
    "Ansvarig",
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


def read_rows(filename: str, data: bytes) -> list[dict[str, str]]:
    """The file's rows as {column name in lower case: text}; the first row names the columns."""
    name = filename.lower()
    if name.endswith(".csv"):
        table = _read_csv(data)
    elif name.endswith(".xlsx"):
        table = _read_xlsx(data)
    else:
        raise UserFacingError("Ärenden kan läsas in från en CSV- eller XLSX-fil.")
    if not table:
        raise UserFacingError("Filen är tom.")
    header = [cell.strip().lower() for cell in table[0]]
    missing = [f.column for f in CASE_FIELDS if f.required_column and f.column not in header]
    if missing:
        raise UserFacingError(
            "Filen saknar kolumnerna: "
            + ", ".join(missing)
            + ". Första raden ska ha kolumnerna "
            + ", ".join(f.column for f in CASE_FIELDS)
            + "."
        )
    rows = [
        dict(zip(header, row, strict=False)) for row in table[1:] if any(c.strip() for c in row)
    ]
    if len(rows) > MAX_ROWS:
        raise UserFacingError(
            f"Filen har {len(rows)} rader; högst {MAX_ROWS} går att läsa in åt gången."
        )
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


def _read_xlsx(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise UserFacingError("XLSX-filen kunde inte läsas; spara den igen från Excel.") from exc
    except Exception as exc:  # a damaged zip raises zipfile's own errors
        raise UserFacingError("XLSX-filen kunde inte läsas; spara den igen från Excel.") from exc
    sheet = workbook.worksheets[0]
    table = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return table


def parse_rows(
    rows: list[dict[str, str]], context: ParseContext
) -> tuple[list[dict[str, JsonValue]], list[str]]:
    """Every row's values, or a Swedish line per problem naming the row (the header is row 1)."""
    parsed: list[dict[str, JsonValue]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        values: dict[str, JsonValue] = {}
        for field in CASE_FIELDS:
            try:
                values[field.key] = field.parse(row.get(field.column, ""), context)
            except UserFacingError as error:
                problems.append(f"Rad {number}, {field.column}: {error.message}")
        case_number = values.get("case_number")
        if isinstance(case_number, str):
            if case_number in seen:
                problems.append(
                    f"Rad {number}, diarienummer: {case_number} står två gånger i filen."
                )
            seen.add(case_number)
        parsed.append(values)
    return parsed, problems


def overview_workbook(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Översikt"
    sheet.append(list(OVERVIEW_COLUMNS))
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEFGH", (18, 36, 12, 30, 10, 14, 16, 24), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

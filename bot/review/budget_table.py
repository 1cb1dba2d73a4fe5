"""A table of costs in a budget answer: its used and granted columns and its total row.

Officials paste tables as Markdown (`| Aktivitet | Utfall (tkr) |`) or with tabs between
the cells. The unit comes from the column heading (`Utfall (tkr)`), else from the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from bot.mall.amounts import cue_pattern

_SEPARATOR_ROW = re.compile(r"^[\s|:+\-–]*$")
_UNIT = re.compile(r"(?<![\wåäö])(tkr|mnkr|mkr|kr|kronor|sek|ksek)(?![\wåäö])", re.IGNORECASE)
_FACTORS = {"tkr": 1_000, "ksek": 1_000, "mnkr": 1_000_000, "mkr": 1_000_000}
_CELL = re.compile(
    r"^\s*(?:ca\.?\s*)?(?P<number>-?\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|-?\d+(?:,\d+)?)"
    r"\s*(?P<unit>tkr|mnkr|mkr|kr|kronor|sek|:-)?\s*$",
    re.IGNORECASE,
)


@dataclass
class TableReading:
    used: int | None = None
    used_evidence: str = ""
    used_from_total_row: bool = False
    rows_disagree: bool = False  # the rows do not add up to the total row
    granted: int | None = None
    granted_evidence: str = ""
    granted_from_total_row: bool = False
    rows: list[tuple[str, int]] = field(default_factory=list)  # activity -> used


def _cells(line: str) -> list[str] | None:
    if "|" in line:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
    elif "\t" in line:
        cells = [c.strip() for c in line.split("\t")]
    else:
        return None
    return cells if len(cells) >= 2 else None


_PLAIN_ROW = re.compile(
    r"^\s*(?P<label>[^\d\s].*?)\s+(?P<cell>(?:ca\.?\s*)?\d{1,3}(?:[ \u00a0\u202f.]\d{3})*"
    r"(?:,\d+)?(?:\s*(?:tkr|mnkr|kr|kronor|sek|:-))?)\s*$",
    re.IGNORECASE,
)


def _plain_header(line: str, patterns: tuple[re.Pattern[str], ...]) -> list[str] | None:
    """`Aktivitet  Utfall (kr)` written without | or tabs: a label and one money column."""
    if re.search(r"\d", line) or not 2 <= len(line.split()) <= 8 or not _UNIT.search(line):
        return None
    for pattern in patterns:
        match = pattern.search(line)
        if match and match.start() > 0:
            return [line[: match.start()].strip(), line[match.start() :].strip()]
    return None


def _factor(text: str) -> int:
    unit = _UNIT.search(text)
    return _FACTORS.get(unit.group(1).lower(), 1) if unit else 1


def _value(cell: str, column_factor: int) -> int | None:
    match = _CELL.match(cell)
    if not match:
        return None
    digits = re.sub(r"[ \u00a0\u202f.]", "", match.group("number")).replace(",", ".")
    unit = match.group("unit")
    factor = _factor(unit) if unit else column_factor
    return int(Decimal(digits) * factor)


def _column(header: list[str], pattern: re.Pattern[str]) -> int | None:
    return next((i for i, cell in enumerate(header) if pattern.search(cell)), None)


def read_tables(
    text: str, used_columns: list[str], granted_columns: list[str], total_rows: list[str]
) -> tuple[TableReading | None, str]:
    """The first table with a column of money used or granted, and the text without tables."""
    used_pattern, granted_pattern = cue_pattern(used_columns), cue_pattern(granted_columns)
    total_pattern = cue_pattern(total_rows)
    lines = text.splitlines()
    kept: list[str] = []
    reading: TableReading | None = None
    header: list[str] | None = None
    caption = ""
    plain = False
    for line in lines:
        cells = _cells(line)
        if cells is None and plain and (row := _PLAIN_ROW.match(line)):
            cells = [row.group("label").strip(), row.group("cell")]
        elif cells is None and reading is None:
            cells = _plain_header(line, (used_pattern, granted_pattern))
            plain = cells is not None
            header = None
        if cells is None:
            header, plain = None, False
            kept.append(line)
            if line.strip():
                caption = line
            continue
        kept.append("")
        if _SEPARATOR_ROW.match(line):
            continue
        if header is None:
            header = cells
            if reading is None:
                reading = _start(header, used_pattern, granted_pattern)
            continue
        if reading is not None and header is not None:
            _row(reading, header, cells, caption, used_pattern, granted_pattern, total_pattern)
    if reading is not None and reading.used is None and reading.rows:
        reading.used = sum(value for _, value in reading.rows)
        reading.used_evidence = ", ".join(label for label, _ in reading.rows)
    if reading is not None and reading.used is None and reading.granted is None:
        reading = None
    return reading, "\n".join(kept)


def _start(
    header: list[str], used_pattern: re.Pattern[str], granted_pattern: re.Pattern[str]
) -> TableReading | None:
    if _column(header, used_pattern) is None and _column(header, granted_pattern) is None:
        return None
    return TableReading()


def _row(
    reading: TableReading,
    header: list[str],
    cells: list[str],
    caption: str,
    used_pattern: re.Pattern[str],
    granted_pattern: re.Pattern[str],
    total_pattern: re.Pattern[str],
) -> None:
    label = cells[0]
    is_total = bool(total_pattern.match(label.strip("* ")))
    used_at, granted_at = _column(header, used_pattern), _column(header, granted_pattern)
    for column, kind in ((used_at, "used"), (granted_at, "granted")):
        if column is None or column >= len(cells):
            continue
        factor = _factor(header[column]) if _UNIT.search(header[column]) else _factor(caption)
        value = _value(cells[column], factor)
        if value is None:
            continue
        evidence = f"{label}: {cells[column]} ({header[column]})"
        if kind == "used" and is_total:
            reading.used, reading.used_evidence = value, evidence
            reading.used_from_total_row = True
            parts = sum(v for _, v in reading.rows)
            reading.rows_disagree = bool(reading.rows) and abs(parts - value) > 0.01 * value
        elif kind == "used":
            reading.rows.append((label, value))
        elif is_total:
            reading.granted, reading.granted_evidence = value, evidence
            reading.granted_from_total_row = True
        elif not reading.granted_from_total_row:
            reading.granted = (reading.granted or 0) + value
            reading.granted_evidence = header[column]

"""Reading a DOCX draft: the body's paragraphs and tables, in order, as markdown-like text.

Headings become `### …`, list paragraphs `- …`, bold and italic runs `**…**` and `*…*`;
the bullets Redovisa's own DOCX types (`•<tab>`, `✓<tab>`) come back as the author
wrote them. Page headers and footers are not read. See `bot.documents.importer`.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from bot.documents.docx_renderer import GLYPH_ITEM_STYLE
from bot.documents.import_lines import CASE_NUMBER_RE
from bot.documents.import_text import Block, FileText, emphasise, join_blocks
from bot.documents.zip_guard import check_docx_zip
from bot.mall.errors import UserFacingError

_RENDERED_BULLET_RE = re.compile(r"^([•✓])\t")


def read_docx(data: bytes) -> FileText:
    invalid = "Filen kunde inte läsas: den verkar inte vara en giltig Word-fil (.docx)."
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UserFacingError(invalid)
    check_docx_zip(data)  # the real unpacked sizes and the paragraphs, counted
    try:
        import docx  # python-docx

        document = docx.Document(io.BytesIO(data))
        blocks = list(_docx_blocks(document))
        keywords = (document.core_properties.keywords or "").strip()
    except UserFacingError:
        raise
    except Exception as exc:  # python-docx/lxml raise many types for a broken file
        raise UserFacingError(invalid) from exc
    # Redovisa's DOCX names the diarienummer in its properties (a 2018 mall has it nowhere else).
    case_number = keywords if CASE_NUMBER_RE.fullmatch(keywords) else None
    return FileText(join_blocks(blocks), case_number)


def _docx_blocks(container: Any) -> Any:
    """Paragraphs and table cells, in document order, as blocks."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            block = _docx_paragraph(item)
            if block is not None:
                yield block
        elif isinstance(item, Table):
            yield from _docx_table(item)


def _docx_table(table: Any) -> Any:
    """A table of one line per cell keeps its columns: each row one line, the cells
    separated by tabs (as a table pasted from Excel; bot/review/budget_table.py reads it).
    A table whose cells hold several paragraphs is read cell by cell, in order."""
    rows: list[list[list[Block]]] = []
    # A merged cell is met once per grid column. Its XML element is kept alive here, so
    # that its id cannot be handed to another cell's element meanwhile.
    seen: dict[int, object] = {}
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen[id(cell._tc)] = cell._tc
            cells.append(list(_docx_blocks(cell)))
        rows.append(cells)
    one_line = all(len(c) <= 1 and "\n" not in "".join(b.text for b in c) for r in rows for c in r)
    if one_line and max((len(r) for r in rows), default=0) >= 2:
        for cells in rows:
            line = "\t".join(c[0].text.strip() if c else "" for c in cells)
            if line.strip():
                yield Block(line.rstrip("\t"), is_row=True)
        return
    for cells in rows:
        for blocks in cells:
            yield from blocks


def _docx_paragraph(paragraph: Any) -> Block | None:
    style = paragraph.style
    style_name = (style.name or "").casefold() if style is not None else ""
    p_pr = paragraph._p.pPr
    is_list = (
        "list" in style_name
        or "lista" in style_name
        or (p_pr is not None and p_pr.numPr is not None)
    )
    is_heading = style_name.startswith(("heading", "rubrik", "title", "titel"))
    segments: list[tuple[str, bool, bool]] = []
    for item in paragraph.iter_inner_content():
        runs = getattr(item, "runs", None) or [item]  # a hyperlink holds runs
        for run in runs:
            segments.append((run.text, _run_flag(run, "bold"), _run_flag(run, "italic")))
    plain = "".join(s[0] for s in segments)
    if not plain.strip():
        return None
    if is_heading:
        return Block("### " + " ".join(plain.split()))
    marker = _rendered_marker(segments)
    text = emphasise(segments)
    if marker is not None:
        # Written by our DOCX renderer: the style says whether the author wrote `- …`.
        if style_name == GLYPH_ITEM_STYLE.casefold():
            return Block(f"{marker} {text}", is_list=True)
        return Block(("- ✓ " if marker == "✓" else "- ") + text, is_list=True)
    if is_list:
        if not text.startswith("- "):
            text = "- " + text.lstrip()  # the author's own marker (✓ …) stays after it
        return Block(text, is_list=True)
    return Block(text)


def _rendered_marker(segments: list[tuple[str, bool, bool]]) -> str | None:
    """The bullet a paragraph starts with as `•<tab>` or `✓<tab>` (taken off the segments).

    The marker and the tab may sit in runs of their own: LibreOffice splits the run when
    it saves the file again.
    """
    match = _RENDERED_BULLET_RE.match("".join(s[0] for s in segments[:3]))
    if match is None:
        return None
    left = match.end()
    while left and segments:
        text, bold, italic = segments[0]
        if len(text) <= left:
            left -= len(text)
            segments.pop(0)
        else:
            segments[0] = (text[left:], bold, italic)
            left = 0
    return match.group(1)


def _run_flag(run: Any, name: str) -> bool:
    value = getattr(run, name, None)
    if value is None and run.style is not None:
        value = getattr(run.style.font, name, None)
    return bool(value)

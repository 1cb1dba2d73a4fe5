"""A DOCX is a zip: what it really unpacks to is counted before anything reads it.

The sizes a zip declares (in its central directory and local headers) are the sender's
word, and a zip bomb lies there. `check_docx_zip` decompresses every member itself, in
bounded steps, and counts the bytes that really come out; it stops as soon as a bound is
passed. It also counts the paragraphs of the body, so a small file of tens of thousands
of empty paragraphs is refused before python-docx walks them. A member whose real size
differs from the declared one makes the file broken, whatever else it holds.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from bot.mall.errors import UserFacingError

MAX_PARTS = 1_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PARAGRAPHS = 10_000
BODY_PART = "word/document.xml"
_IN_CHUNK = 64 * 1024
_OUT_CHUNK = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
# `<w:p>`, `<w:p …>`, `<w:p/>` whatever the namespace prefix (drawing text counts as well,
# which only errs on the careful side).
_PARAGRAPH_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")
_OVERLAP = 64

INVALID = "Filen kunde inte läsas: den verkar inte vara en giltig Word-fil (.docx)."
TOO_BIG = (
    "Filen packas upp till mer än {limit} MB och kan inte läsas. Spara utkastet som en "
    "mindre Word-fil eller som PDF och skicka det igen."
)
TOO_MANY_PARTS = "Word-filen består av fler än {limit} delar och kan inte läsas."
TOO_MANY_PARAGRAPHS = (
    "Word-filen har fler än {limit} stycken (många av dem tomma?) och kan inte läsas. "
    "Ta bort de tomma raderna eller skicka utkastet som PDF."
)
SIZE_LIE = (
    "Filen kunde inte läsas: storlekarna som står i den stämmer inte med innehållet "
    "(en skadad eller konstruerad fil)."
)


def check_docx_zip(data: bytes) -> None:
    """Raise UserFacingError unless the zip's real contents stay within the bounds."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UserFacingError(INVALID) from exc
    members = archive.infolist()
    if len(members) > MAX_PARTS:
        raise UserFacingError(TOO_MANY_PARTS.format(limit=MAX_PARTS))
    total = 0
    for info in members:
        counter = _ParagraphCounter() if info.filename == BODY_PART else None
        size = _real_size(data, info, MAX_UNPACKED_BYTES - total, counter)
        if size != info.file_size:
            raise UserFacingError(SIZE_LIE)
        total += size


class _ParagraphCounter:
    def __init__(self) -> None:
        self.count = 0
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        window = self._tail + chunk
        # A match wholly inside the carried tail was counted with the chunk before.
        self.count += sum(1 for m in _PARAGRAPH_RE.finditer(window) if m.end() > len(self._tail))
        self._tail = window[-_OVERLAP:]
        if self.count > MAX_PARAGRAPHS:
            limit = f"{MAX_PARAGRAPHS:,}".replace(",", "\u00a0")  # 10 000, the Swedish way
            raise UserFacingError(TOO_MANY_PARAGRAPHS.format(limit=limit))


def _real_size(
    data: bytes, info: zipfile.ZipInfo, allowed: int, counter: _ParagraphCounter | None
) -> int:
    """Decompress the member from its raw bytes; return how many bytes it really holds."""
    raw = _raw_member(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        decompressor = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
    else:  # Word writes only these two
        raise UserFacingError(INVALID)
    size = 0
    for start in range(0, len(raw), _IN_CHUNK):
        pending = raw[start : start + _IN_CHUNK]
        while pending:
            if decompressor is None:
                out, pending = pending, b""
            else:
                try:
                    out = decompressor.decompress(pending, _OUT_CHUNK)
                except zlib.error as exc:
                    raise UserFacingError(INVALID) from exc
                pending = decompressor.unconsumed_tail
            size += len(out)
            if size > allowed:
                raise UserFacingError(TOO_BIG.format(limit=MAX_UNPACKED_BYTES // (1024 * 1024)))
            if counter is not None:
                counter.feed(out)
        if decompressor is not None and decompressor.eof:
            break
    return size


def _raw_member(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """The member's compressed bytes, found through its local header."""
    offset = info.header_offset
    if offset < 0 or offset + _LOCAL_HEADER.size > len(data):
        raise UserFacingError(INVALID)
    fields = _LOCAL_HEADER.unpack_from(data, offset)
    if fields[0] != b"PK\x03\x04":
        raise UserFacingError(INVALID)
    start = offset + _LOCAL_HEADER.size + fields[9] + fields[10]
    end = start + info.compress_size
    if end > len(data):
        raise UserFacingError(INVALID)
    return data[start:end]

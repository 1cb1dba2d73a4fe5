"""Files made to hurt a reader: a zip bomb whose central directory lies about its sizes, and
a tiny DOCX with tens of thousands of empty paragraphs. Used by the fault tests and by
bench/hostile_files.py."""

from __future__ import annotations

import io
import struct
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CHUNK = 1 << 20


def _docx(document_xml_chunks: list[bytes] | None, document_xml: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        if document_xml_chunks is None:
            archive.writestr("word/document.xml", document_xml)
        else:
            with archive.open("word/document.xml", "w", force_zip64=True) as part:
                for chunk in document_xml_chunks:
                    part.write(chunk)
    return buffer.getvalue()


def empty_paragraphs_docx(paragraphs: int = 87_381) -> bytes:
    """A valid DOCX of a few tens of kB whose body is `paragraphs` empty paragraphs."""
    body = b"<w:p/>" * paragraphs
    xml = (
        (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}">'
            "<w:body>"
        ).encode()
        + body
        + b"</w:body></w:document>"
    )
    return _docx(None, xml)


def lying_zip_bomb(unpacked_mb: int = 300) -> bytes:
    """A DOCX whose document.xml unpacks to `unpacked_mb` MB of text while the zip's central
    directory and local header both say it is 1 kB (a reader that trusts them is fooled)."""
    head = f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>'.encode()
    filler = b"A" * CHUNK
    chunks = [head] + [filler] * unpacked_mb
    data = bytearray(_docx(chunks))
    _lie_about_sizes(data, b"word/document.xml", 1024)
    return bytes(data)


def _lie_about_sizes(data: bytearray, name: str | bytes, size: int) -> None:
    """Write `size` as the uncompressed size of `name` in its central directory entry (and
    its zip64 extra field) and in its local header."""
    name = name.encode() if isinstance(name, str) else name
    central = data.find(b"PK\x01\x02" + b"", 0)
    while central != -1:
        name_length, extra_length = struct.unpack_from("<HH", data, central + 28)
        if bytes(data[central + 46 : central + 46 + name_length]) == name:
            struct.pack_into("<I", data, central + 24, size)
            _patch_zip64(data, central + 46 + name_length, extra_length, size)
            local = struct.unpack_from("<I", data, central + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
            local_name, local_extra = struct.unpack_from("<HH", data, local + 26)
            _patch_zip64(data, local + 30 + local_name, local_extra, size)
        central = data.find(b"PK\x01\x02", central + 4)


def _patch_zip64(data: bytearray, start: int, length: int, size: int) -> None:
    position = start
    while position + 4 <= start + length:
        tag, field_length = struct.unpack_from("<HH", data, position)
        if tag == 0x0001 and field_length >= 8:
            struct.pack_into("<Q", data, position + 4, size)
        position += 4 + field_length

"""Signing in tests: a self-signed certificate made with `cryptography`, and pyHanko with a
stamp in an embedded TrueType font (pyHanko's default stamp font is not embedded)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle

STAMP_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True)
class EmbeddedFont(GlyphAccumulatorFactory):
    """pyHanko's TrueType font engine, reading the font into memory: the stock factory
    leaves the font file open, which pytest (warnings are errors) reports."""

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: object = None
    ) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=BytesIO(Path(self.font_file).read_bytes()),
            font_size=self.font_size,
            obj_stream=obj_stream,  # type: ignore[arg-type]
        )


def self_signed(folder: Path, common_name: str = "Joanna Eriksson (test)") -> tuple[Path, Path]:
    """A key and a self-signed certificate for `common_name`, as PEM files in `folder`."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), True
        )
        .sign(key, hashes.SHA256())
    )
    stem = "".join(c for c in common_name if c.isalnum()) or "signer"
    key_path, cert_path = folder / f"{stem}-key.pem", folder / f"{stem}-cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def sign(
    pdf: bytes,
    folder: Path,
    common_name: str = "Joanna Eriksson (test)",
    field_name: str = "AnsvarigChef",
    new_field_box: tuple[int, int, int, int] | None = None,
) -> bytes:
    """Sign `field_name` (made on page 1 at `new_field_box` when it is not in the PDF)."""
    key_path, cert_path = self_signed(folder, common_name)
    signer = signers.SimpleSigner.load(str(key_path), str(cert_path))
    assert signer is not None
    style = TextStampStyle(
        stamp_text="Signerat av %(signer)s\n%(ts)s",
        text_box_style=TextBoxStyle(font=EmbeddedFont(str(STAMP_FONT))),
    )
    new_field = (
        fields.SigFieldSpec(sig_field_name=field_name, on_page=0, box=new_field_box)
        if new_field_box
        else None
    )
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name=field_name),
        signer=signer,
        stamp_style=style,
        new_field_spec=new_field,
    )
    out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)))
    return out.getvalue()

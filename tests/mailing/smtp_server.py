"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what arrives, optionally with
STARTTLS and a login, for the tests of the mail to the registrator."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Arrived:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """The aiosmtpd handler: every message that arrives, parsed."""

    arrived: list[Arrived] = field(default_factory=list)
    refuse_all: bool = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_all:
            return "451 Försök igen senare"
        parsed = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        assert isinstance(parsed, EmailMessage)
        self.arrived.append(Arrived(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost; returns (cert, key) paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class RunningServer:
    inbox: Inbox
    port: int
    client_tls: ssl.SSLContext | None = None
    logins: list[str] = field(default_factory=list)


@contextmanager
def smtp_server(
    tls_folder: Path | None = None, login: tuple[str, str] | None = None
) -> Iterator[RunningServer]:
    """Run the server for the block; with `tls_folder` it offers (and demands) STARTTLS,
    with `login` it demands that user name and password."""
    inbox = Inbox()
    port = free_port()
    running = RunningServer(inbox, port)
    options: dict[str, Any] = {}
    if tls_folder is not None:
        cert, key = server_certificate(tls_folder)
        server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_tls.load_cert_chain(cert, key)
        options.update(tls_context=server_tls, require_starttls=True)
        running.client_tls = ssl.create_default_context(cafile=str(cert))
    if login is not None:

        def authenticate(
            server: Any, session: Any, envelope: Any, mechanism: str, data: Any
        ) -> AuthResult:
            ok = isinstance(data, LoginPassword) and (
                data.login.decode(),
                data.password.decode(),
            ) == login
            if ok:
                running.logins.append(data.login.decode())
            return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

        options.update(authenticator=authenticate, auth_required=True, auth_require_tls=True)
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield running
    finally:
        controller.stop()

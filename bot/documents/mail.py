"""The signed report by e-mail to the registrator, sent once.

With `SMTP_HOST` set the message goes over SMTP (STARTTLS whenever the server offers it,
implicit TLS on port 465, a login when `SMTP_USER` is set). Without it (the embedded
default) the message is written as an .eml file into the outbox folder and its path is
returned, for the user to send on.

Exactly once: bot/arende/sending.py claims the mail under an idempotency key in the
database before it is sent, with the Message-ID derived from that key here
(`message_id_for`), so that a retry after a crash carries the same Message-ID.
"""

from __future__ import annotations

import hashlib
import logging
import re
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate
from enum import StrEnum
from pathlib import Path

from pydantic import SecretStr

from bot.config import Settings
from bot.documents.phrases import Phrases, phrases
from bot.mall.amounts import format_kronor
from bot.mall.errors import UserFacingError
from bot.mall.template import Template

log = logging.getLogger(__name__)

_UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_ADDRESS_SPLIT = re.compile(r"[,;\s]+")


def mail_texts() -> Phrases:
    return phrases("mail")


@dataclass(frozen=True)
class MailSettings:
    """How mail leaves: an SMTP server, or (host None) the outbox folder."""

    host: str | None
    port: int = 587
    user: str | None = None
    password: SecretStr | None = None
    sender: str = "redovisa@localhost"
    outbox_dir: Path = Path("outbox")
    timeout: float = 30.0
    # The TLS context for STARTTLS; None: the system's trusted authorities.
    tls_context: ssl.SSLContext | None = field(default=None, compare=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> MailSettings:
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            user=settings.smtp_user,
            password=settings.smtp_password,
            sender=settings.smtp_from,
            outbox_dir=settings.outbox_dir(),
            timeout=settings.smtp_timeout_seconds,
        )


@dataclass(frozen=True)
class ReportMail:
    """What goes to the registrator: the signed PDF, the diarienummer in the subject."""

    case_number: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    body: str
    filename: str
    pdf: bytes


def _addresses(values: Sequence[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        out += [part for part in _ADDRESS_SPLIT.split(value) if "@" in part]
    return list(dict.fromkeys(out))


def report_recipients(
    case_recipients: Sequence[str], template: Template | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(to, cc): the ärende's recipients, the first receives the answer and the rest a copy.
    Only addresses someone gave for the ärende: never the mall's example values (issue 20);
    `template` is no longer read."""
    addresses = _addresses(case_recipients)
    return tuple(addresses[:1]), tuple(addresses[1:])


def compose_report_mail(
    case_number: str,
    committee: str | None,
    signer: str | None,
    to: Sequence[str],
    cc: Sequence[str],
    pdf: bytes,
    filename: str | None = None,
    *,
    granted_kr: int | None = None,
    used_kr: int | None = None,
    decided_by: str | None = None,
    report_period: str | None = None,
) -> ReportMail:
    """The mail for a signed report; refuses (in Swedish) an ärende without a recipient.
    The amounts are the model's (bot/arende/budget.py); unknown ones are said to be missing.
    The deciding body and the report period are named only when someone gave them."""
    texts = mail_texts()
    if not to:
        raise UserFacingError(texts("no_recipients", case_number=case_number))
    unknown = texts("unknown")
    if committee:
        subject = texts("subject", case_number=case_number, committee=committee)
    else:
        subject = texts("subject_no_committee", case_number=case_number)
    body = texts(
        "body",
        case_number=case_number,
        committee=committee or unknown,
        given_facts="".join(
            f"\n{line}"
            for line in (
                texts("decided_by", body=decided_by) if decided_by else "",
                texts("report_period", period=report_period) if report_period else "",
            )
            if line
        ),
        signer=signer or unknown,
        granted=format_kronor(granted_kr) if granted_kr is not None else unknown,
        used=format_kronor(used_kr) if used_kr is not None else unknown,
        sender_name=texts("sender_name"),
    )
    safe = _UNSAFE_IN_FILE_NAME.sub("_", case_number).strip("._") or "arende"
    return ReportMail(
        case_number=case_number,
        to=tuple(to),
        cc=tuple(a for a in cc if a not in to),
        subject=" ".join(subject.split()),  # no line breaks in a header
        body=body,
        filename=filename or f"Redovisning_{safe}_signerad.pdf",
        pdf=pdf,
    )


def message_id_for(idempotency_key: str, sender: str) -> str:
    """The same key always gives the same Message-ID, so a retry is the same message."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    domain = sender.rsplit("@", 1)[-1] or "redovisa.invalid"
    return f"<{digest}.redovisa@{domain}>"


def build_message(mail: ReportMail, sender: str, message_id: str, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(mail.to)
    if mail.cc:
        message["Cc"] = ", ".join(mail.cc)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(now.timestamp(), localtime=False)
    message["Message-ID"] = message_id
    message.set_content(mail.body)
    message.add_attachment(mail.pdf, maintype="application", subtype="pdf", filename=mail.filename)
    return message


class Transport(StrEnum):
    SMTP = "smtp"
    OUTBOX = "outbox"


@dataclass(frozen=True)
class Delivery:
    transport: Transport
    location: str | None  # the .eml file of the outbox


def deliver(message: EmailMessage, settings: MailSettings, stem: str = "Redovisning") -> Delivery:
    """Send over SMTP, or write the outbox file (`stem`_<hash>.eml) when no SMTP host is set.

    Raises OSError or smtplib.SMTPException when the server cannot be reached or refuses.
    """
    if not settings.host:
        return Delivery(Transport.OUTBOX, str(_write_outbox(message, settings.outbox_dir, stem)))
    context = settings.tls_context or ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.port == 465:
        smtp = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with smtp:
        smtp.ehlo()
        if settings.port != 465 and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user:
            password = settings.password.get_secret_value() if settings.password else ""
            smtp.login(settings.user, password)
        refused = smtp.send_message(message)
    if refused:
        log.warning("the SMTP server refused %d of the recipients", len(refused))
    return Delivery(Transport.SMTP, None)


def _write_outbox(message: EmailMessage, folder: Path, stem: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(str(message["Message-ID"]).encode()).hexdigest()[:12]
    safe = _UNSAFE_IN_FILE_NAME.sub("_", stem)[:60].strip("._") or "Redovisning"
    path = folder / f"{safe}_{digest}.eml"
    temporary = path.with_suffix(".eml.part")
    temporary.write_bytes(message.as_bytes())
    temporary.replace(path)  # a reader never sees half a file
    return path


class SendOutcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    IN_PROGRESS = "in_progress"


@dataclass(frozen=True)
class SendResult:
    outcome: SendOutcome
    message: str  # Swedish, for the user
    transport: str | None
    location: str | None
    sent_at: datetime | None
    message_id: str


def outbox_message(path: Path) -> EmailMessage:
    """Read an .eml file of the outbox back (for the command line and the tests)."""
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(parsed, EmailMessage)
    return parsed

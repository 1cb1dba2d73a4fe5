"""The report mail to the registrator, sent exactly once.

`send_report_once` claims the mail under an idempotency key in the database before it is
sent (bot/documents/mail.py builds and delivers it), and records it as sent in the same
transaction that makes the ärende "inskickad" with the time. The same key never goes out
twice; a claim left by a crash (after the claim, before the record) is taken over when it
is older than `stale_after`, and the retry carries the same Message-ID, derived from the key.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.documents.mail import (
    Delivery,
    MailSettings,
    ReportMail,
    SendOutcome,
    SendResult,
    Transport,
    build_message,
    deliver,
    mail_texts,
    message_id_for,
)
from bot.documents.phrases import Phrases, swedish_moment
from bot.mall.errors import UserFacingError
from storage import submission_repository as submissions
from storage.unit_of_work import Sessions, UnitOfWork

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=10)


def submission_key(case_number: str, signed_pdf_sha256: str) -> str:
    """The idempotency key of sending one signed PDF of one ärende."""
    return f"submit:{case_number}:{signed_pdf_sha256}"


def send_report_once(
    session_factory: Sessions,
    settings: MailSettings,
    case_id: int,
    idempotency_key: str,
    mail: ReportMail,
    clock: Callable[[], datetime],
    stale_after: timedelta = STALE_CLAIM,
) -> SendResult:
    """Send the report mail at most once per key; the ärende becomes "inskickad" with it.

    A failed sending releases the claim, changes nothing and raises UserFacingError with
    a Swedish message; the next confirmation tries again.
    """
    texts = mail_texts()
    message_id = message_id_for(idempotency_key, settings.sender)
    uow = UnitOfWork.of(session_factory)
    outcome, record = uow.write(
        lambda session: submissions.claim_mail(
            session,
            idempotency_key,
            case_id,
            message_id,
            mail.subject,
            [*mail.to, *mail.cc],
            clock(),
            stale_after,
        )  # fmt: skip
    )
    if outcome is submissions.ClaimOutcome.ALREADY_SENT:
        sent_at = record.sent_at
        shown = swedish_moment(sent_at) if sent_at else texts("unknown")
        return SendResult(
            SendOutcome.ALREADY_SENT,
            texts("already_sent", case_number=mail.case_number, sent_at=shown),
            record.transport,
            record.location,
            sent_at,
            record.message_id,
        )
    if outcome is submissions.ClaimOutcome.IN_PROGRESS:
        return SendResult(
            SendOutcome.IN_PROGRESS,
            texts("in_progress", case_number=mail.case_number),
            None,
            None,
            None,
            record.message_id,
        )
    message = build_message(mail, settings.sender, record.message_id, clock())
    try:
        delivery = deliver(message, settings, f"Redovisning_{mail.case_number}")
    except (OSError, smtplib.SMTPException, UnicodeError) as exc:  # smtplib: ASCII logins
        log.warning("the report mail could not be sent: %s", type(exc).__name__)
        uow.write(lambda session: submissions.release_mail(session, idempotency_key))
        raise UserFacingError(texts("send_failed")) from exc
    now = clock()
    uow.write(
        lambda session: submissions.mark_mail_sent(
            session, idempotency_key, delivery.transport.value, delivery.location, now
        )
    )
    return SendResult(
        SendOutcome.SENT,
        _sent_text(texts, mail, delivery),
        delivery.transport.value,
        delivery.location,
        now,
        record.message_id,
    )


def _sent_text(texts: Phrases, mail: ReportMail, delivery: Delivery) -> str:
    to = ", ".join(mail.to)
    if delivery.transport is Transport.OUTBOX:
        return texts("sent_outbox", to=to, path=delivery.location or "")
    copy = texts("sent_copy", cc=", ".join(mail.cc)) if mail.cc else ""
    return texts("sent_smtp", case_number=mail.case_number, to=to, copy=copy)

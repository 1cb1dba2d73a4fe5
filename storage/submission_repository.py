"""After the signature: the verified signed PDF, the confirmed budget, the mail sent once.

Each function takes the caller's Session; the caller owns the transaction. The e-mail to
the registrator is claimed under its idempotency key before it is sent, and marked sent
in the same transaction that makes the ärende "inskickad" (`cases.submitted_at`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import extract, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Case, SentMail, SignedReport
from storage.visibility import coordinator_sees


def record_signed_report(
    session: Session,
    case_id: int,
    content: bytes,
    signer: str | None,
    signed_at: datetime | None,
    now: datetime,
) -> SignedReport:
    """Keep a verified signed PDF and make the ärende "signerad" (signer and time). The same
    file received again (a check done again after a crash) is kept once."""
    case = session.get(Case, case_id)
    if case is None:
        raise LookupError(f"no ärende with id {case_id}")
    digest = hashlib.sha256(content).hexdigest()
    newest = latest_signed_report(session, case_id)
    if newest is not None and newest.sha256 == digest:
        return newest
    row = SignedReport(
        case_id=case_id,
        content=content,
        sha256=digest,
        signer=signer,
        signed_at=signed_at,
        received_at=now,
    )
    session.add(row)
    case.signed_at = signed_at or now
    case.signer = signer
    session.flush()
    return row


def latest_signed_report(session: Session, case_id: int) -> SignedReport | None:
    """The newest verified signed PDF of the ärende, if one came back."""
    return session.scalar(
        select(SignedReport)
        .where(SignedReport.case_id == case_id)
        .order_by(SignedReport.received_at.desc(), SignedReport.id.desc())
        .limit(1)
    )


class ClaimOutcome(StrEnum):
    CLAIMED = "claimed"  # this caller sends it now
    ALREADY_SENT = "already_sent"  # it went out before; nothing to do
    IN_PROGRESS = "in_progress"  # another caller claimed it a moment ago


@dataclass(frozen=True)
class MailRecord:
    idempotency_key: str
    case_id: int
    message_id: str
    subject: str
    recipients: tuple[str, ...]
    status: str
    transport: str | None
    location: str | None
    attempts: int
    sent_at: datetime | None


def _record(row: SentMail) -> MailRecord:
    return MailRecord(
        row.idempotency_key,
        row.case_id,
        row.message_id,
        row.subject,
        tuple(row.recipients),
        row.status,
        row.transport,
        row.location,
        row.attempts,
        row.sent_at,
    )


def find_mail(session: Session, idempotency_key: str) -> MailRecord | None:
    row = session.scalar(select(SentMail).where(SentMail.idempotency_key == idempotency_key))
    return None if row is None else _record(row)


def mails_of_case(session: Session, case_id: int) -> list[MailRecord]:
    rows = session.scalars(
        select(SentMail).where(SentMail.case_id == case_id).order_by(SentMail.id)
    ).all()
    return [_record(row) for row in rows]


def claim_mail(
    session: Session,
    idempotency_key: str,
    case_id: int,
    message_id: str,
    subject: str,
    recipients: Sequence[str],
    now: datetime,
    stale_after: timedelta,
) -> tuple[ClaimOutcome, MailRecord]:
    """Claim the right to send the mail with this key.

    A key seen for the first time is claimed. A key already sent is not sent again. A
    claim younger than `stale_after` belongs to someone still sending; an older one was
    left by a crash and is taken over (its Message-ID is kept).
    """
    row = session.scalar(
        select(SentMail).where(SentMail.idempotency_key == idempotency_key).with_for_update()
    )
    if row is None:
        row = SentMail(
            idempotency_key=idempotency_key,
            case_id=case_id,
            message_id=message_id,
            subject=subject,
            recipients=list(recipients),
            status="claimed",
            attempts=1,
            claimed_at=now,
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            existing = find_mail(session, idempotency_key)
            assert existing is not None
            return ClaimOutcome.IN_PROGRESS, existing
        return ClaimOutcome.CLAIMED, _record(row)
    if row.status == "sent":
        return ClaimOutcome.ALREADY_SENT, _record(row)
    if now - row.claimed_at < stale_after:
        return ClaimOutcome.IN_PROGRESS, _record(row)
    row.claimed_at = now
    row.attempts += 1
    session.flush()
    return ClaimOutcome.CLAIMED, _record(row)


def mark_mail_sent(
    session: Session, idempotency_key: str, transport: str, location: str | None, now: datetime
) -> MailRecord:
    """The mail went out: record it and make the ärende "inskickad", in one transaction."""
    row = session.scalar(select(SentMail).where(SentMail.idempotency_key == idempotency_key))
    if row is None:
        raise LookupError(f"no claimed mail with key {idempotency_key!r}")
    row.status = "sent"
    row.transport = transport
    row.location = location
    row.sent_at = now
    case = session.get(Case, row.case_id)
    if case is not None and case.submitted_at is None:
        case.submitted_at = now
    session.flush()
    return _record(row)


def release_mail(session: Session, idempotency_key: str) -> None:
    """Sending failed: forget the claim so that the next confirmation tries again."""
    row = session.scalar(select(SentMail).where(SentMail.idempotency_key == idempotency_key))
    if row is not None and row.status == "claimed":
        session.delete(row)
        session.flush()


def cases_of_year(session: Session, year: int, coordinator_id: int | None = None) -> Sequence[Case]:
    """The ärenden of one year: by decision date, else last reply date, else registration;
    with `coordinator_id`, only those the coordinator may see (as /oversikt shows them)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    by_decision = Case.decision_date.between(first, last)
    by_reply = Case.decision_date.is_(None) & Case.last_reply_date.between(first, last)
    by_created = (
        Case.decision_date.is_(None)
        & Case.last_reply_date.is_(None)
        & (extract("year", Case.created_at) == year)
    )
    query = select(Case).where(or_(by_decision, by_reply, by_created))
    if coordinator_id is not None:
        query = query.where(coordinator_sees(coordinator_id))
    return session.scalars(
        query.order_by(func.coalesce(Case.committee, ""), Case.case_number)
    ).all()

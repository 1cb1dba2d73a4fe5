"""The database schema as typed SQLAlchemy 2 models."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class Base(DeclarativeBase):
    pass


class UtcDateTime(TypeDecorator[datetime]):
    """A moment stored in UTC and read back aware, on SQLite (which keeps no zone) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be stored as a moment; give it a zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class User(Base):
    """Someone who writes to the bot: `external_id` is e.g. `telegram:123` or `terminal:anna`."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(64))  # the platform's @name, if any
    role: Mapped[str] = mapped_column(String(20), default="official")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Case(Base):
    """An ärende: one grant to report on, identified by its diarienummer."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    template_id: Mapped[str] = mapped_column(String(40))
    committee: Mapped[str | None] = mapped_column(String(200))
    granted_amount_kr: Mapped[int | None] = mapped_column(BigInteger)
    decision_date: Mapped[date | None] = mapped_column(Date)
    last_reply_date: Mapped[date | None] = mapped_column(Date)
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(30), default="in_progress")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Errors and warnings of the last /granska; None when it was never reviewed.
    open_findings: Mapped[int | None] = mapped_column(Integer)
    # What the grant was for (jamstalldhet, antidiskriminering, barnratt,
    # nationella_minoriteter); None when the coordinator did not say.
    perspectives: Mapped[list[str] | None] = mapped_column(JSON)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # After the signature (migration 0005): who signed the verified PDF and when, when it
    # was sent to the registrator, and the used amount the official confirmed (None: read
    # it from the budget answer).
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    signer: Mapped[str | None] = mapped_column(String(200))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # No longer written or read: the used amount lives in the budget ledger alone.
    used_amount_kr: Mapped[int | None] = mapped_column(BigInteger)
    # When a coordinator registered the ärende (migration 0009); None while only an
    # official's /ny (and the official's own facts) stand behind it.
    registered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class CaseMember(Base):
    """Who may read and write an ärende's report."""

    __tablename__ = "case_members"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Answer(Base):
    """One version of one answer; the highest version is the current answer.

    `parts` keeps the messages the answer was written in ({"ref": message id or null,
    "text": ...}) so that an edited message can update the answer it belongs to.
    """

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("case_id", "question_key", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    question_key: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    parts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    author_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ConversationStateRow(Base):
    """Where each user is in the conversation, as JSON owned by the engine."""

    __tablename__ = "conversation_states"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProcessedUpdate(Base):
    """An incoming update already handled, so a redelivery is handled once."""

    __tablename__ = "processed_updates"
    __table_args__ = (Index("ix_processed_updates_processed_at", "processed_at"),)

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LlmUsage(Base):
    """Tokens spent on the language model, per ärende."""

    __tablename__ = "llm_usage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    model: Mapped[str] = mapped_column(String(100))
    prompt_tokens: Mapped[int] = mapped_column(Integer)
    completion_tokens: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Reminder(Base):
    """One reminder to one user about one ärende, due at `due_at` (UTC).

    `kind` is 'before', 'due', 'overdue' (to the responsible official) or 'digest' (to the
    coordinator). `status` moves pending -> claimed -> sent; 'cancelled' when the ärende was
    finished, its deadline moved, or a later reminder superseded it while the bot was down.
    An 'overdue' row, and a digest after the deadline, repeats: sending it moves `due_at`
    a week on and makes it pending again (`sent_at` keeps the last sending).
    """

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_status_due_at", "status", "due_at"),
        Index("ix_reminders_case_recipient", "case_id", "recipient_user_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    recipient_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(20), default="pending")
    claim_token: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Invite(Base):
    """A one-time invite code that makes a Telegram user an official or a coordinator."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AuditEvent(Base):
    """Who did what and when; `user_id` is null for what the bot did by itself."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class SignedReport(Base):
    """A signed PDF that passed verification; the newest one per ärende is the one sent."""

    __tablename__ = "signed_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    signer: Mapped[str | None] = mapped_column(String(200))
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SentMail(Base):
    """One e-mail to the registrator, known by its idempotency key so it goes out once.

    `status` is 'claimed' while it is being sent and 'sent' after; a claim older than the
    sender's patience may be taken over (the same Message-ID goes out again, so the
    receiving side can tell it is the same message). `transport` is 'smtp' or 'outbox';
    `location` the .eml file of the outbox.
    """

    __tablename__ = "sent_mails"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    message_id: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20))
    transport: Mapped[str | None] = mapped_column(String(20))
    location: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class InboxUpdate(Base):
    """An update as it arrived, stored before it is confirmed to the platform.

    `handled_at` is set in the turn's own transaction (when the engine claims the delivery),
    `finished_at` once the adapter has sent what it had to say. A row without `finished_at`
    after a crash is handled again on start: from the beginning when `handled_at` is empty,
    with a note saying where the user is when the turn was committed but its replies were
    perhaps never sent.
    """

    __tablename__ = "inbox_updates"
    __table_args__ = (
        Index("ix_inbox_updates_unfinished", "source", "finished_at", "update_id"),
        Index("ix_inbox_updates_received_at", "received_at"),
    )

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    handled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # What the committed turn answered (its replies as JSON), kept until the update is
    # finished, so a user whose replies were lost in a crash gets them after the restart.
    replies: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class DeadLetterUpdate(Base):
    """An update moved aside: it could not be stored or handled after a few tries (or was
    no valid update at all). Its id and the reason are kept, nothing of what it said."""

    __tablename__ = "dead_letter_updates"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(200))
    moved_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Job(Base):
    """Slow work asked for in a turn (documents, a review), done after the turn's commit and
    done again after a crash until it is finished.

    Enqueued in the turn's transaction, so a job exists exactly when the turn that asked for
    it was committed. `status` moves pending -> claimed -> done; a claim older than the
    worker's time-out is taken over (its worker died); after `attempts` reach the limit the
    job is 'failed'. `recipient` is the user's external id (`telegram:123`), where the result
    is sent.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_created_at", "status", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    requested_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recipient: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim_token: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class BudgetLedgerEntry(Base):
    """Budget figures an official confirmed or corrected; the newest row is the current one.

    Every confirmation adds a row, so the history of what was confirmed, by whom and when
    is kept. `source` is 'read' (the figures read from the answer, confirmed as they were)
    or 'corrected' (the official changed at least one). `activities` holds the costs per
    activity read from the answer ({"label": ..., "value": kronor}).
    """

    __tablename__ = "budget_ledger_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    granted_kr: Mapped[int] = mapped_column(BigInteger)
    used_kr: Mapped[int] = mapped_column(BigInteger)
    remaining_kr: Mapped[int] = mapped_column(BigInteger)
    activities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(20))
    confirmed_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CaseFact(Base):
    """One value given for one fact of an ärende; the newest row per name is the current one.

    `name` is a fact (committee, decided_by, decision_date, granted_amount_kr,
    last_reply_date, recipient, copy_to, report_period); `source` who gave it:
    'registration' or 'coordinator' (a coordinator), 'official' (confirmed in the chat),
    'file' (read from a file the official imported and confirmed), 'mall' (the mall's usual
    value the official chose), 'answer' (the nämnd as the report's answer names it, matched
    against Malmö stad's nämnder). Nothing is deleted: the rows are the fact's history.
    """

    __tablename__ = "case_facts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    source: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

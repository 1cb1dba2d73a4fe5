"""Reminders, invite codes and the audit trail.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("recipient_user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("due_at", TZ_DATETIME, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("claim_token", sa.String(64)),
        sa.Column("claimed_at", TZ_DATETIME),
        sa.Column("sent_at", TZ_DATETIME),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
    )
    op.create_index("ix_reminders_status_due_at", "reminders", ["status", "due_at"])
    op.create_index(
        "ix_reminders_case_recipient", "reminders", ["case_id", "recipient_user_id", "due_at"]
    )
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_by_user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
        sa.Column("expires_at", TZ_DATETIME, nullable=False),
        sa.Column("used_by_user_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("used_at", TZ_DATETIME),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
    )
    op.create_index("ix_audit_events_user_id", "audit_events", ["user_id"])
    op.create_index("ix_audit_events_case_id", "audit_events", ["case_id"])
    op.create_index("ix_audit_events_created_at", "audit_events", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_created_at", "audit_events")
    op.drop_index("ix_audit_events_case_id", "audit_events")
    op.drop_index("ix_audit_events_user_id", "audit_events")
    op.drop_table("audit_events")
    op.drop_table("invites")
    op.drop_index("ix_reminders_case_recipient", "reminders")
    op.drop_index("ix_reminders_status_due_at", "reminders")
    op.drop_table("reminders")

"""The inbox of updates stored before they are confirmed, and the jobs of slow work.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TZ_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inbox_updates",
        sa.Column("source", sa.String(40), primary_key=True),
        sa.Column("update_id", sa.BigInteger, primary_key=True),
        sa.Column("chat_id", sa.BigInteger),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("received_at", TZ_DATETIME, nullable=False),
        sa.Column("handled_at", TZ_DATETIME),
        sa.Column("finished_at", TZ_DATETIME),
    )
    op.create_index(
        "ix_inbox_updates_unfinished", "inbox_updates", ["source", "finished_at", "update_id"]
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("requested_by_user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("claim_token", sa.String(64)),
        sa.Column("claimed_at", TZ_DATETIME),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
        sa.Column("finished_at", TZ_DATETIME),
    )
    op.create_index("ix_jobs_status_created_at", "jobs", ["status", "created_at"])
    op.create_index("ix_jobs_case_id", "jobs", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_jobs_case_id", "jobs")
    op.drop_index("ix_jobs_status_created_at", "jobs")
    op.drop_table("jobs")
    op.drop_index("ix_inbox_updates_unfinished", "inbox_updates")
    op.drop_table("inbox_updates")

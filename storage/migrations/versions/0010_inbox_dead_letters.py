"""Poison updates moved aside (dead letters: id and reason, no content), handling attempts
counted per inbox update, the replies of a committed turn kept until they are sent, and
the indexes that pruning after INBOX_RETENTION_DAYS uses.

Revision ID: 0010_inbox_dead_letters
Revises: 0009_case_facts
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_inbox_dead_letters"
down_revision = "0009_case_facts"
branch_labels = None
depends_on = None

TZ_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "dead_letter_updates",
        sa.Column("source", sa.String(40), primary_key=True),
        sa.Column("update_id", sa.BigInteger, primary_key=True),
        sa.Column("chat_id", sa.BigInteger),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("moved_at", TZ_DATETIME, nullable=False),
    )
    with op.batch_alter_table("inbox_updates") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("replies", sa.JSON))
    op.create_index("ix_inbox_updates_received_at", "inbox_updates", ["received_at"])
    op.create_index("ix_processed_updates_processed_at", "processed_updates", ["processed_at"])


def downgrade() -> None:
    op.drop_index("ix_processed_updates_processed_at", "processed_updates")
    op.drop_index("ix_inbox_updates_received_at", "inbox_updates")
    with op.batch_alter_table("inbox_updates") as batch:
        batch.drop_column("replies")
        batch.drop_column("attempts")
    op.drop_table("dead_letter_updates")

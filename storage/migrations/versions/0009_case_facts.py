"""The ärende's facts with their history and who gave each (issue 20), and the moment a
coordinator registered the ärende (an official's own facts no longer make it registered).

Revision ID: 0009_case_facts
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_case_facts"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_facts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("value", sa.JSON, nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_case_facts_case_id", "case_facts", ["case_id"])
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("registered_at", sa.DateTime(timezone=True)))
    # Until now an ärende with a last reply date counted as registered.
    op.execute("UPDATE cases SET registered_at = created_at WHERE last_reply_date IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("registered_at")
    op.drop_index("ix_case_facts_case_id", table_name="case_facts")
    op.drop_table("case_facts")

"""The budget ledger: figures an official confirmed or corrected, with their history.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "budget_ledger_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("granted_kr", sa.BigInteger, nullable=False),
        sa.Column("used_kr", sa.BigInteger, nullable=False),
        sa.Column("remaining_kr", sa.BigInteger, nullable=False),
        sa.Column("activities", sa.JSON, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("confirmed_by_user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_budget_ledger_entries_case_id", "budget_ledger_entries", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_budget_ledger_entries_case_id", table_name="budget_ledger_entries")
    op.drop_table("budget_ledger_entries")

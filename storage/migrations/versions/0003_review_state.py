"""What the last review of each ärende found, for the coordinators' overview.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("open_findings", sa.Integer))
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("reviewed_at")
        batch.drop_column("open_findings")

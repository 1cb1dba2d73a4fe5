"""Which of the four perspectives an ärende's grant was for.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("perspectives", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("perspectives")

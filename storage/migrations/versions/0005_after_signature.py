"""After the signature: the verified signed PDF, the signer and times, the mail sent once.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TZ_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("signed_at", TZ_DATETIME))
        batch.add_column(sa.Column("signer", sa.String(200)))
        batch.add_column(sa.Column("submitted_at", TZ_DATETIME))
        batch.add_column(sa.Column("used_amount_kr", sa.BigInteger))
    op.create_table(
        "signed_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("signer", sa.String(200)),
        sa.Column("signed_at", TZ_DATETIME),
        sa.Column("received_at", TZ_DATETIME, nullable=False),
    )
    op.create_index("ix_signed_reports_case_id", "signed_reports", ["case_id"])
    op.create_table(
        "sent_mails",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("recipients", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("transport", sa.String(20)),
        sa.Column("location", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("claimed_at", TZ_DATETIME, nullable=False),
        sa.Column("sent_at", TZ_DATETIME),
    )
    op.create_index("ix_sent_mails_case_id", "sent_mails", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_sent_mails_case_id", table_name="sent_mails")
    op.drop_table("sent_mails")
    op.drop_index("ix_signed_reports_case_id", table_name="signed_reports")
    op.drop_table("signed_reports")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("used_amount_kr")
        batch.drop_column("submitted_at")
        batch.drop_column("signer")
        batch.drop_column("signed_at")

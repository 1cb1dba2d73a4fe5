"""The first schema: users, ärenden, answers, conversation state, processed updates, LLM usage.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("external_id", sa.String(200), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_number", sa.String(40), nullable=False, unique=True),
        sa.Column("template_id", sa.String(40), nullable=False),
        sa.Column("committee", sa.String(200)),
        sa.Column("granted_amount_kr", sa.BigInteger),
        sa.Column("decision_date", sa.Date),
        sa.Column("last_reply_date", sa.Date),
        sa.Column("recipients", sa.JSON, nullable=False),
        sa.Column("responsible_user_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("created_by_user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
    )
    op.create_table(
        "case_members",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("added_at", TZ_DATETIME, nullable=False),
    )
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("question_key", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("parts", sa.JSON, nullable=False),
        sa.Column("author_user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
        sa.UniqueConstraint("case_id", "question_key", "version"),
    )
    op.create_index("ix_answers_case_id", "answers", ["case_id"])
    op.create_table(
        "conversation_states",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("updated_at", TZ_DATETIME, nullable=False),
    )
    op.create_table(
        "processed_updates",
        sa.Column("source", sa.String(40), primary_key=True),
        sa.Column("update_id", sa.BigInteger, primary_key=True),
        sa.Column("processed_at", TZ_DATETIME, nullable=False),
    )
    op.create_table(
        "llm_usage",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("prompt_tokens", sa.Integer, nullable=False),
        sa.Column("completion_tokens", sa.Integer, nullable=False),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
    )
    op.create_index("ix_llm_usage_case_id", "llm_usage", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_llm_usage_case_id", "llm_usage")
    op.drop_table("llm_usage")
    op.drop_table("processed_updates")
    op.drop_table("conversation_states")
    op.drop_index("ix_answers_case_id", "answers")
    op.drop_table("answers")
    op.drop_table("case_members")
    op.drop_table("cases")
    op.drop_table("users")

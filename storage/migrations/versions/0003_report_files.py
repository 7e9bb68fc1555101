"""Report files: charts and other reports the bot uploaded to Slack, to show them again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 03:58:06.823757
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ = sqlmodel  # kept for types rendered as sqlmodel.sql.sqltypes.*


def upgrade() -> None:
    op.create_table(
        "report_file",
        sa.Column("id", sa.Integer().with_variant(sa.BigInteger(), "postgresql"), nullable=False),
        sa.Column(
            "assessment_id",
            sa.Integer().with_variant(sa.BigInteger(), "postgresql"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("slack_file_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_report_file_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_file")),
    )
    with op.batch_alter_table("report_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_file_assessment_id"), ["assessment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("report_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_file_assessment_id"))
    op.drop_table("report_file")

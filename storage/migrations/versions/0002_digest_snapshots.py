"""Digest snapshots: what each weekly digest said, so the next one can show what changed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 03:56:52.549488
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ = sqlmodel  # kept for types rendered as sqlmodel.sql.sqltypes.*


def upgrade() -> None:
    op.create_table(
        "digest_snapshot",
        sa.Column("id", sa.Integer().with_variant(sa.BigInteger(), "postgresql"), nullable=False),
        sa.Column(
            "city_id", sa.Integer().with_variant(sa.BigInteger(), "postgresql"), nullable=False
        ),
        sa.Column("period_key", sa.String(length=40), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("level_now", sa.String(length=40), nullable=True),
        sa.Column("level_all_done", sa.String(length=40), nullable=True),
        sa.Column("milestones_done", sa.Integer(), nullable=False),
        sa.Column("milestones_total", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "milestones_done >= 0 AND milestones_total >= 0",
            name=op.f("ck_digest_snapshot_milestones"),
        ),
        sa.ForeignKeyConstraint(
            ["city_id"],
            ["city.id"],
            name=op.f("fk_digest_snapshot_city_id_city"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_snapshot")),
        sa.UniqueConstraint(
            "city_id", "period_key", name=op.f("uq_digest_snapshot_city_id_period_key")
        ),
    )


def downgrade() -> None:
    op.drop_table("digest_snapshot")

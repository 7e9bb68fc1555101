"""Milestones: when the scheduler next looks at each one, so a sweep reads only what is due.

Additive: a nullable column (None: at the next sweep) and an index on (status, next_reminder_at).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 05:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ = sqlmodel  # kept for types rendered as sqlmodel.sql.sqltypes.*


def upgrade() -> None:
    with op.batch_alter_table("milestone") as batch:
        batch.add_column(sa.Column("next_reminder_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(
            "ix_milestone_status_next_reminder_at", ["status", "next_reminder_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("milestone") as batch:
        batch.drop_index("ix_milestone_status_next_reminder_at")
        batch.drop_column("next_reminder_at")

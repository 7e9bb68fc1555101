"""Absence and attention: away periods with deputies, nudge times, held nudges, nudge recipients.

Additive: three new tables, and a nullable `recipient_id` on the ledger (with an index on
(recipient_id, claimed_at)) counting each person's nudges toward their weekly cap.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 06:47:18.688502
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ = sqlmodel  # kept for types rendered as sqlmodel.sql.sqltypes.*


def upgrade() -> None:
    op.create_table(
        "away_period",
        sa.Column("id", sa.Integer().with_variant(sa.BigInteger(), "postgresql"), nullable=False),
        sa.Column(
            "person_id", sa.Integer().with_variant(sa.BigInteger(), "postgresql"), nullable=False
        ),
        sa.Column(
            "deputy_id", sa.Integer().with_variant(sa.BigInteger(), "postgresql"), nullable=True
        ),
        sa.Column("back_on", sa.Date(), nullable=False),
        sa.Column("until_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["deputy_id"],
            ["person.id"],
            name=op.f("fk_away_period_deputy_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_away_period_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_away_period")),
    )
    with op.batch_alter_table("away_period", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_away_period_deputy_id"), ["deputy_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_away_period_person_id"), ["person_id"], unique=False)

    op.create_table(
        "held_nudge",
        sa.Column("id", sa.Integer().with_variant(sa.BigInteger(), "postgresql"), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("period_key", sa.String(length=40), nullable=False),
        sa.Column(
            "person_id", sa.Integer().with_variant(sa.BigInteger(), "postgresql"), nullable=False
        ),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_held_nudge_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_nudge")),
        sa.UniqueConstraint(
            "kind", "target", "period_key", name=op.f("uq_held_nudge_kind_target_period_key")
        ),
    )
    with op.batch_alter_table("held_nudge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_held_nudge_not_before"), ["not_before"], unique=False)
        batch_op.create_index(batch_op.f("ix_held_nudge_person_id"), ["person_id"], unique=False)

    op.create_table(
        "nudge_preference",
        sa.Column("id", sa.Integer().with_variant(sa.BigInteger(), "postgresql"), nullable=False),
        sa.Column(
            "person_id", sa.Integer().with_variant(sa.BigInteger(), "postgresql"), nullable=False
        ),
        sa.Column("days", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("at", sa.Time(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_nudge_preference_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudge_preference")),
        sa.UniqueConstraint("person_id", name=op.f("uq_nudge_preference_person_id")),
    )
    with op.batch_alter_table("notification_ledger", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "recipient_id",
                sa.Integer().with_variant(sa.BigInteger(), "postgresql"),
                nullable=True,
            )
        )
        batch_op.create_index(
            "ix_notification_ledger_recipient_id_claimed_at",
            ["recipient_id", "claimed_at"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_notification_ledger_recipient_id_person"),
            "person",
            ["recipient_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("notification_ledger", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_notification_ledger_recipient_id_person"), type_="foreignkey"
        )
        batch_op.drop_index("ix_notification_ledger_recipient_id_claimed_at")
        batch_op.drop_column("recipient_id")

    op.drop_table("nudge_preference")
    with op.batch_alter_table("held_nudge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_held_nudge_person_id"))
        batch_op.drop_index(batch_op.f("ix_held_nudge_not_before"))

    op.drop_table("held_nudge")
    with op.batch_alter_table("away_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_away_period_person_id"))
        batch_op.drop_index(batch_op.f("ix_away_period_deputy_id"))

    op.drop_table("away_period")

"""Several respondents per criterion: single-criterion assignments, each respondent's own
answers, and their disagreements until a coordinator settles them.

Additive for existing data: every assignment stays a whole-area one (criterion_id NULL), its
uniqueness now a partial index (a person may also hold single criteria of an area); two new
tables; the answer history may name the respondent's answer a change adopted.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 07:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ = sqlmodel  # kept for types rendered as sqlmodel.sql.sqltypes.*

ID = sa.Integer().with_variant(sa.BigInteger(), "postgresql")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("assignment") as batch:
        batch.add_column(sa.Column("criterion_id", sa.String(length=16), nullable=True))
        batch.drop_constraint("uq_assignment_assessment_id_area_id_person_id", type_="unique")
        batch.create_index(
            "ux_assignment_area_person",
            ["assessment_id", "area_id", "person_id"],
            unique=True,
            sqlite_where=sa.text("criterion_id IS NULL"),
            postgresql_where=sa.text("criterion_id IS NULL"),
        )
        batch.create_index(
            "ux_assignment_criterion_person",
            ["assessment_id", "criterion_id", "person_id"],
            unique=True,
            sqlite_where=sa.text("criterion_id IS NOT NULL"),
            postgresql_where=sa.text("criterion_id IS NOT NULL"),
        )

    op.create_table(
        "respondent_answer",
        sa.Column("id", ID, nullable=False),
        sa.Column("assessment_id", ID, nullable=False),
        sa.Column("criterion_id", sa.String(length=16), nullable=False),
        sa.Column("person_id", ID, nullable=True),
        sa.Column("ticked", JSON, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("answered_at", AT, nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_respondent_answer_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_respondent_answer_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_respondent_answer")),
    )
    op.create_index(
        "ix_respondent_answer_assessment_id_criterion_id",
        "respondent_answer",
        ["assessment_id", "criterion_id"],
        unique=False,
    )
    op.create_index(
        "ix_respondent_answer_assessment_id_person_id",
        "respondent_answer",
        ["assessment_id", "person_id"],
        unique=False,
    )

    op.create_table(
        "disagreement",
        sa.Column("id", ID, nullable=False),
        sa.Column("assessment_id", ID, nullable=False),
        sa.Column("criterion_id", sa.String(length=16), nullable=False),
        sa.Column("opened_at", AT, nullable=False),
        sa.Column("settled_at", AT, nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.Column("settled_by_id", ID, nullable=True),
        sa.Column("accepted_id", ID, nullable=True),
        sa.Column("talk_channel_id", sa.String(length=32), nullable=True),
        sa.Column("talk_started_at", AT, nullable=True),
        sa.Column("talk_started_by_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["accepted_id"],
            ["respondent_answer.id"],
            name=op.f("fk_disagreement_accepted_id_respondent_answer"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_disagreement_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["settled_by_id"],
            ["person.id"],
            name=op.f("fk_disagreement_settled_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["talk_started_by_id"],
            ["person.id"],
            name=op.f("fk_disagreement_talk_started_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disagreement")),
    )
    op.create_index(
        op.f("ix_disagreement_assessment_id"), "disagreement", ["assessment_id"], unique=False
    )
    op.create_index(
        "ux_disagreement_open",
        "disagreement",
        ["assessment_id", "criterion_id"],
        unique=True,
        sqlite_where=sa.text("settled_at IS NULL"),
        postgresql_where=sa.text("settled_at IS NULL"),
    )

    with op.batch_alter_table("answer_history") as batch:
        batch.add_column(sa.Column("respondent_answer_id", ID, nullable=True))
        batch.create_foreign_key(
            op.f("fk_answer_history_respondent_answer_id_respondent_answer"),
            "respondent_answer",
            ["respondent_answer_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("answer_history") as batch:
        batch.drop_constraint(
            op.f("fk_answer_history_respondent_answer_id_respondent_answer"), type_="foreignkey"
        )
        batch.drop_column("respondent_answer_id")
    op.drop_index("ux_disagreement_open", table_name="disagreement")
    op.drop_index(op.f("ix_disagreement_assessment_id"), table_name="disagreement")
    op.drop_table("disagreement")
    op.drop_index("ix_respondent_answer_assessment_id_person_id", table_name="respondent_answer")
    op.drop_index("ix_respondent_answer_assessment_id_criterion_id", table_name="respondent_answer")
    op.drop_table("respondent_answer")
    # Single-criterion assignments have no place in the older schema.
    op.execute("DELETE FROM assignment WHERE criterion_id IS NOT NULL")
    with op.batch_alter_table("assignment") as batch:
        batch.drop_index("ux_assignment_criterion_person")
        batch.drop_index("ux_assignment_area_person")
        batch.create_unique_constraint(
            "uq_assignment_assessment_id_area_id_person_id",
            ["assessment_id", "area_id", "person_id"],
        )
        batch.drop_column("criterion_id")

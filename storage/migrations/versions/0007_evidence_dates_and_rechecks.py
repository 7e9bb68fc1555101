"""Evidence that stays true: who gave each evidence link and when, and re-checks after milestones.

Additive: a `recheck` table (one row per done milestone: the criterion asked again, of whom,
and how it ended) and a nullable `answer.evidence_at` (when the answer's newest link was given).

Data: every stored link gets the keys the code now reads. A link without `added_at` takes its
answer's `answered_at`; a link without `added_by` takes the person of the first change in the
answer's history that holds it, else the person who last answered. `evidence_at` is then the
newest link's date. Links written as bare strings (none are expected) become link records.
Going down drops the table and the column and leaves the links' extra keys, which older code
ignores.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 06:49:08.150032
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ = sqlmodel  # kept for types rendered as sqlmodel.sql.sqltypes.*

ID = sa.Integer().with_variant(sa.BigInteger(), "postgresql")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BATCH = 500
"""Answers read and rewritten at a time."""

_answer = sa.table(
    "answer",
    sa.column("id", ID),
    sa.column("evidence", JSON),
    sa.column("answered_at", sa.DateTime(timezone=True)),
    sa.column("answered_by_id", ID),
    sa.column("evidence_at", sa.DateTime(timezone=True)),
)
_history = sa.table(
    "answer_history",
    sa.column("id", ID),
    sa.column("answer_id", ID),
    sa.column("changed_by_id", ID),
    sa.column("new_value", JSON),
)


def upgrade() -> None:
    op.create_table(
        "recheck",
        sa.Column("id", ID, nullable=False),
        sa.Column("milestone_id", ID, nullable=False),
        sa.Column("assessment_id", ID, nullable=False),
        sa.Column("criterion_id", sa.String(length=16), nullable=False),
        sa.Column("person_id", ID, nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", ID, nullable=True),
        sa.Column("result", JSON, nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["person.id"],
            name=op.f("fk_recheck_answered_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_recheck_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["milestone.id"],
            name=op.f("fk_recheck_milestone_id_milestone"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_recheck_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recheck")),
        sa.UniqueConstraint("milestone_id", name=op.f("uq_recheck_milestone_id")),
    )
    with op.batch_alter_table("recheck") as batch:
        batch.create_index(batch.f("ix_recheck_assessment_id"), ["assessment_id"], unique=False)
        batch.create_index(
            "ix_recheck_status_requested_at", ["status", "requested_at"], unique=False
        )
    with op.batch_alter_table("answer") as batch:
        batch.add_column(sa.Column("evidence_at", sa.DateTime(timezone=True), nullable=True))
    date_links(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("answer") as batch:
        batch.drop_column("evidence_at")
    with op.batch_alter_table("recheck") as batch:
        batch.drop_index("ix_recheck_status_requested_at")
        batch.drop_index(batch.f("ix_recheck_assessment_id"))
    op.drop_table("recheck")


def date_links(connection: sa.Connection) -> None:
    """Give every stored link its date and giver, and every answer its `evidence_at`."""
    sqlite = connection.dialect.name == "sqlite"
    last = 0
    while True:
        rows = connection.execute(
            sa.select(
                _answer.c.id, _answer.c.evidence, _answer.c.answered_at, _answer.c.answered_by_id
            )
            .where(_answer.c.id > last)
            .order_by(_answer.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        with_links = [row for row in rows if row.evidence]
        givers = _first_givers(connection, [row.id for row in with_links])
        for row in with_links:
            answered_at = _utc(row.answered_at)
            links = dated_links(row.evidence, answered_at, row.answered_by_id, givers.get(row.id))
            newest = max((_parse(link["added_at"]) for link in links), default=None)
            connection.execute(
                _answer.update()
                .where(_answer.c.id == row.id)
                .values(evidence=links, evidence_at=_stored(newest, sqlite))
            )


def dated_links(
    evidence: Iterable[Any],
    answered_at: datetime,
    answered_by_id: int | None,
    givers: Mapping[str, int | None] | None,
) -> list[dict[str, Any]]:
    """The links of one answer with `added_at` and `added_by` filled where they are missing."""
    links = []
    for entry in evidence:
        link = {"url": entry} if isinstance(entry, str) else dict(entry)
        if not link.get("url"):
            continue
        if not link.get("added_at"):
            link["added_at"] = answered_at.isoformat()
        if "added_by" not in link:
            link["added_by"] = (givers or {}).get(link["url"], answered_by_id)
        links.append(link)
    return links


def _first_givers(
    connection: sa.Connection, answer_ids: list[int]
) -> dict[int, dict[str, int | None]]:
    """For each answer, who first stored each of its links (from its history, oldest first)."""
    found: dict[int, dict[str, int | None]] = {}
    if not answer_ids:
        return found
    changes = connection.execute(
        sa.select(_history.c.answer_id, _history.c.changed_by_id, _history.c.new_value)
        .where(_history.c.answer_id.in_(answer_ids))
        .order_by(_history.c.id)
    )
    for answer_id, person_id, value in changes:
        mine = found.setdefault(answer_id, {})
        for entry in (value or {}).get("evidence") or ():
            url = entry if isinstance(entry, str) else (entry or {}).get("url")
            if url and url not in mine:
                mine[url] = person_id
    return found


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _parse(value: str) -> datetime:
    return _utc(datetime.fromisoformat(value.replace("Z", "+00:00")))


def _stored(value: datetime | None, sqlite: bool) -> datetime | None:
    """As `storage.types.UTCDateTime` stores it: naive UTC on SQLite, aware elsewhere."""
    if value is None or not sqlite:
        return value
    return value.replace(tzinfo=None)

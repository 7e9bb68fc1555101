"""A job for the measuring process, as scenarios' jobs are written: one query over the cohort."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from rubric.schema import Rubric
from storage.models import Answer


def answers_per_city(
    engine: Engine, *, rubric: Rubric, now: datetime, limit: int
) -> dict[str, Any]:
    """Count answers per assessment in one statement; return how many assessments have some."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(Answer.assessment_id, func.count()).group_by(Answer.assessment_id).limit(limit)
        ).all()
    return {"assessments": len(rows), "criteria": sum(len(a.criteria) for a in rubric.areas),
            "now": now.isoformat()}  # fmt: skip

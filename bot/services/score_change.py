"""What a re-check changed in a round's result: the criterion, the score and the level.

`bot.services.rechecks` records it on the re-check (`result_record`) and tells the city's
coordinators (`score_change`); reports read the same sides (`ScoreSide`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from rubric.schema import Rubric, Text
from rubric.scoring import CriterionStatus, Score
from storage.enums import Role
from storage.models import City, Milestone, Person, Recheck
from storage.repo import orgs


@dataclass(frozen=True)
class ScoreSide:
    """The round's result on one side of a re-check: the criterion's status, the score, level."""

    status: CriterionStatus
    met: int
    total: int
    percent: Decimal
    level: Text | None


@dataclass(frozen=True)
class ScoreChange:
    """What a changed re-check did to the round's result, for the city's coordinators."""

    recheck_id: int
    city_id: int
    city_name: str
    city_language: str
    channel_id: str | None
    coordinators: tuple[tuple[int, str, str | None], ...]
    """Each coordinator's person id, Slack id and language (told by DM without a channel)."""
    milestone_id: int
    milestone_title: str
    criterion_id: str
    statement: Text
    answered_by: str
    before: ScoreSide
    after: ScoreSide


def result_record(before: Score, after: Score, cid: str) -> dict[str, Any]:
    """What the re-check row keeps: each measure as [before, after]."""
    return {
        "status": [before.criteria[cid].status.value, after.criteria[cid].status.value],
        "met": [before.met, after.met],
        "total": [before.total, after.total],
        "percent": [str(before.percent), str(after.percent)],
        "level": [
            before.level.id if before.level else None,
            after.level.id if after.level else None,
        ],
    }


def score_change(
    session: Session,
    rubric: Rubric,
    recheck: Recheck,
    city: City,
    person: Person,
    before: Score,
    after: Score,
) -> ScoreChange:
    """What the coordinators are shown of a changed re-check."""
    assert recheck.id is not None and city.id is not None
    milestone = session.get(Milestone, recheck.milestone_id)
    coordinators = orgs.people_with_role(session, city_id=city.id, role=Role.COORDINATOR)
    cid = recheck.criterion_id
    return ScoreChange(
        recheck_id=recheck.id,
        city_id=city.id,
        city_name=city.name,
        city_language=city.language,
        channel_id=city.digest_channel_id,
        coordinators=tuple(
            (p.id, p.slack_user_id, p.language or p.locale) for p in coordinators if p.id
        ),
        milestone_id=recheck.milestone_id,
        milestone_title=milestone.title if milestone else "",
        criterion_id=cid,
        statement=rubric.criterion(cid).statement,
        answered_by=person.display_name,
        before=score_side(before, cid),
        after=score_side(after, cid),
    )


def score_side(result: Score, cid: str) -> ScoreSide:
    """One side of a re-check: the criterion's status, the score and the level."""
    level = result.level.name if result.level else None
    return ScoreSide(result.criteria[cid].status, result.met, result.total, result.percent, level)

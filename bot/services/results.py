"""The result of a finished assessment, announced once to the city's digest channel.

`announce_if_complete` is called in the unit of work of an answer (or anything else that may
finish an assessment). When every criterion of every assigned area is answered (with ticks or
as unsure; a skipped one still waits), it claims the ledger row ("result",
"assessment:<id>", "complete"), marks the assessment completed and returns the announcement
to post after the commit (`bot.slack.results.post_result`). Whoever claims first announces;
everyone else gets None. The assessment row is locked first (FOR NO KEY UPDATE on PostgreSQL;
SQLite serialises writers anyway), so two people finishing their last areas at the same moment
are checked one after the other, and the second sees the first's committed answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.services.coordinator import answered_criteria
from bot.services.scores import rubric_for, score_rows
from bot.services.status import Blocker, projection_of
from rubric.planning import gap_to_next_level
from rubric.schema import Rubric, Text
from storage.enums import AnswerStatus, AssessmentStatus, Role
from storage.models import Assessment, City
from storage.repo import answers, assessments, ledger, orgs

if TYPE_CHECKING:
    from bot.deps import Deps

RESULT_KIND = "result"
RESULT_PERIOD = "complete"


def result_target(assessment_id: int) -> str:
    """The ledger target of an assessment's result."""
    return f"assessment:{assessment_id}"


@dataclass(frozen=True)
class AreaRow:
    """One practice area's result; `assigned` is False for an area nobody was asked to answer."""

    area_id: str
    name: Text
    met: int
    total: int
    assigned: bool


@dataclass(frozen=True)
class StepRow:
    """A criterion between the city and its next level, with the first step toward it."""

    criterion_id: str
    statement: Text
    area: Text
    core: bool
    needed_for: str | None
    action: Text
    deliverable: Text
    effort: str
    owner: Text
    horizon_months: int


@dataclass(frozen=True)
class ResultAnnouncement:
    """What to post to the city's channel when its assessment is complete."""

    assessment_id: int
    ledger_id: int | None
    city_name: str
    language: str
    channel_id: str | None
    coordinators: tuple[str, ...]
    """Slack ids, told directly when the channel cannot be posted to."""
    rubric_title: Text
    round_number: int
    met: int
    total: int
    percent: Decimal
    level: Text | None
    level_by_percent: Text | None
    blockers: tuple[Blocker, ...]
    first_level: Text | None
    first_level_percent: Decimal | None
    unsure: int
    """Criteria answered as unsure (counted as not met)."""
    areas: tuple[AreaRow, ...]
    target: Text | None
    """The next level; None when the city is at the top one."""
    reaches: Text | None
    """The level reached once every step is met."""
    steps: tuple[StepRow, ...]


def is_complete(
    rubric: Rubric, area_ids: set[str], answered: set[str], criterion_ids: Iterable[str] = ()
) -> bool:
    """True when something is assigned and every criterion of each assigned area, and each
    criterion assigned alone, is answered."""
    single = set(criterion_ids)
    return bool(area_ids or single) and all(
        criterion.id in answered
        for area in rubric.areas
        for criterion in area.criteria
        if area.id in area_ids or criterion.id in single
    )


def announce_if_complete(
    session: Session, *, deps: Deps, assessment_id: int, now: datetime
) -> ResultAnnouncement | None:
    """The result to announce if this assessment has just become complete, else None (once)."""
    rubric = deps.rubric
    if rubric is None:
        raise RuntimeError(f"no rubric loaded to score assessment {assessment_id}")
    # FOR NO KEY UPDATE: one checker at a time, without waiting on (and deadlocking with) the
    # key-share locks that other people's new answers hold on this row until they commit.
    assessment = session.get(
        Assessment, assessment_id, with_for_update={"key_share": True}, populate_existing=True
    )
    if assessment is None or assessment.status != AssessmentStatus.OPEN:
        return None
    rubric = rubric_for(assessment, rubric, deps.rubrics)
    assigned = assessments.assignments_for_assessment(session, assessment_id=assessment_id)
    area_ids = {row.area_id for row in assigned if row.criterion_id is None}
    single = {row.criterion_id for row in assigned if row.criterion_id is not None}
    rows = answers.answers_for_assessment(session, assessment_id=assessment_id)
    if not is_complete(rubric, area_ids, answered_criteria(rows), single):
        return None
    claim = ledger.claim_notification(
        session,
        kind=RESULT_KIND,
        target=result_target(assessment_id),
        period_key=RESULT_PERIOD,
        now=now,
    )
    if claim is None:
        return None
    assessments.complete_assessment(session, assessment_id=assessment_id, now=now)
    return result_announcement(
        session, rubric=rubric, assessment=assessment, area_ids=area_ids, ledger_id=claim.id
    )


def result_announcement(
    session: Session,
    *,
    rubric: Rubric,
    assessment: Assessment,
    area_ids: set[str],
    ledger_id: int | None = None,
) -> ResultAnnouncement:
    """The result of an assessment from its stored answers, as the channel message shows it."""
    assert assessment.id is not None
    city = session.get(City, assessment.city_id)
    assert city is not None and city.id is not None
    rows = answers.answers_for_assessment(session, assessment_id=assessment.id)
    result = score_rows(rubric, rows)
    gap = gap_to_next_level(rubric, result)
    seen = projection_of(result, rubric, answered_criteria(rows))
    names = {level.id: level.name for level in rubric.levels}
    coordinators = orgs.people_with_role(session, city_id=city.id, role=Role.COORDINATOR)
    return ResultAnnouncement(
        assessment_id=assessment.id,
        ledger_id=ledger_id,
        city_name=city.name,
        language=city.language,
        channel_id=city.digest_channel_id,
        coordinators=tuple(p.slack_user_id for p in coordinators),
        rubric_title=rubric.title,
        round_number=assessment.round_number,
        met=seen.met,
        total=seen.total,
        percent=seen.percent,
        level=seen.level,
        level_by_percent=seen.level_by_percent,
        blockers=seen.blockers,
        first_level=seen.first_level,
        first_level_percent=seen.first_level_percent,
        unsure=sum(1 for row in rows if row.status == AnswerStatus.UNSURE),
        areas=tuple(
            AreaRow(
                area.id,
                area.name,
                result.area(area.id).met,
                result.area(area.id).total,
                area.id in area_ids,
            )
            for area in rubric.areas
        ),
        target=names[gap.target.id] if gap.target else None,
        reaches=names[gap.reaches.id] if gap.reaches else None,
        steps=tuple(
            StepRow(
                criterion_id=item.criterion_id,
                statement=rubric.criterion(item.criterion_id).statement,
                area=rubric.area(item.area_id).name,
                core=item.core,
                needed_for=item.needed_for,
                action=item.next_step.action,
                deliverable=item.next_step.deliverable,
                effort=item.next_step.effort,
                owner=item.next_step.owner,
                horizon_months=item.next_step.horizon_months,
            )
            for item in gap.items
        ),
    )

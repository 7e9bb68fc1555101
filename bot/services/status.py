"""Progress of an assessment: the team's (for coordinators), a person's own, or how to join.

`status_for` is what `/citycheck status` shows a person; `team_overview` is the coordinator's
summary of one assessment (progress by area, who is assigned and when they were last active,
who has not started, the level the answers so far reach and what holds it back), also shown
compactly on the coordinator's App Home through `coordinator_overviews`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session

from bot.reports.history import RoundResult, previous_round_result
from bot.services.access import N_, NOT_A_MEMBER, NOT_SET_UP, find_actor
from bot.services.coordinator import CityChoice, answered_criteria, cities_with_role, language_of
from bot.services.scores import rubric_for, score_assessment
from rubric.registry import RubricRegistry
from rubric.schema import Rubric, Text
from rubric.scoring import Score
from storage.enums import AssessmentStatus, Role
from storage.models import Answer, Assessment, City, Person
from storage.repo import answers, assessments, orgs, progress

LEADER_ONLY = N_(
    "You are a leader for {cities}: you will hear from me about the improvement plan's "
    "milestones. The assessment's progress is followed by its coordinators."
)


@dataclass(frozen=True)
class AssigneeProgress:
    """One person assigned to an area: when they were last active and whether they started."""

    name: str
    slack_user_id: str
    last_active_at: datetime | None
    started: bool
    paused_until: datetime | None = None


@dataclass(frozen=True)
class AreaProgress:
    """One practice area: criteria answered of its total, and its assignees."""

    area_id: str
    name: Text
    answered: int
    total: int
    assignees: tuple[AssigneeProgress, ...]

    @property
    def done(self) -> bool:
        """True when every criterion of the area is answered."""
        return self.answered >= self.total


@dataclass(frozen=True)
class Blocker:
    """A core criterion that is not met (yet): no level without it."""

    criterion_id: str
    statement: Text
    answered: bool


@dataclass(frozen=True)
class Projection:
    """The level the answers so far reach, and what holds it back."""

    met: int
    total: int
    percent: Decimal
    level: Text | None
    level_by_percent: Text | None
    """The level the share met alone reaches, core criteria aside."""
    blockers: tuple[Blocker, ...]
    first_level: Text | None = None
    first_level_percent: Decimal | None = None


@dataclass(frozen=True)
class TeamOverview:
    """A coordinator's view of one assessment."""

    city_id: int
    city_name: str
    assessment_id: int
    round_number: int
    completed: bool
    rubric_title: Text
    areas: tuple[AreaProgress, ...]
    not_started: tuple[str, ...]
    """Display names of assignees who have not answered anything yet."""
    projection: Projection
    now: datetime
    previous: RoundResult | None = None
    """The round before, on its own rubric version (None in a first round)."""

    @property
    def answered(self) -> int:
        """Criteria answered across assigned and unassigned areas."""
        return sum(area.answered for area in self.areas)

    @property
    def total(self) -> int:
        """Every criterion of the rubric."""
        return sum(area.total for area in self.areas)


@dataclass(frozen=True)
class OwnArea:
    """One of a respondent's areas."""

    name: Text
    answered: int
    total: int


@dataclass(frozen=True)
class OwnProgress:
    """A respondent's own areas in one assessment."""

    city_name: str
    assessment_id: int
    areas: tuple[OwnArea, ...]
    paused_until: datetime | None = None

    @property
    def done(self) -> bool:
        """True when all their areas are answered."""
        return all(area.answered >= area.total for area in self.areas)


@dataclass(frozen=True)
class Outsider:
    """Someone with nothing to follow: why, as a message id with its placeholders."""

    reason: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StatusView:
    """What `/citycheck status` shows one person."""

    language: str | None
    team: TeamOverview | None = None
    own: tuple[OwnProgress, ...] = ()
    outsider: Outsider | None = None
    choice: CityChoice | None = None


def status_for(
    session: Session,
    *,
    team_id: str | None,
    user_id: str,
    city_name: str,
    rubric: Rubric,
    now: datetime,
    rubrics: RubricRegistry | None = None,
) -> StatusView:
    """The status for this person: the team's if they coordinate, their own if they answer
    (each round read against the rubric version it was taken on)."""
    actor = find_actor(session, team_id=team_id, user_id=user_id)
    person = actor.person
    if person is None or person.id is None:
        return StatusView(
            None, outsider=Outsider(NOT_SET_UP if actor.workspace is None else NOT_A_MEMBER)
        )
    language = language_of(person)
    coordinated = cities_with_role(session, actor=actor, role=Role.COORDINATOR)
    wanted = " ".join(city_name.split()).casefold()
    named = [c for c in coordinated if c.name.casefold() == wanted] if wanted else []
    if len(named or coordinated) > 1:
        return StatusView(language, choice=CityChoice("status", tuple(c.name for c in coordinated)))
    team = None
    if coordinated:
        team = _overview_of_city(
            session, city=(named or coordinated)[0], rubric=rubric, now=now, rubrics=rubrics
        )
    own = own_progress(session, person_id=person.id, rubric=rubric, rubrics=rubrics)
    if team is None and not own:
        leading = cities_with_role(session, actor=actor, role=Role.LEADER)
        if leading:
            names = ", ".join(city.name for city in leading)
            return StatusView(language, outsider=Outsider(LEADER_ONLY, {"cities": names}))
        return StatusView(language, outsider=Outsider(NOT_A_MEMBER))
    return StatusView(language, team=team, own=own)


def coordinator_overviews(
    session: Session,
    *,
    person_id: int,
    rubric: Rubric,
    now: datetime,
    rubrics: RubricRegistry | None = None,
) -> list[TeamOverview]:
    """The team overview of each city the person coordinates (its open or latest round)."""
    found = []
    for city in orgs.cities_of_person(session, person_id=person_id):
        assert city.id is not None
        if Role.COORDINATOR not in orgs.roles_of(session, city_id=city.id, person_id=person_id):
            continue
        overview = _overview_of_city(session, city=city, rubric=rubric, now=now, rubrics=rubrics)
        if overview is not None:
            found.append(overview)
    return found


def _overview_of_city(
    session: Session,
    *,
    city: City,
    rubric: Rubric,
    now: datetime,
    rubrics: RubricRegistry | None = None,
) -> TeamOverview | None:
    assert city.id is not None
    assessment = assessments.open_assessment(
        session, city_id=city.id
    ) or assessments.latest_assessment(session, city_id=city.id)
    if assessment is None:
        return None
    return team_overview(
        session, city=city, assessment=assessment, rubric=rubric, now=now, rubrics=rubrics
    )


def team_overview(
    session: Session,
    *,
    city: City,
    assessment: Assessment,
    rubric: Rubric,
    now: datetime,
    rubrics: RubricRegistry | None = None,
) -> TeamOverview:
    """Progress by area and person, who has not started, the level reached so far, and the
    round before (on the rubric version each was taken on)."""
    assert city.id is not None and assessment.id is not None
    rubric = rubric_for(assessment, rubric, rubrics)
    rows = answers.answers_for_assessment(session, assessment_id=assessment.id)
    answered = answered_criteria(rows)
    people: dict[int, AssigneeProgress] = {}
    areas = []
    for area in rubric.areas:
        assigned = []
        for person in assessments.assignees(session, assessment_id=assessment.id, area_id=area.id):
            assert person.id is not None
            if person.id not in people:
                people[person.id] = _assignee(session, person, assessment.id, rows)
            assigned.append(people[person.id])
        done = sum(1 for c in area.criteria if c.id in answered)
        areas.append(AreaProgress(area.id, area.name, done, len(area.criteria), tuple(assigned)))
    return TeamOverview(
        city_id=city.id,
        city_name=city.name,
        assessment_id=assessment.id,
        round_number=assessment.round_number,
        completed=assessment.status != AssessmentStatus.OPEN,
        rubric_title=rubric.title,
        areas=tuple(areas),
        not_started=tuple(p.name for p in people.values() if not p.started),
        projection=projection(session, assessment=assessment, rubric=rubric, answered=answered),
        now=now,
        previous=_previous_round(session, assessment, rubric, rubrics),
    )


def _previous_round(
    session: Session, assessment: Assessment, rubric: Rubric, rubrics: RubricRegistry | None
) -> RoundResult | None:
    if assessment.round_number <= 1:
        return None
    return previous_round_result(session, assessment=assessment, rubric=rubric, rubrics=rubrics)


def _assignee(
    session: Session, person: Person, assessment_id: int, rows: Sequence[Answer]
) -> AssigneeProgress:
    person_id = person.id
    assert person_id is not None
    place = progress.get_progress(session, person_id=person_id, assessment_id=assessment_id)
    theirs = [row.answered_at for row in rows if row.answered_by_id == person_id]
    moments = [*theirs, *([place.last_activity_at] if place else [])]
    started = bool(theirs) or bool(
        place and (place.current_criterion_id is not None or place.completed_at is not None)
    )
    return AssigneeProgress(
        name=person.display_name,
        slack_user_id=person.slack_user_id,
        last_active_at=max(moments) if moments else None,
        started=started,
        paused_until=place.paused_until if place else None,
    )


def projection(
    session: Session, *, assessment: Assessment, rubric: Rubric, answered: set[str]
) -> Projection:
    """The level the stored answers reach now, and the core criteria holding it back."""
    return projection_of(
        score_assessment(session, rubric=rubric, assessment=assessment), rubric, answered
    )


def projection_of(result: Score, rubric: Rubric, answered: set[str]) -> Projection:
    """A score as a projection: level names, blockers with their statements, the first level."""
    names = {level.id: level.name for level in rubric.levels}
    first = min(rubric.levels, key=lambda lv: lv.min_percent) if rubric.levels else None
    return Projection(
        met=result.met,
        total=result.total,
        percent=result.percent,
        level=names[result.level.id] if result.level else None,
        level_by_percent=names[result.level_by_percent.id] if result.level_by_percent else None,
        blockers=tuple(
            Blocker(cid, rubric.criterion(cid).statement, cid in answered)
            for cid in result.blocked_by
        ),
        first_level=first.name if first else None,
        first_level_percent=first.min_percent if first else None,
    )


def own_progress(
    session: Session, *, person_id: int, rubric: Rubric, rubrics: RubricRegistry | None = None
) -> tuple[OwnProgress, ...]:
    """A respondent's areas in each open assessment, with answered counts of the criteria they
    are asked (a whole area's, or those assigned to them alone)."""
    by_assessment: dict[int, tuple[set[str], set[str]]] = {}
    for row in assessments.assignments_for_person(session, person_id=person_id):
        wholes, alone = by_assessment.setdefault(row.assessment_id, (set(), set()))
        if row.criterion_id is None:
            wholes.add(row.area_id)
        else:
            alone.add(row.criterion_id)
    found = []
    for assessment_id, (area_ids, single) in by_assessment.items():
        assessment = assessments.get_assessment(session, assessment_id=assessment_id)
        taken_on = rubric_for(assessment, rubric, rubrics)
        city = orgs.get_city(session, city_id=assessment.city_id)
        answered = answered_criteria(
            answers.answers_for_assessment(session, assessment_id=assessment_id)
        )
        place = progress.get_progress(session, person_id=person_id, assessment_id=assessment_id)
        asked = [
            (area, [c.id for c in area.criteria if area.id in area_ids or c.id in single])
            for area in taken_on.areas
        ]
        areas = tuple(
            OwnArea(area.name, sum(1 for cid in ids if cid in answered), len(ids))
            for area, ids in asked
            if ids
        )
        found.append(
            OwnProgress(city.name, assessment_id, areas, place.paused_until if place else None)
        )
    return tuple(found)

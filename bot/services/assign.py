"""Who answers which practice area: the assign form, its checks, and storing the difference.

`assign_form` gives a coordinator the areas with their current assignees; `check_assignments`
checks a submission (who submits it, at most three people an area) without writing;
`save_assignments` checks again and stores only what changed, in one unit of work, returning
whom to tell: each newly assigned person, and each person an area was taken from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.services import sharing
from bot.services.access import (
    N_,
    AccessDenied,
    AmbiguousCity,
    city_for_role,
    deny,
    find_actor,
    require_role,
)
from bot.services.coordinator import (
    NO_OPEN_ASSESSMENT,
    NOT_AN_ID,
    CityChoice,
    Problem,
    Refusal,
    answered_criteria,
    language_of,
    parse_id,
)
from bot.services.profiles import Profile, people_for, profiles_needed
from bot.services.scores import rubric_for
from rubric.registry import RubricRegistry
from rubric.schema import Rubric, Text
from storage.enums import Role
from storage.models import Person
from storage.repo import answers, assessments, orgs, progress

MAX_PER_AREA = 3
MINUTES_PER_QUESTION = 1.25
"""About how long one criterion takes to answer, for the estimate in the assignment message."""

TOO_MANY = N_("Pick at most {limit} people for one area.")


@dataclass(frozen=True)
class AreaSlot:
    """One practice area in the assign form: its name, size and current assignees."""

    area_id: str
    name: Text
    criteria: int
    assignees: tuple[str, ...]
    """Slack user ids."""


@dataclass(frozen=True)
class AssignForm:
    """What the assign modal shows."""

    city_id: int
    city_name: str
    assessment_id: int
    areas: tuple[AreaSlot, ...]


@dataclass(frozen=True)
class AssignSubmission:
    """A submitted assign modal as Slack sent it: the city reference, people by area id."""

    city_ref: str
    selections: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class AssignCheck:
    """A checked submission: the city and cleaned selections, or problems by area, or a refusal."""

    city_id: int | None = None
    selections: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    problems: Mapping[str, Problem] = field(default_factory=dict)
    refusal: Refusal | None = None
    language: str | None = None
    """The submitter's language, when they are known here."""

    @property
    def ok(self) -> bool:
        """True when the submission may be stored."""
        return self.city_id is not None and not self.problems and self.refusal is None


@dataclass(frozen=True)
class AreaBrief:
    """An area as an assignee reads about it."""

    area_id: str
    name: Text
    criteria: int


@dataclass(frozen=True)
class AssignmentNotice:
    """The direct message to a person who was given one or more areas."""

    slack_user_id: str
    language: str | None
    city_name: str
    assessment_id: int
    rubric_title: Text
    coordinator_name: str
    areas: tuple[AreaBrief, ...]
    """Every area now theirs, in the rubric's order."""
    new_area_ids: tuple[str, ...]
    questions: int
    """Criteria of their areas not answered yet."""

    @property
    def minutes(self) -> int:
        """About how long the questions take, rounded to five minutes (at least five)."""
        return max(5, int(self.questions * MINUTES_PER_QUESTION / 5 + 0.5) * 5)


@dataclass(frozen=True)
class Handover:
    """An area taken from someone, and who answers it now (display names; may be none)."""

    area: Text
    now_answered_by: tuple[str, ...]


@dataclass(frozen=True)
class RemovalNotice:
    """The direct message to a person an area was taken from."""

    slack_user_id: str
    language: str | None
    city_name: str
    handovers: tuple[Handover, ...]


@dataclass(frozen=True)
class AssignDone:
    """What was stored and whom to tell."""

    city_name: str
    coordinator_id: str
    coordinator_language: str | None
    added: tuple[AssignmentNotice, ...]
    removed: tuple[RemovalNotice, ...]
    changes: int
    """Assignments added plus removed (0: nothing changed, nobody is told)."""
    assessment_id: int | None = None
    """The open round the assignments are of."""


@dataclass(frozen=True)
class AssignOutcome:
    """What `save_assignments` did: `done`, or the check that stopped it."""

    done: AssignDone | None
    check: AssignCheck


def assign_form(
    session: Session,
    *,
    team_id: str | None,
    user_id: str,
    city_name: str,
    rubric: Rubric,
    rubrics: RubricRegistry | None = None,
) -> AssignForm | Refusal | CityChoice:
    """The areas of the coordinator's city (of the open round's rubric version) with their
    assignees, or why not."""
    actor = find_actor(session, team_id=team_id, user_id=user_id)
    try:
        city = city_for_role(
            session, actor=actor, roles=[Role.COORDINATOR], action="assign", city_name=city_name
        )
    except AccessDenied as denied:
        return Refusal.of(denied)
    except AmbiguousCity as ambiguous:
        return CityChoice("assign", tuple(c.name for c in ambiguous.cities))
    assert city.id is not None
    assessment = assessments.open_assessment(session, city_id=city.id)
    if assessment is None or assessment.id is None:
        return Refusal(NO_OPEN_ASSESSMENT, {"city": city.name})
    rubric = rubric_for(assessment, rubric, rubrics)
    slots = tuple(
        AreaSlot(
            area.id,
            area.name,
            len(area.criteria),
            tuple(
                p.slack_user_id
                for p in assessments.assignees(
                    session, assessment_id=assessment.id, area_id=area.id
                )
            ),
        )
        for area in rubric.areas
    )
    return AssignForm(city.id, city.name, assessment.id, slots)


def check_assignments(
    session: Session,
    *,
    team_id: str | None,
    user_id: str,
    submission: AssignSubmission,
    rubric: Rubric,
    rubrics: RubricRegistry | None = None,
) -> AssignCheck:
    """Check a submitted assign form and who submits it; nothing is written."""
    actor = find_actor(session, team_id=team_id, user_id=user_id)
    language = language_of(actor.person)
    city_id = parse_id(submission.city_ref)
    if city_id is None:
        deny(NOT_AN_ID, action="assign", actor=actor, target=submission.city_ref[:40])
        return AssignCheck(refusal=Refusal(NOT_AN_ID), language=language)
    try:
        require_role(
            session, actor=actor, city_id=city_id, roles=[Role.COORDINATOR], action="assign"
        )
    except AccessDenied as denied:
        return AssignCheck(refusal=Refusal.of(denied), language=language)
    open_round = assessments.open_assessment(session, city_id=city_id)
    if open_round is not None:
        rubric = rubric_for(open_round, rubric, rubrics)
    known = {area.id for area in rubric.areas}
    selections = {
        area_id: tuple(dict.fromkeys(people))
        for area_id, people in submission.selections.items()
        if area_id in known
    }
    problems = {
        area_id: Problem(TOO_MANY, {"limit": str(MAX_PER_AREA)})
        for area_id, people in selections.items()
        if len(people) > MAX_PER_AREA
    }
    return AssignCheck(city_id=city_id, selections=selections, problems=problems, language=language)


def people_to_read(
    session: Session, *, team_id: str | None, submission: AssignSubmission, now: datetime
) -> list[str]:
    """The Slack ids picked whose profiles must be read (unknown here, or stale)."""
    picked = [sid for people in submission.selections.values() for sid in people]
    return profiles_needed(session, team_id=team_id, slack_user_ids=picked, now=now)


def save_assignments(
    session: Session,
    *,
    team_id: str | None,
    user_id: str,
    submission: AssignSubmission,
    profiles: Iterable[Profile],
    rubric: Rubric,
    now: datetime,
    rubrics: RubricRegistry | None = None,
) -> AssignOutcome:
    """Check again, then add and remove only what changed; one unit of work (caller commits)."""
    check = check_assignments(
        session,
        team_id=team_id,
        user_id=user_id,
        submission=submission,
        rubric=rubric,
        rubrics=rubrics,
    )
    if not check.ok or check.city_id is None:
        return AssignOutcome(None, check)
    city = orgs.get_city(session, city_id=check.city_id)
    assessment = assessments.open_assessment(session, city_id=check.city_id)
    if assessment is None or assessment.id is None:
        return AssignOutcome(
            None, AssignCheck(refusal=Refusal(NO_OPEN_ASSESSMENT, {"city": city.name}))
        )
    rubric = rubric_for(assessment, rubric, rubrics)
    coordinator = find_actor(session, team_id=team_id, user_id=user_id).person
    assert coordinator is not None and coordinator.id is not None
    picked = [sid for people in check.selections.values() for sid in people]
    people = people_for(
        session, workspace_id=city.workspace_id, slack_user_ids=picked, profiles=profiles, now=now
    )
    changes = _Changes()
    for area_id, chosen in check.selections.items():
        after = [people[sid] for sid in chosen if sid in people]
        changes.apply(
            session,
            assessment_id=assessment.id,
            area_id=area_id,
            after=after,
            city_id=check.city_id,
            by_id=coordinator.id,
            now=now,
        )
    added, taken, by_id = changes.added, changes.taken, changes.people
    moved = {area for areas in [*added.values(), *taken.values()] for area in areas}
    sharing.reconcile(
        session,
        rubric=rubric,
        assessment_id=assessment.id,
        criterion_ids=sharing.criteria_of(rubric, moved, ()),
        by_id=coordinator.id,
        now=now,
    )
    for person_id in added:
        row = progress.get_progress(session, person_id=person_id, assessment_id=assessment.id)
        if row is not None and row.completed_at is not None:
            progress.reopen_progress(
                session, person_id=person_id, assessment_id=assessment.id, now=now
            )
    answered = answered_criteria(
        answers.answers_for_assessment(session, assessment_id=assessment.id)
    )
    added_notices = tuple(
        _assignment_notice(
            session,
            person=by_id[person_id],
            new_area_ids=tuple(area_ids),
            assessment_id=assessment.id,
            city_name=city.name,
            coordinator=coordinator,
            answered=answered,
            rubric=rubric,
        )
        for person_id, area_ids in added.items()
    )
    removed_notices = tuple(
        _removal_notice(
            session,
            person=by_id[person_id],
            area_ids=area_ids,
            assessment_id=assessment.id,
            city_name=city.name,
            rubric=rubric,
        )
        for person_id, area_ids in taken.items()
    )
    done = AssignDone(
        city_name=city.name,
        coordinator_id=user_id,
        coordinator_language=language_of(coordinator),
        added=added_notices,
        removed=removed_notices,
        changes=changes.count,
        assessment_id=assessment.id,
    )
    return AssignOutcome(done, check)


@dataclass
class _Changes:
    """The assignments added and taken away, by person id, and the people involved."""

    added: dict[int, list[str]] = field(default_factory=dict)
    taken: dict[int, list[str]] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(map(len, self.added.values())) + sum(map(len, self.taken.values()))

    def apply(
        self,
        session: Session,
        *,
        assessment_id: int,
        area_id: str,
        after: list[Person],
        city_id: int,
        by_id: int,
        now: datetime,
    ) -> None:
        """Make exactly `after` the assignees of one area, remembering what changed."""
        before = {
            p.id: p
            for p in assessments.assignees(session, assessment_id=assessment_id, area_id=area_id)
        }
        wanted = {p.id: p for p in after}
        for person_id, person in wanted.items():
            if person_id is None or person_id in before:
                continue
            assessments.assign_area(
                session,
                assessment_id=assessment_id,
                area_id=area_id,
                person_id=person_id,
                assigned_by_id=by_id,
                now=now,
            )
            orgs.grant_role(
                session, city_id=city_id, person_id=person_id, role=Role.RESPONDENT, now=now
            )
            self.people[person_id] = person
            self.added.setdefault(person_id, []).append(area_id)
        for person_id, person in before.items():
            if person_id is None or person_id in wanted:
                continue
            assessments.unassign_area(
                session, assessment_id=assessment_id, area_id=area_id, person_id=person_id
            )
            self.people[person_id] = person
            self.taken.setdefault(person_id, []).append(area_id)


def _assignment_notice(
    session: Session,
    *,
    person: Person,
    new_area_ids: tuple[str, ...],
    assessment_id: int,
    city_name: str,
    coordinator: Person,
    answered: set[str],
    rubric: Rubric,
) -> AssignmentNotice:
    assert person.id is not None
    theirs = {
        a.area_id
        for a in assessments.assignments_for_person(session, person_id=person.id)
        if a.assessment_id == assessment_id
    }
    areas = tuple(
        AreaBrief(area.id, area.name, len(area.criteria))
        for area in rubric.areas
        if area.id in theirs
    )
    open_questions = sum(
        1
        for area in rubric.areas
        if area.id in theirs
        for c in area.criteria
        if c.id not in answered
    )
    return AssignmentNotice(
        slack_user_id=person.slack_user_id,
        language=language_of(person),
        city_name=city_name,
        assessment_id=assessment_id,
        rubric_title=rubric.title,
        coordinator_name=coordinator.display_name,
        areas=areas,
        new_area_ids=new_area_ids,
        questions=open_questions,
    )


def _removal_notice(
    session: Session,
    *,
    person: Person,
    area_ids: list[str],
    assessment_id: int,
    city_name: str,
    rubric: Rubric,
) -> RemovalNotice:
    handovers = []
    for area_id in area_ids:
        now_with = assessments.assignees(session, assessment_id=assessment_id, area_id=area_id)
        handovers.append(
            Handover(rubric.area(area_id).name, tuple(p.display_name for p in now_with))
        )
    return RemovalNotice(
        slack_user_id=person.slack_user_id,
        language=language_of(person),
        city_name=city_name,
        handovers=tuple(handovers),
    )

"""`/citycheck assign <area or criterion> @person [@person @person] [city]`: one at a time.

An area named this way gets exactly the people mentioned, as the assign form would store it
(`bot.services.assign`). A criterion gets them in addition to the people of its area: each
answers it on their own, and their answers are compared (`bot.services.respondents`). At most
three people answer one criterion, counting those who answer its whole area; `none` instead
of people takes the criterion's own assignees away.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.services import sharing
from bot.services.access import (
    N_,
    AccessDenied,
    Actor,
    AmbiguousCity,
    city_for_role,
    find_actor,
)
from bot.services.assign import MAX_PER_AREA, AssignSubmission
from bot.services.coordinator import NO_OPEN_ASSESSMENT, CityChoice, Refusal, language_of
from bot.services.profiles import Profile, people_for
from bot.services.scores import rubric_for
from rubric.registry import RubricRegistry
from rubric.schema import Rubric, Text
from storage.enums import Role
from storage.models import City, Person
from storage.repo import assessments, orgs, progress
from storage.repo import respondents as respondent_repo

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
TARGET = re.compile(r"[A-Za-z]{1,8}[0-9]{0,3}")
CLEAR = frozenset({"none", "nobody"})

UNKNOWN_TARGET = N_(
    "The rubric has no practice area or criterion {target}. Name one by its id, such as "
    "{example_area} (an area) or {example_criterion} (one criterion)."
)
TOO_MANY_FOR_ONE = N_(
    "At most {limit} people can answer one criterion; {criterion} would have {count} "
    "(with those who answer {area}). Pick fewer people."
)
NOBODY_PICKED = N_(
    "Mention the people who should answer {target}, e.g. `/citycheck assign {target} @name`, "
    "or write `none` to take it away from everyone assigned to it alone."
)


@dataclass(frozen=True)
class OneAssignment:
    """What the command names: an area or criterion id, the people, and maybe a city."""

    target: str
    slack_user_ids: tuple[str, ...]
    clear: bool
    city_name: str


@dataclass(frozen=True)
class CriterionNotice:
    """The DM to a person newly asked to answer one criterion."""

    slack_user_id: str
    language: str | None
    city_name: str
    assessment_id: int
    criterion_id: str
    statement: Text
    coordinator_name: str
    with_names: tuple[str, ...]
    """The others who answer it (each on their own)."""


@dataclass(frozen=True)
class CriterionAssigned:
    """What was stored: the criterion's respondents now, and whom to tell."""

    city_name: str
    criterion_id: str
    area_name: Text
    coordinator_language: str | None
    area_people: tuple[str, ...]
    """Who answers the whole area (display names)."""
    own_people: tuple[str, ...]
    """Who answers the criterion alone (display names)."""
    added: tuple[CriterionNotice, ...]
    removed: tuple[str, ...]
    """Slack ids of the people the criterion was taken from."""
    assessment_id: int | None = None
    """The open round the criterion is assigned in."""


def parse_one_assignment(text: str, rubric: Rubric) -> OneAssignment | None:
    """The command's text as one area or criterion to assign, or None when it names none
    (then it is a city name, for the assign form)."""
    words = text.split()
    if not words or not TARGET.fullmatch(words[0]):
        return None
    target = words[0].upper()
    known = {a.id for a in rubric.areas} | {c.id for c in rubric.criteria()}
    people = tuple(dict.fromkeys(MENTION.findall(text)))
    rest = MENTION.sub(" ", " ".join(words[1:])).split()
    clear = bool(rest) and rest[0].casefold() in CLEAR
    if clear:
        rest = rest[1:]
    if target not in known and not people and not clear:
        return None
    return OneAssignment(target, people, clear, " ".join(rest))


def people_to_read(request: OneAssignment) -> list[str]:
    """The Slack ids whose profiles the command needs (the caller reads them from Slack)."""
    return list(request.slack_user_ids)


def target_problem(request: OneAssignment, rubric: Rubric) -> Refusal | None:
    """A refusal when the area or criterion is unknown, or nobody is named."""
    if request.target not in {a.id for a in rubric.areas} | {c.id for c in rubric.criteria()}:
        example = rubric.areas[0]
        return Refusal(
            UNKNOWN_TARGET,
            {
                "target": request.target,
                "example_area": example.id,
                "example_criterion": example.criteria[0].id,
            },
        )
    if not request.slack_user_ids and not request.clear:
        return Refusal(NOBODY_PICKED, {"target": request.target})
    return None


def assign_criterion(
    session: Session,
    *,
    team_id: str | None,
    user_id: str,
    request: OneAssignment,
    profiles: Iterable[Profile],
    rubric: Rubric,
    now: datetime,
    rubrics: RubricRegistry | None = None,
) -> CriterionAssigned | Refusal | CityChoice:
    """Make exactly these people the criterion's own respondents (one unit of work)."""
    actor = find_actor(session, team_id=team_id, user_id=user_id)
    city = _coordinated_city(session, actor, request)
    if isinstance(city, Refusal | CityChoice):
        return city
    assert city.id is not None
    assessment = assessments.open_assessment(session, city_id=city.id)
    if assessment is None or assessment.id is None:
        return Refusal(NO_OPEN_ASSESSMENT, {"city": city.name})
    rubric = rubric_for(assessment, rubric, rubrics)
    problem = target_problem(request, rubric)
    if problem is not None:
        return problem
    coordinator = actor.person
    assert coordinator is not None and coordinator.id is not None
    criterion = rubric.criterion(request.target)
    area = rubric.area_of(criterion.id)
    whole = assessments.assignees(session, assessment_id=assessment.id, area_id=area.id)
    picked = people_for(
        session,
        workspace_id=city.workspace_id,
        slack_user_ids=request.slack_user_ids,
        profiles=profiles,
        now=now,
    )
    whole_ids = {p.id for p in whole}
    wanted = {p.id: p for p in picked.values() if p.id not in whole_ids}
    count = len(whole_ids) + len(wanted)
    if count > MAX_PER_AREA:
        return Refusal(
            TOO_MANY_FOR_ONE,
            {
                "limit": str(MAX_PER_AREA),
                "criterion": criterion.id,
                "count": str(count),
                "area": area.id,
            },
        )
    before = {
        p.id: p
        for p in respondent_repo.criterion_assignees(
            session, assessment_id=assessment.id, criterion_id=criterion.id
        )
    }
    added: list[Person] = []
    for person_id, person in wanted.items():
        if person_id is None or person_id in before:
            continue
        respondent_repo.assign_criterion(
            session,
            assessment_id=assessment.id,
            area_id=area.id,
            criterion_id=criterion.id,
            person_id=person_id,
            assigned_by_id=coordinator.id,
            now=now,
        )
        orgs.grant_role(
            session, city_id=city.id, person_id=person_id, role=Role.RESPONDENT, now=now
        )
        found = progress.get_progress(session, person_id=person_id, assessment_id=assessment.id)
        if found is not None and found.completed_at is not None:
            progress.reopen_progress(
                session, person_id=person_id, assessment_id=assessment.id, now=now
            )
        added.append(person)
    removed = [p for pid, p in before.items() if pid is not None and pid not in wanted]
    for person in removed:
        assert person.id is not None
        respondent_repo.unassign_criterion(
            session, assessment_id=assessment.id, criterion_id=criterion.id, person_id=person.id
        )
    sharing.reconcile(
        session,
        rubric=rubric,
        assessment_id=assessment.id,
        criterion_ids=[criterion.id],
        by_id=coordinator.id,
        now=now,
    )
    everyone = [p.display_name for p in whole] + [p.display_name for p in wanted.values()]
    return CriterionAssigned(
        city_name=city.name,
        criterion_id=criterion.id,
        area_name=area.name,
        coordinator_language=language_of(coordinator),
        area_people=tuple(p.display_name for p in whole),
        own_people=tuple(p.display_name for p in wanted.values()),
        added=tuple(
            CriterionNotice(
                slack_user_id=person.slack_user_id,
                language=language_of(person),
                city_name=city.name,
                assessment_id=assessment.id,
                criterion_id=criterion.id,
                statement=criterion.statement,
                coordinator_name=coordinator.display_name,
                with_names=tuple(n for n in everyone if n != person.display_name),
            )
            for person in added
        ),
        removed=tuple(p.slack_user_id for p in removed),
        assessment_id=assessment.id,
    )


def area_submission(
    session: Session, *, team_id: str | None, user_id: str, request: OneAssignment
) -> AssignSubmission | Refusal | CityChoice:
    """The assign form's submission that gives one area exactly the people named."""
    city = _coordinated_city(
        session, find_actor(session, team_id=team_id, user_id=user_id), request
    )
    if isinstance(city, Refusal | CityChoice):
        return city
    picked = () if request.clear else request.slack_user_ids
    return AssignSubmission(str(city.id), {request.target: picked})


def _coordinated_city(
    session: Session, actor: Actor, request: OneAssignment
) -> City | Refusal | CityChoice:
    """The city the command is about, when the actor coordinates it; else why not, or which."""
    try:
        return city_for_role(
            session,
            actor=actor,
            roles=[Role.COORDINATOR],
            action="assign",
            city_name=request.city_name,
        )
    except AccessDenied as denied:
        return Refusal.of(denied)
    except AmbiguousCity as ambiguous:
        return CityChoice("assign", tuple(c.name for c in ambiguous.cities))

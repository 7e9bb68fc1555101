"""The App Home's view model: one section per role the person holds, in a fixed order.

Respondent (their areas and a Resume button), coordinator (the team's progress), leader (open
milestones), then the coordinator's latest result chart. Each section's model comes from its
owner's service and is computed only for a person holding that role; a person with none sees
the welcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from bot.interview import navigation as nav
from bot.interview.views import AreaProgress
from bot.services import access
from bot.services.interview import snapshot_of
from bot.services.scores import RubricMismatchError, rubric_for
from rubric.registry import RubricRegistry
from rubric.schema import Rubric
from storage.enums import Role
from storage.models import Person
from storage.repo import interviews, orgs
from storage.session import unit_of_work

if TYPE_CHECKING:
    from bot.deps import Deps

HOME_INTERVIEWS = 5
"""At most this many open interviews on the Home (one per city; people rarely have two)."""


@dataclass(frozen=True)
class RespondentInterview:
    """One open assessment the person answers in: their areas' progress and their place."""

    assessment_id: int
    city_name: str
    areas: tuple[AreaProgress, ...]
    settled: int
    total: int
    current: str | None
    position: int | None
    started: bool
    done: bool
    paused_until: datetime | None = None
    timezone: str = "UTC"
    rubric: Rubric | None = None
    """The rubric version the assessment was taken on (the current one if None)."""


@dataclass(frozen=True)
class HomeModel:
    """Everything the Home tab shows for one person."""

    lang: str | None
    respondent: tuple[RespondentInterview, ...] = ()
    coordinator: tuple[Any, ...] = ()
    """The coordinator section's models (`bot.services.status.TeamOverview`), one per city."""
    leader: Any | None = None
    """The leader section's model (`bot.services.milestones.LeaderHomeView`)."""
    report_chart: Any | None = None
    disagreements: tuple[Any, ...] = ()
    """Open disagreements for a coordinator to settle (`bot.services.disagreement_views`)."""
    """The result charts (`bot.services.reports.ReportChartView`)."""
    roles: frozenset[Role] = field(default_factory=frozenset)
    attention: Any | None = None
    """The person's reminders: next nudge, away, times (`bot.services.attention.AttentionView`)."""

    @property
    def has_sections(self) -> bool:
        """False for a person with no role and no assigned areas: they see the welcome."""
        return bool(self.respondent or self.coordinator or self.leader or self.report_chart)


def home_model(deps: Deps, *, team_id: str | None, user_id: str, now: datetime) -> HomeModel:
    """The Home of the person behind a Slack user id (the welcome when unknown here)."""
    if deps.engine is None or deps.rubric is None:
        return HomeModel(None)
    with unit_of_work(deps.engine, read_only=True) as session:
        person = access.find_actor(session, team_id=team_id, user_id=user_id).person
        if person is None or person.id is None:
            return HomeModel(None)
        roles = _roles(session, person.id)
        lang = person.language or person.locale
        return HomeModel(
            lang=lang,
            respondent=respondent_interviews(
                session,
                rubric=deps.rubric,
                team_id=team_id or "",
                person=person,
                rubrics=deps.rubrics,
            ),
            coordinator=_coordinator(session, deps, person, now, roles),
            leader=_leader(session, deps.rubric, person, now, roles),
            report_chart=_report_chart(session, person, roles),
            roles=frozenset(roles),
            attention=_attention(session, deps, person, now, roles),
            disagreements=_disagreements(session, deps, person, roles),
        )


def respondent_interviews(
    session: Session,
    *,
    rubric: Rubric,
    team_id: str,
    person: Person,
    rubrics: RubricRegistry | None = None,
) -> tuple[RespondentInterview, ...]:
    """The person's open interviews with each area's progress, the most recent first (each
    read against the rubric version it was taken on)."""
    assert person.id is not None
    found = []
    for assessment_id in interviews.open_interviews(session, person_id=person.id)[:HOME_INTERVIEWS]:
        rows = interviews.load_interview(
            session,
            slack_team_id=team_id,
            slack_user_id=person.slack_user_id,
            assessment_id=assessment_id,
        )
        if rows is None or rows.assessment is None or rows.city is None or not rows.assigned:
            continue
        try:
            taken_on = rubric_for(rows.assessment, rubric, rubrics)
        except RubricMismatchError:
            continue  # its rubric version is not loaded: the interview itself says so
        snapshot = snapshot_of(rows, taken_on)
        here = nav.shown(snapshot) if snapshot.cursor is not None else None
        settled = sum(1 for cid in snapshot.criteria if snapshot.settled(cid))
        found.append(
            RespondentInterview(
                assessment_id=assessment_id,
                city_name=rows.city.name,
                areas=nav.area_progress(snapshot, taken_on),
                settled=settled,
                total=len(snapshot.criteria),
                current=None if snapshot.all_settled() else here,
                position=nav.position(snapshot, here),
                started=snapshot.cursor is not None or settled > 0,
                done=snapshot.all_settled(),
                paused_until=snapshot.paused_until,
                timezone=snapshot.timezone,
                rubric=taken_on,
            )
        )
    return tuple(found)


def _roles(session: Session, person_id: int) -> set[Role]:
    roles: set[Role] = set()
    for city in orgs.cities_of_person(session, person_id=person_id):
        if city.id is not None:
            roles |= orgs.roles_of(session, city_id=city.id, person_id=person_id)
    return roles


def _coordinator(
    session: Session, deps: Deps, person: Person, now: datetime, roles: set[Role]
) -> tuple[Any, ...]:
    if Role.COORDINATOR not in roles or person.id is None or deps.rubric is None:
        return ()
    from bot.services.status import coordinator_overviews

    overviews = coordinator_overviews(
        session, person_id=person.id, rubric=deps.rubric, now=now, rubrics=deps.rubrics
    )
    return tuple(overviews)


def _leader(
    session: Session, rubric: Rubric, person: Person, now: datetime, roles: set[Role]
) -> Any | None:
    if Role.LEADER not in roles:
        return None
    from bot.services.milestones import leader_home_view

    return leader_home_view(session, rubric=rubric, person=person, now=now)


def _disagreements(
    session: Session, deps: Deps, person: Person, roles: set[Role]
) -> tuple[Any, ...]:
    if Role.COORDINATOR not in roles or person.id is None or deps.rubric is None:
        return ()
    from bot.services.disagreement_views import coordinator_disagreements

    return coordinator_disagreements(
        session, person_id=person.id, rubric=deps.rubric, rubrics=deps.rubrics
    )


def _report_chart(session: Session, person: Person, roles: set[Role]) -> Any | None:
    if Role.COORDINATOR not in roles or person.id is None:
        return None
    from bot.services.reports import report_chart_view

    return report_chart_view(session, person_id=person.id)


def _attention(
    session: Session, deps: Deps, person: Person, now: datetime, roles: set[Role]
) -> Any | None:
    if not roles or person.id is None:
        return None
    from bot.schedule.attention import rules_from
    from bot.services.attention import attention_view

    return attention_view(session, person=person, rules=rules_from(deps.settings), now=now)

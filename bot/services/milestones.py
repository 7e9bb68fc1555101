"""What people do with a milestone: Done (with an optional evidence link), Snooze, Need help.

Only the milestone's owner or a coordinator of its city may act on it; every click re-checks
that in the database. Each function is one unit of work's body: the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from bot.i18n import language_of
from bot.interview.evidence import is_web_link
from bot.schedule.calendar import at_local, local_date
from bot.services.access import N_, NOT_A_MEMBER, Actor, deny
from bot.services.attention import deputy_covers
from bot.services.plan import MilestoneView, PlanView, milestone_view, plan_view
from bot.services.rechecks import request_recheck
from rubric.schema import Rubric
from storage.enums import AssessmentStatus, MilestoneStatus, Role
from storage.models import Assessment, City, Milestone, Person, Plan
from storage.repo import orgs, plans

SNOOZE_DAYS = 7
EVIDENCE_MAX = 2000
NOT_YOUR_MILESTONE = N_(
    "Only the milestone's owner or one of the city's coordinators can change it, "
    "so nothing was changed."
)
MILESTONE_GONE = N_("That milestone is no longer part of a plan, so nothing was changed.")
NOT_A_LINK = N_("Paste a link that starts with http:// or https://, or leave the field empty.")


class InvalidEvidence(ValueError):
    """The evidence given is not a usable link; `reason` is a message id to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class MilestoneAccess:
    """A milestone someone may act on, with its plan, round, city and the acting person."""

    milestone: Milestone
    plan: Plan
    assessment: Assessment
    city: City
    person: Person
    is_owner: bool


@dataclass(frozen=True)
class DoneOutcome:
    """A milestone marked done, and the plan's progress after it."""

    title: str
    already_done: bool
    plan: PlanView


@dataclass(frozen=True)
class SnoozeOutcome:
    """A milestone snoozed: reminders resume on `until` (the city's calendar)."""

    title: str
    until: date
    snoozed: bool


@dataclass(frozen=True)
class HelpRequest:
    """Someone asked for help with a milestone; the coordinators to tell."""

    asker_name: str
    city_name: str
    title: str
    due_on: date
    owner_name: str | None
    coordinators: tuple[Person, ...]


@dataclass(frozen=True)
class LeaderHomeView:
    """A leader's open milestones for their App Home section."""

    lang: str
    milestones: tuple[MilestoneView, ...]
    more: int
    """Open milestones left out to keep the Home short."""


def evidence_link(text: str | None) -> str | None:
    """The evidence link typed in the Done modal (None when empty); InvalidEvidence if unusable."""
    value = (text or "").strip()
    if not value:
        return None
    if len(value) > EVIDENCE_MAX or not is_web_link(value):
        raise InvalidEvidence(NOT_A_LINK)
    return value


def authorize(
    session: Session,
    *,
    actor: Actor,
    milestone_id: int,
    action: str,
    lock: bool = False,
    now: datetime | None = None,
) -> MilestoneAccess:
    """The milestone if the actor owns it, coordinates its city, or (at `now`) is the deputy of
    its owner while they are away; AccessDenied otherwise."""
    target = f"milestone:{milestone_id}"
    person = actor.person
    if person is None or person.id is None or actor.workspace is None:
        raise deny(NOT_A_MEMBER, action=action, actor=actor, target=target)
    milestone = session.get(Milestone, milestone_id, with_for_update=lock)
    plan = session.get(Plan, milestone.plan_id) if milestone else None
    assessment = session.get(Assessment, plan.assessment_id) if plan else None
    city = session.get(City, assessment.city_id) if assessment else None
    if milestone is None or plan is None or assessment is None or city is None:
        raise deny(MILESTONE_GONE, action=action, actor=actor, target=target)
    assert city.id is not None
    same_workspace = city.workspace_id == actor.workspace.id
    is_owner = same_workspace and milestone.owner_id == person.id
    coordinates = same_workspace and Role.COORDINATOR in orgs.roles_of(
        session, city_id=city.id, person_id=person.id
    )
    if not (is_owner or coordinates) and same_workspace and now is not None:
        coordinates = deputy_covers(
            session, deputy_id=person.id, person_id=milestone.owner_id, now=now
        )
    if not (is_owner or coordinates):
        raise deny(NOT_YOUR_MILESTONE, action=action, actor=actor, city_id=city.id, target=target)
    return MilestoneAccess(milestone, plan, assessment, city, person, is_owner)


def complete(
    session: Session,
    *,
    rubric: Rubric,
    actor: Actor,
    milestone_id: int,
    evidence: str | None,
    now: datetime,
) -> DoneOutcome:
    """Mark a milestone done (keeping a link as evidence) and return the plan's progress."""
    link = evidence_link(evidence)
    found = authorize(
        session, actor=actor, milestone_id=milestone_id, action="milestone_done", now=now
    )
    already = found.milestone.status == MilestoneStatus.DONE
    plans.complete_milestone(session, milestone_id=milestone_id, now=now, evidence_url=link)
    if not already:  # its criterion is asked again, once (`bot.services.rechecks`)
        request_recheck(session, rubric=rubric, milestone=found.milestone, city=found.city, now=now)
    view = plan_view(session, rubric=rubric, plan=found.plan, now=now)
    return DoneOutcome(title=found.milestone.title, already_done=already, plan=view)


def snooze(session: Session, *, actor: Actor, milestone_id: int, now: datetime) -> SnoozeOutcome:
    """No reminders about an open milestone for a week: until that day begins in the city."""
    found = authorize(
        session, actor=actor, milestone_id=milestone_id, action="milestone_snooze", now=now
    )
    until_day = local_date(now, found.city.timezone) + timedelta(days=SNOOZE_DAYS)
    if found.milestone.status != MilestoneStatus.OPEN:
        return SnoozeOutcome(title=found.milestone.title, until=until_day, snoozed=False)
    until = at_local(until_day, time(0, 0), found.city.timezone)
    plans.snooze_milestone(session, milestone_id=milestone_id, until=until, now=now)
    return SnoozeOutcome(title=found.milestone.title, until=until_day, snoozed=True)


def ask_for_help(
    session: Session, *, actor: Actor, milestone_id: int, now: datetime
) -> HelpRequest:
    """Who to tell that someone needs help with a milestone: the city's coordinators."""
    found = authorize(
        session, actor=actor, milestone_id=milestone_id, action="milestone_help", now=now
    )
    assert found.city.id is not None
    coordinators = orgs.people_with_role(session, city_id=found.city.id, role=Role.COORDINATOR)
    owner = (
        orgs.get_person(session, person_id=found.milestone.owner_id)
        if found.milestone.owner_id is not None
        else None
    )
    return HelpRequest(
        asker_name=found.person.display_name,
        city_name=found.city.name,
        title=found.milestone.title,
        due_on=found.milestone.due_on,
        owner_name=owner.display_name if owner else None,
        coordinators=tuple(coordinators),
    )


def leader_home_view(
    session: Session, *, rubric: Rubric, person: Person, now: datetime, limit: int = 8
) -> LeaderHomeView:
    """A person's open milestones, soonest due first, for their App Home (at most `limit`)."""
    assert person.id is not None
    lang = language_of(person.language, person.locale)
    views = []
    for milestone in plans.milestones_for_owner(session, owner_id=person.id):
        plan = session.get(Plan, milestone.plan_id)
        assessment = session.get(Assessment, plan.assessment_id) if plan else None
        city = session.get(City, assessment.city_id) if assessment else None
        if city is None or assessment is None or assessment.status == AssessmentStatus.ARCHIVED:
            continue
        views.append(
            milestone_view(
                rubric, milestone, person, local_date(now, city.timezone), lang, city.timezone
            )
        )
    return LeaderHomeView(
        lang=lang, milestones=tuple(views[:limit]), more=max(len(views) - limit, 0)
    )

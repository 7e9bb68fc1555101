"""`/citycheck plan [city]`: the city's plan and its progress, or an offer to create one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.i18n import language_of
from bot.services.access import N_, Actor, AmbiguousCity, city_for_role
from bot.services.plan import PlanView, plan_view
from rubric.schema import Rubric
from storage.enums import AssessmentStatus, Role
from storage.models import Assessment
from storage.repo import orgs, plans

NO_ROUND_YET = N_("{city} has no assessment yet, so there is no plan to show.")
NO_PLAN_YET = N_("{city} has no improvement plan yet. A coordinator can create one.")
SEVERAL_CITIES = N_(
    "You work with several cities: type `/citycheck plan <city>` with one of: {names}."
)


@dataclass(frozen=True)
class PlanOffer:
    """No plan yet: the round to draw one from (if any), and whether this person may create it."""

    city_name: str
    lang: str
    assessment_id: int | None
    round_number: int | None
    can_create: bool


@dataclass(frozen=True)
class Notice:
    """A message to show instead (a message id and its placeholders)."""

    message: str
    params: dict[str, str]


def plan_for_command(
    session: Session, *, rubric: Rubric, actor: Actor, city_name: str, now: datetime
) -> PlanView | PlanOffer | Notice:
    """The plan of the actor's city (as coordinator or leader), or what to do instead."""
    try:
        city = city_for_role(
            session,
            actor=actor,
            roles=[Role.COORDINATOR, Role.LEADER],
            action="plan",
            city_name=city_name or None,
        )
    except AmbiguousCity as several:
        return Notice(SEVERAL_CITIES, {"names": ", ".join(c.name for c in several.cities)})
    assert city.id is not None
    rounds = list(
        session.exec(
            select(Assessment)
            .where(Assessment.city_id == city.id, Assessment.status != AssessmentStatus.ARCHIVED)
            .order_by(col(Assessment.round_number).desc())
        )
    )
    for round_ in rounds:
        assert round_.id is not None
        plan = plans.latest_plan(session, assessment_id=round_.id)
        if plan is not None:
            return plan_view(session, rubric=rubric, plan=plan, now=now)
    person = actor.person
    assert person is not None and person.id is not None
    coordinator = Role.COORDINATOR in orgs.roles_of(session, city_id=city.id, person_id=person.id)
    latest = rounds[0] if rounds else None
    return PlanOffer(
        city_name=city.name,
        lang=language_of(person.language, person.locale, city.language),
        assessment_id=latest.id if latest else None,
        round_number=latest.round_number if latest else None,
        can_create=coordinator and latest is not None,
    )

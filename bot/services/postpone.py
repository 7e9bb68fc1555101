""" "Later" on an assignment message: no reminders until the next working day, 9:00 local time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.services.access import N_, NOT_YOURS, deny, find_actor
from bot.services.coordinator import Refusal, language_of, parse_id
from storage.enums import AssessmentStatus
from storage.models import Assessment, City
from storage.repo import assessments, progress

ROUND_CLOSED = N_("This assessment is already finished, so there is nothing to put off. Thank you!")

REMIND_AT = time(9, 0)
"""The local time of day a postponed start is picked up again."""


@dataclass(frozen=True)
class Postponed:
    """A postponed start: until when (in the person's timezone), and their language."""

    until: datetime
    language: str | None


def next_working_morning(
    now: datetime, *, timezone: str, working_days: list[int], at: time = REMIND_AT
) -> datetime:
    """The next working day after today (in `timezone`) at `at`, as an aware datetime there."""
    zone = ZoneInfo(timezone)
    day: date = now.astimezone(zone).date()
    for _ in range(7):
        day += timedelta(days=1)
        if day.isoweekday() in working_days:
            break
    return datetime.combine(day, at, tzinfo=zone)


def postpone_start(
    session: Session, *, team_id: str | None, user_id: str, assessment_ref: str, now: datetime
) -> Postponed | Refusal:
    """Pause the person's interview of that assessment until their next working morning.

    Only a person assigned to an area of the assessment may; anyone else changes nothing.
    """
    actor = find_actor(session, team_id=team_id, user_id=user_id)
    assessment_id = parse_id(assessment_ref)
    person = actor.person
    assessment = session.get(Assessment, assessment_id) if assessment_id is not None else None
    if person is None or person.id is None or assessment is None or assessment.id is None:
        deny(NOT_YOURS, action="later", actor=actor, target=assessment_ref[:40])
        return Refusal(NOT_YOURS)
    if assessment.status != AssessmentStatus.OPEN:
        return Refusal(ROUND_CLOSED)
    mine = [
        a
        for a in assessments.assignments_for_person(session, person_id=person.id)
        if a.assessment_id == assessment.id
    ]
    city = session.get(City, assessment.city_id)
    if not mine or city is None:
        deny(NOT_YOURS, action="later", actor=actor, city_id=assessment.city_id)
        return Refusal(NOT_YOURS)
    until = next_working_morning(
        now, timezone=person.timezone or city.timezone, working_days=city.working_days
    )
    progress.pause_progress(
        session, person_id=person.id, assessment_id=assessment.id, until=until, now=now
    )
    return Postponed(until=until, language=language_of(person))

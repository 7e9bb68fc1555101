"""The ledger keys of scheduled sends: kinds, and targets that start with the city they concern.

A target names the city first (`city:12/milestone:40`), so the digest can list a city's failed
sends from the ledger alone.
"""

from __future__ import annotations

import re

MILESTONE_REMINDER = "milestone_reminder"
MILESTONE_OVERDUE = "milestone_overdue"
DIGEST = "digest"
FOLLOWUP = "followup"
PLAN_ASSIGNED = "plan_assigned"
RECHECK = "recheck"
"""A criterion asked again of its respondent once a milestone toward it is done; target
`city:C/milestone:M` (`milestone_target`), period key `RECHECK_PERIOD`."""
RECHECK_CHANGE = "recheck_change"
"""The coordinators told how a re-check changed the score: target `city:C/milestone:M` (the
channel) or `city:C/milestone:M/person:P` (a coordinator's DM), period key `RECHECK_PERIOD`."""
RECHECK_PERIOD = "done"

SCHEDULED_KINDS = (MILESTONE_REMINDER, MILESTONE_OVERDUE, DIGEST, FOLLOWUP)

_CITY = re.compile(r"^city:(\d+)(?:/|$)")


def digest_target(city_id: int) -> str:
    """The target of a city's digest."""
    return f"city:{city_id}"


def milestone_target(city_id: int, milestone_id: int) -> str:
    """The target of the reminders to a milestone's owner."""
    return f"city:{city_id}/milestone:{milestone_id}"


def coordinator_target(city_id: int, milestone_id: int, person_id: int) -> str:
    """The target of one coordinator's copy of an overdue reminder."""
    return f"city:{city_id}/milestone:{milestone_id}/person:{person_id}"


def followup_target(city_id: int, assessment_id: int, person_id: int) -> str:
    """The target of a respondent's follow-ups in one round."""
    return f"city:{city_id}/assessment:{assessment_id}/person:{person_id}"


def plan_owner_target(city_id: int, plan_id: int, person_id: int) -> str:
    """The target of the message giving an owner their milestones of a new plan."""
    return f"city:{city_id}/plan:{plan_id}/person:{person_id}"


def city_of_target(target: str) -> int | None:
    """The city a target concerns, or None for a target of another shape."""
    found = _CITY.match(target)
    return int(found.group(1)) if found else None

"""Who is acting, and for which city: every action re-checks the database, never the payload.

A Slack request names a team and a user; that is all a handler trusts. The person, their city
and their roles come from the database. A refusal raises `AccessDenied`, whose `reason` is a
message a person can read (translated where it is shown) and which is logged as a security
event with the ids involved.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session

from storage.enums import Role
from storage.models import City, Person, Workspace
from storage.repo import orgs

security_log = logging.getLogger("citycheck.security")


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


NOT_SET_UP = N_(
    "citycheck is not set up for your city yet. A coordinator can start with `/citycheck setup`."
)
NOT_A_MEMBER = N_(
    "You are not part of a city's assessment team here. Ask your city's coordinator to add you."
)
COORDINATORS_ONLY = N_(
    "Only your city's coordinators can do that. Ask one of them, or ask to be made a coordinator."
)
NOT_YOURS = N_("That belongs to another city or person, so nothing was changed.")


class AccessDenied(Exception):
    """A person tried something their role or city does not allow; nothing was changed."""

    def __init__(
        self,
        reason: str,
        *,
        action: str,
        team_id: str | None,
        user_id: str,
        city_id: int | None = None,
        target: str | None = None,
    ) -> None:
        self.reason = reason
        self.action = action
        self.team_id = team_id
        self.user_id = user_id
        self.city_id = city_id
        self.target = target
        super().__init__(
            f"{action} refused for user {user_id} of team {team_id}"
            f" (city {city_id}, target {target}): {reason}"
        )


class AmbiguousCity(Exception):
    """The person holds the role for several cities; they must say which one."""

    def __init__(self, cities: list[City]) -> None:
        self.cities = cities
        super().__init__("several cities: " + ", ".join(str(c.id) for c in cities))


@dataclass(frozen=True)
class Actor:
    """The person behind a Slack request, as the database knows them (None when unknown)."""

    team_id: str | None
    user_id: str
    workspace: Workspace | None
    person: Person | None


def find_actor(session: Session, *, team_id: str | None, user_id: str) -> Actor:
    """Look up the workspace and person of a request; either may be unknown."""
    workspace = orgs.get_workspace(session, slack_team_id=team_id) if team_id else None
    person = None
    if workspace is not None and workspace.id is not None:
        person = orgs.find_person(session, workspace_id=workspace.id, slack_user_id=user_id)
    return Actor(team_id=team_id, user_id=user_id, workspace=workspace, person=person)


def deny(
    reason: str,
    *,
    action: str,
    actor: Actor,
    city_id: int | None = None,
    target: str | None = None,
) -> AccessDenied:
    """Log a refused attempt as a security event and return the exception to raise."""
    security_log.warning(
        "access denied: action=%s team=%s user=%s person=%s city=%s target=%s",
        action,
        actor.team_id,
        actor.user_id,
        actor.person.id if actor.person else None,
        city_id,
        target,
        extra={"security_event": True},
    )
    return AccessDenied(
        reason,
        action=action,
        team_id=actor.team_id,
        user_id=actor.user_id,
        city_id=city_id,
        target=target,
    )


def require_role(
    session: Session,
    *,
    actor: Actor,
    city_id: int,
    roles: Iterable[Role],
    action: str,
    reason: str = COORDINATORS_ONLY,
) -> Person:
    """The acting person, if they hold one of `roles` for the city; AccessDenied otherwise."""
    person = actor.person
    city = session.get(City, city_id)
    if person is None or person.id is None or city is None:
        raise deny(NOT_A_MEMBER, action=action, actor=actor, city_id=city_id)
    if actor.workspace is None or city.workspace_id != actor.workspace.id:
        raise deny(NOT_YOURS, action=action, actor=actor, city_id=city_id)
    if not orgs.roles_of(session, city_id=city_id, person_id=person.id) & set(roles):
        raise deny(reason, action=action, actor=actor, city_id=city_id)
    return person


def city_for_role(
    session: Session,
    *,
    actor: Actor,
    roles: Iterable[Role],
    action: str,
    city_name: str | None = None,
) -> City:
    """The one city where the actor holds one of `roles`: the one named, when a name is given.

    Raises AccessDenied when there is none (or the city named is not one of them) and
    AmbiguousCity when several match and no name narrows them down.
    """
    wanted = set(roles)
    person = actor.person
    if person is None or person.id is None:
        reason = NOT_SET_UP if actor.workspace is None else NOT_A_MEMBER
        raise deny(reason, action=action, actor=actor)
    cities = [
        city
        for city in orgs.cities_of_person(session, person_id=person.id)
        if city.id is not None
        and orgs.roles_of(session, city_id=city.id, person_id=person.id) & wanted
    ]
    if city_name and city_name.strip():
        key = " ".join(city_name.split()).casefold()
        named = [city for city in cities if " ".join(city.name.split()).casefold() == key]
        if cities and not named:  # a city that is not theirs: never fall back to their own
            raise deny(NOT_YOURS, action=action, actor=actor, target=f"city:{city_name[:40]!r}")
        cities = named
    if not cities:
        reason = COORDINATORS_ONLY if Role.COORDINATOR in wanted else NOT_A_MEMBER
        raise deny(reason, action=action, actor=actor)
    if len(cities) > 1:
        raise AmbiguousCity(cities)
    return cities[0]

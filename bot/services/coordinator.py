"""What the coordinator's services share: refusals, "which city?", field problems, look-ups.

Messages are message ids marked with `N_` and translated where they are shown, with their
`params` filled in after translation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlmodel import Session

from bot.services.access import N_, AccessDenied, Actor
from storage.enums import AnswerStatus, Role
from storage.models import Answer, City, Person
from storage.repo import orgs

NOT_AN_ID = N_("That form belongs to another city or has expired, so nothing was changed.")
NO_OPEN_ASSESSMENT = N_(
    "{city} has no assessment in progress, so there is nothing to assign. "
    "A new round starts when the coordinators open one."
)


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field of a form, as a message id and its placeholders."""

    message: str
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    """The person may not do this here; nothing was changed. `reason` is a message id."""

    reason: str
    params: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, denied: AccessDenied) -> Refusal:
        """The refusal for a denied access check."""
        return cls(denied.reason)


@dataclass(frozen=True)
class CityChoice:
    """The person acts for several cities and must name one: `/citycheck <command> <city>`."""

    command: str
    cities: tuple[str, ...]


def language_of(person: Person | None) -> str | None:
    """The language to talk to a person in: the one they chose, else their Slack locale."""
    if person is None:
        return None
    return person.language or person.locale


def cities_with_role(session: Session, *, actor: Actor, role: Role) -> list[City]:
    """The cities of the actor's workspace where they hold `role`, by name (no logging)."""
    person = actor.person
    if person is None or person.id is None:
        return []
    return [
        city
        for city in orgs.cities_of_person(session, person_id=person.id)
        if city.id is not None
        and actor.workspace is not None
        and city.workspace_id == actor.workspace.id
        and role in orgs.roles_of(session, city_id=city.id, person_id=person.id)
    ]


def city_named(
    session: Session, *, workspace_id: int, name: str, except_id: int | None = None
) -> City | None:
    """The workspace's city with this name (ignoring case and spaces around it), if any."""
    key = " ".join(name.split()).casefold()
    for city in orgs.cities_in_workspace(session, workspace_id=workspace_id):
        if city.id != except_id and " ".join(city.name.split()).casefold() == key:
            return city
    return None


def parse_id(value: str | None) -> int | None:
    """A database id from a button value or private_metadata; None if it is not one."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


def answered_criteria(rows: Iterable[Answer]) -> set[str]:
    """Ids of the criteria answered (with ticks, or as unsure); skipped ones do not count."""
    done = (AnswerStatus.ANSWERED, AnswerStatus.UNSURE)
    return {row.criterion_id for row in rows if AnswerStatus(row.status) in done}

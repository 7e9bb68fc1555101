"""Workspaces, cities, people and the roles people hold for cities."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, time
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.enums import Role
from storage.models import City, CityRole, Person, Workspace
from storage.repo._sql import get_or_raise, insert_or_ignore
from storage.validation import InvalidValueError, check_weekdays, is_timezone

CITY_SETTINGS = frozenset(
    {
        "name",
        "state",
        "country",
        "population",
        "timezone",
        "language",
        "digest_channel_id",
        "working_days",
        "digest_weekday",
        "digest_time",
    }
)
"""The fields of a city a coordinator may change with `update_city`."""


def upsert_workspace(
    session: Session,
    *,
    slack_team_id: str,
    name: str,
    now: datetime,
    enterprise_id: str | None = None,
) -> Workspace:
    """The workspace with this Slack team id, created or renamed as needed."""
    values = {
        "slack_team_id": slack_team_id,
        "name": name,
        "enterprise_id": enterprise_id,
        "created_at": now,
    }
    created = insert_or_ignore(session, Workspace, values=values, conflict=["slack_team_id"])
    if created is not None:
        return created
    workspace = session.exec(
        select(Workspace).where(Workspace.slack_team_id == slack_team_id)
    ).one()
    workspace.name = name
    if enterprise_id is not None:
        workspace.enterprise_id = enterprise_id
    session.flush()
    return workspace


def get_workspace(session: Session, *, slack_team_id: str) -> Workspace | None:
    """The workspace with this Slack team id, if the bot knows it."""
    return session.exec(select(Workspace).where(Workspace.slack_team_id == slack_team_id)).first()


def create_city(
    session: Session,
    *,
    workspace_id: int,
    name: str,
    timezone: str,
    now: datetime,
    state: str = "",
    country: str = "US",
    population: int | None = None,
    language: str = "en",
    digest_channel_id: str | None = None,
    working_days: Iterable[int] = (1, 2, 3, 4, 5),
    digest_weekday: int = 1,
    digest_time: time = time(9, 0),
) -> City:
    """A new city in a workspace; InvalidValueError for a bad timezone, language or weekday."""
    city = City(
        workspace_id=workspace_id,
        name=_text(name, "name"),
        state=state.strip(),
        country=_country(country),
        population=_population(population),
        timezone=timezone.strip(),
        language=language,
        digest_channel_id=digest_channel_id,
        working_days=check_weekdays(working_days),
        digest_weekday=digest_weekday,
        digest_time=digest_time,
        created_at=now,
    )
    session.add(city)
    session.flush()
    return city


def get_city(session: Session, *, city_id: int) -> City:
    """The city with this id, or RecordNotFoundError."""
    return get_or_raise(session, City, city_id)


def cities_in_workspace(session: Session, *, workspace_id: int) -> list[City]:
    """The workspace's cities by name."""
    query = select(City).where(City.workspace_id == workspace_id).order_by(col(City.name))
    return list(session.exec(query))


def update_city(session: Session, *, city_id: int, **changes: Any) -> City:
    """Change some of a city's settings (see CITY_SETTINGS); values are checked as on create."""
    unknown = set(changes) - CITY_SETTINGS
    if unknown:
        raise TypeError(f"update_city() cannot change {', '.join(sorted(unknown))}")
    city = get_or_raise(session, City, city_id)
    cleaners: dict[str, Callable[[Any], Any]] = {
        "name": lambda value: _text(value, "name"),
        "state": str.strip,
        "country": _country,
        "population": _population,
        "timezone": str.strip,
        "working_days": check_weekdays,
    }
    for field, value in changes.items():
        setattr(city, field, cleaners[field](value) if field in cleaners else value)
    session.flush()
    if changes.keys() & {"timezone", "working_days", "digest_time"}:
        from storage.repo.sweeps import forget_reminder_times

        forget_reminder_times(session, city_id=city_id)  # reminders move with the calendar
    return city


def delete_city(session: Session, *, city_id: int) -> None:
    """Remove a city and everything of it (assessments, answers, plans, roles)."""
    session.execute(delete(City).where(col(City.id) == city_id))
    session.expire_all()


def upsert_person(
    session: Session,
    *,
    workspace_id: int,
    slack_user_id: str,
    display_name: str,
    now: datetime,
    locale: str | None = None,
    timezone: str | None = None,
) -> Person:
    """The person with this Slack id, created or refreshed from Slack's profile.

    A timezone this machine does not know is stored as None (the city's applies), so an odd
    profile never blocks a person; their chosen language is kept.
    """
    tz = timezone.strip() if timezone and is_timezone(timezone) else None
    values = {
        "workspace_id": workspace_id,
        "slack_user_id": slack_user_id,
        "display_name": display_name,
        "locale": locale,
        "timezone": tz,
        "created_at": now,
        "updated_at": now,
    }
    created = insert_or_ignore(
        session, Person, values=values, conflict=["workspace_id", "slack_user_id"]
    )
    if created is not None:
        return created
    person = find_person(session, workspace_id=workspace_id, slack_user_id=slack_user_id)
    assert person is not None
    if (person.display_name, person.locale, person.timezone) != (display_name, locale, tz):
        person.display_name, person.locale, person.timezone = display_name, locale, tz
        person.updated_at = now
        session.flush()
    return person


def find_person(session: Session, *, workspace_id: int, slack_user_id: str) -> Person | None:
    """The person with this Slack user id in the workspace, if known."""
    query = select(Person).where(
        Person.workspace_id == workspace_id, Person.slack_user_id == slack_user_id
    )
    return session.exec(query).first()


def get_person(session: Session, *, person_id: int) -> Person:
    """The person with this id, or RecordNotFoundError."""
    return get_or_raise(session, Person, person_id)


def set_person_language(
    session: Session, *, person_id: int, language: str | None, now: datetime
) -> Person:
    """Set (or clear, with None) the language a person chose over their Slack locale."""
    person = get_or_raise(session, Person, person_id)
    person.language = language
    person.updated_at = now
    session.flush()
    return person


def grant_role(
    session: Session, *, city_id: int, person_id: int, role: Role | str, now: datetime
) -> CityRole:
    """Give a person a role for a city; granting it again changes nothing."""
    values = {"city_id": city_id, "person_id": person_id, "role": Role(role), "granted_at": now}
    created = insert_or_ignore(
        session, CityRole, values=values, conflict=["city_id", "person_id", "role"]
    )
    if created is not None:
        return created
    query = select(CityRole).where(
        CityRole.city_id == city_id, CityRole.person_id == person_id, CityRole.role == Role(role)
    )
    return session.exec(query).one()


def revoke_role(session: Session, *, city_id: int, person_id: int, role: Role | str) -> bool:
    """Take a role away; False when the person did not have it."""
    result = session.execute(
        delete(CityRole).where(
            col(CityRole.city_id) == city_id,
            col(CityRole.person_id) == person_id,
            col(CityRole.role) == Role(role),
        )
    )
    return bool(getattr(result, "rowcount", 0))


def roles_of(session: Session, *, city_id: int, person_id: int) -> set[Role]:
    """The roles a person holds for a city."""
    query = select(CityRole).where(CityRole.city_id == city_id, CityRole.person_id == person_id)
    return {Role(row.role) for row in session.exec(query)}


def people_with_role(session: Session, *, city_id: int, role: Role | str) -> list[Person]:
    """The people holding a role for a city, by display name."""
    query = (
        select(Person)
        .join(CityRole, col(CityRole.person_id) == col(Person.id))
        .where(CityRole.city_id == city_id, CityRole.role == Role(role))
        .order_by(col(Person.display_name), col(Person.id))
    )
    return list(session.exec(query))


def cities_of_person(session: Session, *, person_id: int) -> list[City]:
    """The cities a person holds any role for, by name."""
    query = (
        select(City)
        .where(col(City.id).in_(select(CityRole.city_id).where(CityRole.person_id == person_id)))
        .order_by(col(City.name), col(City.id))
    )
    return list(session.exec(query))


def _text(value: str, field: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise InvalidValueError(field, value, "it cannot be empty")
    return cleaned


def _country(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise InvalidValueError("country", value, "use a two-letter ISO code such as US or BR")
    return code


def _population(value: int | None) -> int | None:
    if value is not None and (isinstance(value, bool) or value < 0):
        raise InvalidValueError("population", value, "use a whole number of 0 or more")
    return value

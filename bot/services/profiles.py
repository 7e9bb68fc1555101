"""People's Slack profiles (name, locale, timezone): read from Slack rarely, stored on the person.

A profile is read with users.info when a person is first seen or their stored row is older than
`PROFILE_MAX_AGE`, and never on the hot path of an answer click. Reading Slack is the caller's
job (bot/slack); this module decides whose profiles are needed and stores what was read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from storage.models import Person
from storage.repo import orgs

PROFILE_MAX_AGE = timedelta(days=1)
"""A stored profile older than this is read from Slack again when the person is picked."""


@dataclass(frozen=True)
class Profile:
    """What Slack says about a person (users.info)."""

    slack_user_id: str
    display_name: str
    locale: str | None = None
    timezone: str | None = None
    is_bot: bool = False
    deleted: bool = False

    @property
    def is_person(self) -> bool:
        """False for bots and deactivated accounts, which get no roles or assignments."""
        return not (self.is_bot or self.deleted)


def known_people(
    session: Session, *, workspace_id: int, slack_user_ids: Iterable[str]
) -> dict[str, Person]:
    """The people already stored for these Slack ids, by Slack id."""
    found = {}
    for slack_id in dict.fromkeys(slack_user_ids):
        person = orgs.find_person(session, workspace_id=workspace_id, slack_user_id=slack_id)
        if person is not None:
            found[slack_id] = person
    return found


def profiles_needed(
    session: Session, *, team_id: str | None, slack_user_ids: Iterable[str], now: datetime
) -> list[str]:
    """The Slack ids among these whose profile must be read: unknown here, or stale."""
    wanted = list(dict.fromkeys(slack_user_ids))
    workspace = orgs.get_workspace(session, slack_team_id=team_id) if team_id else None
    if workspace is None or workspace.id is None:
        return wanted
    known = known_people(session, workspace_id=workspace.id, slack_user_ids=wanted)
    return [
        slack_id
        for slack_id in wanted
        if slack_id not in known or known[slack_id].updated_at <= now - PROFILE_MAX_AGE
    ]


def remember_profiles(
    session: Session, *, workspace_id: int, profiles: Iterable[Profile], now: datetime
) -> dict[str, Person]:
    """Store people from their profiles (bots and deactivated accounts are left out)."""
    stored = {}
    for profile in profiles:
        if not profile.is_person:
            continue
        stored[profile.slack_user_id] = orgs.upsert_person(
            session,
            workspace_id=workspace_id,
            slack_user_id=profile.slack_user_id,
            display_name=profile.display_name,
            locale=profile.locale,
            timezone=profile.timezone,
            now=now,
        )
    return stored


def people_for(
    session: Session,
    *,
    workspace_id: int,
    slack_user_ids: Iterable[str],
    profiles: Iterable[Profile],
    now: datetime,
) -> dict[str, Person]:
    """The people for these Slack ids: refreshed from `profiles` where given, else as stored.

    An id with neither a profile nor a stored person (Slack could not be read) is left out, as
    are bots and deactivated accounts.
    """
    wanted = list(dict.fromkeys(slack_user_ids))
    fresh = [p for p in profiles if p.slack_user_id in wanted]
    refused = {p.slack_user_id for p in fresh if not p.is_person}
    people = known_people(session, workspace_id=workspace_id, slack_user_ids=wanted)
    people.update(remember_profiles(session, workspace_id=workspace_id, profiles=fresh, now=now))
    return {sid: people[sid] for sid in wanted if sid in people and sid not in refused}

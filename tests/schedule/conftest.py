"""A city in the sandbox workspace, stored through the repository, and a sweeper for it.

People are sandbox users (so messages land in their sandbox DMs) and database people at once;
the city's digest channel is a sandbox channel. The sweeper is the production one
(`bot.slack.outbox.build_sweeper`) with a clock the test sets.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.deps import Deps
from bot.sandbox.server import LocalSandbox
from bot.sandbox.store import TEAM_ID
from bot.sandbox.testing import SIGNING_SECRET, strict_sandbox
from bot.schedule.sweep import Sweeper
from bot.settings import load_settings
from bot.slack.client import build_client
from bot.slack.outbox import build_sweeper
from rubric.schema import Rubric
from storage.models import Person
from storage.repo import assessments, orgs
from storage.session import unit_of_work
from tests.schedule.world import rubric as bundled_rubric


class Clock:
    """A clock the test sets by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    """One city in the sandbox: its ids, people (by short name) and digest channel."""

    sandbox: LocalSandbox
    engine: Engine
    rubric: Rubric
    clock: Clock
    city_id: int
    assessment_id: int
    channel: str
    people: dict[str, Person] = field(default_factory=dict)

    def user(self, name: str) -> str:
        """The Slack user id of a person."""
        return self.people[name].slack_user_id

    def pid(self, name: str) -> int:
        """The database id of a person."""
        person_id = self.people[name].id
        assert person_id is not None
        return person_id

    def deps(self) -> Deps:
        """Deps whose client talks to the sandbox, with the test's clock."""
        settings = load_settings(
            SLACK_BOT_TOKEN=self.sandbox.bot_token,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=self.sandbox.api_url,
            SLACK_APP_TOKEN="",
        )
        return Deps(
            settings=settings,
            client=build_client(settings),
            engine=self.engine,
            rubric=self.rubric,
            clock=self.clock,
        )

    def sweeper(self, **kwargs: Any) -> Sweeper:
        """The production sweeper for this world, pacing off unless asked."""
        kwargs.setdefault("channel_interval", 0.0)
        return build_sweeper(self.deps(), **kwargs)

    def dm_texts(self, name: str) -> list[str]:
        """The texts the bot posted in a person's DM, oldest first."""
        return [m["text"] for m in self.sandbox.messages_for(user_id=self.user(name), limit=500)]

    def channel_texts(self) -> list[str]:
        """The texts posted in the digest channel."""
        return [m["text"] for m in self.sandbox.history(channel_id=self.channel)]


def make_world(
    sandbox: LocalSandbox,
    engine: Engine,
    *,
    timezone: str = "America/New_York",
    people: Mapping[str, Sequence[str]] | None = None,
    areas: Mapping[str, Sequence[str]] | None = None,
    now: datetime = datetime(2027, 3, 1, 12, tzinfo=UTC),
    name: str = "Springfield",
    digest: bool = True,
) -> World:
    """A city with people in the sandbox and the database, an open round, areas assigned."""
    people = people or {"cora": ["coordinator"], "rita": ["respondent"], "leo": ["leader"]}
    with unit_of_work(engine) as session:
        workspace = orgs.upsert_workspace(session, slack_team_id=TEAM_ID, name="Sandbox", now=now)
        assert workspace.id is not None
        users = {
            short: sandbox.add_user(name=short, tz=timezone, locale="en-US")["id"]
            for short in people
        }
        channel = sandbox.add_channel(name="citycheck-digest", members=list(users.values()))["id"]
        city = orgs.create_city(
            session,
            workspace_id=workspace.id,
            name=name,
            timezone=timezone,
            digest_channel_id=channel if digest else None,
            now=now,
        )
        assert city.id is not None
        stored: dict[str, Person] = {}
        for short, roles in people.items():
            person = orgs.upsert_person(
                session,
                workspace_id=workspace.id,
                slack_user_id=users[short],
                display_name=short.capitalize(),
                locale="en-US",
                timezone=timezone,
                now=now,
            )
            assert person.id is not None
            for role in roles:
                orgs.grant_role(session, city_id=city.id, person_id=person.id, role=role, now=now)
            stored[short] = person
        round_ = assessments.start_assessment(
            session,
            city_id=city.id,
            rubric_id="city-data-practices",
            rubric_version="2022.1",
            now=now,
        )
        assert round_.id is not None
        for area, shorts in (areas or {}).items():
            for short in shorts:
                person_id = stored[short].id
                assert person_id is not None
                assessments.assign_area(
                    session, assessment_id=round_.id, area_id=area, person_id=person_id, now=now
                )
    return World(
        sandbox=sandbox,
        engine=engine,
        rubric=bundled_rubric(),
        clock=Clock(now),
        city_id=city.id,
        assessment_id=round_.id,
        channel=channel,
        people=stored,
    )


@pytest.fixture
def sandbox() -> Iterator[LocalSandbox]:
    """A strict sandbox: the test fails on any Web API contract violation."""
    with strict_sandbox() as running:
        yield running

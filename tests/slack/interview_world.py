"""A city in the sandbox workspace for interview tests: its people are sandbox users.

world = seed_city(engine, workspace, people={"rita": ["OD", "BF"], "cora": ["CI"]})
world.user("rita"), world.assessment_id, world.channel_id
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.sandbox.driver import Workspace
from bot.sandbox.server import LocalSandbox
from bot.sandbox.store import TEAM_ID
from bot.sandbox.testing import BotUnderTest, running_bot
from rubric.loader import load_bundled_rubric
from storage.enums import Role
from storage.repo import assessments, orgs

SEEDED_AT = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
RUBRIC = load_bundled_rubric()


@dataclass
class World:
    """A seeded city: its sandbox users by short name, its assessment and digest channel."""

    users: dict[str, str]
    city_id: int
    assessment_id: int
    channel_id: str

    def user(self, name: str) -> str:
        """The Slack id of a person by short name."""
        return self.users[name]


def seed_city(
    engine: Engine,
    workspace: Workspace,
    *,
    people: Mapping[str, Sequence[str]],
    name: str = "Springfield",
    coordinators: Sequence[str] = (),
    locales: Mapping[str, str] | None = None,
) -> World:
    """A city with an open round, whose people (sandbox users) answer the given areas."""
    locales = locales or {}
    users = {
        short: workspace.add_user(short, locale=locales.get(short, "en-US"), tz="America/Chicago")
        for short in [*people, *coordinators]
    }
    channel = workspace.add_channel(f"{name.lower()}-assessment", list(users.values()))
    with Session(engine, expire_on_commit=False) as session:
        ws = orgs.upsert_workspace(session, slack_team_id=TEAM_ID, name="sandbox", now=SEEDED_AT)
        assert ws.id is not None
        city = orgs.create_city(
            session,
            workspace_id=ws.id,
            name=name,
            timezone="America/Chicago",
            digest_channel_id=channel,
            now=SEEDED_AT,
        )
        assert city.id is not None
        ids: dict[str, int] = {}
        for short, slack_id in users.items():
            person = orgs.upsert_person(
                session,
                workspace_id=ws.id,
                slack_user_id=slack_id,
                display_name=short.title(),
                locale=locales.get(short, "en-US"),
                timezone="America/Chicago",
                now=SEEDED_AT,
            )
            assert person.id is not None
            ids[short] = person.id
            role = Role.COORDINATOR if short in coordinators else Role.RESPONDENT
            orgs.grant_role(session, city_id=city.id, person_id=person.id, role=role, now=SEEDED_AT)
        round_ = assessments.start_assessment(
            session,
            city_id=city.id,
            rubric_id=RUBRIC.id,
            rubric_version=RUBRIC.version,
            now=SEEDED_AT,
        )
        assert round_.id is not None
        for short, areas in people.items():
            for area in areas:
                assessments.assign_area(
                    session,
                    assessment_id=round_.id,
                    area_id=area,
                    person_id=ids[short],
                    now=SEEDED_AT,
                )
        session.commit()
        return World(users, city.id, round_.id, channel)


@contextmanager
def app_on(sandbox: LocalSandbox, engine: Engine, **kwargs: Any) -> Iterator[BotUnderTest]:
    """The real app with the bundled rubric on `engine`, served against the sandbox."""
    with running_bot(sandbox, engine=engine, rubric=RUBRIC, **kwargs) as bot:
        yield bot


@dataclass
class Statements:
    """SQL statements sent through an engine while counting (texts shortened)."""

    sent: list[str]

    @property
    def count(self) -> int:
        """How many statements were sent."""
        return len(self.sent)


@contextmanager
def count_statements(engine: Engine) -> Iterator[Statements]:
    """Count every statement the engine sends (`before_cursor_execute`), BEGIN included."""
    from sqlalchemy import event

    found = Statements([])

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        found.sent.append(" ".join(statement.split())[:120])

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", seen)

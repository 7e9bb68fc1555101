"""Steps of the coordinator's journeys, done as a person would in the sandbox workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.sandbox.driver import Submission, Workspace
from rubric.loader import load_bundled_rubric
from storage.models import Assessment, City

NOW = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
RUBRIC = load_bundled_rubric()
TZ = "America/Chicago"


@dataclass
class Team:
    """People of the sandbox workspace by short name, and the digest channel."""

    users: dict[str, str]
    channel: str

    def __getitem__(self, name: str) -> str:
        return self.users[name]


def make_team(
    workspace: Workspace,
    names: tuple[str, ...] = ("cora", "rita", "rui", "tom", "leo"),
    *,
    channel: str = "springfield-data",
) -> Team:
    """People in Chicago and a channel where they all are, the bot invited."""
    users = {name: workspace.add_user(name, tz=TZ) for name in names}
    return Team(users, workspace.add_channel(channel, list(users.values())))


def area_label(area_id: str) -> str:
    """The label of an area's picker in the assign modal."""
    area = RUBRIC.area(area_id)
    return f"{area.name.en} ({len(area.criteria)} questions)"


def open_modal(workspace: Workspace, user: str, text: str, channel: str | None = None) -> Any:
    """Run `/citycheck <text>` and wait for the modal it opens."""
    workspace.command(user, text, channel_id=channel)
    return workspace.wait_for(lambda: workspace.modal(user), what=f"the modal of {text!r}")


def set_up(
    workspace: Workspace,
    user: str,
    channel: str,
    *,
    name: str = "Springfield",
    population: str = "114394",
    **more: Any,
) -> Submission:
    """Set a city up through the modal and wait for the confirmation."""
    open_modal(workspace, user, "setup", channel)
    submitted = workspace.submit_modal(user, {"City name": name, "Population": population, **more})
    assert submitted.closed, submitted.errors
    workspace.wait_for_message(user, "is set up")
    return submitted


def assign(workspace: Workspace, user: str, picks: dict[str, list[str]]) -> Submission:
    """Open the assign modal and submit these pickers (by area id)."""
    open_modal(workspace, user, "assign")
    return workspace.submit_modal(user, {area_label(a): people for a, people in picks.items()})


def city_named(engine: Engine, name: str) -> City:
    """The stored city of that name."""
    with Session(engine) as session:
        return session.exec(select(City).where(City.name == name)).one()


def assessments_of(engine: Engine, city_id: int) -> list[Assessment]:
    """The stored rounds of a city."""
    with Session(engine) as session:
        return list(session.exec(select(Assessment).where(Assessment.city_id == city_id)))


def channel_texts(workspace: Workspace, channel: str) -> list[str]:
    """The texts of the bot's messages in a channel, oldest first."""
    return [m["text"] for m in workspace.sandbox.history(channel_id=channel) if m.get("bot_id")]

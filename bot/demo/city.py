"""The demo's city: its people in the sandbox workspace, set up and assigned as a coordinator
would, through `/citycheck setup` and `/citycheck assign` and their modals."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.sandbox.driver import Workspace
from bot.sandbox.surfaces import controls
from bot.slack import ids

TIMEZONE = "America/Chicago"
WAIT_SECONDS = 15.0
REAL_NAMES = {
    "cora": "Cora Diaz", "rita": "Rita Moreno", "sam": "Sam Okafor", "tess": "Tess Lindqvist",
    "omar": "Omar Haddad", "you": "You",
}  # fmt: skip


class SetupFailed(RuntimeError):
    """The bot did not accept the city's setup or assignments; the message says what it said."""


@dataclass(frozen=True)
class TeamPlan:
    """Who is in the demo city: its name, coordinator, and who answers which practice areas."""

    city: str
    population: int
    coordinator: str
    team: Mapping[str, Sequence[str]]

    @property
    def people(self) -> list[str]:
        """Everyone: the coordinator first, then the team."""
        return [self.coordinator, *(p for p in self.team if p != self.coordinator)]


@dataclass
class DemoCity:
    """The city as the sandbox knows it: people's Slack ids by short name, the digest channel."""

    plan: TeamPlan
    users: dict[str, str]
    channel_id: str
    channel_name: str

    def user(self, name: str) -> str:
        """A person's Slack id."""
        return self.users[name]

    def name_of(self, slack_id: str) -> str:
        """A person's short name from their Slack id (the id itself if unknown)."""
        return next((n for n, s in self.users.items() if s == slack_id), slack_id)


def add_people(workspace: Workspace, plan: TeamPlan) -> DemoCity:
    """Add the city's people and its digest channel (with the bot in it) to the workspace."""
    users = {
        name: workspace.add_user(name, tz=TIMEZONE, real_name=REAL_NAMES.get(name, name.title()))
        for name in plan.people
    }
    channel = f"{plan.city.lower().replace(' ', '-')}-data"
    return DemoCity(plan, users, workspace.add_channel(channel, list(users.values())), channel)


def set_up_city(
    workspace: Workspace, city: DemoCity, *, narrate: Callable[[str], None] = lambda _: None
) -> None:
    """The coordinator sets the city up and assigns every area, through the modals."""
    plan = city.plan
    coordinator = city.user(plan.coordinator)
    view = _open_modal(workspace, coordinator, "setup", city.channel_id)
    narrate(f"{plan.coordinator} types /citycheck setup in #{city.channel_name}: a form opens")
    values = {_label(view, ids.BLOCK_SETUP_NAME): plan.city,
              _label(view, ids.BLOCK_SETUP_POPULATION): str(plan.population)}  # fmt: skip
    _submit(workspace, coordinator, values, "setup")
    workspace.wait_for_message(coordinator, "is set up", WAIT_SECONDS)
    narrate(
        f"{plan.coordinator} fills in {plan.city}, population {plan.population:,}, keeps the "
        "suggested country, timezone, channel and coordinator, and clicks Set up"
    )
    view = _open_modal(workspace, coordinator, "assign")
    narrate(f"{plan.coordinator} types /citycheck assign: a form with a people picker per area")
    picks: dict[str, list[str]] = {}
    for person, areas in plan.team.items():
        for area in areas:
            label = _label(view, ids.BLOCK_ASSIGN_AREA_PREFIX + area)
            picks.setdefault(label, []).append(city.user(person))
    _submit(workspace, coordinator, picks, "assign")
    workspace.wait_for_message(coordinator, "saved", WAIT_SECONDS)
    for person in plan.team:  # everyone assigned has their welcome before anyone starts
        workspace.wait_for(
            lambda p=person: _has_button(workspace, city.user(p), "Start"),  # type: ignore[misc]
            WAIT_SECONDS,
            f"the assignment message to {person}",
        )
    who = "; ".join(f"{p}: {', '.join(a)}" for p, a in plan.team.items())
    narrate(f"{plan.coordinator} picks who answers each practice area ({who}) and clicks Save")


def _open_modal(workspace: Workspace, user: str, text: str, channel: str | None = None) -> Any:
    workspace.command(user, text, channel_id=channel)
    return workspace.wait_for(lambda: workspace.modal(user), WAIT_SECONDS, f"the {text} modal")


def _label(view: dict[str, Any], block_id: str) -> str:
    for control in controls(view["blocks"]):
        if control.block_id == block_id:
            return control.label
    raise SetupFailed(f"the {view.get('callback_id')} modal has no field {block_id}")


def _submit(workspace: Workspace, user: str, values: dict[str, Any], what: str) -> None:
    done = workspace.submit_modal(user, values)
    if not done.closed:
        problems = "; ".join(f"{k}: {v}" for k, v in done.errors.items()) or "it stayed open"
        raise SetupFailed(f"the {what} modal was not accepted: {problems}")


def _has_button(workspace: Workspace, user: str, label: str) -> bool:
    return any(
        c.label == label
        for m in workspace.messages(user)
        for c in controls(m.get("blocks") or [])
        if c.kind == "button"
    )

"""Two workspaces installed through OAuth, a city in each with people of the same names: every
command, click, App Home, status, export and scheduled send stays in its own workspace.

The sandbox refuses (and the strict sandbox fails the test on) any call made with one
workspace's token about another workspace's channel or person; on top of that, everything the
bot put in each workspace is read back and must name its own city and people only.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.sandbox.driver import Workspace
from bot.sandbox.respondent import Respondent
from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import BotUnderTest, running_bot
from bot.slack.outbox import build_sweeper
from storage.models import City, Person
from storage.models import Workspace as WorkspaceRow
from tests.e2e.journeys import NOW, RUBRIC, Team, assign, make_team, set_up

NAMES = ("cora", "rita", "leo")
NEXT_MONDAY = datetime(2027, 3, 8, 15, 0, tzinfo=UTC)
"""9:00 in Chicago a week later: each city's weekly digest, and rita's follow-up, are due."""
MENTION = re.compile(r"<@(U[0-9A-Z]+)>")
EXPORT_STARTS = ("area,area_name,criterion", "{", "<!DOCTYPE html>")


@pytest.fixture
def bot(sandbox: LocalSandbox, db_engine: Engine) -> Iterator[BotUnderTest]:
    """The app in OAuth mode: one installation for every workspace."""
    with running_bot(
        sandbox, engine=db_engine, rubric=RUBRIC, clock=lambda: NOW, oauth=True
    ) as served:
        yield served


def _city_journey(workspace: Workspace, city: str) -> Team:
    """Install, set the city up, assign, answer a question, status, Home and export."""
    team = make_team(workspace, NAMES, channel=f"{city.lower()}-data")
    page = workspace.install(team["cora"])
    assert page.status == 200, page.body
    set_up(workspace, team["cora"], team.channel, name=city)
    assign(workspace, team["cora"], {"OD": [team["rita"]]})
    workspace.wait_for_message(team["cora"], "saved")
    rita = Respondent(workspace, team["rita"])
    rita.click_resume()
    rita.answer("all")
    workspace.command(team["cora"], "status")
    workspace.wait_for_message(team["cora"], "questions answered")
    for person in (team["cora"], team["rita"]):
        workspace.open_home(person)
        workspace.wait_for(partial(workspace.home, person), what="the Home tab")
    workspace.command(team["cora"], "export")
    workspace.wait_for(
        lambda: [m for m in workspace.messages(team["cora"]) if m.get("files")],
        what="the export files",
    )
    return team


def test_two_cities_in_two_workspaces_never_see_each_other(
    sandbox: LocalSandbox, bot: BotUnderTest, db_engine: Engine
) -> None:
    springfield_ws = bot.workspace_for(sandbox.add_workspace(name="Springfield")["team_id"])
    shelbyville_ws = bot.workspace_for(sandbox.add_workspace(name="Shelbyville")["team_id"])
    springfield = _city_journey(springfield_ws, "Springfield")
    shelbyville = _city_journey(shelbyville_ws, "Shelbyville")

    later = dataclasses.replace(bot.deps, clock=lambda: NEXT_MONDAY)
    report = build_sweeper(later, channel_interval=0.0).sweep()
    bot.drain()

    assert report.sent == 4, report.summary()  # a digest and a follow-up in each workspace
    teams = {springfield_ws.team["id"]: springfield, shelbyville_ws.team["id"]: shelbyville}
    for team_id, team in teams.items():
        posts = [c for c in sandbox.calls("chat.postMessage") if c.get("team") == team_id]
        sent_to = {c["args"]["channel"] for c in posts}
        assert {team.channel, team["rita"]} <= sent_to
    pairs = [
        (springfield_ws, springfield, "Springfield", shelbyville, "Shelbyville"),
        (shelbyville_ws, shelbyville, "Shelbyville", springfield, "Springfield"),
    ]
    for workspace, own, city, other, other_city in pairs:
        texts = sandbox.workspace_texts(team_id=workspace.team["id"])
        everything = "\n".join(texts)
        assert city in everything
        assert other_city not in everything
        mentioned = set(MENTION.findall(everything))
        assert mentioned and mentioned <= set(own.users.values()), mentioned
        assert not set(other.users.values()) & set(re.findall(r"U[0-9]{10}", everything))
        exports = [t for t in texts if t.lstrip("\ufeff").startswith(EXPORT_STARTS)]
        assert len(exports) == 3 and city in exports[1]  # CSV, JSON (names the city), HTML

    with Session(db_engine) as session:
        rows = session.exec(
            select(City.name, WorkspaceRow.slack_team_id, Person.display_name, Person.slack_user_id)
            .join(WorkspaceRow, col(WorkspaceRow.id) == col(City.workspace_id))
            .join(Person, col(Person.workspace_id) == col(WorkspaceRow.id))
        ).all()
    for city, team_id, name, slack_id in rows:
        own = teams[team_id]
        assert city == ("Springfield" if own is springfield else "Shelbyville")
        assert own.users[name] == slack_id  # same names, each person in their own workspace

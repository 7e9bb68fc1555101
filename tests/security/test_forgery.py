"""Forged and replayed requests: 401 and nothing changes; a signed one from another team: refused.

Each kind of request Slack sends (a slash command, a click, a modal submission, an event) is
built so that, correctly signed now, it would store something. Sent with a wrong signature, a
body changed after signing, no signature, or a correct signature for a timestamp over five
minutes old (a replay), it gets 401: no listener runs, no Slack call is made, no row changes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl, urlencode

import pytest
from sqlalchemy import Engine

from bot.sandbox import payloads
from bot.sandbox.driver import Workspace
from bot.sandbox.surfaces import Control
from bot.sandbox.testing import SIGNING_SECRET, BotUnderTest, running_bot
from bot.slack import ids
from tests.security.world import (
    CRITERION,
    NOW,
    RUBRIC,
    ForeignWorkspace,
    World,
    changed_tables,
    snapshot,
)

FORM = "application/x-www-form-urlencoded"
Build = Callable[[World, Workspace], tuple[bytes, str]]


@pytest.fixture
def bot(world: World, world_engine: Engine) -> Iterator[BotUnderTest]:
    """The real app over HTTP on the world's database."""
    with running_bot(world.sandbox, engine=world_engine, rubric=RUBRIC, clock=lambda: NOW) as b:
        yield b


def _click(world: World, workspace: Workspace) -> tuple[bytes, str]:
    rita = world.user("rita")
    element = {
        "type": "button",
        "action_id": ids.INTERVIEW_NONE,
        "value": f"{world.ids.round2}:{CRITERION}",
        "text": {"type": "plain_text", "text": "None"},
    }
    block = {"type": "actions", "block_id": "q", "elements": [element]}
    payload = payloads.block_actions(
        user=world.sandbox.user(user_id=rita),
        app_id=workspace.identity["app_id"],
        trigger_id=world.sandbox.issue_trigger(user_id=rita),
        action=payloads.action_of(Control(block, element), time.time()),
        state={},
        view={"id": "V0HOME", "type": "home", "blocks": [block], "state": {"values": {}}},
    )
    return urlencode({"payload": json.dumps(payload)}).encode(), FORM


def _submission(world: World, workspace: Workspace) -> tuple[bytes, str]:
    rita = world.user("rita")
    values = {
        ids.BLOCK_EVIDENCE_LINKS: {
            ids.ACTION_EVIDENCE_LINKS: {"type": "plain_text_input", "value": "https://a.gov/p"}
        }
    }
    payload = payloads.view_submission(
        user=world.sandbox.user(user_id=rita),
        app_id=workspace.identity["app_id"],
        trigger_id=world.sandbox.issue_trigger(user_id=rita),
        view={
            "id": "V0EVIDENCE",
            "type": "modal",
            "callback_id": ids.VIEW_EVIDENCE,
            "private_metadata": f"{world.ids.round2}:{CRITERION}",
            "blocks": [],
        },
        state=values,
    )
    return urlencode({"payload": json.dumps(payload)}).encode(), FORM


def _command(world: World, workspace: Workspace) -> tuple[bytes, str]:
    cora = world.user("cora")
    fields = payloads.slash_command(
        user=world.sandbox.user(user_id=cora),
        channel=world.sandbox.dm_channel(user_id=cora),
        command="/citycheck",
        text="language city es Springfield",
        app_id=workspace.identity["app_id"],
        response_url=world.sandbox.issue_response_url(user_id=cora, channel_id=workspace.dm(cora)),
        trigger_id=world.sandbox.issue_trigger(user_id=cora),
    )
    return urlencode(fields).encode(), FORM


def _event(world: World, workspace: Workspace) -> tuple[bytes, str]:
    rita = world.user("rita")
    dm = workspace.dm(rita)
    posted = world.sandbox.post_as_user(channel_id=dm, user_id=rita, text="none")
    body = payloads.event_callback(
        event={
            "type": "message",
            "channel": dm,
            "user": rita,
            "text": "none",
            "ts": posted["ts"],
            "channel_type": "im",
        },
        app_id=workspace.identity["app_id"],
        bot_user_id=workspace.identity["bot_user_id"],
        event_id=payloads.new_event_id(),
        now=time.time(),
    )
    return json.dumps(body).encode(), "application/json"


KINDS: dict[str, Build] = {
    "click": _click,
    "modal submission": _submission,
    "slash command": _command,
    "event": _event,
}
FORGERIES = {
    "wrong signature": lambda w, body, kind: w.send(body, kind, signature="v0=" + "0" * 64),
    "signed with another secret": lambda w, body, kind: Workspace(
        w.sandbox, w.bot_url, "not-the-signing-secret"
    ).send(body, kind),
    "body changed after signing": lambda w, body, kind: w.send(
        body.replace(b"none", b"None").replace(b"es", b"pt"),
        kind,
        signature=w.sign(body, int(time.time())),
    ),
    "replayed six minutes later": lambda w, body, kind: w.send(
        body, kind, timestamp=int(time.time()) - 6 * 60
    ),
    "timestamp from the future": lambda w, body, kind: w.send(
        body, kind, timestamp=int(time.time()) + 6 * 60
    ),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_or_replayed_request_gets_401_and_changes_nothing(
    bot: BotUnderTest, world: World, world_engine: Engine, kind: str, forgery: str
) -> None:
    body, content_type = KINDS[kind](world, bot.workspace)
    before = snapshot(world_engine)
    calls = len(world.sandbox.calls())

    response = FORGERIES[forgery](bot.workspace, body, content_type)
    bot.drain()

    assert response.status == 401
    assert changed_tables(before, snapshot(world_engine)) == []
    assert [c["method"] for c in world.sandbox.calls()[calls:]] == []


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_request_signed_now_is_served(
    bot: BotUnderTest, world: World, world_engine: Engine, kind: str
) -> None:
    body, content_type = KINDS[kind](world, bot.workspace)
    before = snapshot(world_engine)

    response = bot.workspace.send(body, content_type)
    bot.drain()

    assert response.status == 200
    assert changed_tables(before, snapshot(world_engine)) != []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("team", ["T0OTHERWS1", "T0NEVERSEEN"])
def test_a_signed_request_from_another_team_is_refused_and_changes_nothing(
    bot: BotUnderTest, world: World, world_engine: Engine, kind: str, team: str
) -> None:
    foreign = ForeignWorkspace(world.sandbox, bot.events_url, SIGNING_SECRET, team_id=team)
    body, content_type = KINDS[kind](world, foreign)
    snapshot_before = snapshot(world_engine, ignore=frozenset({"processed_event"}))

    if content_type == FORM:
        response = foreign.send_form(dict(parse_qsl(body.decode())))
    else:
        response = foreign.send(body, content_type)
    bot.drain()

    assert response.status == 200
    # Only the id of the delivered event is remembered (Slack's retries of it do nothing).
    after = snapshot(world_engine, ignore=frozenset({"processed_event"}))
    assert changed_tables(snapshot_before, after) == []

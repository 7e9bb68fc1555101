"""What the benchmarks send: the interaction measured as "answer click", and the bare baseline.

An `Interaction` builds `count` requests for an app under test (creating the people, city or
messages it needs through the sandbox driver and the database first) and names the sandbox call
that marks one request's work as complete (`settles_on`), so scenario 2 can tell when every
answer is stored and its message updated.

The one switch: `answer_click()` returns the interaction that scenarios 1, 2 and 6 measure.
While the interview's answer buttons do not exist it returns `HelpCommand`, a placeholder that
every result labels as such; when they exist, write an `Interaction` that clicks an answer on a
question message and return it there instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from bot.bench.loadgen import Request
from bot.sandbox import payloads
from bot.sandbox.driver import Workspace
from bot.slack.baseline import BARE_ACTION_ID

FORM = "application/x-www-form-urlencoded"
RESPONSE_URL_USES = 5
"""Slack lets a response_url be used five times; one is issued per five requests."""


@dataclass(frozen=True)
class Target:
    """An app under test as an interaction sees it: the sandbox, a driver, the database URL."""

    sandbox: Any
    """Driver operations: a `LocalSandbox` in this process or a `RemoteSandbox`."""
    workspace: Workspace
    """People in the sandbox workspace, sending signed requests to the app."""
    database_url: str | None = None


class Interaction(Protocol):
    """A kind of request the benchmarks send to citycheck."""

    label: str
    """How results name it, e.g. `answer click`."""
    placeholder: bool
    """True while it stands in for the interaction the scenario is about."""
    settles_on: str
    """The sandbox call made once per request when its work after the ack is complete."""

    def prepare(self, target: Target, count: int) -> list[Request]:
        """Create what the requests need, then return `count` unsigned requests."""
        ...


class HelpCommand:
    """`/citycheck help` from several people: ack, then users.info and an ephemeral answer."""

    label = "/citycheck help (placeholder for the answer click)"
    placeholder = True
    settles_on = "response_url"

    def __init__(self, people: int = 16) -> None:
        self.people = people

    def prepare(self, target: Target, count: int) -> list[Request]:
        """`count` slash commands spread over `people` people, each with a valid response_url."""
        sandbox, identity = target.sandbox, target.workspace.identity
        users = [
            sandbox.add_user(name=f"bench{i}", locale="en-US", tz="UTC", real_name="")
            for i in range(min(self.people, count))
        ]
        channels = [sandbox.dm_channel(user_id=user["id"]) for user in users]
        requests = []
        issued: dict[int, tuple[str, int]] = {}
        for index in range(count):
            who = index % len(users)
            url, used = issued.get(who, ("", RESPONSE_URL_USES))
            if used >= RESPONSE_URL_USES:
                url, used = (
                    sandbox.issue_response_url(
                        user_id=users[who]["id"], channel_id=channels[who]["id"]
                    ),
                    0,
                )
            issued[who] = (url, used + 1)
            fields = payloads.slash_command(
                user=users[who],
                channel=channels[who],
                command="/citycheck",
                text="help",
                app_id=identity["app_id"],
                response_url=url,
                trigger_id=f"{index}.bench.trigger",
            )
            requests.append(Request(urlencode(fields).encode(), FORM))
        return requests


def answer_click() -> Interaction:
    """The interaction scenarios 1, 2 and 6 measure as "answer click" (the one switch)."""
    return HelpCommand()


def bare_click_requests(count: int, *, app_id: str = "A0BENCH") -> list[Request]:
    """`count` block_actions clicks on a question-like message, for the bare Bolt app."""
    user = {"id": "U0BENCH", "name": "bench"}
    buttons = [
        {
            "type": "button",
            "action_id": f"{BARE_ACTION_ID}_{n}",
            "text": {"type": "plain_text", "text": label},
            "value": f"{n}",
        }
        for n, label in enumerate(["Yes", "Partly", "No", "Not sure"])
    ]
    message = {
        "type": "message",
        "ts": "1700000000.000100",
        "user": "U0BOT",
        "bot_id": "B0BOT",
        "text": "Does the city have a written data governance policy?",
        "blocks": [
            {"type": "section", "block_id": "q", "text": {"type": "mrkdwn", "text": "x" * 400}},
            {"type": "actions", "block_id": "answers", "elements": buttons},
            {"type": "context", "block_id": "c", "elements": [{"type": "mrkdwn", "text": "3/43"}]},
        ],
    }
    action = {**buttons[0], "block_id": "answers", "action_ts": "1700000001.000200"}
    payload = payloads.block_actions(
        user=user,
        app_id=app_id,
        trigger_id="1.bench.trigger",
        action=action,
        state={},
        message=message,
        channel={"id": "D0BENCH"},
        response_url="http://127.0.0.1:9/_response/bench",
    )
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return [Request(body, FORM)] * count

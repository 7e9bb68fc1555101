"""Slack's bad days, one case at a time, against the sandbox's faults (bot.slack.client's policy).

- 429: every method waits Retry-After and tries again; the message arrives once.
- HTTP 5xx: retried for calls that are safe to repeat (chat.update, views.publish, reads); a post
  is not repeated (Slack may have posted it).
- A timeout or a connection reset: the same rule. When Slack had done the work and only the answer
  was lost, the message is there once; it is never posted a second time blindly.
- The scheduler's sends that failed that way are checked against the channel's history before
  they are sent again (the ledger's retry).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlmodel import select

from bot.deps import Deps
from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import SIGNING_SECRET, strict_sandbox
from bot.settings import load_settings
from bot.slack.client import build_retry_handlers
from bot.slack.outbox import build_sweeper
from storage.enums import NotificationStatus
from storage.models import NotificationLedger
from storage.session import unit_of_work
from tests.schedule.conftest import make_world
from tests.schedule.world import add_plan

TIMEOUT = 0.5
"""The client's timeout in these tests; the sandbox holds a dropped call longer."""


@pytest.fixture
def sandbox() -> Iterator[LocalSandbox]:
    """A started sandbox Slack that fails the test on any contract violation."""
    with strict_sandbox() as running:
        yield running


def client_for(sandbox: LocalSandbox) -> WebClient:
    """The production retry policy, with a short timeout."""
    return WebClient(
        token=sandbox.bot_token,
        base_url=sandbox.api_url,
        timeout=TIMEOUT,
        retry_handlers=build_retry_handlers(),
    )


def _texts(sandbox: LocalSandbox, user: str) -> list[str]:
    return [m["text"] for m in sandbox.messages_for(user_id=user)]


def test_a_429_is_waited_out_and_the_message_arrives_once(sandbox: LocalSandbox) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    sandbox.rate_limit("chat.postMessage", retry_after=1, times=2)

    client_for(sandbox).chat_postMessage(channel=ana, text="Your next question")

    faults = [c.get("fault", {}).get("status") for c in sandbox.calls("chat.postMessage")]
    assert faults == [429, 429, None]
    assert _texts(sandbox, ana) == ["Your next question"]


@pytest.mark.parametrize("status", [500, 503])
def test_a_5xx_on_a_post_is_not_repeated(sandbox: LocalSandbox, status: int) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    sandbox.server_error("chat.postMessage", status=status)

    with pytest.raises(SlackApiError):
        client_for(sandbox).chat_postMessage(channel=ana, text="Your next question")

    assert len(sandbox.calls("chat.postMessage")) == 1
    assert _texts(sandbox, ana) == []


@pytest.mark.parametrize("status", [500, 503])
def test_a_5xx_on_an_update_is_retried(sandbox: LocalSandbox, status: int) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    client = client_for(sandbox)
    posted = client.chat_postMessage(channel=ana, text="Question 1")
    sandbox.server_error("chat.update", status=status)

    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="Saved: none of these")

    assert [c.get("ok", False) for c in sandbox.calls("chat.update")] == [False, True]
    assert _texts(sandbox, ana) == ["Saved: none of these"]


@pytest.mark.parametrize("how", ["timeout", "reset"])
def test_a_post_lost_on_the_network_before_slack_ran_it_is_not_repeated(
    sandbox: LocalSandbox, how: str
) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    sandbox.drop_connection("chat.postMessage", how=how, after=False, hold=TIMEOUT * 2)

    with pytest.raises(OSError):
        client_for(sandbox).chat_postMessage(channel=ana, text="Your next question")

    assert len(sandbox.dropped("chat.postMessage")) == 1  # one attempt only
    assert sandbox.calls("chat.postMessage") == []
    assert _texts(sandbox, ana) == []


@pytest.mark.parametrize("how", ["timeout", "reset"])
def test_a_post_slack_ran_but_whose_answer_was_lost_is_there_once(
    sandbox: LocalSandbox, how: str
) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    sandbox.drop_connection("chat.postMessage", how=how, after=True, hold=TIMEOUT * 2)

    with pytest.raises(OSError):
        client_for(sandbox).chat_postMessage(channel=ana, text="Your next question")

    assert len(sandbox.calls("chat.postMessage")) == 1
    assert _texts(sandbox, ana) == ["Your next question"]


@pytest.mark.parametrize("how", ["timeout", "reset"])
@pytest.mark.parametrize("after", [False, True])
def test_a_read_lost_on_the_network_is_retried(
    sandbox: LocalSandbox, how: str, after: bool
) -> None:
    ana = sandbox.add_user(name="ana", locale="es-LA")["id"]
    sandbox.drop_connection("users.info", how=how, after=after, hold=TIMEOUT * 2)

    answer = client_for(sandbox).users_info(user=ana, include_locale=True)

    assert answer["user"]["locale"] == "es-LA"
    assert len(sandbox.dropped("users.info")) == 1


@pytest.mark.parametrize("how", ["timeout", "reset"])
def test_an_update_lost_on_the_network_is_retried_and_applied_once(
    sandbox: LocalSandbox, how: str
) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    client = client_for(sandbox)
    posted = client.chat_postMessage(channel=ana, text="Question 1")
    sandbox.drop_connection("chat.update", how=how, after=True, hold=TIMEOUT * 2)

    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="Saved: all four")

    assert len(sandbox.calls("chat.update")) == 2
    assert _texts(sandbox, ana) == ["Saved: all four"]


def test_a_reminder_whose_answer_was_lost_is_not_sent_again(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world = make_world(
        sandbox, engine, people={"cora": ["coordinator"], "leo": ["leader"]}, digest=False
    )
    with unit_of_work(engine) as session:
        add_plan(
            session,
            rubric=world.rubric,
            assessment_id=world.assessment_id,
            owner_ids=[world.pid("leo")],
            due=[date(2027, 3, 17)],
            criteria=["PA1"],
            now=world.clock.now,
        )
    settings = load_settings(
        SLACK_BOT_TOKEN=sandbox.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=sandbox.api_url,
        SLACK_APP_TOKEN="",
    )
    deps = Deps(
        settings=settings,
        client=client_for(sandbox),
        engine=engine,
        rubric=world.rubric,
        clock=world.clock,
    )
    sandbox.drop_connection("chat.postMessage", how="reset", after=True)

    world.clock.now = datetime(2027, 3, 17, 13, tzinfo=UTC)  # nine in New York
    first = build_sweeper(deps, channel_interval=0).sweep()
    world.clock.now += timedelta(minutes=1)
    second = build_sweeper(deps, channel_interval=0).sweep()

    assert (first.sent, first.failed) == (0, 1)
    assert (second.sent, second.recovered) == (0, 1)
    assert len(sandbox.messages_for(user_id=world.user("leo"))) == 1
    assert len(sandbox.calls("chat.postMessage")) == 1
    with unit_of_work(engine, read_only=True) as session:
        [row] = session.exec(select(NotificationLedger)).all()
        assert row.status == NotificationStatus.SENT

"""Messages Slack refuses for good: recorded, shown to the coordinators, never a crash.

A person deactivated, a channel archived, the bot removed from it, the token revoked: the action
that caused the message is stored all the same, the refusal is logged with its ids and recorded
in the notification ledger for each city concerned, and the next weekly digest lists it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.sandbox import payloads
from bot.sandbox.surfaces import Control
from bot.services.send_failures import LISTENER_SEND, send_failures
from bot.slack import ids
from bot.slack.outbox import build_sweeper
from storage.enums import NotificationStatus
from storage.models import Answer, Assignment, NotificationLedger
from tests.security.inprocess import InProcessApp, in_process_app
from tests.security.world import AREA, CRITERION, NOW, World

REFUSALS = ["account_inactive", "is_archived", "not_in_channel", "token_revoked"]


@pytest.fixture
def bot(world: World, world_engine: Engine) -> Iterator[InProcessApp]:
    """The app in this process, on the world's database."""
    with in_process_app(world, world_engine) as running:
        yield running


def _click_none(bot: InProcessApp) -> None:
    rita = bot.world.user("rita")
    sandbox = bot.world.sandbox
    element = {
        "type": "button",
        "action_id": ids.INTERVIEW_NONE,
        "text": {"type": "plain_text", "text": "None of these"},
        "value": f"{bot.world.ids.round2}:{CRITERION}",
    }
    block = {"type": "actions", "block_id": "q", "elements": [element]}
    dm = sandbox.dm_channel(user_id=rita)["id"]
    payload = payloads.block_actions(
        user=sandbox.user(user_id=rita),
        app_id=sandbox.identity()["app_id"],
        trigger_id=sandbox.issue_trigger(user_id=rita),
        action=payloads.action_of(Control(block, element), 1700000001.0),
        state={},
        message={"type": "message", "ts": "1700000000.000100", "text": "OD1", "blocks": [block]},
        channel={"id": dm},
        response_url=sandbox.issue_response_url(user_id=rita, channel_id=dm),
    )
    assert bot.payload(payload).status == 200
    bot.settle()


@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_refused_reply_to_a_click_is_recorded_and_the_answer_kept(
    bot: InProcessApp, world_engine: Engine, refusal: str, caplog: pytest.LogCaptureFixture
) -> None:
    bot.world.sandbox.slack_error("chat.postMessage", refusal, times=5)
    bot.world.sandbox.slack_error("chat.update", refusal, times=5)

    with caplog.at_level(logging.WARNING):
        _click_none(bot)

    assert bot.failures == []  # logged as a warning with the ids, not as a failure
    warning = next(r for r in caplog.records if "refused a message for good" in r.getMessage())
    assert refusal in warning.getMessage() and bot.world.user("rita") in warning.getMessage()
    with Session(world_engine) as session:
        answer = session.exec(select(Answer).where(Answer.criterion_id == CRITERION)).one()
        assert answer.status == "answered"
        [row] = send_failures(session, city_id=bot.world.ids.city)
    assert (row.kind, row.status, row.error) == (
        LISTENER_SEND,
        NotificationStatus.PERMANENT_ERROR,
        refusal,
    )
    assert row.target.startswith(f"city:{bot.world.ids.city}/person:")


def test_one_record_a_day_for_one_person(bot: InProcessApp, world_engine: Engine) -> None:
    bot.world.sandbox.slack_error("chat.postMessage", "account_inactive", times=20)
    bot.world.sandbox.slack_error("chat.update", "account_inactive", times=20)

    _click_none(bot)
    _click_none(bot)

    with Session(world_engine) as session:
        assert len(send_failures(session, city_id=bot.world.ids.city)) == 1


def test_assigning_someone_who_left_stores_the_assignment_and_tells_the_coordinators(
    bot: InProcessApp, world_engine: Engine
) -> None:
    world = bot.world
    cora, leo = world.user("cora"), world.user("leo")
    values = {
        f"{ids.BLOCK_ASSIGN_AREA_PREFIX}{area}": {
            ids.ACTION_ASSIGN_PEOPLE: {"type": "multi_users_select", "selected_users": people}
        }
        for area, people in {AREA: [world.user("rita")], "BF": [leo]}.items()
    }
    sandbox = world.sandbox
    payload = payloads.view_submission(
        user=sandbox.user(user_id=cora),
        app_id=sandbox.identity()["app_id"],
        trigger_id=sandbox.issue_trigger(user_id=cora),
        view={
            "id": "V0ASSIGN",
            "type": "modal",
            "callback_id": ids.VIEW_ASSIGN,
            "private_metadata": str(world.ids.city),
            "blocks": [],
        },
        state=values,
    )
    sandbox.slack_error("chat.postMessage", "account_inactive", times=1)  # Leo's assignment DM

    assert bot.payload(payload).status == 200
    bot.settle()

    assert bot.failures == []
    with Session(world_engine) as session:
        assigned = session.exec(select(Assignment).where(Assignment.area_id == "BF")).all()
        assert len(assigned) == 1
        [row] = send_failures(session, city_id=world.ids.city)
    assert row.error == "account_inactive"
    assert any("saved" in m["text"].lower() for m in sandbox.messages_for(user_id=cora))

    # The next weekly digest (Monday, 9:00 in Chicago: NOW) lists it for the coordinators.
    report = build_sweeper(bot.deps, channel_interval=0).sweep()
    assert report.permanent == 0
    digest = [m["text"] for m in sandbox.history(channel_id=world.channels["springfield"])]
    assert any("account_inactive" in text and "Leo" in text for text in digest), digest


@pytest.mark.parametrize("refusal", ["is_archived", "not_in_channel", "token_revoked"])
def test_the_scheduler_records_a_refused_digest_and_goes_on(
    bot: InProcessApp, world_engine: Engine, refusal: str
) -> None:
    bot.world.sandbox.slack_error("chat.postMessage", refusal, times=1)

    report = build_sweeper(bot.deps, channel_interval=0).sweep()

    assert report.permanent == 1 and report.sent >= 1  # the other city's digest went out
    with Session(world_engine) as session:
        errors = session.exec(
            select(NotificationLedger.error).where(
                NotificationLedger.status == NotificationStatus.PERMANENT_ERROR
            )
        ).all()
    assert errors == [refusal]
    assert NOW.weekday() == 0  # the world's clock is a digest morning

"""Whatever people type, click or submit: the app never fails, and always answers sensibly.

Generated input goes through the real app in this process (signatures, middleware, listeners,
the database, the sandbox Slack). A failure would reach the error handler, which logs
`action failed`; none may. Typed replies always get a reply that is an answer or a hint; modal
fields are either accepted or answered with field errors on the modal's own inputs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_bolt import BoltResponse
from sqlalchemy import Engine

from bot.i18n import translator
from bot.sandbox import payloads
from bot.sandbox.surfaces import Control
from bot.slack import ids
from bot.slack.builders.failure import build_failure_message
from tests.security.inprocess import InProcessApp, in_process_app
from tests.security.registered import registered_surfaces
from tests.security.world import CRITERION, World

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FAILURE_NOTICE = build_failure_message(translator("en")).text

ODD = st.sampled_from(
    [
        "\x00",
        "\x1b[2J",
        "\u202e",
        "\u200b",
        "\ufeff",
        "\r\n",
        "\t",
        "javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "http://[::1",
        "https://",
        "<script>",
        "&amp;",
        "*bold* _it_",
        "<!channel>",
        "<@U0000000001>",
        "💥",
        "²",
        "١٢",
        "9" * 5000,
        "1 3",
        "none",
        "not sure",
        "skip",
        "back",
        "pause",
        "status",
        "help",
    ]
)
TEXT = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(ODD, st.text(max_size=8)), max_size=6).map("".join),
    st.builds(
        lambda piece, times: piece * times, st.text(min_size=1, max_size=4), st.integers(0, 3000)
    ),
)


@pytest.fixture
def bot(world: World, world_engine: Engine) -> Iterator[InProcessApp]:
    """The app in this process, on the world's database."""
    with in_process_app(world, world_engine) as running:
        yield running


def _posts_to(bot: InProcessApp, user: str, since: int) -> list[dict[str, Any]]:
    dm = bot.world.sandbox.dm_channel(user_id=user)["id"]
    return [
        c
        for c in bot.world.sandbox.calls()[since:]
        if c["method"] in ("chat.postMessage", "chat.update", "response_url")
        and c["args"].get("channel") in (user, dm, None)
    ]


@FUZZ
@given(text=TEXT)
def test_any_typed_reply_gets_an_answer_or_a_hint(bot: InProcessApp, text: str) -> None:
    rita = bot.world.user("rita")
    since = len(bot.world.sandbox.calls())

    response = bot.typed(rita, text)
    bot.settle()

    assert response.status == 200
    assert bot.failures == []
    assert bot.world.sandbox.violations() == []
    replies = _posts_to(bot, rita, since)
    shown = [str(c["args"].get("text") or "") for c in replies]
    if text.strip() or not shown:  # Slack sends no empty messages; an empty one may be ignored
        assert shown, f"no reply to {text[:60]!r}"
    assert FAILURE_NOTICE not in shown


def _modal(bot: InProcessApp, user: str, callback_id: str, metadata: str, values: Any) -> Any:
    view = {
        "id": "V0FUZZ",
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": "citycheck"},
        "blocks": [],
    }
    sandbox = bot.world.sandbox
    payload = payloads.view_submission(
        user=sandbox.user(user_id=user),
        app_id=sandbox.identity()["app_id"],
        trigger_id=sandbox.issue_trigger(user_id=user),
        view=view,
        state=values,
    )
    return bot.payload(payload)


def _text_input(block: str, action: str, value: str | None) -> dict[str, Any]:
    return {block: {action: {"type": "plain_text_input", "value": value}}}


def _field_errors(response: BoltResponse) -> dict[str, str]:
    if not response.body:
        return {}
    answer = json.loads(response.body)
    assert answer.get("response_action") in ("errors", "update"), answer
    return dict(answer.get("errors") or {})


@FUZZ
@given(links=st.one_of(st.none(), TEXT), note=st.one_of(st.none(), TEXT))
def test_any_evidence_is_stored_or_answered_with_field_errors(
    bot: InProcessApp, links: str | None, note: str | None
) -> None:
    values = {
        **_text_input(ids.BLOCK_EVIDENCE_LINKS, ids.ACTION_EVIDENCE_LINKS, links),
        **_text_input(ids.BLOCK_EVIDENCE_NOTE, ids.ACTION_EVIDENCE_NOTE, note),
    }
    metadata = f"{bot.world.ids.round2}:{CRITERION}"

    response = _modal(bot, bot.world.user("rita"), ids.VIEW_EVIDENCE, metadata, values)
    bot.settle()

    assert response.status == 200
    assert bot.failures == []
    assert bot.world.sandbox.violations() == []
    errors = _field_errors(response)
    assert set(errors) <= {ids.BLOCK_EVIDENCE_LINKS, ids.BLOCK_EVIDENCE_NOTE}
    assert all(message.strip() for message in errors.values())


@FUZZ
@given(evidence=st.one_of(st.none(), TEXT), metadata=st.one_of(TEXT, st.just('{"m": 1}')))
def test_any_done_evidence_is_stored_or_answered_with_a_field_error(
    bot: InProcessApp, evidence: str | None, metadata: str
) -> None:
    values = _text_input(ids.BLOCK_DONE_EVIDENCE, ids.ACTION_DONE_EVIDENCE, evidence)
    if metadata == '{"m": 1}':
        metadata = json.dumps({"m": bot.world.ids.milestone})

    response = _modal(bot, bot.world.user("leo"), ids.VIEW_MILESTONE_DONE, metadata, values)
    bot.settle()

    assert response.status == 200
    assert bot.failures == []
    assert bot.world.sandbox.violations() == []
    assert set(_field_errors(response)) <= {ids.BLOCK_DONE_EVIDENCE}


@FUZZ
@given(
    name=TEXT,
    state=TEXT,
    population=TEXT,
    country=TEXT,
    timezone=TEXT,
    channel=TEXT,
    people=st.lists(TEXT, max_size=4),
    metadata=TEXT,
)
def test_any_setup_form_is_stored_or_answered_with_field_errors(
    bot: InProcessApp,
    name: str,
    state: str,
    population: str,
    country: str,
    timezone: str,
    channel: str,
    people: list[str],
    metadata: str,
) -> None:
    def picked(block: str, action: str, key: str, value: Any) -> dict[str, Any]:
        return {block: {action: {"type": "x", key: value}}}

    values = {
        **_text_input(ids.BLOCK_SETUP_NAME, ids.ACTION_SETUP_NAME, name),
        **_text_input(ids.BLOCK_SETUP_STATE, ids.ACTION_SETUP_STATE, state),
        **_text_input(ids.BLOCK_SETUP_POPULATION, ids.ACTION_SETUP_POPULATION, population),
        **picked(
            ids.BLOCK_SETUP_COUNTRY, ids.ACTION_SETUP_COUNTRY, "selected_option", {"value": country}
        ),
        **picked(
            ids.BLOCK_SETUP_TIMEZONE,
            ids.ACTION_SETUP_TIMEZONE,
            "selected_option",
            {"value": timezone},
        ),
        **picked(
            ids.BLOCK_SETUP_CHANNEL, ids.ACTION_SETUP_CHANNEL, "selected_conversation", channel
        ),
        **picked(
            ids.BLOCK_SETUP_COORDINATORS, ids.ACTION_SETUP_COORDINATORS, "selected_users", people
        ),
        **picked(ids.BLOCK_SETUP_LEADERS, ids.ACTION_SETUP_LEADERS, "selected_users", people),
    }

    response = _modal(bot, bot.world.user("cora"), ids.VIEW_SETUP, metadata, values)
    bot.settle()

    assert response.status == 200
    assert bot.failures == []
    assert bot.world.sandbox.violations() == []
    setup_blocks = {value for name, value in vars(ids).items() if name.startswith("BLOCK_SETUP_")}
    assert set(_field_errors(response)) <= setup_blocks


@FUZZ
@given(metadata=TEXT, criterion=TEXT, owner=TEXT, due=TEXT)
def test_any_plan_review_is_stored_or_answered_with_field_errors(
    bot: InProcessApp, metadata: str, criterion: str, owner: str, due: str
) -> None:
    if metadata.startswith("1"):
        metadata = json.dumps({"a": bot.world.ids.round2, "c": [criterion, CRITERION]})
    values = {
        f"{ids.BLOCK_PLAN_INCLUDE_PREFIX}{cid}": {
            ids.ACTION_PLAN_INCLUDE: {"type": "checkboxes", "selected_options": [{"value": "x"}]}
        }
        for cid in (criterion, CRITERION)
    }
    values[f"{ids.BLOCK_PLAN_OWNER_PREFIX}{CRITERION}"] = {
        ids.ACTION_PLAN_OWNER: {"type": "users_select", "selected_user": owner}
    }
    values[f"{ids.BLOCK_PLAN_DUE_PREFIX}{CRITERION}"] = {
        ids.ACTION_PLAN_DUE: {"type": "datepicker", "selected_date": due}
    }

    response = _modal(bot, bot.world.user("cora"), ids.VIEW_PLAN_REVIEW, metadata, values)
    bot.settle()

    assert response.status == 200
    assert bot.failures == []
    assert bot.world.sandbox.violations() == []


BUTTONS = sorted(
    name.removeprefix("button ") for name in registered_surfaces() if name.startswith("button ")
)


@FUZZ
@given(
    action_id=st.sampled_from(BUTTONS), value=TEXT, who=st.sampled_from(["rita", "cora", "otto"])
)
def test_any_button_value_is_refused_or_served_never_failed(
    bot: InProcessApp, action_id: str, value: str, who: str
) -> None:
    _click(bot, action_id, value, who)


ODD_VALUES = [
    "²",
    "²:OD1",
    "٣:OD1",
    "9" * 5000,
    "9" * 30 + ":OD1",
    "-1",
    "0:OD1",
    "1:OD1:x",
    '{"m": 1}',
    "",
    " ",
    "1:" + "X" * 300,
    "1:ＯＤ１",
]


@pytest.mark.parametrize("value", ODD_VALUES)
def test_odd_button_values_are_refused_never_failed(bot: InProcessApp, value: str) -> None:
    for action_id in BUTTONS:
        _click(bot, action_id, value, "rita")


def _click(bot: InProcessApp, action_id: str, value: str, who: str) -> None:
    user = bot.world.user(who)
    element = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": "Go"},
        "value": value,
    }
    block = {"type": "actions", "block_id": "fuzz", "elements": [element]}
    sandbox = bot.world.sandbox
    dm = sandbox.dm_channel(user_id=user)["id"]
    message = {"type": "message", "ts": "1700000000.000100", "text": "Go", "blocks": [block]}
    payload = payloads.block_actions(
        user=sandbox.user(user_id=user),
        app_id=sandbox.identity()["app_id"],
        trigger_id=sandbox.issue_trigger(user_id=user),
        action=payloads.action_of(Control(block, element), 1700000001.0),
        state={},
        message=message,
        channel={"id": dm},
        response_url=sandbox.issue_response_url(user_id=user, channel_id=dm),
    )

    response = bot.payload(payload)
    bot.settle()

    assert response.status == 200
    assert bot.failures == []
    assert bot.world.sandbox.violations() == []

"""Slack's retries of an event (same event_id, X-Slack-Retry-Num) take effect once.

Every event kind the app listens to is delivered, then delivered again as Slack's retry: the
second delivery is answered 200 and does nothing. A first delivery that failed before its ack
is not remembered: the retry is handled and its effect happens once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.sandbox.driver import Workspace
from bot.sandbox.testing import BotUnderTest, running_bot
from storage.models import Answer, AnswerHistory, ProcessedEvent
from storage.repo import events
from storage.session import unit_of_work
from tests.security.inprocess import settle
from tests.security.world import NOW, RUBRIC, World


@pytest.fixture
def bot(world: World, world_engine: Engine) -> Iterator[BotUnderTest]:
    """The real app over HTTP on the world's database."""
    with running_bot(world.sandbox, engine=world_engine, rubric=RUBRIC, clock=lambda: NOW) as b:
        yield b


def _typed(workspace: Workspace, user: str, text: str) -> dict[str, Any]:
    dm = workspace.dm(user)
    posted = workspace.sandbox.post_as_user(channel_id=dm, user_id=user, text=text)
    return {
        "type": "message",
        "channel": dm,
        "user": user,
        "text": text,
        "ts": posted["ts"],
        "event_ts": posted["ts"],
        "channel_type": "im",
    }


def _home(workspace: Workspace, user: str) -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": workspace.dm(user),
        "tab": "home",
        "event_ts": "1700000000.000100",
    }


EVENTS: dict[str, tuple[Callable[[Workspace, str], dict[str, Any]], str]] = {
    "message.im": (lambda w, u: _typed(w, u, "none"), "chat.postMessage"),
    "app_home_opened": (_home, "views.publish"),
}


def _answers(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        answers = session.scalar(select(func.count()).select_from(Answer)) or 0
        history = session.scalar(select(func.count()).select_from(AnswerHistory)) or 0
    return answers, history


@pytest.mark.parametrize("kind", EVENTS)
def test_a_retried_event_takes_effect_once(
    bot: BotUnderTest, world: World, world_engine: Engine, kind: str
) -> None:
    make, effect = EVENTS[kind]
    rita = world.user("rita")
    delivered = make(bot.workspace, rita)

    first = bot.workspace.send_event(delivered, event_id="EvRETRY0001")
    bot.workspace.wait_for(lambda: world.sandbox.calls(effect), what=f"the {effect} of {kind}")
    settle(bot.app)
    effects = len(world.sandbox.calls(effect))
    answers = _answers(world_engine)
    second = bot.workspace.send_event(delivered, event_id="EvRETRY0001", retry_num=1)
    third = bot.workspace.send_event(delivered, event_id="EvRETRY0001", retry_num=2)
    bot.drain()

    assert (first.status, second.status, third.status) == (200, 200, 200)
    assert len(world.sandbox.calls(effect)) == effects
    assert _answers(world_engine) == answers
    with Session(world_engine) as session:
        remembered = session.scalars(select(ProcessedEvent.event_id)).all()
    assert remembered == ["EvRETRY0001"]


def test_every_event_kind_is_covered() -> None:
    from tests.security.registered import registered_surfaces

    person_events = {"event message.im", "event app_home_opened"}
    registered = {name for name in registered_surfaces() if name.startswith("event ")}
    assert {f"event {kind}" for kind in EVENTS} == person_events
    # Events about a workspace (uninstalled, tokens revoked) carry no person's action: the
    # middleware remembers them all the same; see test_workspace_events_are_remembered.
    assert person_events <= registered


def test_workspace_events_are_remembered(bot: BotUnderTest, world_engine: Engine) -> None:
    for number, kind in enumerate(("app_uninstalled", "tokens_revoked")):
        event_id = f"EvWORKSPACE{number}"
        payload = {"type": kind, "tokens": {"bot": ["B0"]}}
        assert bot.workspace.send_event(payload, event_id=event_id).status == 200
        assert bot.workspace.send_event(payload, event_id=event_id, retry_num=1).status == 200
    with Session(world_engine) as session:
        remembered = sorted(session.scalars(select(ProcessedEvent.event_id)).all())
    assert remembered == ["EvWORKSPACE0", "EvWORKSPACE1"]


def test_a_delivery_that_failed_before_its_ack_is_handled_when_slack_retries(
    bot: BotUnderTest, world: World, world_engine: Engine
) -> None:
    rita = world.user("rita")
    typed = _typed(bot.workspace, rita, "none")
    failures = {"left": 1}

    def fail_once(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO ANSWER ") and failures["left"]:
            failures["left"] -= 1
            raise OperationalError(statement, (), Exception("database is locked"))

    event.listen(world_engine, "before_cursor_execute", fail_once)
    try:
        first = bot.workspace.send_event(typed, event_id="EvFAILED001")
        assert _answers(world_engine) == (0, 0)
        second = bot.workspace.send_event(typed, event_id="EvFAILED001", retry_num=1)
        third = bot.workspace.send_event(typed, event_id="EvFAILED001", retry_num=2)
        bot.drain()
    finally:
        event.remove(world_engine, "before_cursor_execute", fail_once)

    assert first.status != 200  # Slack will retry it
    assert (second.status, third.status) == (200, 200)
    assert _answers(world_engine) == (1, 1)


def test_old_event_ids_are_forgotten_once_slack_has_stopped_retrying(
    world: World, world_engine: Engine
) -> None:
    old = NOW - events.EVENT_RETENTION - timedelta(minutes=1)
    with unit_of_work(world_engine) as session:
        events.remember_event(session, event_id="EvLONGAGO01", now=old)
        events.remember_event(session, event_id="EvRECENT001", now=NOW - timedelta(hours=1))
    with running_bot(world.sandbox, engine=world_engine, rubric=RUBRIC, clock=lambda: NOW) as bot:
        bot.workspace.send_event(_home(bot.workspace, world.user("rita")), event_id="EvNOW000001")

    with Session(world_engine) as session:
        remembered = sorted(session.scalars(select(ProcessedEvent.event_id)).all())
    assert remembered == ["EvNOW000001", "EvRECENT001"]

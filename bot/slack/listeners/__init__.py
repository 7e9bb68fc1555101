"""Listeners by kind; each kind's `register(app)` is called once by `register_listeners`.

A listener stores what must survive before the ack (an answer), calls `ack()`, and hands every
Slack call to `bot.slack.deferred.defer`, so the HTTP response leaves at once and the Slack
calls run right after in the listener pool; their failures reach the one error handler.
Slash commands and events are registered through `registry.on_command` / `on_event`, so the
manifest test can compare them with app.yaml.
"""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import (
    attention,
    commands,
    coordinator,
    events,
    milestones,
    plan,
    rechecks,
    rounds,
)
from bot.slack.listeners import disagreements as disagreement_actions
from bot.slack.listeners.actions import interview as interview_actions


def register_listeners(app: App) -> None:
    """Attach every listener of the app.

    Bolt tries listeners in the order they were added, running each one's matchers (about 30
    microseconds each): the interview's buttons, answer clicks the most frequent requests by far,
    come first.
    """
    interview_actions.register(app)
    commands.register(app)
    events.register(app)
    coordinator.register(app)
    plan.register(app)
    milestones.register(app)
    rounds.register(app)
    attention.register(app)
    rechecks.register(app)
    disagreement_actions.register(app)

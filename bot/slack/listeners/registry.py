"""Registration helpers that remember which slash commands and events an app listens to.

The manifest test compares these with `app.yaml` in both directions, so every command and event
listener must be added through `on_command` / `on_event` (actions, views and shortcuts need no
manifest entry and use Bolt's decorators directly).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App

Listener = Callable[..., Any]


@dataclass
class Listened:
    """The slash commands and manifest event names (`message.im`) an app has listeners for."""

    commands: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)


_LISTENED: weakref.WeakKeyDictionary[App, Listened] = weakref.WeakKeyDictionary()


def listened(app: App) -> Listened:
    """What `app` listens to, as registered through this module."""
    return _LISTENED.setdefault(app, Listened())


def on_command(
    app: App,
    command: str,
    listener: Listener | None = None,
    *,
    ack: Listener | None = None,
    lazy: Sequence[Listener] = (),
) -> None:
    """Listen to a slash command: one `listener` (acks, then `defer`s), or Bolt's `ack` + `lazy`."""
    app.command(command)(*_functions(listener, ack, lazy))
    listened(app).commands.add(command)


def on_event(
    app: App,
    name: str,
    listener: Listener | None = None,
    *,
    ack: Listener | None = None,
    lazy: Sequence[Listener] = (),
) -> None:
    """Listen to an event by its manifest name: `app_home_opened`, or `message.im` for DMs."""
    event_type, _, channel_type = name.partition(".")
    matchers: list[Callable[..., bool]] = []
    if channel_type:

        def in_channel_type(event: dict[str, Any]) -> bool:
            return event.get("channel_type") == channel_type

        matchers.append(in_channel_type)
    app.event(event_type, matchers=matchers)(*_functions(listener, ack, lazy))
    listened(app).events.add(name)


def _functions(
    listener: Listener | None, ack: Listener | None, lazy: Sequence[Listener]
) -> list[Listener]:
    if (listener is None) == (ack is None):
        raise TypeError("give either one listener or ack= (with lazy=)")
    if listener is not None:
        return [listener]
    assert ack is not None
    return [ack, *lazy]

"""The `/citycheck` subcommand router: a registry of named subcommands and their handlers.

A subcommand module adds itself with `router.add(name, summary, usage)(handler)`; the handler gets
a `CommandRequest` after the slash command has been acknowledged, so it may call Slack (open a
modal within the trigger's 3 seconds, respond, post). Empty text, `help` and unknown names answer
with the help, the last with a "did you mean" hint.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.i18n import Translator
from bot.slack.builders.help import CommandHelp

if TYPE_CHECKING:
    from bot.deps import Deps


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class CommandRequest:
    """One `/citycheck <name> <args>` as a subcommand handler sees it."""

    deps: Deps
    client: WebClient
    respond: Respond
    router: Router
    tr: Translator
    logger: logging.Logger
    user_id: str
    channel_id: str
    team_id: str | None
    trigger_id: str
    name: str
    args: str


Handler = Callable[[CommandRequest], None]


@dataclass(frozen=True)
class Subcommand:
    """A registered subcommand: its name, its one-line summary (a message id) and handler."""

    name: str
    summary: str
    usage: str
    handler: Handler
    hidden: bool = False


@dataclass(frozen=True)
class Resolution:
    """What a typed text resolves to: a subcommand, or nothing with an optional suggestion."""

    subcommand: Subcommand | None
    name: str
    args: str
    suggestion: str | None = None


class Router:
    """The subcommands of `/citycheck`, in the order they were added."""

    def __init__(self) -> None:
        self._commands: dict[str, Subcommand] = {}

    def add(
        self, name: str, summary: str, usage: str = "", *, hidden: bool = False
    ) -> Callable[[Handler], Handler]:
        """Decorator: register `handler` as `/citycheck <name>`."""
        if not name or name != name.lower() or " " in name:
            raise ValueError(f"subcommand name {name!r} must be one lower-case word")
        if name in self._commands:
            raise ValueError(f"subcommand {name!r} is registered twice")

        def decorate(handler: Handler) -> Handler:
            self._commands[name] = Subcommand(name, summary, usage, handler, hidden)
            return handler

        return decorate

    def names(self) -> list[str]:
        """Every registered subcommand name."""
        return list(self._commands)

    def help_entries(self) -> list[CommandHelp]:
        """The visible subcommands as the help lists them."""
        return [
            CommandHelp(c.name, c.summary, c.usage) for c in self._commands.values() if not c.hidden
        ]

    def resolve(self, text: str) -> Resolution:
        """Split `text` into a subcommand and its arguments; suggest a close name if unknown."""
        name, _, args = text.strip().partition(" ")
        name = name.lower()
        found = self._commands.get(name)
        if found is not None or not name:
            return Resolution(found, name, args.strip())
        close = difflib.get_close_matches(name, self.names(), n=1, cutoff=0.6)
        return Resolution(None, name, args.strip(), close[0] if close else None)

"""What the bot showed, as a compact transcript: new and changed messages since the last look.

`Watcher.changes()` compares every person's DM (ephemerals included), the digest channel and
each Home tab with what it saw before. `format_seen` turns one change into terminal lines: a
question as one line (in full the first time), an answer record as its one line, anything else
(area summaries with their next steps, the result, status) as readable text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.demo.city import DemoCity
from bot.sandbox.ops import Sandbox
from bot.sandbox.remote import RemoteSandbox
from bot.sandbox.render import WIDTH, render_message, render_view
from bot.sandbox.respondent import is_question
from bot.slack import ids

Json = dict[str, Any]
AnySandbox = Sandbox | RemoteSandbox
HISTORY = 1000
REPEATING = (ids.BLOCK_QUESTION_ACTIONS, ids.BLOCK_ASSIGNED_INTRO, ids.BLOCK_INTERVIEW_INTRO)
"""Messages shown in full the first time only."""
HOME_NOISE = frozenset({ids.BLOCK_HOME_COMMANDS, ids.BLOCK_HOME_TIP})
"""Home blocks that repeat the command list: left out of the transcript."""
_BOLD = re.compile(r"(?<![\w*])\*([^*]+?)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_/])_([^_]+?)_(?![\w_])")
_BUTTONS = re.compile(r"^\[\d+\] ")
_BUTTON = re.compile(r"\[\d+\] ((?:(?!\s{3}\[\d+\]).)+)")
_OPTION = re.compile(r"^(\s*)\[\d+\] (?=[\[(])")
_ID = re.compile(r"@([UCDG][A-Z0-9]{6,})")


@dataclass(frozen=True)
class Seen:
    """One new or changed surface: a message to someone (or in the channel), or a Home tab."""

    where: str
    """A person's short name, or `#channel`."""
    kind: str
    """`message` or `home`."""
    surface: Json
    changed: bool


class Watcher:
    """Remembers what every surface of the demo city looked like at the last look."""

    def __init__(self, sandbox: AnySandbox, city: DemoCity) -> None:
        self.sandbox = sandbox
        self.city = city
        self._seen: dict[tuple[str, str], str] = {}
        self.changes()

    def changes(self) -> list[Seen]:
        """Surfaces new or changed since the last call, oldest first."""
        found: list[tuple[float, Seen]] = []
        for name, user in self.city.users.items():
            for message in self.sandbox.messages_for(user_id=user, limit=HISTORY):
                found += self._compare(name, "message", message, float(message["ts"]))
            home = self.sandbox.home_view(user_id=user)
            if home is not None:
                found += self._compare(name, "home", home, float("inf"))
        channel = "#" + self.city.channel_name
        for message in self.sandbox.history(channel_id=self.city.channel_id):
            if message.get("bot_id"):
                found += self._compare(channel, "message", message, float(message["ts"]))
        found.sort(key=lambda pair: pair[0])
        return [seen for _, seen in found]

    def _compare(
        self, where: str, kind: str, surface: Json, order: float
    ) -> list[tuple[float, Seen]]:
        key = (where, surface.get("ts") or surface.get("id") or kind)
        print_ = json.dumps([surface.get("text"), surface.get("blocks")], sort_keys=True)
        before = self._seen.get(key)
        if before == print_:
            return []
        self._seen[key] = print_
        return [(order, Seen(where, kind, surface, before is not None))]


class Formatter:
    """Turns what was seen into lines for the terminal, people and channels by name.

    Kinds of message that repeat (questions, assignment messages, the interview's first words)
    are shown in full the first time and as one line afterwards; answer records always as one.
    """

    def __init__(self, city: DemoCity) -> None:
        self.city = city
        self.shown: set[str] = set()

    def lines(self, seen: Seen) -> list[str]:
        """The lines of one change, indented under the step that caused it."""
        if seen.kind == "home":
            blocks = [
                b for b in seen.surface.get("blocks", []) if b.get("block_id") not in HOME_NOISE
            ]
            body = render_view({**seen.surface, "blocks": blocks}).text.splitlines()[1:]
            return self._framed(f"{seen.where}'s Home tab", body)
        message = seen.surface
        block_ids = {b.get("block_id") for b in message.get("blocks") or []}
        once = next((b for b in REPEATING if b in block_ids), None)
        if once is not None and once in self.shown:
            mark = "? " if is_question(message) else ""
            return [f"    → {seen.where}: {mark}{clip(self.clean(message.get('text', '')))}"]
        if once is not None:
            self.shown.add(once)
        elif ids.BLOCK_RECORD in block_ids:
            return [f"    → {seen.where}: {self.clean(message.get('text', ''))}"]
        body = render_message(message).text.splitlines()[1:]
        body += [f"📎 {f.get('name')}: {f.get('title', '')}" for f in message.get("files") or []]
        private = " (only they see it)" if "ephemeral_to" in message else ""
        return self._framed(f"to {seen.where}{private}", body)

    def clean(self, text: str) -> str:
        """Terminal text: ids as names, mrkdwn emphasis marks dropped."""
        text = _ID.sub(lambda m: self._name(m.group(1)), text)
        text = _BOLD.sub(r"\1", text)
        return _ITALIC.sub(r"\1", text)

    def _name(self, slack_id: str) -> str:
        if slack_id == self.city.channel_id:
            return "#" + self.city.channel_name
        name = self.city.name_of(slack_id)
        return "@" + name if name != slack_id else "@" + slack_id

    def _framed(self, title: str, body: list[str]) -> list[str]:
        lines = [f"    ┌ {title}"]
        text = self.clean("\n".join(body))
        lines += [
            f"    │ {unnumbered(line)}".rstrip() for line in text.splitlines() if line.strip()
        ]
        return [*lines, "    └"]


def unnumbered(line: str) -> str:
    """A rendered line without the numbers a person would type: `[Save]`, `[ ] item`."""
    if _BUTTONS.match(line):
        return _BUTTON.sub(lambda m: f"[{m.group(1).strip()}]", line)
    return _OPTION.sub(r"\1", line)


def clip(text: str, width: int = WIDTH) -> str:
    """One line of at most `width` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"

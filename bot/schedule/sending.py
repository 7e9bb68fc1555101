"""The sweep's side of sending: what goes out, the sender it goes through, pacing per channel.

The sender itself (Slack's Web API) lives in `bot.slack.outbox`; the sweep only sees this
protocol, so it can be driven in tests with any sender.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bot.schedule.cover import CoverView
from bot.schedule.recheck_view import RecheckView
from bot.schedule.views import DigestView, FollowupView, OverdueNoticeView, ReminderView

View = ReminderView | OverdueNoticeView | FollowupView | DigestView | CoverView | RecheckView
T = TypeVar("T")

CHANNEL_INTERVAL = 1.0
"""Seconds between two posts to one channel: Slack allows about one message per second each."""


@dataclass(frozen=True)
class Outgoing:
    """One claimed send: its ledger row, the workspace, the channel (or user id), the view."""

    ledger_id: int
    team_id: str
    channel: str
    view: View


class SendError(Exception):
    """A send Slack refused: `code` is Slack's error; `permanent` when retrying cannot help."""

    def __init__(self, code: str, *, permanent: bool) -> None:
        super().__init__(code)
        self.code = code
        self.permanent = permanent


class Sender(Protocol):
    """Posts scheduled messages; raises SendError when Slack refuses one."""

    def send(self, outgoing: Outgoing) -> None:
        """Post the message of `outgoing` (carrying its ledger id, for `was_delivered`)."""

    def was_delivered(self, outgoing: Outgoing) -> bool:
        """True when a message of this ledger row is already in its channel."""


class Pacer:
    """At most one post per `interval` seconds to each channel; waits end early on `stop`."""

    def __init__(
        self,
        interval: float = CHANNEL_INTERVAL,
        *,
        stop: threading.Event | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = interval
        self.stop = stop or threading.Event()
        self.monotonic = monotonic
        self._last: dict[str, float] = {}

    def wait_turn(self, channel: str) -> bool:
        """Wait until `channel` may get another post; False when stopped meanwhile."""
        last = self._last.get(channel)
        if last is not None:
            delay = last + self.interval - self.monotonic()
            if delay > 0 and self.stop.wait(delay):
                return False
        return not self.stop.is_set()

    def sent(self, channel: str) -> None:
        """Note a post to `channel` (or an attempt Slack counted)."""
        self._last[channel] = self.monotonic()


def interleave(items: Iterable[T], key: Callable[[T], str]) -> Iterator[T]:
    """Items in rounds over their keys (a, b, c, a, b, a...), so no channel waits on another."""
    queues: dict[str, list[T]] = {}
    for item in items:
        queues.setdefault(key(item), []).append(item)
    depth = 0
    while True:
        round_ = [queue[depth] for queue in queues.values() if depth < len(queue)]
        if not round_:
            return
        yield from round_
        depth += 1

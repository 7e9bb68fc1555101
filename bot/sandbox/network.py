"""Network faults of the sandbox Slack: a connection reset, or an answer that never comes.

`LocalSandbox.drop_connection(method, how=...)` makes the next calls of a Web API method fail the
way a network fails: `how="reset"` closes the connection with a TCP reset, `how="timeout"` holds
it open without answering for `hold` seconds (longer than the client waits). With `after=True`
the call runs first, so Slack did the work and only its answer is lost: the case where a second
attempt would post a message twice.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

HOWS = ("reset", "timeout")


@dataclass
class Drop:
    """Fail the next `times` calls of `method` on the network (see the module docstring)."""

    method: str
    how: str
    after: bool
    times: int
    hold: float


class NetworkFaults:
    """The drops waiting to happen, and a log of those that did."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[Drop] = []
        self._done: list[dict[str, Any]] = []

    def add(self, method: str, *, how: str, after: bool, times: int, hold: float) -> None:
        """Drop the next `times` calls of `method`."""
        if how not in HOWS:
            raise ValueError(f"how must be one of {', '.join(HOWS)}, not {how!r}")
        with self._lock:
            self._waiting.append(Drop(method, how, after, times, hold))

    def take(self, target: str) -> Drop | None:
        """The drop for a request to `target` (`/api/<method>?...`), if one is waiting."""
        path = urlsplit(target).path
        if not path.startswith("/api/"):
            return None
        method = path[5:]
        with self._lock:
            for drop in self._waiting:
                if drop.method == method and drop.times > 0:
                    drop.times -= 1
                    taken = Drop(drop.method, drop.how, drop.after, 1, drop.hold)
                    self._done.append({**asdict(taken), "at": time.time()})
                    return taken
        return None

    def dropped(self, method: str | None = None) -> list[dict[str, Any]]:
        """The calls dropped so far, oldest first (optionally of one method)."""
        with self._lock:
            return [dict(d) for d in self._done if method is None or d["method"] == method]


def cut(connection: socket.socket, drop: Drop) -> None:
    """Fail the connection as the drop says; the caller then closes it without answering."""
    if drop.how == "reset":
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return
    time.sleep(drop.hold)

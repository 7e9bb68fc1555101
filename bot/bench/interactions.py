"""What the benchmarks send: the interaction measured as "answer click".

An `Interaction` builds `count` requests for an app under test (creating the people, city or
messages it needs through the sandbox driver and the database first) and names the sandbox
calls that mark one request's work as complete (`settles_on`, each made once per request), so
scenario 2 can tell when every answer is stored and its messages sent.

`answer_click()` returns the interaction that scenarios 1, 2 and 6 measure: Save on a
respondent's current question (`bot.bench.clicks.AnswerClick`). The bare Bolt app of scenario 1
is sent the very same requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from bot.bench.loadgen import Request
from bot.sandbox.driver import Workspace


@dataclass(frozen=True)
class Target:
    """An app under test as an interaction sees it: the sandbox, a driver, the database URL."""

    sandbox: Any
    """Driver operations: a `LocalSandbox` in this process or a `RemoteSandbox`."""
    workspace: Workspace
    """People in the sandbox workspace, sending signed requests to the app."""
    database_url: str | None = None


class Interaction(Protocol):
    """A kind of request the benchmarks send to citycheck."""

    label: str
    """How results name it, e.g. `answer click`."""
    placeholder: bool
    """True while it stands in for the interaction the scenario is about."""
    settles_on: tuple[str, ...]
    """The sandbox calls, each made once per request, that complete its work after the ack."""

    def prepare(self, target: Target, count: int) -> list[Request]:
        """Create what the requests need, then return `count` unsigned requests."""
        ...


def answer_click() -> Interaction:
    """The interaction scenarios 1, 2 and 6 measure as "answer click"."""
    from bot.bench.clicks import AnswerClick

    return AnswerClick()

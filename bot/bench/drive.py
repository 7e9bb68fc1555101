"""Driving an app under test: prepare an interaction's requests, send them, wait until settled."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bot.bench.interactions import Interaction, Target
from bot.bench.loadgen import LoadResult, Request, run_load, sign_requests
from bot.bench.processes import SIGNING_SECRET, Served
from bot.sandbox.driver import Workspace

SETTLE_TIMEOUT_S = 120.0
POLL_S = 0.25


@dataclass
class Settled:
    """How the work after the acks ended: calls seen, failed ones, and when the last arrived."""

    expected: int
    done: int
    failed: int
    last_at: float
    """Wall-clock time (time.time) of the last settling call, 0 when none arrived."""


def target_for(ctx_sandbox: Any, served: Served, database_url: str | None) -> Target:
    """The Target an interaction prepares requests for: the app at `served`."""
    workspace = Workspace(ctx_sandbox, served.events_url, SIGNING_SECRET)
    return Target(ctx_sandbox, workspace, database_url)


def send(
    served: Served,
    requests: list[Request],
    *,
    concurrency: int,
    warmup: int,
    client_processes: int,
) -> tuple[LoadResult, LoadResult | None]:
    """Sign every request now, send the first `warmup` of them, then measure the rest."""
    raws = sign_requests(served.events_url, requests, SIGNING_SECRET, int(time.time()))
    warm = None
    if warmup:
        warm = run_load(
            served.events_url, raws[:warmup], concurrency=concurrency, processes=client_processes
        )
    measured = run_load(
        served.events_url, raws[warmup:], concurrency=concurrency, processes=client_processes
    )
    return measured, warm


def wait_settled(
    sandbox: Any,
    interaction: Interaction,
    expected: int,
    *,
    since: float = 0.0,
    timeout: float = SETTLE_TIMEOUT_S,
) -> Settled:
    """Wait until each settling call was made `expected` times at or after `since`.

    A request is done when every call of `interaction.settles_on` succeeded for it; `done` is
    the fewest successes of any of those calls, `failed` the most failures.
    """
    deadline = time.monotonic() + timeout
    while True:
        counts = sandbox.call_counts(methods=list(interaction.settles_on), since=since)
        done = min(c["ok"] for c in counts.values())
        failed = max(c["failed"] for c in counts.values())
        if done + failed >= expected or time.monotonic() > deadline:
            last = max(c["last_at"] for c in counts.values())
            return Settled(expected, done, failed, last)
        time.sleep(POLL_S)

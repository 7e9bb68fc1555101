"""Slack's retries of events take effect once: a Bolt middleware over every event.

Slack delivers an event again, with the same `event_id` and an `X-Slack-Retry-Num` header, when
the first delivery was not answered with 200 within 3 seconds. Every event the app handles goes
through `EventsOnce`:

- before the listener: an event id already remembered is answered 200 at once, and nothing runs
  (a retry of an event already handled, or a replay of it);
- when the listener acks (listeners store what they must before they ack, so an acknowledged
  event has taken effect): the id is remembered (`storage.repo.events`), in its own small unit
  of work, just before the acknowledgement is sent.

Why a middleware and not a claim in each listener: it covers every event, including the ones
added later, with one rule. Why remember at the ack and not on arrival: an event whose
handling failed before its ack (the database was down, the process was killed) is not
remembered, so Slack's retry is handled afresh instead of being lost. A listener whose effect
must never happen twice, even when two deliveries race (a typed interview reply stores an
answer), still claims the id itself with `remember_event` in the same unit of work as its
effect; the middleware then finds it remembered. A race of two deliveries of another event
(the Home tab) can at worst publish the same view twice, which is harmless.

Ids are kept `EVENT_RETENTION` (two days: Slack stops retrying within hours); each process
forgets older ones at most once per `PRUNE_EVERY`, when it remembers one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import Ack, BoltContext, BoltRequest, BoltResponse
from sqlalchemy import Engine

from bot.deps import Deps
from storage.repo import events
from storage.session import unit_of_work

logger = logging.getLogger("citycheck.slack")

PRUNE_EVERY = timedelta(hours=1)


def retry_number(req: BoltRequest) -> int:
    """Slack's retry count of a delivery (0 for the first)."""
    found = req.headers.get("x-slack-retry-num") or ["0"]
    value = str(found[0] if isinstance(found, list | tuple) else found)
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else 0


class EventsOnce:
    """The middleware described in the module docstring (one per app)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pruned_at: datetime | None = None

    def __call__(
        self,
        req: BoltRequest,
        body: dict[str, Any],
        context: BoltContext,
        next: Callable[[], BoltResponse],
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        deps: Deps | None = context.get("deps")
        engine = deps.engine if deps is not None else None
        if not isinstance(event_id, str) or not event_id or deps is None or engine is None:
            return next()
        with unit_of_work(engine, read_only=True) as session:
            seen = events.event_seen(session, event_id=event_id)
        if seen:
            logger.info(
                "event %s (%s) already handled: delivery %s ignored",
                event_id,
                (body.get("event") or {}).get("type"),
                retry_number(req),
            )
            return BoltResponse(status=200, body="")
        context["ack"] = _RememberingAck(self, engine, event_id, deps.clock())
        return next()

    def remember(self, engine: Engine, event_id: str, now: datetime) -> None:
        """Remember a handled event id (and forget old ones, at most once per PRUNE_EVERY)."""
        with unit_of_work(engine) as session:
            events.remember_event(session, event_id=event_id, now=now)
            if self._prune_due(now):
                events.prune_events(session, before=now - events.EVENT_RETENTION)

    def _prune_due(self, now: datetime) -> bool:
        with self._lock:
            if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
                return False
            self._pruned_at = now
            return True


class _RememberingAck(Ack):
    """`ack()` that first remembers the event id: an event is handled once it is acknowledged.

    Listeners store what they must before they ack, so an acknowledged event has taken effect;
    one that failed before its ack is not remembered and Slack's retry runs it again.
    """

    def __init__(self, once: EventsOnce, engine: Engine, event_id: str, now: datetime) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._once, self._engine, self._event_id, self._now = once, engine, event_id, now

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        if self.response is None:
            self._once.remember(self._engine, self._event_id, self._now)
        return super().__call__(*args, **kwargs)

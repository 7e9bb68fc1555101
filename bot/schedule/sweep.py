"""One sweep: load what may be due, decide with the pure policies, claim, send, record.

Loading takes a fixed number of statements whatever the number of cities, milestones or
people (every city, the open milestones due within three weeks, the few with a reminder due,
idle respondents, the ledger rows of what is due, the cities with a current round, and about
eight for every digest due: `bot.schedule.digest`). Then the due sends go out in batches:

1. a batch is claimed in the notification ledger under (kind, target, period key), in one
   committed unit of work, after re-reading the milestones and interviews it is about (done,
   snoozed or paused since the load: nothing is sent): one `INSERT ... ON CONFLICT DO NOTHING`
   for the new claims, one compare-and-set `UPDATE` for abandoned or failed ones;
2. each send of the batch is paced (its channel waits its turn: about one post per second per
   channel) and sent through the `Sender`;
3. the outcomes are marked (sent, with a digest's snapshot; or failed: permanent when the user
   or channel is gone, the bot was removed or its token revoked; else retryable) in one unit
   of work at least every `MARK_EVERY` and at the end of the batch.

A batch starts small and grows while its sends go fast, so that it is sent in about
`BATCH_SECONDS`; a claim is never held longer than `HOLD_LIMIT` (the rest of its batch is
released and claimed again), nor past a stop (the sweep ends; unsent claims are released).

Exactly once, and the window that remains. A claim is a unique row, so two sweeps (threads,
processes, a second scheduler) never both send; a restart finds the claims. A claim that was
never marked (the process died between 1 and 3) is taken over after `CLAIM_TIMEOUT` (10
minutes). Before sending again, a retried claim asks Slack whether the message already went out
(each message carries its ledger id in its metadata; the sender searches the channel's recent
history), so a crash after Slack accepted the post does not double it. What remains: a duplicate
when that search cannot see the first post (history unreadable: e.g. a digest channel without
`channels:history`, or Slack's history lagging) for a send made in the last `MARK_EVERY` before
the crash, and a delay until the timeout for the claims of the batch in flight. A send that
takes longer than the timeout (Slack's 429 waits included) could be taken over while still in
flight; `HOLD_LIMIT`, the client's timeouts and three retries keep a send far below it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.schedule import keys
from bot.schedule.attend import Attention
from bot.schedule.attention import AttentionRules
from bot.schedule.calendar import known_zones
from bot.schedule.digest import DigestSource, DueDigest
from bot.schedule.digest_inputs import collector_paused
from bot.schedule.due import (
    DueSend,
    due_digests,
    followup_sends,
    followup_window,
    idle_respondents,
    reminder_schedule,
    reminder_sends,
    still_to_send,
)
from bot.schedule.policies import FOLLOWUP_EVERY_WORKING_DAYS, tells_coordinators
from bot.schedule.rechecks import recheck_sends
from bot.schedule.sending import Outgoing, Pacer, Sender, SendError, interleave
from bot.schedule.views import DigestView
from bot.services.evidence_age import DEFAULT_MAX_AGE_MONTHS
from rubric.schema import Rubric
from storage.enums import MilestoneStatus, NotificationStatus, Role
from storage.repo import attention as attention_store
from storage.repo import claims, digests, sweeps
from storage.repo.claims import Claim
from storage.repo.ledger import CLAIM_TIMEOUT, MAX_ATTEMPTS
from storage.repo.sweeps import LedgerRow, ReminderCandidate, ReminderLook
from storage.session import unit_of_work

logger = logging.getLogger("citycheck.schedule")

DIGEST_BATCH = 1000
"""Digests built (from one set of bulk reads) and kept in memory at a time."""
MILESTONE_HORIZON = timedelta(days=21)
"""Milestones due further out than this have no reminder due (14 days, moved to a working day)."""
IDLE_AT_LEAST = timedelta(days=2)
"""Three working days without activity are at least this long (a first, cheap filter)."""
FIRST_BATCH = 50
"""Sends claimed in the first batch of a sweep."""
MAX_BATCH = 5000
BATCH_SECONDS = 10.0
"""A batch grows (doubling) while its sends take less than half of this."""
MARK_EVERY = 1.0
"""Seconds between two commits of sent and failed marks while a batch is sent."""
FOLLOWED_UP_LATELY = timedelta(days=FOLLOWUP_EVERY_WORKING_DAYS - 1)
"""Respondents followed up this many days before a follow-up day or later are not even read:
fewer than FOLLOWUP_EVERY_WORKING_DAYS working days lie between."""
DONE_MEMORY = 500_000
"""Ledger keys of finished sends a sweeper remembers (so later sweeps need not read them)."""
HOLD_LIMIT = CLAIM_TIMEOUT / 2
"""A claim older than this is released unsent: after CLAIM_TIMEOUT another sweep may take it."""


@dataclass
class SweepReport:
    """What one sweep did."""

    due: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    permanent: int = 0
    recovered: int = 0
    """Retried claims whose message Slack already had: marked sent, not posted again."""
    stopped: bool = False
    held: int = 0
    """Nudges held back until the person may be nudged (`bot.schedule.attend`)."""

    def summary(self) -> str:
        """One line for the log and `citycheck scheduler --once`."""
        return (
            f"{self.due} due, {self.sent} sent, {self.recovered} found already sent, "
            f"{self.skipped} skipped, {self.held} held, {self.failed} failed, "
            f"{self.permanent} permanent errors" + (" (stopped early)" if self.stopped else "")
        )


@dataclass
class _Marks:
    """Outcomes of a batch not yet committed, and the digest snapshots that go with them."""

    outcomes: list[claims.Outcome] = field(default_factory=list)
    snapshots: list[dict[str, object]] = field(default_factory=list)
    finished: list[tuple[str, str, str]] = field(default_factory=list)
    """Keys sent or given up for good."""
    since: float = field(default_factory=time.monotonic)


class Sweeper:
    """Sweeps the database for due sends and delivers each exactly once (see the module doc)."""

    def __init__(
        self,
        engine: Engine,
        rubric: Rubric | None,
        sender: Sender,
        *,
        clock: Callable[[], datetime],
        pacer: Pacer | None = None,
        stop: threading.Event | None = None,
        digest_batch: int = DIGEST_BATCH,
        attention: Attention | None = None,
        evidence_max_age_months: int = DEFAULT_MAX_AGE_MONTHS,
    ) -> None:
        self.engine = engine
        self.evidence_max_age_months = evidence_max_age_months
        """Evidence older than this is listed as stale in the digests."""
        self.attention = attention or Attention(AttentionRules())
        self._cities: dict[int, sweeps.CityRow] = {}
        self.rubric = rubric
        self.sender = sender
        self.clock = clock
        self.stop = stop or (pacer.stop if pacer else threading.Event())
        self.pacer = pacer or Pacer(stop=self.stop)
        self.digest_batch = digest_batch
        self.batch = FIRST_BATCH
        self._done: set[tuple[str, str, str]] = set()
        """Keys the ledger showed sent or given up: they never become due again."""
        self._looks_now: list[ReminderLook] = []
        self._looks_after: dict[int, ReminderLook] = {}
        self._waiting: dict[int, int] = {}
        self._held: set[int] = set()

    def sweep(self) -> SweepReport:
        """Find and deliver everything due now; returns what happened."""
        now = self.clock()
        report = SweepReport()
        self.batch = FIRST_BATCH
        with collector_paused():  # the bulk reads and decisions build no cycles
            sends, digests_due = self.find_due(now)
            report.due = len(sends) + len(digests_due)
            planned = self.attention.plan(self.engine, sends, now, self._cities)
        sends, report.held = planned.sends, planned.held
        for waiting in planned.waiting:
            self._settled(waiting, ok=True)
        self._store_looks(self._looks_now)
        try:
            if not self._deliver_all(list(interleave(sends, key=lambda s: s.channel)), report):
                return report
        finally:
            self._store_looks(
                [look for mid, look in self._looks_after.items() if self._waiting.get(mid) == 0]
            )
        if digests_due:
            assert self.rubric is not None
            with unit_of_work(self.engine, read_only=True) as session:
                source = DigestSource.load(
                    session,
                    rubric=self.rubric,
                    due=digests_due,
                    now=now,
                    evidence_max_age_months=self.evidence_max_age_months,
                )
            for start in range(0, len(digests_due), self.digest_batch):
                batch = digests_due[start : start + self.digest_batch]
                views = source.views(batch)
                if not self._deliver_all(
                    [_digest_send(d, v) for d, v in zip(batch, views, strict=True)], report
                ):
                    return report
        return report

    def sweep_safely(self) -> None:
        """Sweep, logging the outcome; a failure is logged and the next tick tries again."""
        try:
            report = self.sweep()
        except Exception:
            logger.exception("sweep failed; the next one will try again")
            return
        if report.due:
            logger.info("sweep: %s", report.summary())

    # loading ------------------------------------------------------------------------------
    def find_due(self, now: datetime) -> tuple[list[DueSend], list[DueDigest]]:
        """The sends due at `now` and not yet done, and the digests to build.

        Reads only: when to look at each milestone read here next is kept for `sweep`, which
        stores it (for a milestone with sends due, once they are done).
        """
        with unit_of_work(self.engine, read_only=True) as session:
            cities = {c.id: c for c in sweeps.all_cities(session)}
            candidates = sweeps.reminder_candidates(
                session, due_by=(now + MILESTONE_HORIZON).date(), looked_at_by=now
            )
            staged, looks = reminder_schedule(now, cities, candidates)
            rows = (
                sweeps.milestone_rows(session, milestone_ids=[m.id for m, _ in staged])
                if staged
                else {}
            )
            stages = [(rows[m.id], stage) for m, stage in staged if m.id in rows]
            loud = {m.city_id for m, stage in stages if tells_coordinators(stage)}
            coordinators = (
                sweeps.people_with_role_in(session, city_ids=loud, role=Role.COORDINATOR)
                if loud
                else {}
            )
            sends = reminder_sends(now, cities, stages, coordinators)
            if self.rubric is not None:
                sends += self._followups(session, now, cities)
                sends += recheck_sends(session, now, self.rubric)
            fresh = {(s.kind, s.target) for s in sends}  # a fresh nudge supersedes a held one
            revived = self.attention.revive(session, now, cities, self.rubric)
            sends += [s for s in revived if (s.kind, s.target) not in fresh]
            self._cities = cities
            self._held = set()
            sends = self._not_done(session, sends, now)
            due: list[DueDigest] = []
            if self.rubric is not None:
                current = sweeps.cities_with_a_current_round(session)
                due = due_digests(now, [c for c in cities.values() if c.id in current])
                due = self._digests_not_done(session, due, now)
        self._plan_looks(looks, sends)
        return sends, due

    def _not_done(self, session: Session, sends: list[DueSend], now: datetime) -> list[DueSend]:
        """The sends the ledger (or this sweeper's memory of it) does not show done or held."""
        unknown = [s for s in sends if s.key not in self._done]
        if not unknown:
            return []
        found = sweeps.ledger_rows(
            session, kinds={s.kind for s in unknown}, targets={s.target for s in unknown}
        )
        known = {(r.kind, r.target, r.period_key): r for r in found}
        self._remember_done(key for key, row in known.items() if _finished(row))
        kept = []
        for send in unknown:
            row = known.get(send.key)
            if still_to_send(row, now):
                kept.append(send)
            elif row is not None and not _finished(row) and send.milestone_id is not None:
                self._held.add(send.milestone_id)  # another sweep is sending it
        return kept

    def _digests_not_done(
        self, session: Session, due: list[DueDigest], now: datetime
    ) -> list[DueDigest]:
        keyed = [(d, (keys.DIGEST, keys.digest_target(d.city.id), d.period_key)) for d in due]
        unknown = [(d, key) for d, key in keyed if key not in self._done]
        if not unknown:
            return []
        found = sweeps.ledger_rows(
            session, kinds={keys.DIGEST}, targets={key[1] for _, key in unknown}
        )
        known = {(r.kind, r.target, r.period_key): r for r in found}
        self._remember_done(key for key, row in known.items() if _finished(row))
        return [d for d, key in unknown if still_to_send(known.get(key), now)]

    def _remember_done(self, done: Iterable[tuple[str, str, str]]) -> None:
        if len(self._done) > DONE_MEMORY:
            self._done.clear()
        self._done.update(done)

    def _followups(
        self, session: Session, now: datetime, cities: dict[int, sweeps.CityRow]
    ) -> list[DueSend]:
        assert self.rubric is not None
        zones = known_zones() | {c.timezone for c in cities.values()}
        window = followup_window(now, zones, {c.working_days for c in cities.values()})
        if window is None:
            return []
        # Idle for 3 working days and not followed up for 3 (`followup_due_on`): read only those
        # within each timezone's bounds, and never those idle or followed up in the last 2 days.
        windows = [
            sweeps.IdleWindow(
                group,
                min(now - IDLE_AT_LEAST, idle_before),
                min(
                    followed_up_by + timedelta(days=1),
                    max(window.days[tz] for tz in group) - FOLLOWED_UP_LATELY,
                ).isoformat(),
                unknown_too="UTC" in group,  # an unknown name counts as UTC
            )
            for group, idle_before, followed_up_by in window.groups()
        ]
        rows = sweeps.idle_assignments(
            session,
            now=now,
            followup_kind=keys.FOLLOWUP,
            windows=windows,
            known_timezones=zones,
        )
        if not rows:
            return []
        targets = {keys.followup_target(r.city_id, r.assessment_id, r.person.id) for r in rows}
        last = sweeps.last_period_keys(session, kind=keys.FOLLOWUP, targets=targets)
        idle = idle_respondents(now, cities, rows, last)
        if not idle:
            return []
        answered = digests.answered_criteria(
            session, assessment_ids={i.assessment_id for i in idle}
        )
        return followup_sends(self.rubric, idle, answered)

    def _plan_looks(
        self, looks: Mapping[ReminderCandidate, datetime], sends: Sequence[DueSend]
    ) -> None:
        """Split the next looks: milestones with sends due wait for them; the rest are stored."""
        waiting: dict[int, int] = {}
        for send in sends:
            if send.milestone_id is not None:
                waiting[send.milestone_id] = waiting.get(send.milestone_id, 0) + 1
        self._looks_now = [
            ReminderLook(m.id, m.due_on, m.snoozed_until, at)
            for m, at in looks.items()
            if m.id not in waiting and m.id not in self._held
        ]
        self._looks_after = {
            m.id: ReminderLook(m.id, m.due_on, m.snoozed_until, at)
            for m, at in looks.items()
            if m.id in waiting
        }
        self._waiting = waiting

    def _store_looks(self, looks: Sequence[ReminderLook]) -> None:
        if looks:
            with unit_of_work(self.engine) as session:
                sweeps.schedule_reminders(session, looks=looks)

    def _settled(self, send: DueSend, ok: bool) -> None:
        """Note how one send about a milestone ended; once all have, its next look is stored
        (with the others at the end of the sweep), unless one must be tried again."""
        mid = send.milestone_id
        if mid is None or mid not in self._waiting:
            return
        if not ok:
            self._waiting.pop(mid)
            self._looks_after.pop(mid, None)
            return
        self._waiting[mid] -= 1

    # delivering ---------------------------------------------------------------------------
    def _deliver_all(self, sends: Sequence[DueSend], report: SweepReport) -> bool:
        """Claim, send and mark `sends` a batch at a time; False when the sweep must stop."""
        queue, position = list(sends), 0
        while position < len(queue):
            batch = queue[position : position + self.batch]
            position += len(batch)
            started = time.monotonic()
            claimed, claimed_at = self._claim(batch, report)
            done = self._send(claimed, claimed_at, report)
            if done is None:
                return False
            if done < len(claimed):  # held too long: claimed again in the next batch
                queue[position:position] = [send for send, _ in claimed[done:]]
                self.batch = max(FIRST_BATCH, done)
            elif time.monotonic() - started < BATCH_SECONDS / 2:
                self.batch = min(self.batch * 2, MAX_BATCH)
        return True

    def _claim(
        self, batch: Sequence[DueSend], report: SweepReport
    ) -> tuple[list[tuple[DueSend, Claim]], datetime]:
        """Claim the sends of a batch that are still relevant; the claims and their time."""
        now = self.clock()
        with unit_of_work(self.engine) as session:
            keep = _still_relevant(session, batch, now)
            relevant = [send for send, kept in zip(batch, keep, strict=True) if kept]
            taken = claims.claim_many(session, keys=[s.key for s in relevant], now=now)
            attention_store.set_recipients(
                session,
                recipients=[
                    (taken[s.key].ledger_id, s.recipient_id)
                    for s in relevant
                    if s.key in taken and s.recipient_id is not None
                ],
            )
        report.skipped += len(batch) - len(taken)
        for send in batch:
            if send.key not in taken:
                self._settled(send, ok=False)
        return [(s, taken[s.key]) for s in relevant if s.key in taken], now

    def _send(
        self, claimed: Sequence[tuple[DueSend, Claim]], claimed_at: datetime, report: SweepReport
    ) -> int | None:
        """Send the claimed sends in order: how many were sent or failed (the rest released),
        or None when the sweep was stopped."""
        marks, held_since = _Marks(), time.monotonic()
        for index, (send, claim) in enumerate(claimed):
            stopped = not self.pacer.wait_turn(send.channel)
            if stopped or time.monotonic() - held_since > HOLD_LIMIT.total_seconds():
                self._commit(marks, [c for _, c in claimed[index:]], claimed_at)
                for unsent, _ in claimed[index:]:
                    self._settled(unsent, ok=False)
                if stopped:
                    report.stopped = True
                    return None
                return index
            self._send_one(send, claim, marks, report)
            if time.monotonic() - marks.since >= MARK_EVERY:
                self._commit(marks)
                marks = _Marks()
        self._commit(marks)
        return len(claimed)

    def _send_one(self, send: DueSend, claim: Claim, marks: _Marks, report: SweepReport) -> None:
        outgoing = Outgoing(claim.ledger_id, send.team_id, send.channel, send.view)
        try:
            if claim.attempts > 1 and self.sender.was_delivered(outgoing):
                report.recovered += 1
            else:
                self.pacer.sent(send.channel)
                self.sender.send(outgoing)
                report.sent += 1
        except SendError as exc:
            self._failed(send, claim, exc.code, exc.permanent, marks, report)
            self._settled(send, ok=exc.permanent)
            return
        except Exception as exc:
            logger.exception("sending %s %s %s failed", *send.key)
            self._failed(send, claim, f"{type(exc).__name__}: {exc}", False, marks, report)
            self._settled(send, ok=False)
            return
        self._settled(send, ok=True)
        sent_at = self.clock()
        marks.outcomes.append(claims.Outcome(claim.ledger_id, sent_at))
        marks.finished.append(send.key)
        if isinstance(send.view, DigestView):
            marks.snapshots.append(_snapshot(send, send.view, sent_at))

    def _failed(
        self,
        send: DueSend,
        claim: Claim,
        error: str,
        permanent: bool,
        marks: _Marks,
        report: SweepReport,
    ) -> None:
        if permanent:
            report.permanent += 1
            logger.warning("giving up %s %s %s: %s", *send.key, error)
        else:
            report.failed += 1
            logger.warning("will retry %s %s %s: %s", *send.key, error)
        marks.outcomes.append(claims.Outcome(claim.ledger_id, self.clock(), error, permanent))
        if permanent:
            marks.finished.append(send.key)

    def _commit(
        self, marks: _Marks, unsent: Sequence[Claim] = (), claimed_at: datetime | None = None
    ) -> None:
        """Mark the outcomes (with their snapshots) and release unsent claims, in one commit."""
        if not marks.outcomes and not unsent:
            return
        self._remember_done(marks.finished)
        with unit_of_work(self.engine) as session:
            claims.mark_many(session, outcomes=marks.outcomes)
            self.attention.sent(session, marks.finished)
            digests.record_snapshots(session, snapshots=marks.snapshots)
            if unsent and claimed_at is not None:
                claims.release(session, claims=unsent, claimed_at=claimed_at)


def _finished(row: LedgerRow) -> bool:
    """True when the ledger shows a send that will never be due again."""
    return row.status in (NotificationStatus.SENT, NotificationStatus.PERMANENT_ERROR) or (
        row.status == NotificationStatus.FAILED and row.attempts >= MAX_ATTEMPTS
    )


def _digest_send(item: DueDigest, view: DigestView) -> DueSend:
    assert item.city.digest_channel_id is not None
    return DueSend(
        kind=keys.DIGEST,
        target=keys.digest_target(item.city.id),
        period_key=item.period_key,
        team_id=item.city.team_id,
        channel=item.city.digest_channel_id,
        view=view,
    )


def _still_relevant(session: Session, batch: Sequence[DueSend], now: datetime) -> list[bool]:
    """Re-read what the sends are about: milestones done or snoozed, interviews paused or done."""
    milestone_ids = [s.milestone_id for s in batch if s.milestone_id is not None]
    rounds = [s.assessment_id for s in batch if s.person_id is not None and s.assessment_id]
    states = sweeps.milestone_states(session, milestone_ids=milestone_ids) if milestone_ids else {}
    places = sweeps.progress_states(session, assessment_ids=rounds) if rounds else {}
    relevant = []
    for send in batch:
        keep = True
        if send.milestone_id is not None:
            state = states.get(send.milestone_id)
            keep = (
                state is not None
                and state.status == MilestoneStatus.OPEN
                and state.due_on == send.due_on
                and (state.snoozed_until is None or state.snoozed_until <= now)
            )
        elif send.person_id is not None and send.assessment_id is not None:
            place = places.get((send.person_id, send.assessment_id))
            keep = place is None or (
                place.completed_at is None
                and (place.paused_until is None or place.paused_until <= now)
            )
        relevant.append(keep)
    return relevant


def _snapshot(send: DueSend, view: DigestView, sent_at: datetime) -> dict[str, object]:
    return {
        "city_id": view.city_id,
        "period_key": send.period_key,
        "sent_at": sent_at,
        "level_now": view.level_now_id,
        "level_all_done": view.level_all_done_id,
        "milestones_done": view.done,
        "milestones_total": view.total,
    }

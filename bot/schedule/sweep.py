"""One sweep: load what may be due, decide with the pure policies, claim, send, record.

Loading takes a fixed number of statements whatever the number of cities (every city, the open
milestones due within three weeks, idle assignments, the cities with a current round, then one
statement per thousand ledger targets, and about ten per batch of `DIGEST_BATCH` digests). Then
each due send is:

1. paced: its channel waits its turn (about one post per second per channel);
2. claimed in the notification ledger under (kind, target, period key), in its own committed
   unit of work, after re-reading the milestone or interview it is about (done, snoozed or
   paused since the load: nothing is sent);
3. sent through the `Sender`;
4. marked sent (with a digest, its snapshot in the same commit) or failed: permanent (the user
   or channel is gone, the bot was removed or its token revoked) or retryable.

Exactly once, and the window that remains. A claim is a unique row, so two sweeps (threads,
processes, a second scheduler) never both send; a restart finds the claims. A claim that was
never marked (the process died between 2 and 4) is taken over after `CLAIM_TIMEOUT` (10
minutes). Before sending again, a retried claim asks Slack whether the message already went out
(each message carries its ledger id in its metadata; the sender searches the channel's recent
history), so a crash after Slack accepted the post does not double it. What remains: a duplicate
when that search cannot see the first post (history unreadable: e.g. a digest channel without
`channels:history`, or Slack's history lagging), and a send delayed until the timeout when the
process died after claiming but before posting. A send that takes longer than the timeout
(Slack's 429 waits included) could be taken over while still in flight; the client's timeouts
and three retries keep a send far below it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.schedule import keys
from bot.schedule.digest import DueDigest, build_digests
from bot.schedule.due import (
    DueSend,
    due_digests,
    due_reminder_stages,
    followup_sends,
    idle_respondents,
    reminder_sends,
    still_to_send,
)
from bot.schedule.policies import tells_coordinators
from bot.schedule.sending import Outgoing, Pacer, Sender, SendError, interleave
from bot.schedule.views import DigestView
from rubric.schema import Rubric
from storage.enums import MilestoneStatus, Role
from storage.models import Milestone
from storage.repo import digests, ledger, progress, sweeps
from storage.session import unit_of_work

logger = logging.getLogger("citycheck.schedule")

DIGEST_BATCH = 200
"""Digests built from one set of bulk reads."""
MILESTONE_HORIZON = timedelta(days=21)
"""Milestones due further out than this have no reminder due (14 days, moved to a working day)."""
IDLE_AT_LEAST = timedelta(days=2)
"""Three working days without activity are at least this long (a first, cheap filter)."""


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

    def summary(self) -> str:
        """One line for the log and `citycheck scheduler --once`."""
        return (
            f"{self.due} due, {self.sent} sent, {self.recovered} found already sent, "
            f"{self.skipped} skipped, {self.failed} failed, {self.permanent} permanent errors"
            + (" (stopped early)" if self.stopped else "")
        )


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
    ) -> None:
        self.engine = engine
        self.rubric = rubric
        self.sender = sender
        self.clock = clock
        self.stop = stop or (pacer.stop if pacer else threading.Event())
        self.pacer = pacer or Pacer(stop=self.stop)
        self.digest_batch = digest_batch

    def sweep(self) -> SweepReport:
        """Find and deliver everything due now; returns what happened."""
        now = self.clock()
        report = SweepReport()
        sends, digests_due = self.find_due(now)
        report.due = len(sends) + len(digests_due)
        for send in interleave(sends, key=lambda s: s.channel):
            if not self._deliver(send, report):
                return report
        for start in range(0, len(digests_due), self.digest_batch):
            batch = digests_due[start : start + self.digest_batch]
            assert self.rubric is not None
            with unit_of_work(self.engine, read_only=True) as session:
                views = build_digests(session, rubric=self.rubric, due=batch, now=now)
            for item in batch:
                if not self._deliver(_digest_send(item, views[item.city.id]), report):
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
        """The sends due at `now` and not yet in the ledger, and the digests to build."""
        with unit_of_work(self.engine, read_only=True) as session:
            cities = {c.id: c for c in sweeps.all_cities(session)}
            milestones = sweeps.reminder_milestones(
                session, due_by=(now + MILESTONE_HORIZON).date()
            )
            stages = due_reminder_stages(now, cities, milestones)
            loud = {m.city_id for m, stage in stages if tells_coordinators(stage)}
            coordinators = (
                sweeps.people_with_role_in(session, city_ids=loud, role=Role.COORDINATOR)
                if loud
                else {}
            )
            sends = reminder_sends(now, cities, stages, coordinators)
            if self.rubric is not None:
                sends += self._followups(session, now, cities)
            if sends:
                rows = sweeps.ledger_rows(
                    session, kinds={s.kind for s in sends}, targets={s.target for s in sends}
                )
                known = {(r.kind, r.target, r.period_key): r for r in rows}
                sends = [s for s in sends if still_to_send(known.get(s.key), now)]
            found = []
            if self.rubric is not None:
                current = sweeps.cities_with_a_current_round(session)
                found = due_digests(now, [c for c in cities.values() if c.id in current])
            if found:
                rows = sweeps.ledger_rows_for_periods(
                    session, kind=keys.DIGEST, period_keys={d.period_key for d in found}
                )
                known_digests = {(r.target, r.period_key): r for r in rows}
                found = [
                    d
                    for d in found
                    if still_to_send(
                        known_digests.get((keys.digest_target(d.city.id), d.period_key)), now
                    )
                ]
        return sends, found

    def _followups(
        self, session: Session, now: datetime, cities: dict[int, sweeps.CityRow]
    ) -> list[DueSend]:
        assert self.rubric is not None
        rows = sweeps.idle_assignments(session, inactive_before=now - IDLE_AT_LEAST, now=now)
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

    # delivering ---------------------------------------------------------------------------
    def _deliver(self, send: DueSend, report: SweepReport) -> bool:
        """Pace, claim, send and record one send; False when the sweep must stop."""
        if not self.pacer.wait_turn(send.channel):
            report.stopped = True
            return False
        now = self.clock()
        with unit_of_work(self.engine) as session:
            if not _still_relevant(session, send, now):
                report.skipped += 1
                return True
            row = ledger.claim_notification(
                session, kind=send.kind, target=send.target, period_key=send.period_key, now=now
            )
            if row is None or row.id is None:
                report.skipped += 1
                return True
            ledger_id, attempts = row.id, row.attempts
        outgoing = Outgoing(ledger_id, send.team_id, send.channel, send.view)
        try:
            if attempts > 1 and self.sender.was_delivered(outgoing):
                report.recovered += 1
            else:
                self.pacer.sent(send.channel)
                self.sender.send(outgoing)
                report.sent += 1
        except SendError as exc:
            self._failed(send, ledger_id, exc.code, permanent=exc.permanent, report=report)
            return True
        except Exception as exc:
            logger.exception("sending %s %s %s failed", *send.key)
            self._failed(send, ledger_id, f"{type(exc).__name__}: {exc}", False, report)
            return True
        with unit_of_work(self.engine) as session:
            sent_at = self.clock()
            ledger.mark_sent(session, ledger_id=ledger_id, now=sent_at)
            if isinstance(send.view, DigestView):
                _record_digest(session, send, send.view, sent_at)
        return True

    def _failed(
        self, send: DueSend, ledger_id: int, error: str, permanent: bool, report: SweepReport
    ) -> None:
        if permanent:
            report.permanent += 1
            logger.warning("giving up %s %s %s: %s", *send.key, error)
        else:
            report.failed += 1
            logger.warning("will retry %s %s %s: %s", *send.key, error)
        with unit_of_work(self.engine) as session:
            ledger.mark_failed(
                session, ledger_id=ledger_id, error=error, now=self.clock(), permanent=permanent
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


def _still_relevant(session: Session, send: DueSend, now: datetime) -> bool:
    """Re-read what a send is about: a milestone done or snoozed, an interview paused or done."""
    if send.milestone_id is not None:
        milestone = session.get(Milestone, send.milestone_id)
        return (
            milestone is not None
            and milestone.status == MilestoneStatus.OPEN
            and milestone.due_on == send.due_on
            and (milestone.snoozed_until is None or milestone.snoozed_until <= now)
        )
    if send.person_id is not None and send.assessment_id is not None:
        found = progress.get_progress(
            session, person_id=send.person_id, assessment_id=send.assessment_id
        )
        return found is None or (
            found.completed_at is None and (found.paused_until is None or found.paused_until <= now)
        )
    return True


def _record_digest(session: Session, send: DueSend, view: DigestView, sent_at: datetime) -> None:
    digests.record_snapshot(
        session,
        city_id=view.city_id,
        period_key=send.period_key,
        sent_at=sent_at,
        level_now=view.level_now_id,
        level_all_done=view.level_all_done_id,
        milestones_done=view.done,
        milestones_total=view.total,
    )

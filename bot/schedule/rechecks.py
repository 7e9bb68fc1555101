"""Re-checks as sends of the sweep: each pending re-check becomes one direct message, claimed in
the ledger under (`recheck`, `city:C/milestone:M`, `done`), so it goes out exactly once however
often the milestone is marked done or the sweep runs.

A milestone marked done records a pending re-check (`bot.services.rechecks`); the sweep reads
the pending ones (one statement, those the ledger shows sent or given up left out), builds the
question pre-filled with the round's current answer as it stands now, and hands them to the
attention policy (`bot.schedule.attend`, registered below) like every nudge: each carries its
`recipient_id`; the sweep then claims and sends those the policy lets through.
A re-check of a round on a rubric version this process has not loaded waits for one that has.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.schedule import keys
from bot.schedule.attend import govern
from bot.schedule.due import DueSend
from bot.schedule.recheck_view import RecheckView
from rubric.schema import Rubric
from storage.repo import rechecks
from storage.repo.rechecks import PendingRecheck

govern(keys.RECHECK)  # quiet hours, away, do-not-disturb and the weekly cap apply; a held
# re-check needs no reviver: it stays pending, so every sweep offers it again until it may go.


def recheck_sends(session: Session, now: datetime, rubric: Rubric) -> list[DueSend]:
    """The re-checks to send at `now` (one statement), oldest first."""
    pending = rechecks.pending_rechecks(session, kind=keys.RECHECK, period_key=keys.RECHECK_PERIOD)
    return [recheck_send(row, rubric) for row in pending if sendable(row, rubric, now)]


def sendable(row: PendingRecheck, rubric: Rubric, now: datetime) -> bool:
    """True when this process can ask it: the round's rubric is loaded and has the criterion,
    and it was asked for by `now`."""
    if (row.rubric_id, row.rubric_version) != (rubric.id, rubric.version):
        return False
    try:
        rubric.criterion(row.criterion_id)
    except KeyError:
        return False
    return row.requested_at <= now


def recheck_send(row: PendingRecheck, rubric: Rubric) -> DueSend:
    """The send of one pending re-check: to its person, in their language (else the city's)."""
    view = RecheckView(
        recheck_id=row.id,
        assessment_id=row.assessment_id,
        criterion_id=row.criterion_id,
        milestone_title=row.milestone_title,
        city_name=row.city_name,
        lang=row.language or row.city_language,
        rubric=rubric,
        ticked=frozenset(row.ticked),
        answer_status=row.answer_status,
        evidence_count=row.evidence_count,
    )
    return DueSend(
        kind=keys.RECHECK,
        target=keys.milestone_target(row.city_id, row.milestone_id),
        period_key=keys.RECHECK_PERIOD,
        team_id=row.team_id,
        channel=row.slack_user_id,
        view=view,
        recipient_id=row.person_id,
    )

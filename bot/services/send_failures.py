"""Messages Slack refused for good while answering a person (the person left, the channel was
archived, the bot was removed from it, the token was revoked): recorded for the coordinators.

Scheduled sends record their failures in the notification ledger already. A message sent while
answering a click, a command or a modal is recorded there too, as a `listener_send` row with the
status `permanent_error`, keyed to each city concerned (`city:<id>/person:<id>` for a person,
`city:<id>/channel:<id>` for the city's channel), at most one per target and day. The weekly
digest lists a city's permanent errors, so its coordinators see who no longer gets messages.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.enums import NotificationStatus
from storage.models import City, NotificationLedger
from storage.repo import ledger, orgs

LISTENER_SEND = "listener_send"
"""The ledger kind of a message sent while answering someone (not by the scheduler)."""


def failure_targets(
    session: Session, *, team_id: str | None, channel: str, user_id: str | None = None
) -> list[str]:
    """The ledger targets of a refused message: the addressee (or the person who acted) in each
    of their cities, or the cities whose digest channel it was."""
    workspace = orgs.get_workspace(session, slack_team_id=team_id) if team_id else None
    if workspace is None or workspace.id is None:
        return []
    if channel[:1] in ("C", "G"):
        cities = session.exec(
            select(City).where(
                City.workspace_id == workspace.id, col(City.digest_channel_id) == channel
            )
        )
        return [f"city:{city.id}/channel:{channel}" for city in cities]
    slack_user = channel if channel[:1] in ("U", "W") else user_id
    if not slack_user:
        return []
    person = orgs.find_person(session, workspace_id=workspace.id, slack_user_id=slack_user)
    if person is None or person.id is None:
        return []
    return [
        f"city:{city.id}/person:{person.id}"
        for city in orgs.cities_of_person(session, person_id=person.id)
    ]


def record_send_failure(
    session: Session,
    *,
    team_id: str | None,
    channel: str,
    error: str,
    now: datetime,
    user_id: str | None = None,
) -> list[str]:
    """Record a refused message for the coordinators of each city concerned; the targets."""
    recorded = []
    for target in failure_targets(session, team_id=team_id, channel=channel, user_id=user_id):
        row = ledger.claim_notification(
            session, kind=LISTENER_SEND, target=target, period_key=now.date().isoformat(), now=now
        )
        if row is None or row.id is None:
            continue  # already recorded today
        ledger.mark_failed(session, ledger_id=row.id, error=error, now=now, permanent=True)
        recorded.append(target)
    return recorded


def send_failures(session: Session, *, city_id: int) -> list[NotificationLedger]:
    """A city's recorded listener send failures, oldest first."""
    prefix = f"city:{city_id}/"
    query = (
        select(NotificationLedger)
        .where(
            NotificationLedger.kind == LISTENER_SEND,
            NotificationLedger.status == NotificationStatus.PERMANENT_ERROR,
            col(NotificationLedger.target).startswith(prefix),
        )
        .order_by(col(NotificationLedger.claimed_at), col(NotificationLedger.id))
    )
    return list(session.exec(query))

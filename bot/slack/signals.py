"""Slack's own signals for the scheduler: do-not-disturb (dnd.info) and a status that reads as
vacation or out of office (users.profile.get).

Read only by the scheduler, for a person about to get a nudge; never on a listener's ack path.
Fail open: when Slack cannot answer (a workspace installed before the app asked for `dnd:read`
and `users.profile:read`, a network fault), the nudge goes out as usual and the failure is
logged with the method, the user id and Slack's error code only.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk.errors import SlackApiError

from bot.deps import Deps, WorkspaceNotInstalledError
from bot.schedule.attention import Signals, dnd_until, status_reads_away

logger = logging.getLogger("citycheck.schedule")


class SlackSignals:
    """Reads a person's do-not-disturb and status with their workspace's client."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def read(self, team_id: str, user_id: str, now: datetime) -> Signals | None:
        """What Slack says about the person now; None when nothing could be read."""
        try:
            client = self.deps.client_for(team_id)
        except WorkspaceNotInstalledError:
            return None
        until, away, read = None, False, False
        try:
            until = dnd_until(client.dnd_info(user=user_id).data, now)  # type: ignore[arg-type]
            read = True
        except SlackApiError as exc:
            _failed("dnd.info", user_id, _code(exc))
        except Exception as exc:  # a network fault must not stop the nudge
            logger.warning(
                "dnd.info for %s failed (%s): sending as usual", user_id, type(exc).__name__
            )
        try:
            profile = client.users_profile_get(user=user_id).get("profile") or {}
            away = status_reads_away(
                profile.get("status_text"),
                profile.get("status_emoji"),
                _int(profile.get("status_expiration")),
                now,
            )
            read = True
        except SlackApiError as exc:
            _failed("users.profile.get", user_id, _code(exc))
        except Exception as exc:
            logger.warning(
                "users.profile.get for %s failed (%s): sending as usual",
                user_id,
                type(exc).__name__,
            )
        return Signals(dnd_until=until, status_away=away) if read else None


def _code(exc: SlackApiError) -> str:
    error = exc.response.get("error") if exc.response is not None else None
    return str(error or "unknown_error")


def _failed(method: str, user_id: str, error: str) -> None:
    logger.warning("%s for %s failed (%s): sending as usual", method, user_id, error)


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return None

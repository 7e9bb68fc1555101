"""Reading people's Slack profiles (users.info) into `Profile`s the services store."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.profiles import Profile

logger = logging.getLogger(__name__)

NOT_A_USER = frozenset({"user_not_found", "user_not_visible", "invalid_user"})
"""users.info errors meaning there is no such person to store."""


def read_profile(client: WebClient, user_id: str) -> Profile | None:
    """A person's profile; None when Slack has no such user, a bare one when Slack fails."""
    try:
        response = client.users_info(user=user_id, include_locale=True)
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error in NOT_A_USER:
            return None
        logger.warning("users.info failed for %s (%s); storing the bare id", user_id, error)
        return Profile(slack_user_id=user_id, display_name=user_id)
    user = response.get("user") or {}
    details = user.get("profile") or {}
    name = (
        details.get("display_name")
        or details.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or user_id
    )
    return Profile(
        slack_user_id=user_id,
        display_name=str(name)[:200],
        locale=user.get("locale"),
        timezone=user.get("tz"),
        is_bot=bool(user.get("is_bot")) or user_id == "USLACKBOT",
        deleted=bool(user.get("deleted")),
    )


def read_profiles(client: WebClient, user_ids: Iterable[str]) -> list[Profile]:
    """The profiles of these people (those Slack knows), one users.info call each."""
    found = (read_profile(client, user_id) for user_id in dict.fromkeys(user_ids))
    return [profile for profile in found if profile is not None]

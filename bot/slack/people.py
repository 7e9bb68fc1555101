"""Who is talking to the bot: their language, read from Slack."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.i18n import Translator, translator

logger = logging.getLogger(__name__)


def user_translator(client: WebClient, user_id: str | None) -> Translator:
    """The Translator for a person's Slack locale (users.info); English when it cannot be read."""
    if not user_id:
        return translator(None)
    try:
        response = client.users_info(user=user_id, include_locale=True)
    except SlackApiError as exc:
        logger.warning(
            "users.info failed for %s (%s); answering in English",
            user_id,
            exc.response.get("error"),
        )
        return translator(None)
    user = response.get("user") or {}
    return translator(user.get("locale"))

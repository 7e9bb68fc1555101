"""Who is talking to the bot: their language, from the database or read from Slack."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.i18n import Translator, translator
from bot.services.language import stored_language
from storage.session import unit_of_work

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


def person_translator(
    deps: Deps, client: WebClient, team_id: str | None, user_id: str | None
) -> Translator:
    """The Translator for a person: the language they chose or their stored Slack locale, else
    (not stored yet) their Slack locale read with users.info."""
    if user_id and deps.engine is not None:
        with unit_of_work(deps.engine, read_only=True) as session:
            stored = stored_language(session, team_id=team_id, user_id=user_id)
        if stored:
            return translator(stored)
    return user_translator(client, user_id)

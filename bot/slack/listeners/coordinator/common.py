"""What the coordinator's listeners share: the database and rubric, translators, safe sends."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.deps import Deps
from bot.i18n import Translator, translator
from bot.slack.builders.blocks import Message
from bot.slack.people import user_translator
from rubric.schema import Rubric

logger = logging.getLogger("citycheck.slack")


def engine_of(deps: Deps) -> Engine:
    """The database engine; a clear error when the process runs without one."""
    if deps.engine is None:
        raise RuntimeError("citycheck runs without a database: set DATABASE_URL")
    return deps.engine


def rubric_of(deps: Deps) -> Rubric:
    """The loaded rubric; a clear error when there is none."""
    if deps.rubric is None:
        raise RuntimeError("citycheck runs without a rubric: check CITYCHECK_RUBRIC")
    return deps.rubric


def translator_for(client: WebClient, user_id: str, language: str | None) -> Translator:
    """The person's translator: their stored language, else their Slack locale."""
    return translator(language) if language else user_translator(client, user_id)


def send(client: WebClient, channel: str, message: Message) -> bool:
    """Post a message; a person or channel Slack will not deliver to is logged, not raised."""
    try:
        client.chat_postMessage(channel=channel, **message.as_kwargs())
    except SlackApiError as exc:
        logger.warning("could not post to %s: %s", channel, exc.response.get("error"))
        return False
    return True

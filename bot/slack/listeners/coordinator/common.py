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
from bot.slack.send_failures import permanent_error, record_refusal
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


def send(
    client: WebClient,
    channel: str,
    message: Message,
    *,
    deps: Deps | None = None,
    team_id: str | None = None,
) -> bool:
    """Post a message; a person or channel Slack will not deliver to is logged, not raised.

    With `deps`, a refusal Slack will keep giving (the person was deactivated, the channel
    archived) is also recorded for the city's coordinators (`bot.slack.send_failures`).
    """
    try:
        client.chat_postMessage(channel=channel, **message.as_kwargs())
    except SlackApiError as exc:
        refused = permanent_error(exc)
        if deps is not None and refused is not None:
            record_refusal(deps, team_id=team_id, channel=channel, error=refused)
        else:
            logger.warning("could not post to %s: %s", channel, exc.response.get("error"))
        return False
    return True

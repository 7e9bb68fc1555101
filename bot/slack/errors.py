"""The one error handler: log the traceback with the ids involved, tell the person, lose nothing.

Bolt sends exceptions from ack listeners and middleware to `handle_error` (registered with
`app.error`). Work queued with `bot.slack.deferred.defer` reports to it too. Bolt's lazy
listeners run in its thread pool, which would only log a one-line message, so a lazy listener
is wrapped with `guarded`, which sends its exceptions the same way.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.i18n import Translator
from bot.slack.builders.blocks import Message
from bot.slack.builders.failure import build_failure_message, build_not_saved_message
from bot.slack.people import user_translator
from bot.slack.send_failures import permanent_error, record_refusal, refused_channel
from storage.engine import DatabaseUnavailableError

_REPORT_ARGS = ("body", "client", "context", "logger")


def request_ids(body: dict[str, Any], context: BoltContext | None = None) -> dict[str, Any]:
    """The ids that locate a request in Slack (never its text or any secret), for the log."""
    event = body.get("event") or {}
    view = body.get("view") or {}
    found: dict[str, Any] = {
        "type": body.get("type") or ("slash_command" if "command" in body else None),
        "team": (context.team_id if context else None) or body.get("team_id"),
        "user": (context.user_id if context else None) or body.get("user_id") or event.get("user"),
        "channel": (context.channel_id if context else None) or body.get("channel_id"),
        "command": body.get("command"),
        "event": event.get("type"),
        "event_id": body.get("event_id"),
        "actions": [a.get("action_id") for a in body.get("actions") or []] or None,
        "callback_id": view.get("callback_id") or body.get("callback_id"),
        "view_id": view.get("id"),
    }
    return {key: value for key, value in found.items() if value}


def is_database_fault(error: BaseException) -> bool:
    """True when the database was busy, slow or unreachable: the person may simply try again."""
    return isinstance(
        error, OperationalError | InterfaceError | PoolTimeout | DatabaseUnavailableError
    )


def tell_person(
    *,
    client: WebClient,
    user_id: str | None,
    respond: Respond | None,
    logger: logging.Logger,
    build: Callable[[Translator], Message] = build_failure_message,
) -> None:
    """Send the failure notice: ephemeral through response_url when there is one, else a DM."""
    if not user_id:
        return
    try:
        message = build(user_translator(client, user_id))
        if respond is not None:
            respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())
        else:
            client.chat_postMessage(channel=user_id, **message.as_kwargs())
    except Exception:
        logger.exception("could not tell user %s that their action failed", user_id)


def handle_error(
    error: Exception,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    logger: logging.Logger,
    response: BoltResponse | None = None,
) -> BoltResponse | None:
    """The app's error handler: log with ids, then tell the person in Slack.

    A message Slack refused for good (a deactivated person, an archived channel) is recorded for
    the city's coordinators instead (`bot.slack.send_failures`); the person's action itself was
    stored before its ack. A busy or unreachable database gets the "not saved, try again" notice.
    """
    where = json.dumps(request_ids(body, context))
    refused = permanent_error(error)
    if refused is not None and isinstance(error, SlackApiError):
        logger.warning("Slack refused a message for good (%s) %s", refused, where)
        record_refusal(
            context.get("deps"),
            team_id=context.team_id,
            error=refused,
            channel=refused_channel(error),
            user_id=context.user_id,
            log=False,
        )
        return None
    logger.error("action failed %s", where, exc_info=error)
    build = build_not_saved_message if is_database_fault(error) else build_failure_message
    if response is not None and "command" in body and context.user_id:
        # A failed slash command can answer in its own response, shown only to the person.
        try:
            message = build(user_translator(client, context.user_id))
        except Exception:
            logger.exception("could not build the failure notice for %s", context.user_id)
        else:
            payload = {"response_type": "ephemeral", **message.as_kwargs()}
            return BoltResponse(
                status=200,
                body=json.dumps(payload),
                headers={"content-type": "application/json;charset=utf-8"},
            )
    tell_person(
        client=client,
        user_id=context.user_id,
        respond=context.respond if context.response_url else None,
        logger=logger,
        build=build,
    )
    return None


def guarded(func: Callable[..., Any]) -> Callable[..., None]:
    """Wrap a lazy listener so that its exceptions reach `handle_error`, not a bare log line."""
    own = list(inspect.signature(func).parameters)
    names = own + [name for name in _REPORT_ARGS if name not in own]

    def run(**kwargs: Any) -> None:
        try:
            func(**{name: kwargs[name] for name in own})
        except Exception as error:
            handle_error(
                error, kwargs["body"], kwargs["client"], kwargs["context"], kwargs["logger"]
            )

    run.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in names]
    )
    # Copy the names by hand: functools.wraps would set __wrapped__, and Bolt would then inject
    # only the wrapped function's own arguments.
    run.__name__ = func.__name__
    run.__qualname__ = func.__qualname__
    run.__module__ = func.__module__
    run.__doc__ = func.__doc__
    return run

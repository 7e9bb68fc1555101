"""Sending an interview outcome to Slack (after the ack): replace the clicked message, post the
rest in order, tell a refused person why, and post the city's result when it is due."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.i18n import Translator, translator
from bot.services.interview import Outcome
from bot.slack.builders.interview import build_refusal, build_reply, replaces_message


@dataclass(frozen=True)
class Where:
    """Where the action happened: the DM channel, and the clicked message if there was one."""

    channel_id: str
    message_ts: str | None = None
    respond: Respond | None = None
    """The response_url of a click, for a refusal only the clicking person sees."""


def send_outcome(client: WebClient, deps: Deps, outcome: Outcome, where: Where) -> None:
    """Send every reply of an outcome; a refusal goes privately to the person who clicked."""
    rubric = outcome.rubric or deps.rubric
    assert rubric is not None
    tr = translator(outcome.lang)
    if outcome.refusal is not None:
        send_refusal(client, tr, outcome.refusal, where)
        return
    replaced = False
    for reply in outcome.replies:
        message = build_reply(tr, rubric, reply)
        if replaces_message(reply) and where.message_ts and not replaced:
            client.chat_update(channel=where.channel_id, ts=where.message_ts, **message.as_kwargs())
            replaced = True
        else:
            client.chat_postMessage(channel=where.channel_id, **message.as_kwargs())
    if outcome.announcement is not None:
        from bot.slack.results import post_result

        post_result(client, outcome.announcement, deps=deps)


def send_refusal(client: WebClient, tr: Translator, refusal: str, where: Where) -> None:
    """Tell only the person who clicked why nothing was changed (else post it in the DM)."""
    message = build_refusal(tr, refusal)
    if where.respond is not None:
        where.respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())
    else:
        client.chat_postMessage(channel=where.channel_id, **message.as_kwargs())

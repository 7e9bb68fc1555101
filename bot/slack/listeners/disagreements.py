"""The disagreement buttons: Accept <name>'s answer, Ask them to talk it over, Change my answer.

Accept and Ask are coordinators' buttons (App Home, the digest channel): who clicks and on
what is checked in the database before the ack; the Slack calls follow in `defer`. Change my
answer is in the respondents' conversation: it asks the clicking person the criterion again,
in their own DM, through the interview (so a respondent sees only their own answer there).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.i18n import translator
from bot.interview.model import Change
from bot.services.disagreements import (
    Refused,
    Settled,
    TalkRequest,
    accept_answer,
    request_talk,
    talk_opened,
)
from bot.services.interview import Target, interview_action, refuse_malformed
from bot.slack import ids
from bot.slack.builders.disagreements import (
    build_disagreement_refusal,
    build_settled_notice,
    build_settled_reply,
    build_talk_failed,
    build_talk_message,
    build_talk_reply,
)
from bot.slack.builders.question import parse_button_value
from bot.slack.deferred import defer
from bot.slack.interview_send import Where, send_outcome
from bot.slack.listeners.coordinator.common import send
from bot.slack.listeners.plan import id_of, refresh_home, reply


def _pair(value: Any) -> tuple[int, int]:
    first, _, second = str(value or "").partition(":")
    return id_of(first), id_of(second)


def handle_accept_click(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Accept one respondent's answer: checked and stored before the ack, then told."""
    disagreement_id, answer_id = _pair(body["actions"][0].get("value"))
    outcome = accept_answer(
        deps,
        team_id=context.team_id,
        user_id=body["user"]["id"],
        disagreement_id=disagreement_id,
        answer_id=answer_id,
        now=deps.clock(),
    )
    ack()
    defer(context, body, _after_accept, body=body, client=client, deps=deps, outcome=outcome)


def _after_accept(
    body: dict[str, Any], client: WebClient, deps: Deps, outcome: Settled | Refused
) -> None:
    tr = translator(outcome.lang)
    if isinstance(outcome, Refused):
        reply(client, body, build_disagreement_refusal(tr, outcome))
        refresh_home(client, body, deps)
        return
    team_id = (body.get("team") or {}).get("id")
    if outcome.talk_channel_id:
        notice = build_settled_notice(translator(outcome.city_language), outcome)
        send(client, outcome.talk_channel_id, notice)
    else:
        for slack_id, lang in outcome.respondents:
            notice = build_settled_notice(translator(lang), outcome)
            send(client, slack_id, notice, deps=deps, team_id=team_id)
    reply(client, body, build_settled_reply(tr, outcome))
    refresh_home(client, body, deps)
    if outcome.announcement is not None:
        from bot.slack.results import post_result

        post_result(client, outcome.announcement, deps=deps)


def handle_talk_click(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Ask them to talk it over: claimed before the ack, the conversation opened after it."""
    outcome = request_talk(
        deps,
        team_id=context.team_id,
        user_id=body["user"]["id"],
        disagreement_id=id_of(body["actions"][0].get("value")),
        now=deps.clock(),
    )
    ack()
    defer(context, body, _open_talk, body=body, client=client, deps=deps, outcome=outcome)


def _open_talk(
    body: dict[str, Any], client: WebClient, deps: Deps, outcome: TalkRequest | Refused
) -> None:
    tr = translator(outcome.lang)
    if isinstance(outcome, Refused):
        reply(client, body, build_disagreement_refusal(tr, outcome))
        return
    try:
        opened = client.conversations_open(users=",".join(outcome.users))
        channel = str(opened["channel"]["id"])
        message = build_talk_message(translator(outcome.city_language), outcome)
        client.chat_postMessage(channel=channel, **message.as_kwargs())
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "unknown_error")
        talk_opened(deps, request=outcome, channel_id=None, error=error, now=deps.clock())
        reply(client, body, build_talk_failed(tr, error))
        return
    talk_opened(deps, request=outcome, channel_id=channel, error=None, now=deps.clock())
    names = [a.name for a in outcome.view.answers]
    reply(client, body, build_talk_reply(tr, outcome, names))
    refresh_home(client, body, deps)


def handle_change_click(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Change my answer: the clicking respondent is asked the criterion again in their DM."""
    user_id = body["user"]["id"]
    value = str(body["actions"][0].get("value"))
    parsed = parse_button_value(value)
    if parsed is None:
        outcome = refuse_malformed(context.team_id, user_id, action="disagreement_change",
                                   value=value)  # fmt: skip
    else:
        target = Target(context.team_id, user_id, parsed[0])
        outcome = interview_action(deps, target, Change(parsed[1]), now=deps.clock())
    ack()
    defer(context, body, send_outcome, client=client, deps=deps, outcome=outcome,
          where=Where(user_id))  # fmt: skip


def register(app: App) -> None:
    """Listen to the disagreement buttons."""
    app.action(ids.DISAGREEMENT_ACCEPT)(handle_accept_click)
    app.action(ids.DISAGREEMENT_TALK)(handle_talk_click)
    app.action(ids.DISAGREEMENT_CHANGE)(handle_change_click)

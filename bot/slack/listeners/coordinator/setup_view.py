"""The setup modal's submission: field errors or a refusal in the ack, the rest after it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.i18n import translator
from bot.services import setup
from bot.services.coordinator import Refusal
from bot.services.setup import SetupCheck, SetupSubmission
from bot.slack import ids
from bot.slack.builders.access import build_notice_modal, build_refusal_message
from bot.slack.builders.setup import build_setup_done_message, build_start_notice, setup_errors
from bot.slack.deferred import defer
from bot.slack.listeners.coordinator.common import engine_of, rubric_of, send, translator_for
from bot.slack.profiles import read_profiles
from bot.slack.results import CHANNEL_UNREACHABLE
from storage.session import unit_of_work


def read_setup_submission(view: dict[str, Any]) -> SetupSubmission:
    """The setup modal's fields as submitted (nothing trusted yet)."""
    values = view.get("state", {}).get("values", {})

    def field(block_id: str, action_id: str) -> dict[str, Any]:
        found = values.get(block_id, {}).get(action_id)
        return found if isinstance(found, dict) else {}

    def chosen(block_id: str, action_id: str) -> str | None:
        option = field(block_id, action_id).get("selected_option") or {}
        return option.get("value")

    return SetupSubmission(
        city_ref=str(view.get("private_metadata") or ""),
        name=field(ids.BLOCK_SETUP_NAME, ids.ACTION_SETUP_NAME).get("value"),
        state=field(ids.BLOCK_SETUP_STATE, ids.ACTION_SETUP_STATE).get("value"),
        country=chosen(ids.BLOCK_SETUP_COUNTRY, ids.ACTION_SETUP_COUNTRY),
        population=field(ids.BLOCK_SETUP_POPULATION, ids.ACTION_SETUP_POPULATION).get("value"),
        timezone=chosen(ids.BLOCK_SETUP_TIMEZONE, ids.ACTION_SETUP_TIMEZONE),
        channel_id=field(ids.BLOCK_SETUP_CHANNEL, ids.ACTION_SETUP_CHANNEL).get(
            "selected_conversation"
        ),
        coordinators=tuple(
            field(ids.BLOCK_SETUP_COORDINATORS, ids.ACTION_SETUP_COORDINATORS).get("selected_users")
            or ()
        ),
        leaders=tuple(
            field(ids.BLOCK_SETUP_LEADERS, ids.ACTION_SETUP_LEADERS).get("selected_users") or ()
        ),
        language=chosen(ids.BLOCK_SETUP_LANGUAGE, ids.ACTION_SETUP_LANGUAGE),
    )


def handle_setup_submission(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Check the form and who sends it; answer with field errors or a refusal, else store it
    after the ack (reading the people's profiles first)."""
    submission = read_setup_submission(body["view"])
    user_id, team_id = body["user"]["id"], context.team_id or body["team"]["id"]
    with unit_of_work(engine_of(deps), read_only=True) as session:
        check = setup.check_setup(session, team_id=team_id, user_id=user_id, submission=submission)
    if check.refusal is not None:
        tr = translator_for(client, user_id, check.language)
        ack(response_action="update", view=build_notice_modal(tr, check.refusal))
        return
    if check.problems:
        tr = translator_for(client, user_id, check.language)
        ack(response_action="errors", errors=setup_errors(tr, check.problems))
        return
    ack()
    team_name = (body.get("team") or {}).get("domain") or team_id
    defer(
        context, body, finish_setup,
        client=client, deps=deps, team_id=team_id, team_name=team_name, user_id=user_id,
        submission=submission,
    )  # fmt: skip


def finish_setup(
    *,
    client: WebClient,
    deps: Deps,
    team_id: str,
    team_name: str,
    user_id: str,
    submission: SetupSubmission,
) -> None:
    """Store the setup, post the start notice in the digest channel, tell the coordinator."""
    profiles = read_profiles(client, setup.people_to_read(submission, user_id))
    with unit_of_work(engine_of(deps)) as session:
        outcome = setup.save_setup(
            session,
            team_id=team_id,
            team_name=team_name,
            user_id=user_id,
            submission=submission,
            profiles=profiles,
            rubric=rubric_of(deps),
            now=deps.clock(),
        )
    done = outcome.done
    if done is None:  # changed between the check and now (a second submission, a revoked role)
        tr = translator_for(client, user_id, outcome.check.language)
        refusal = outcome.check.refusal or _first_problem(outcome.check)
        send(client, user_id, build_refusal_message(tr, refusal))
        return
    posted = False
    if done.created and done.channel_id:
        notice = build_start_notice(translator(done.city_language), done)
        try:
            client.chat_postMessage(channel=done.channel_id, **notice.as_kwargs())
            posted = True
        except SlackApiError as exc:
            if exc.response.get("error") not in CHANNEL_UNREACHABLE:
                raise
    confirmation = build_setup_done_message(
        translator(done.submitter_language), done, posted=posted
    )
    send(client, user_id, confirmation)


def _first_problem(check: SetupCheck) -> Refusal:
    problem = next(iter(check.problems.values()))
    return Refusal(problem.message, problem.params)

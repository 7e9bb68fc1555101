"""The workspace driver against the real Bolt app with a small survey flow added for the test.

The flow: `/survey` posts a DM with a Start button and checkboxes; Start opens a modal with a
required link, a level select and optional notes; submitting saves, a bad link is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltRequest
from slack_sdk import WebClient

from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import BotUnderTest, running_bot, strict_sandbox

SEEN: list[dict[str, Any]] = []

SURVEY_BLOCKS = [
    {
        "type": "section",
        "block_id": "intro",
        "text": {"type": "mrkdwn", "text": "Ready for the survey?"},
    },
    {
        "type": "actions",
        "block_id": "go",
        "elements": [
            {
                "type": "button",
                "action_id": "start",
                "text": {"type": "plain_text", "text": "Start"},
                "value": "s1",
            },
            {
                "type": "button",
                "action_id": "later",
                "text": {"type": "plain_text", "text": "Later"},
            },
        ],
    },
    {
        "type": "actions",
        "block_id": "topics",
        "elements": [
            {
                "type": "checkboxes",
                "action_id": "pick",
                "options": [
                    {"text": {"type": "plain_text", "text": label}, "value": label.lower()}
                    for label in ("Policy", "Budget", "Staff")
                ],
            }
        ],
    },
]

EVIDENCE_MODAL = {
    "type": "modal",
    "callback_id": "evidence",
    "notify_on_close": True,
    "title": {"type": "plain_text", "text": "Evidence"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "link",
            "label": {"type": "plain_text", "text": "Link"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": "level",
            "label": {"type": "plain_text", "text": "Level"},
            "element": {
                "type": "static_select",
                "action_id": "value",
                "options": [
                    {"text": {"type": "plain_text", "text": t}, "value": t.lower()}
                    for t in ("One", "Two")
                ],
            },
        },
        {
            "type": "input",
            "block_id": "notes",
            "optional": True,
            "label": {"type": "plain_text", "text": "Notes"},
            "element": {"type": "plain_text_input", "action_id": "value", "multiline": True},
        },
    ],
}


def _add_survey(app: App) -> None:
    def ack(ack: Ack) -> None:
        ack()

    def post_survey(body: dict[str, Any], client: WebClient) -> None:
        client.chat_postMessage(
            channel=body["user_id"], text="Ready for the survey?", blocks=SURVEY_BLOCKS
        )

    def open_evidence(body: dict[str, Any], client: WebClient) -> None:
        SEEN.append(body)
        client.views_open(trigger_id=body["trigger_id"], view=EVIDENCE_MODAL)

    def show_ticked(body: dict[str, Any], client: WebClient) -> None:
        SEEN.append(body)
        chosen = [o["text"]["text"] for o in body["actions"][0]["selected_options"]]
        client.chat_update(
            channel=body["container"]["channel_id"],
            ts=body["container"]["message_ts"],
            text="Ticked: " + ", ".join(chosen),
        )

    def check_link(ack: Ack, view: dict[str, Any]) -> None:
        link = view["state"]["values"]["link"]["value"]["value"]
        if not link.startswith("https://"):
            ack(response_action="errors", errors={"link": "Give a web link starting with https://"})
        else:
            ack()

    def save(view: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        values = view["state"]["values"]
        if not values["link"]["value"]["value"].startswith("https://"):
            return
        level = values["level"]["value"]["selected_option"]["text"]["text"]
        client.chat_postMessage(
            channel=body["user"]["id"],
            text=f"Saved {values['link']['value']['value']} at level {level}",
        )

    def closed(body: dict[str, Any], client: WebClient) -> None:
        client.chat_postMessage(channel=body["user"]["id"], text="Closed without saving")

    def note_retry(ack: Ack, request: BoltRequest) -> None:
        SEEN.append({"retry": request.headers.get("x-slack-retry-num", [None])[0]})
        ack()

    def postpone(respond: Any) -> None:
        respond(text="Maybe later, then.", replace_original=True)

    def refresh(body: dict[str, Any], client: WebClient) -> None:
        client.chat_postMessage(
            channel=body["user"]["id"], text=f"Refreshed from {body['view']['type']}"
        )

    app.command("/survey")(ack=ack, lazy=[post_survey])
    app.action("later")(ack=ack, lazy=[postpone])
    app.action("refresh")(ack=ack, lazy=[refresh])
    app.action("start")(ack=ack, lazy=[open_evidence])
    app.action("pick")(ack=ack, lazy=[show_ticked])
    app.view_submission("evidence")(ack=check_link, lazy=[save])
    app.view_closed("evidence")(ack=ack, lazy=[closed])
    app.event("reaction_added")(note_retry)


@pytest.fixture
def survey() -> Iterator[tuple[BotUnderTest, LocalSandbox, str]]:
    SEEN.clear()
    with strict_sandbox() as sandbox, running_bot(sandbox, customize=_add_survey) as bot:
        ana = bot.workspace.add_user("ana")
        bot.workspace.command(ana, command="/survey")
        bot.workspace.wait_for_message(ana, "Ready for the survey?")
        yield bot, sandbox, ana


def test_click_sends_block_actions_with_the_real_message_and_opens_the_modal(survey) -> None:  # type: ignore[no-untyped-def]
    bot, sandbox, ana = survey

    assert bot.workspace.click(ana, "Start").status == 200

    modal = bot.workspace.wait_for(lambda: bot.workspace.modal(ana), what="the modal")
    assert modal["callback_id"] == "evidence"
    clicked = SEEN[0]
    message = sandbox.messages_for(user_id=ana)[-1]
    assert clicked["container"] == {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": message["channel"],
        "is_ephemeral": False,
    }
    assert clicked["message"]["blocks"] == message["blocks"]
    assert clicked["actions"][0]["value"] == "s1"
    assert clicked["state"]["values"]["topics"]["pick"] == {
        "type": "checkboxes",
        "selected_options": [],
    }
    assert clicked["response_url"].startswith(sandbox.url)


def test_submit_checks_required_inputs_like_the_slack_client(survey) -> None:  # type: ignore[no-untyped-def]
    bot, _sandbox, ana = survey
    bot.workspace.click(ana, "Start")
    bot.workspace.wait_for(lambda: bot.workspace.modal(ana), what="the modal")

    result = bot.workspace.submit_modal(ana, {"Link": "https://city.gov/data"})

    assert not result.closed and result.response is None
    assert result.errors == {"level": "This field is required."}


def test_the_bots_errors_keep_the_modal_open(survey) -> None:  # type: ignore[no-untyped-def]
    bot, _sandbox, ana = survey
    bot.workspace.click(ana, "Start")
    bot.workspace.wait_for(lambda: bot.workspace.modal(ana), what="the modal")

    result = bot.workspace.submit_modal(ana, {"Link": "city.gov", "Level": "Two"})

    assert not result.closed
    assert result.errors == {"link": "Give a web link starting with https://"}
    assert bot.workspace.modal(ana) is not None


def test_a_good_submission_closes_the_modal_and_the_bot_reads_the_values(survey) -> None:  # type: ignore[no-untyped-def]
    bot, _sandbox, ana = survey
    bot.workspace.click(ana, "Start")
    bot.workspace.wait_for(lambda: bot.workspace.modal(ana), what="the modal")

    result = bot.workspace.submit_modal(ana, {"Link": "https://city.gov/data", "Level": "two"})

    assert result.closed and bot.workspace.modal(ana) is None
    bot.workspace.wait_for_message(ana, "Saved https://city.gov/data at level Two")


def test_tick_sends_the_selection_and_the_bot_updates_the_message(survey) -> None:  # type: ignore[no-untyped-def]
    bot, sandbox, ana = survey

    bot.workspace.tick(ana, ["Policy", "Staff"])

    bot.workspace.wait_for_message(ana, "Ticked: Policy, Staff")
    sent = SEEN[0]
    assert [o["value"] for o in sent["state"]["values"]["topics"]["pick"]["selected_options"]] == [
        "policy",
        "staff",
    ]
    assert len(sandbox.messages_for(user_id=ana)) == 1  # updated in place


def test_closing_a_modal_that_asks_sends_view_closed(survey) -> None:  # type: ignore[no-untyped-def]
    bot, _sandbox, ana = survey
    bot.workspace.click(ana, "Start")
    bot.workspace.wait_for(lambda: bot.workspace.modal(ana), what="the modal")

    bot.workspace.close_modal(ana)

    bot.workspace.wait_for_message(ana, "Closed without saving")
    assert bot.workspace.modal(ana) is None


def test_event_retries_carry_the_retry_header(survey) -> None:  # type: ignore[no-untyped-def]
    bot, _sandbox, ana = survey
    event = {
        "type": "reaction_added",
        "user": ana,
        "reaction": "thumbsup",
        "item": {},
        "event_ts": "1.0",
    }

    bot.workspace.send_event(event, event_id="Ev1")
    bot.workspace.send_event(event, event_id="Ev1", retry_num=1)

    assert SEEN == [{"retry": None}, {"retry": "1"}]


def test_clicking_a_button_that_is_not_there_says_what_is(survey) -> None:  # type: ignore[no-untyped-def]
    bot, _sandbox, ana = survey

    with pytest.raises(LookupError, match="a button 'Finish'"):
        bot.workspace.click(ana, "Finish", wait=0.05)


def test_a_person_at_the_terminal_answers_by_typing_choices(survey) -> None:  # type: ignore[no-untyped-def]
    from bot.sandbox.render import apply_choice, parse_choice, render_message, render_view

    bot, _sandbox, ana = survey
    workspace = bot.workspace
    pending: dict[str, Any] = {}

    screen = render_message(workspace.latest(ana))
    assert "[1] Start" in screen.text
    assert (
        apply_choice(workspace, ana, parse_choice("1", screen), pending) == "clicked 'Start' (200)"
    )
    modal = workspace.wait_for(lambda: workspace.modal(ana), what="the modal")
    for typed in ("1 https://city.gov/budget", "3"):
        apply_choice(workspace, ana, parse_choice(typed, render_view(modal, pending)), pending)
    filled = render_view(modal, pending).text
    assert "  [1] > https://city.gov/budget" in filled and "  [3] (x) Two" in filled
    assert (
        apply_choice(workspace, ana, parse_choice("submit", render_view(modal)), pending)
        == "submitted"
    )

    workspace.wait_for_message(ana, "Saved https://city.gov/budget at level Two")


def test_respond_with_replace_original_replaces_the_clicked_message(survey) -> None:  # type: ignore[no-untyped-def]
    bot, sandbox, ana = survey

    bot.workspace.click(ana, "Later")

    bot.workspace.wait_for_message(ana, "Maybe later, then.")
    shown = sandbox.messages_for(user_id=ana)
    assert [m["text"] for m in shown] == ["Maybe later, then."]
    assert shown[0]["history"][0]["text"] == "Ready for the survey?"


def test_click_on_the_home_tab(survey) -> None:  # type: ignore[no-untyped-def]
    bot, sandbox, ana = survey
    button = {
        "type": "button",
        "action_id": "refresh",
        "text": {"type": "plain_text", "text": "Refresh"},
    }
    home = {"type": "home", "blocks": [{"type": "actions", "elements": [button]}]}
    WebClient(token=sandbox.bot_token, base_url=sandbox.api_url).views_publish(
        user_id=ana, view=home
    )

    bot.workspace.click(ana, "Refresh")

    bot.workspace.wait_for_message(ana, "Refreshed from home")

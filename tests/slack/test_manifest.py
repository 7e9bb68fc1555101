"""app.yaml: valid against Slack's manifest schema, and in step with the app's listeners."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jsonschema
import pytest
import yaml
from slack_bolt import App
from slack_bolt.request import BoltRequest

from bot.deps import Deps
from bot.sandbox.testing import SIGNING_SECRET
from bot.settings import load_settings
from bot.slack.app import build_app
from bot.slack.client import build_client
from bot.slack.listeners.registry import listened

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "app.yaml"
SCHEMA = ROOT.parent / "shared" / "slack" / "manifest.schema.1.0.0.json"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def app() -> App:
    settings = load_settings(
        SLACK_BOT_TOKEN="xoxb-manifest-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL="http://127.0.0.1:9/api/",
    )
    return build_app(Deps(settings=settings, client=build_client(settings)))


def test_manifest_is_valid_against_slacks_schema(manifest: dict[str, Any]) -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"Slack's manifest schema is not at {SCHEMA} (it lives beside the repository)")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(manifest, schema)


def test_every_listened_command_and_event_is_declared_and_the_other_way(
    manifest: dict[str, Any], app: App
) -> None:
    declared_commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    declared_events = set(manifest["settings"]["event_subscriptions"]["bot_events"])

    registered = listened(app)

    assert registered.commands == declared_commands
    assert registered.events == declared_events


def _signed(body: str, content_type: str) -> BoltRequest:
    ts = str(int(time.time()))
    from slack_sdk.signature import SignatureVerifier

    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=ts, body=body)
    headers = {
        "content-type": content_type,
        "x-slack-request-timestamp": ts,
        "x-slack-signature": signature,
    }
    return BoltRequest(body=body, headers=headers)


def _only_match(app: App, request: BoltRequest) -> bool:
    """Whether any listener of the app matches the request (without running it or calling Slack)."""
    request.context["bot_user_id"] = "UBOT"
    return any(listener.matches(req=request, resp=None) for listener in app._listeners)  # type: ignore[arg-type]


def test_every_declared_command_and_event_reaches_a_listener(
    manifest: dict[str, Any], app: App
) -> None:
    for declared in manifest["features"]["slash_commands"]:
        body = urlencode(
            {"command": declared["command"], "text": "", "user_id": "U1", "team_id": "T1"}
        )
        assert _only_match(app, _signed(body, "application/x-www-form-urlencoded")), declared[
            "command"
        ]
    for name in manifest["settings"]["event_subscriptions"]["bot_events"]:
        event_type, _, channel_type = name.partition(".")
        event = {"type": event_type, "user": "U1", "channel": "D1", "text": "hi", "ts": "1.0"}
        if channel_type:
            event["channel_type"] = channel_type
        body = json.dumps(
            {"type": "event_callback", "team_id": "T1", "event": event, "event_id": "Ev1"}
        )
        assert _only_match(app, _signed(body, "application/json")), name


def test_a_command_the_manifest_does_not_declare_reaches_no_listener(app: App) -> None:
    body = urlencode({"command": "/not-citycheck", "text": "", "user_id": "U1", "team_id": "T1"})
    assert not _only_match(app, _signed(body, "application/x-www-form-urlencoded"))


def test_the_least_scopes_are_requested(manifest: dict[str, Any]) -> None:
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "im:history",
        "im:write",
        "users:read",
        "files:write",
        "dnd:read",
        "users.profile:read",
        "mpim:write",
    }

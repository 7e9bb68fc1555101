"""`app_home_opened`: publish the person's Home tab when they open it."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.slack.builders.home import build_home_view
from bot.slack.listeners.commands import build_router
from bot.slack.people import user_translator


def publish_home(event: dict[str, Any], client: WebClient) -> None:
    """Publish the Home tab for the person who opened it (the Messages tab needs nothing)."""
    if event.get("tab", "home") != "home":
        return
    user_id = event["user"]
    tr = user_translator(client, user_id)
    client.views_publish(user_id=user_id, view=build_home_view(tr, build_router().help_entries()))

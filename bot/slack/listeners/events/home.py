"""`app_home_opened`: publish the person's Home tab when they open it."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.deps import Deps
from bot.i18n import translator
from bot.services.home import home_model
from bot.slack.builders.home import build_home_view
from bot.slack.listeners.commands import build_router
from bot.slack.people import user_translator


def publish_home(
    event: dict[str, Any], client: WebClient, deps: Deps, team_id: str | None = None
) -> None:
    """Publish the Home tab for the person who opened it (the Messages tab needs nothing)."""
    if event.get("tab", "home") != "home":
        return
    user_id = event["user"]
    model = home_model(deps, team_id=team_id, user_id=user_id, now=deps.clock())
    tr = translator(model.lang) if model.lang else user_translator(client, user_id)
    view = build_home_view(tr, build_router().help_entries(), model, deps.rubric)
    client.views_publish(user_id=user_id, view=view)

"""The coordinator's modals and buttons: setup and assign submissions, and Later."""

from __future__ import annotations

from slack_bolt import App

from bot.slack import ids
from bot.slack.listeners.coordinator.assign_view import handle_assign_submission
from bot.slack.listeners.coordinator.later import handle_later
from bot.slack.listeners.coordinator.setup_view import handle_setup_submission


def register(app: App) -> None:
    """Listen to the setup and assign modals and to the Later button of assignment messages."""
    app.view(ids.VIEW_SETUP)(handle_setup_submission)
    app.view(ids.VIEW_ASSIGN)(handle_assign_submission)
    app.action(ids.ASSIGNMENT_LATER)(handle_later)

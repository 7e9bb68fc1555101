"""The notice the error handler sends when an action failed on our side."""

from __future__ import annotations

from bot.i18n import Translator
from bot.slack import ids
from bot.slack.builders.blocks import Message, section


def build_failure_message(tr: Translator) -> Message:
    """Tells the person the action failed, that nothing saved was lost, and to try again."""
    text = tr.gettext(
        "Sorry, something went wrong on our side and that last action did not go through. "
        "Nothing you saved before was lost; please try again in a minute."
    )
    return Message(text=text, blocks=[section(":warning: " + text, ids.BLOCK_FAILURE)])


def build_not_saved_message(tr: Translator) -> Message:
    """Tells the person their last action was not saved (the database is busy or down)."""
    text = tr.gettext(
        "Sorry, that was not saved: our database is busy or unreachable right now. "
        "Nothing you saved before was lost; please try again in a minute."
    )
    return Message(text=text, blocks=[section(":warning: " + text, ids.BLOCK_FAILURE)])

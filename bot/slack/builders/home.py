"""The App Home tab a person sees before any assessment work is assigned to them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.i18n import Translator
from bot.slack import ids
from bot.slack.builders.blocks import context, divider, escape, header, section
from bot.slack.builders.help import CommandHelp


def build_home_view(tr: Translator, commands: Sequence[CommandHelp]) -> dict[str, Any]:
    """The Home tab: what citycheck is and the commands to start with."""
    intro = tr.gettext(
        "citycheck runs your city's data-practices self-assessment as a conversation: "
        "one question at a time, in direct messages, with your progress saved as you go."
    )
    lines = [f"`{escape(c.invocation())}`: {tr.gettext(c.summary)}" for c in commands]
    return {
        "type": "home",
        "callback_id": ids.VIEW_HOME,
        "blocks": [
            header(tr.gettext("Welcome to citycheck"), ids.BLOCK_HOME_HEADER),
            section(intro, ids.BLOCK_HOME_INTRO),
            divider(),
            section("\n".join(lines), ids.BLOCK_HOME_COMMANDS),
            context(
                tr.gettext(
                    "Your coordinator assigns practice areas to people; "
                    "you'll get a direct message when one is yours."
                ),
                ids.BLOCK_HOME_TIP,
            ),
        ],
    }

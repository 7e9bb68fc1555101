"""Every slash command, action, block and callback id the app uses, in one place.

Builders put these ids into Block Kit and listeners match on them, so a renamed id cannot leave a
button without a listener. Ids stay below Slack's 255-character limit and are unique
(a test checks).
"""

from __future__ import annotations

COMMAND = "/citycheck"
"""The one slash command; its subcommands are routed by `listeners.commands.router`."""

# Events the app subscribes to (the names used in the manifest's bot_events).
EVENT_APP_HOME_OPENED = "app_home_opened"
EVENT_MESSAGE_IM = "message.im"

# Blocks of the help message.
BLOCK_HELP_HEADER = "help_header"
BLOCK_HELP_COMMANDS = "help_commands"
BLOCK_HELP_HINT = "help_hint"
BLOCK_HELP_TIP = "help_tip"

# Blocks of the Home tab.
BLOCK_HOME_HEADER = "home_header"
BLOCK_HOME_INTRO = "home_intro"
BLOCK_HOME_COMMANDS = "home_commands"
BLOCK_HOME_TIP = "home_tip"

# Blocks of the failure notice sent by the error handler.
BLOCK_FAILURE = "failure_notice"

# Callback ids of views.
VIEW_HOME = "home"


def all_ids() -> dict[str, str]:
    """Every id constant of this module by its name (for the uniqueness and length test)."""
    return {
        name: value
        for name, value in globals().items()
        if name.isupper() and isinstance(value, str)
    }

"""The help message of `/citycheck`: the list of subcommands, with a hint for a mistyped one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.i18n import Translator
from bot.slack import ids
from bot.slack.builders.blocks import Message, clip, context, escape, header, section


@dataclass(frozen=True)
class CommandHelp:
    """One subcommand as the help lists it; `summary` is an untranslated message id."""

    name: str
    summary: str
    usage: str = ""

    def invocation(self) -> str:
        """How a person types it, e.g. `/citycheck assign <area> @person`."""
        return " ".join(part for part in (ids.COMMAND, self.name, self.usage) if part)


def _problem_line(tr: Translator, unknown: str, suggestion: str | None) -> str:
    shown = escape(clip(unknown.replace("`", "'"), 40))
    typed = f"`{ids.COMMAND} {shown}`"
    if suggestion:
        return tr.gettext("I don't know {typed}. Did you mean {suggestion}?").format(
            typed=typed, suggestion=f"`{ids.COMMAND} {escape(suggestion)}`"
        )
    return tr.gettext("I don't know {typed}. These are the commands I know:").format(typed=typed)


def build_help_message(
    tr: Translator,
    commands: Sequence[CommandHelp],
    *,
    unknown: str | None = None,
    suggestion: str | None = None,
) -> Message:
    """The help: an optional "did you mean" line, then every command with what it does."""
    title = tr.gettext("citycheck commands")
    lines = [f"`{escape(c.invocation())}`: {tr.gettext(c.summary)}" for c in commands]
    tip = tr.gettext(
        "Answer the assessment questions here in direct messages with me; "
        "your answers are saved as you go, so you can stop and resume any day."
    )
    blocks = []
    text_lines = []
    if unknown is not None:
        problem = _problem_line(tr, unknown, suggestion)
        blocks.append(section(problem, ids.BLOCK_HELP_HINT))
        text_lines.append(problem)
    blocks += [
        header(title, ids.BLOCK_HELP_HEADER),
        section("\n".join(lines), ids.BLOCK_HELP_COMMANDS),
        context(tip, ids.BLOCK_HELP_TIP),
    ]
    text_lines += [title, *(c.invocation() + ": " + tr.gettext(c.summary) for c in commands)]
    return Message(text="\n".join(text_lines), blocks=blocks)

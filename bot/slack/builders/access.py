"""Refusals and "which city?" answers to coordinator commands, and the field problems of forms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.i18n import Translator
from bot.services.coordinator import CityChoice, Problem, Refusal
from bot.slack import ids
from bot.slack.builders.blocks import Message, clip, escape, plain, section

MODAL_TITLE_LIMIT = 24
CITY_LIST_LIMIT = 20


def problem_text(tr: Translator, problem: Problem | Refusal) -> str:
    """A problem or refusal in the person's language, its placeholders filled in."""
    message = problem.message if isinstance(problem, Problem) else problem.reason
    return tr.gettext(message).format(**problem.params)


def field_errors(
    tr: Translator, problems: Mapping[str, Problem], blocks: Mapping[str, str]
) -> dict[str, str]:
    """`errors` for `ack(response_action="errors")`: each problem under its field's block id."""
    return {blocks[name]: clip(problem_text(tr, p), 150) for name, p in problems.items()}


def build_refusal_message(tr: Translator, refusal: Refusal) -> Message:
    """Why the person cannot do this; nothing was changed."""
    text = problem_text(tr, refusal)
    return Message(text=text, blocks=[section(":no_entry: " + escape(text), ids.BLOCK_NOTICE)])


def build_notice_modal(tr: Translator, refusal: Refusal) -> dict[str, Any]:
    """A modal that replaces a submitted form to say why nothing was changed."""
    text = problem_text(tr, refusal)
    return {
        "type": "modal",
        "callback_id": ids.VIEW_NOTICE,
        "title": plain(clip(tr.gettext("Nothing changed"), MODAL_TITLE_LIMIT)),
        "close": plain(clip(tr.gettext("Close"), MODAL_TITLE_LIMIT)),
        "blocks": [section(":no_entry: " + escape(text), ids.BLOCK_NOTICE)],
    }


def build_city_choice_message(tr: Translator, choice: CityChoice) -> Message:
    """The person acts for several cities: list them and show how to name one."""
    example = f"{ids.COMMAND} {choice.command} {choice.cities[0]}" if choice.cities else ""
    intro = tr.gettext(
        "You coordinate several cities. Name the one you mean, for example `{example}`."
    ).format(example=escape(example))
    shown = choice.cities[:CITY_LIST_LIMIT]
    lines = [f"• `{escape(f'{ids.COMMAND} {choice.command} {name}')}`" for name in shown]
    more = len(choice.cities) - len(shown)
    if more:
        lines.append(tr.ngettext("…and {count} more", "…and {count} more", more).format(count=more))
    text = "\n".join([intro, *lines])
    return Message(text=text, blocks=[section(text, ids.BLOCK_CITY_CHOICE)])

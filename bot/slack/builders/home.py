"""The App Home tab: the welcome, or the person's sections in a fixed order.

Order: respondent (their areas and Resume), coordinator (the team), leader (milestones), result
charts; then the commands. A person with no role and no assigned areas sees the welcome. The
tab stays under Slack's 100 blocks: sections are cut at the end, with a line that says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.i18n import Translator
from bot.services.home import HomeModel, RespondentInterview
from bot.slack import ids
from bot.slack.builders.blocks import (
    SURFACE_BLOCK_LIMIT,
    Block,
    button,
    context,
    divider,
    escape,
    header,
    section,
)
from bot.slack.builders.help import CommandHelp
from bot.slack.builders.interview import area_progress_line, local_time
from rubric.schema import Rubric

TAIL_BLOCKS = 3
"""Blocks kept for the commands at the bottom (divider, list, tip)."""


def build_home_view(
    tr: Translator,
    commands: Sequence[CommandHelp],
    model: HomeModel | None = None,
    rubric: Rubric | None = None,
) -> dict[str, Any]:
    """The Home tab: the person's sections when they have any, else the welcome."""
    if model is None or not model.has_sections or rubric is None:
        return _welcome(tr, commands)
    blocks: list[Block] = []
    if model.respondent:
        blocks += build_respondent_home_section(tr, rubric, model.respondent)
    if model.coordinator:
        from bot.slack.builders.status import build_coordinator_home_section

        for overview in model.coordinator:
            blocks += [divider(), *build_coordinator_home_section(overview, tr)]
    if model.disagreements:
        from bot.slack.builders.disagreements import build_disagreement_home_section

        blocks += [divider(), *build_disagreement_home_section(tr, model.disagreements)]
    if model.leader is not None:
        from bot.slack.builders.milestones import build_leader_home_section

        blocks += [divider(), *build_leader_home_section(model.leader)]
    if model.attention is not None:
        from bot.slack.builders.attention import build_attention_home_section

        blocks += [divider(), *build_attention_home_section(tr, model.attention)]
    if model.report_chart is not None:
        from bot.slack.builders.report_home import build_report_chart_section

        blocks += build_report_chart_section(model.report_chart, tr)
    room = SURFACE_BLOCK_LIMIT - TAIL_BLOCKS - 1
    if len(blocks) > room:
        blocks = blocks[:room]
        blocks.append(
            context(
                tr.gettext("More is waiting: use `/citycheck status` for the rest."),
                ids.BLOCK_HOME_TIP + "_more",
            )
        )
    blocks += _commands(tr, commands)
    return {"type": "home", "callback_id": ids.VIEW_HOME, "blocks": blocks}


def build_respondent_home_section(
    tr: Translator, rubric: Rubric, interviews: Sequence[RespondentInterview]
) -> list[Block]:
    """The person's areas with progress bars, and a Start or Resume button per assessment."""
    blocks: list[Block] = [header(tr.gettext("Your assessment questions"), ids.BLOCK_HOME_HEADER)]
    for mine in interviews:
        prefix = f"{ids.BLOCK_HOME_MINE_PREFIX}{mine.assessment_id}"
        summary = tr.gettext("*{city}* · {settled} of {total} answered").format(
            city=escape(mine.city_name), settled=mine.settled, total=mine.total
        )
        if mine.done:
            summary += " · " + tr.gettext("all done, thank you!")
        elif mine.current is not None:
            summary += " · " + tr.gettext("next: {criterion} ({position} of {total})").format(
                criterion=mine.current, position=mine.position, total=mine.total
            )
        if mine.paused_until is not None and not mine.done:
            summary += " · " + tr.gettext("paused until {when}").format(
                when=local_time(tr, mine.paused_until, mine.timezone)
            )
        block = section(summary, prefix)
        if not mine.done:
            label = tr.gettext("Resume") if mine.started else tr.gettext("Start")
            block["accessory"] = button(
                label, ids.INTERVIEW_RESUME, str(mine.assessment_id), style="primary"
            )
        taken_on = mine.rubric or rubric
        lines = [area_progress_line(tr, taken_on, area) for area in mine.areas]
        blocks += [block, context(escape("\n".join(lines)), prefix + "_areas")]
    return blocks


def _welcome(tr: Translator, commands: Sequence[CommandHelp]) -> dict[str, Any]:
    intro = tr.gettext(
        "citycheck runs your city's data-practices self-assessment as a conversation: "
        "one question at a time, in direct messages, with your progress saved as you go."
    )
    return {
        "type": "home",
        "callback_id": ids.VIEW_HOME,
        "blocks": [
            header(tr.gettext("Welcome to citycheck"), ids.BLOCK_HOME_HEADER),
            section(intro, ids.BLOCK_HOME_INTRO),
            *_commands(tr, commands),
            context(
                tr.gettext(
                    "Your coordinator assigns practice areas to people; "
                    "you'll get a direct message when one is yours."
                ),
                ids.BLOCK_HOME_TIP,
            ),
        ],
    }


def _commands(tr: Translator, commands: Sequence[CommandHelp]) -> list[Block]:
    lines = [f"`{escape(c.invocation())}`: {tr.gettext(c.summary)}" for c in commands]
    return [divider(), section("\n".join(lines), ids.BLOCK_HOME_COMMANDS)] if lines else []

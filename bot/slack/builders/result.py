"""The result posted to the city's channel when every assigned area is answered."""

from __future__ import annotations

from bot.i18n import Translator
from bot.services.results import ResultAnnouncement, StepRow
from bot.services.status import Projection
from bot.slack import ids
from bot.slack.builders.blocks import Block, Message, button, clip, context, escape, header, section
from bot.slack.builders.status import bar, level_line, share

STEPS_SHOWN = 10
"""Criteria of the gap shown one by one; the rest are counted (the plan lists them all)."""
STATEMENT_LIMIT = 300


def _effort(tr: Translator, effort: str) -> str:
    labels = {
        "S": tr.gettext("small effort"),
        "M": tr.gettext("medium effort"),
        "L": tr.gettext("large effort"),
    }
    return labels.get(effort, effort)


def _step_text(tr: Translator, step: StepRow) -> str:
    lang = tr.lang
    head = f"*{step.criterion_id}* · {escape(step.area.get(lang))}"
    if step.core:
        head += " · " + tr.gettext("core")
    if step.needed_for:
        head += " · " + tr.gettext("needed first for {id}").format(id=step.needed_for)
    details = " · ".join(
        [
            tr.gettext("First deliverable: {deliverable}").format(
                deliverable=escape(step.deliverable.get(lang))
            ),
            _effort(tr, step.effort),
            tr.gettext("Owner: {owner}").format(owner=escape(step.owner.get(lang))),
            tr.ngettext(
                "within {count} month", "within {count} months", step.horizon_months
            ).format(count=step.horizon_months),
        ]
    )
    return "\n".join(
        [
            head,
            escape(clip(step.statement.get(lang), STATEMENT_LIMIT)),
            "→ " + tr.gettext("*Next step:* {action}").format(action=escape(step.action.get(lang))),
            details,
        ]
    )


def _score_text(tr: Translator, result: ResultAnnouncement) -> str:
    seen = Projection(
        met=result.met,
        total=result.total,
        percent=result.percent,
        level=result.level,
        level_by_percent=result.level_by_percent,
        blockers=result.blockers,
        first_level=result.first_level,
        first_level_percent=result.first_level_percent,
    )
    lines = [level_line(tr, seen, final=True)]
    if result.level is None and result.level_by_percent is not None:
        lines.append(
            tr.gettext("The share met alone would reach {level}.").format(
                level=result.level_by_percent.get(tr.lang)
            )
        )
    if result.unsure:
        lines.append(
            tr.ngettext(
                "{count} criterion was answered as unsure and counts as not met.",
                "{count} criteria were answered as unsure and count as not met.",
                result.unsure,
            ).format(count=result.unsure)
        )
    return "\n".join(lines)


def _area_lines(tr: Translator, result: ResultAnnouncement) -> str:
    lines = [tr.gettext("*Practice areas*")]
    for area in result.areas:
        name = escape(area.name.get(tr.lang))
        line = f"`{bar(area.met, area.total)}` {name} {area.met}/{area.total}"
        if not area.assigned:
            line += " · _" + tr.gettext("not assigned, not assessed") + "_"
        lines.append(line)
    return "\n".join(lines)


def build_result_message(
    tr: Translator, result: ResultAnnouncement, *, missed_channel: str | None = None
) -> Message:
    """Overall score, level or what blocks it, each area, the gap with next steps, and a button
    to draw the improvement plan from it. With `missed_channel`, it is sent to a coordinator
    instead, saying the channel could not be posted to."""
    title = tr.gettext("{city}'s assessment is complete").format(city=result.city_name)
    score = _score_text(tr, result)
    blocks: list[Block] = []
    if missed_channel:
        blocks.append(
            section(
                tr.gettext(
                    "I could not post this result in <#{channel}>, so here it is. Invite me "
                    "there with `/invite @citycheck` to have progress and results posted."
                ).format(channel=missed_channel),
                ids.BLOCK_NOTICE,
            )
        )
    blocks += [
        header(title, ids.BLOCK_RESULT_HEADER),
        section(score, ids.BLOCK_RESULT_SCORE),
        section(_area_lines(tr, result), ids.BLOCK_RESULT_AREAS),
    ]
    if result.target is None:
        gap = tr.gettext("*{city} is at the top level.* Keep the practices up!").format(
            city=escape(result.city_name)
        )
    else:
        gap = tr.ngettext(
            "*To reach {level}: meet {count} more criterion.*",
            "*To reach {level}: meet {count} more criteria.*",
            len(result.steps),
        ).format(level=result.target.get(tr.lang), count=len(result.steps))
        if result.reaches is not None and result.reaches != result.target:
            gap += " " + tr.gettext("That would reach {level}.").format(
                level=result.reaches.get(tr.lang)
            )
    blocks.append(section(gap, ids.BLOCK_RESULT_GAP))
    for step in result.steps[:STEPS_SHOWN]:
        blocks.append(
            section(_step_text(tr, step), f"{ids.BLOCK_RESULT_STEP_PREFIX}{step.criterion_id}")
        )
    more = len(result.steps) - STEPS_SHOWN
    if more > 0:
        blocks.append(
            context(
                tr.ngettext(
                    "…and {count} more criterion; the improvement plan lists them all.",
                    "…and {count} more criteria; the improvement plan lists them all.",
                    more,
                ).format(count=more),
                ids.BLOCK_RESULT_MORE,
            )
        )
    blocks.append(
        {
            "type": "actions",
            "block_id": ids.BLOCK_RESULT_ACTIONS,
            "elements": [
                button(
                    tr.gettext("Create improvement plan"),
                    ids.PLAN_CREATE,
                    str(result.assessment_id),
                    style="primary",
                )
            ],
        }
    )
    summary = tr.gettext("{met} of {total} criteria met ({percent})").format(
        met=result.met, total=result.total, percent=share(tr, result.percent)
    )
    level = result.level.get(tr.lang) if result.level else tr.gettext("no level yet")
    text = f"{title}: {summary}, {level}. {gap.replace('*', '')}"
    return Message(text=text, blocks=blocks)

"""The improvement plan: the review modal, the plan with its progress, the offer to create one."""

from __future__ import annotations

import json
from typing import Any

from bot.i18n import Translator, translator
from bot.services.plan import PlanProposal, PlanView
from bot.slack import ids
from bot.slack.builders.blocks import (
    SURFACE_BLOCK_LIMIT,
    Block,
    Message,
    button,
    clip,
    context,
    escape,
    header,
    plain,
    section,
)
from bot.slack.builders.milestones import milestone_lines, progress_sentence

REVIEW_LIMIT = 30
"""Milestones shown in the review modal: three inputs each, within Slack's 100 blocks."""
LABEL_MAX = 2000
OPTION_MAX = 75


def shown_in_review(proposal: PlanProposal) -> list[str]:
    """The criterion ids the review modal shows: the first `REVIEW_LIMIT`, gap first."""
    return [m.criterion_id for m in proposal.milestones[:REVIEW_LIMIT]]


def include_option(tr: Translator, criterion_id: str) -> dict[str, Any]:
    """The one option of a milestone's include checkbox."""
    text = tr.gettext("Include {criterion} in the plan").format(criterion=criterion_id)
    return {"text": plain(clip(text, OPTION_MAX)), "value": criterion_id}


def build_review_modal(proposal: PlanProposal) -> dict[str, Any]:
    """The modal where a coordinator keeps or drops milestones, picks owners and due dates."""
    tr = translator(proposal.lang)
    shown = proposal.milestones[:REVIEW_LIMIT]
    gap = sum(m.in_gap for m in shown)
    if proposal.target_level:
        intro = tr.ngettext(
            "The first milestone closes the gap to {level}; the others cover the remaining "
            "unmet criteria.",
            "The first {count} milestones close the gap to {level}; the others cover the "
            "remaining unmet criteria.",
            gap,
        ).format(count=gap, level=proposal.target_level)
    else:
        intro = tr.gettext("These milestones cover the remaining unmet criteria.")
    intro += " " + tr.gettext(
        "Untick what to leave out, and choose each owner (one of {names}) and due date."
    ).format(names=escape(", ".join(proposal.owner_names)) or tr.gettext("your leaders"))
    blocks: list[Block] = [section(intro, ids.BLOCK_PLAN_REVIEW_INTRO)]
    left_out = len(proposal.milestones) - len(shown)
    if left_out:
        note = tr.ngettext(
            "One more unmet criterion is left out to keep the plan focused.",
            "{count} more unmet criteria are left out to keep the plan focused.",
            left_out,
        ).format(count=left_out)
        blocks.append(context(note, ids.BLOCK_PLAN_REVIEW_NOTE))
    for m in shown:
        blocks += _milestone_inputs(tr, m.criterion_id, m.title, m.due_on.isoformat(), proposal)
    assert len(blocks) <= SURFACE_BLOCK_LIMIT
    metadata = {"a": proposal.assessment_id, "c": [m.criterion_id for m in shown]}
    return {
        "type": "modal",
        "callback_id": ids.VIEW_PLAN_REVIEW,
        "private_metadata": json.dumps(metadata, separators=(",", ":")),
        "title": plain(clip(tr.gettext("Improvement plan"), 24)),
        "submit": plain(clip(tr.gettext("Create plan"), 24)),
        "close": plain(clip(tr.gettext("Cancel"), 24)),
        "blocks": blocks,
    }


def _milestone_inputs(
    tr: Translator, cid: str, title: str, due: str, proposal: PlanProposal
) -> list[Block]:
    option = include_option(tr, cid)
    owner: dict[str, Any] = {"type": "users_select", "action_id": ids.ACTION_PLAN_OWNER}
    if proposal.owners.get(cid):
        owner["initial_user"] = proposal.owners[cid]
    return [
        {
            "type": "input",
            "block_id": f"{ids.BLOCK_PLAN_INCLUDE_PREFIX}{cid}",
            "optional": True,
            "label": plain(clip(title, LABEL_MAX)),
            "element": {
                "type": "checkboxes",
                "action_id": ids.ACTION_PLAN_INCLUDE,
                "options": [option],
                "initial_options": [option],
            },
        },
        {
            "type": "input",
            "block_id": f"{ids.BLOCK_PLAN_OWNER_PREFIX}{cid}",
            "optional": True,
            "label": plain(tr.gettext("Owner of {criterion}").format(criterion=cid)),
            "element": owner,
        },
        {
            "type": "input",
            "block_id": f"{ids.BLOCK_PLAN_DUE_PREFIX}{cid}",
            "optional": True,
            "label": plain(tr.gettext("Due date of {criterion}").format(criterion=cid)),
            "element": {
                "type": "datepicker",
                "action_id": ids.ACTION_PLAN_DUE,
                "initial_date": due,
            },
        },
    ]


def build_plan_message(view: PlanView, tr: Translator | None = None) -> Message:
    """The plan: progress and levels, then its milestones by practice area."""
    tr = tr or translator(view.lang)
    title = tr.gettext("Improvement plan: {city}").format(city=view.city_name)
    summary = progress_sentence(tr, view)
    blocks = [header(title, ids.BLOCK_PLAN_HEADER), section(summary, ids.BLOCK_PLAN_SUMMARY)]
    areas: dict[str, list[Any]] = {}
    for m in view.milestones:
        areas.setdefault(m.area_name or m.criterion_id, []).append(m)
    for index, (name, items) in enumerate(areas.items()):
        text = f"*{escape(name)}*\n{milestone_lines(tr, items)}"
        blocks.append(section(text, f"{ids.BLOCK_PLAN_AREA_PREFIX}{index}"))
    blocks.append(
        context(
            tr.gettext("Owners mark milestones done from their reminders or their App Home."),
            ids.BLOCK_PLAN_MORE,
        )
    )
    lines = [title, summary, *(f"- {m.title} ({tr.date(m.due_on)})" for m in view.milestones)]
    return Message(text="\n".join(lines), blocks=blocks[:50])


def build_plan_offer(
    tr: Translator, city_name: str, assessment_id: int, round_number: int
) -> Message:
    """No plan yet: offer to create one from the round's result."""
    text = tr.gettext(
        "{city} has no improvement plan yet. Create one from round {round}'s answers: "
        "I'll propose milestones toward the next level for you to review."
    ).format(city=escape(city_name), round=round_number)
    actions = {
        "type": "actions",
        "block_id": ids.BLOCK_PLAN_OFFER_ACTIONS,
        "elements": [
            button(
                tr.gettext("Create improvement plan"),
                ids.PLAN_CREATE,
                str(assessment_id),
                style="primary",
            )
        ],
    }
    return Message(text=text, blocks=[section(text, ids.BLOCK_PLAN_OFFER), actions])


def build_plan_created(view: PlanView, owners: list[str], tr: Translator | None = None) -> Message:
    """The note to the coordinator once the plan is stored: who was told, then the plan."""
    tr = tr or translator(view.lang)
    told = tr.ngettext(
        "Plan created with {count} milestone. I sent it to its owner: {names}.",
        "Plan created with {count} milestones. I sent each owner theirs: {names}.",
        view.total,
    )
    note = told.format(count=view.total, names=escape(", ".join(owners)))
    plan = build_plan_message(view, tr)
    return Message(
        text=note + "\n" + plan.text,
        blocks=[section("🗺️ " + note, ids.BLOCK_PLAN_NOTICE), *plan.blocks][:50],
    )

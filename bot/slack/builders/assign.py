"""The assign modal, the assignment message with Start and Later, and notes about changes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.i18n import Translator
from bot.services.assign import (
    MAX_PER_AREA,
    AssignDone,
    AssignForm,
    AssignmentNotice,
    RemovalNotice,
)
from bot.services.coordinator import Problem
from bot.services.postpone import Postponed
from bot.slack import ids
from bot.slack.builders.access import MODAL_TITLE_LIMIT, field_errors
from bot.slack.builders.blocks import Block, Message, button, clip, context, escape, plain, section


def area_block_id(area_id: str) -> str:
    """The block id of an area's input in the assign modal."""
    return ids.BLOCK_ASSIGN_AREA_PREFIX + area_id


def area_of_block(block_id: str) -> str | None:
    """The area id of an assign modal block id, or None for another block."""
    prefix = ids.BLOCK_ASSIGN_AREA_PREFIX
    return block_id[len(prefix) :] if block_id.startswith(prefix) else None


def assign_errors(tr: Translator, problems: Mapping[str, Problem]) -> dict[str, str]:
    """The assign form's problems (by area id) as Slack's `errors` (block id -> message)."""
    return field_errors(tr, problems, {area_id: area_block_id(area_id) for area_id in problems})


def _questions(tr: Translator, count: int) -> str:
    return tr.ngettext("{count} question", "{count} questions", count).format(count=count)


def build_assign_modal(tr: Translator, form: AssignForm) -> dict[str, Any]:
    """One people picker per practice area (at most three people each), current ones chosen."""
    intro = tr.gettext(
        "Pick who answers each practice area of {city}'s assessment (up to {limit} people "
        "an area). Everyone newly picked gets a direct message from me; anyone you remove is "
        "told who takes over."
    ).format(city=escape(form.city_name), limit=MAX_PER_AREA)
    blocks: list[Block] = [section(intro, ids.BLOCK_ASSIGN_INTRO)]
    for area in form.areas:
        element: dict[str, Any] = {
            "type": "multi_users_select",
            "action_id": ids.ACTION_ASSIGN_PEOPLE,
            "placeholder": plain(tr.gettext("Pick up to three people")),
            "max_selected_items": MAX_PER_AREA,
        }
        if area.assignees:
            element["initial_users"] = list(area.assignees)
        label = f"{area.name.get(tr.lang)} ({_questions(tr, area.criteria)})"
        blocks.append(
            {
                "type": "input",
                "block_id": area_block_id(area.area_id),
                "label": plain(clip(label, 2000)),
                "element": element,
                "optional": True,
            }
        )
    return {
        "type": "modal",
        "callback_id": ids.VIEW_ASSIGN,
        "private_metadata": str(form.city_id),
        "title": plain(clip(tr.gettext("Assign practice areas"), MODAL_TITLE_LIMIT)),
        "submit": plain(clip(tr.gettext("Save"), MODAL_TITLE_LIMIT)),
        "close": plain(clip(tr.gettext("Cancel"), MODAL_TITLE_LIMIT)),
        "blocks": blocks,
    }


def build_assignment_message(tr: Translator, notice: AssignmentNotice) -> Message:
    """The DM to a newly assigned person: what, which areas, how long, Start and Later."""
    intro = tr.gettext(
        "Hi! {coordinator} asked you to help with *{city}'s data-practices self-assessment* "
        "({title}): a short series of yes-or-no questions about how the city manages and "
        "uses data, answered here with me. Your answers are saved as you go, so you can stop "
        "and resume any day."
    ).format(
        coordinator=escape(notice.coordinator_name),
        city=escape(notice.city_name),
        title=escape(notice.rubric_title.get(tr.lang)),
    )
    new = tr.gettext("new")
    lines = [
        f"• *{escape(area.name.get(tr.lang))}* ({_questions(tr, area.criteria)})"
        + (f" · _{new}_" if area.area_id in notice.new_area_ids and len(notice.areas) > 1 else "")
        for area in notice.areas
    ]
    heading = tr.ngettext("Your practice area:", "Your practice areas:", len(notice.areas))
    if notice.questions:
        length = tr.gettext("{questions}, about {minutes} minutes in all.").format(
            questions=_questions(tr, notice.questions), minutes=notice.minutes
        )
    else:
        length = tr.gettext("All of these questions are already answered; you can review them.")
    areas_text = "\n".join([heading, *lines, length])
    value = str(notice.assessment_id)
    actions = {
        "type": "actions",
        "block_id": ids.BLOCK_ASSIGNED_ACTIONS,
        "elements": [
            button(tr.gettext("Start"), ids.INTERVIEW_RESUME, value, style="primary"),
            button(tr.gettext("Later"), ids.ASSIGNMENT_LATER, value),
        ],
    }
    text = "\n".join([intro, areas_text])
    blocks = [
        section(intro, ids.BLOCK_ASSIGNED_INTRO),
        section(areas_text, ids.BLOCK_ASSIGNED_AREAS),
        actions,
    ]
    return Message(text=text, blocks=blocks)


def build_unassigned_message(tr: Translator, notice: RemovalNotice) -> Message:
    """The note to a person an area was taken from: who answers it now, and thanks."""
    lines = []
    for handover in notice.handovers:
        area = handover.area.get(tr.lang)
        if handover.now_answered_by:
            lines.append(
                tr.gettext("{people} now answers {area} for {city}; thanks for your help!").format(
                    people=", ".join(handover.now_answered_by), area=area, city=notice.city_name
                )
            )
        else:
            lines.append(
                tr.gettext("{area} is no longer yours to answer for {city}; thanks!").format(
                    area=area, city=notice.city_name
                )
            )
    lines.append(tr.gettext("Anything you already answered stays saved."))
    text = "\n".join(lines)
    return Message(text=text, blocks=[section(escape(text), ids.BLOCK_UNASSIGNED)])


def build_assign_saved_message(tr: Translator, done: AssignDone) -> Message:
    """The note to the coordinator: what changed and who was told."""
    if not done.changes:
        text = tr.gettext("No assignments changed for {city}, so nobody was messaged.").format(
            city=done.city_name
        )
    else:
        told = len(done.added) + len(done.removed)
        text = tr.ngettext(
            "Assignments for {city} saved: {changes} change. ",
            "Assignments for {city} saved: {changes} changes. ",
            done.changes,
        ).format(city=done.city_name, changes=done.changes) + tr.ngettext(
            "I sent {count} person a direct message about it.",
            "I sent {count} people a direct message about it.",
            told,
        ).format(count=told)
    hint = tr.gettext("Follow their progress with `/citycheck status`.")
    return Message(
        text=f"{text}\n{hint}",
        blocks=[section(escape(text), ids.BLOCK_ASSIGN_SAVED), context(hint, ids.BLOCK_START_NEXT)],
    )


def build_later_message(tr: Translator, postponed: Postponed) -> Message:
    """The kind answer to Later: when they will be reminded, and that Start works any time."""
    when = tr.gettext("{day} at {time}").format(
        day=tr.date(postponed.until, "full"), time=tr.time(postponed.until)
    )
    text = tr.gettext(
        "No problem! I'll remind you on {when}. Whenever you're ready before then, press Start "
        "above or type `/citycheck resume`."
    ).format(when=when)
    return Message(text=text, blocks=[section(text, ids.BLOCK_ASSIGNED_LATER)])

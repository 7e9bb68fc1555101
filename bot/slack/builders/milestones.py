"""Milestones as people see them: with buttons, the Done modal, replies, the leader's Home."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.i18n import Translator, translator
from bot.services.milestones import DoneOutcome, HelpRequest, LeaderHomeView, SnoozeOutcome
from bot.services.plan import MilestoneView, PlanView
from bot.slack import ids
from bot.slack.builders.blocks import (
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
from storage.enums import MilestoneStatus

STATUS_MARK = {MilestoneStatus.OPEN: "◻️", MilestoneStatus.DONE: "✅", MilestoneStatus.DROPPED: "➖"}


def due_phrase(tr: Translator, days_left: int) -> str:
    """ "due today", "due in 3 days", "overdue by 2 days"."""
    if days_left == 0:
        return tr.gettext("due today")
    if days_left > 0:
        return tr.ngettext("due tomorrow", "due in {days} days", days_left).format(days=days_left)
    late = -days_left
    return tr.ngettext("overdue by {days} day", "overdue by {days} days", late).format(days=late)


def milestone_text(tr: Translator, m: MilestoneView, *, with_owner: bool = True) -> str:
    """A milestone in one or two mrkdwn lines: mark, title, due date, owner."""
    mark = "⚠️" if m.status == MilestoneStatus.OPEN and m.days_left < 0 else STATUS_MARK[m.status]
    title = escape(m.title)
    title = f"~{title}~" if m.status == MilestoneStatus.DROPPED else f"*{title}*"
    details = [tr.gettext("Due {date}").format(date=tr.date(m.due_on))]
    if m.status == MilestoneStatus.OPEN:
        details.append(due_phrase(tr, m.days_left))
        if m.snoozed_until is not None:
            details.append(tr.gettext("snoozed until {date}").format(date=tr.date(m.snoozed_until)))
    elif m.status == MilestoneStatus.DONE:
        details.append(tr.gettext("done"))
    if with_owner:
        details.append(escape(m.owner_name or tr.gettext("no owner")))
    return f"{mark} {title}\n" + " · ".join(details)


def milestone_actions(tr: Translator, milestone_id: int) -> Block:
    """Done, Snooze a week, Need help: the buttons of an open milestone (value: its id)."""
    value = str(milestone_id)
    return {
        "type": "actions",
        "block_id": f"{ids.BLOCK_MILESTONE_ACTIONS_PREFIX}{milestone_id}",
        "elements": [
            button(tr.gettext("Done"), ids.MILESTONE_DONE, value, style="primary"),
            button(tr.gettext("Snooze a week"), ids.MILESTONE_SNOOZE, value),
            button(tr.gettext("Need help"), ids.MILESTONE_HELP, value),
        ],
    }


def milestone_blocks(tr: Translator, m: MilestoneView, *, with_owner: bool = True) -> list[Block]:
    """A milestone's section, and its buttons while it is open."""
    blocks = [
        section(milestone_text(tr, m, with_owner=with_owner), f"{ids.BLOCK_MILESTONE_PREFIX}{m.id}")
    ]
    if m.status == MilestoneStatus.OPEN:
        blocks.append(milestone_actions(tr, m.id))
    return blocks


def build_owner_message(
    view: PlanView, owner_id: int, tr: Translator | None = None, *, limit: int = 20
) -> Message:
    """The DM giving an owner their milestones of a new plan, each with its buttons."""
    tr = tr or translator(view.lang)
    mine = view.for_owner(owner_id)
    intro = tr.ngettext(
        "{city} has a new improvement plan, and one milestone is yours:",
        "{city} has a new improvement plan, and {count} milestones are yours:",
        len(mine),
    ).format(city=escape(view.city_name), count=len(mine))
    blocks = [section(intro, ids.BLOCK_PLAN_SUMMARY)]
    for m in mine[:limit]:
        blocks += milestone_blocks(tr, m, with_owner=False)
    tip = tr.gettext(
        "I'll remind you 14 and 3 days before each due date and on the day. "
        "See the whole plan with `/citycheck plan`."
    )
    if len(mine) > limit:
        tip = (
            tr.ngettext(
                "{count} more is in the plan.", "{count} more are in the plan.", len(mine) - limit
            ).format(count=len(mine) - limit)
            + " "
            + tip
        )
    blocks.append(context(tip, ids.BLOCK_PLAN_MORE))
    lines = [intro, *(f"- {m.title} ({tr.date(m.due_on)})" for m in mine)]
    return Message(text="\n".join(lines), blocks=blocks)


def progress_sentence(tr: Translator, view: PlanView) -> str:
    """ "3 of 7 done; when all are done the city reaches Gold." (and where it stands now)."""
    if view.total and view.done == view.total:
        if view.level_now:
            return tr.gettext("All {total} milestones are done: {city} reaches {level}.").format(
                total=view.total, city=escape(view.city_name), level=view.level_now
            )
        return tr.gettext("All {total} milestones are done.").format(total=view.total)
    done = tr.gettext("{done} of {total} done").format(done=view.done, total=view.total)
    if view.level_all_done:
        goal = tr.gettext("when all are done {city} reaches {level}").format(
            city=escape(view.city_name), level=view.level_all_done
        )
    else:
        goal = tr.gettext("even when all are done {city} stays below the first level").format(
            city=escape(view.city_name)
        )
    sentence = f"{done}; {goal}."
    if view.level_now and view.done:
        sentence += " " + tr.gettext("With the milestones done so far it is at {level}.").format(
            level=view.level_now
        )
    return sentence


def build_done_modal(tr: Translator, milestone_id: int, title: str) -> dict[str, Any]:
    """The Done modal: the milestone and an optional evidence link."""
    return {
        "type": "modal",
        "callback_id": ids.VIEW_MILESTONE_DONE,
        "private_metadata": json.dumps({"m": milestone_id}),
        "title": plain(clip(tr.gettext("Milestone done"), 24)),
        "submit": plain(clip(tr.gettext("Mark done"), 24)),
        "close": plain(clip(tr.gettext("Cancel"), 24)),
        "blocks": [
            section(f"✅ *{escape(title)}*", ids.BLOCK_DONE_INTRO),
            {
                "type": "input",
                "block_id": ids.BLOCK_DONE_EVIDENCE,
                "optional": True,
                "label": plain(tr.gettext("Evidence link")),
                "hint": plain(
                    tr.gettext("A page or document that shows it is done (http:// or https://).")
                ),
                "element": {
                    "type": "url_text_input",
                    "action_id": ids.ACTION_DONE_EVIDENCE,
                    "placeholder": plain("https://"),
                },
            },
        ],
    }


def build_done_reply(outcome: DoneOutcome, tr: Translator | None = None) -> Message:
    """The reply to Done: the milestone, then the plan's progress and levels."""
    tr = tr or translator(outcome.plan.lang)
    head = (
        tr.gettext("*{title}* was already done.")
        if outcome.already_done
        else tr.gettext("Marked done: *{title}*.")
    ).format(title=escape(outcome.title))
    text = f"{head} {progress_sentence(tr, outcome.plan)}"
    return Message(text=text, blocks=[section("✅ " + text, ids.BLOCK_MILESTONE_REPLY)])


def build_snooze_reply(tr: Translator, outcome: SnoozeOutcome) -> Message:
    """The reply to Snooze a week."""
    if outcome.snoozed:
        text = tr.gettext("Snoozed *{title}*: no reminders until {date}.")
    else:
        text = tr.gettext("*{title}* is not open any more, so there is nothing to snooze.")
    text = text.format(title=escape(outcome.title), date=tr.date(outcome.until))
    return Message(text=text, blocks=[section("💤 " + text, ids.BLOCK_MILESTONE_REPLY)])


def build_help_notice(tr: Translator, request: HelpRequest) -> Message:
    """The DM to a coordinator: who needs help with which milestone."""
    text = tr.gettext("{name} needs help with *{title}* ({city}, due {date}).").format(
        name=escape(request.asker_name),
        title=escape(request.title),
        city=escape(request.city_name),
        date=tr.date(request.due_on),
    )
    if request.owner_name and request.owner_name != request.asker_name:
        text += " " + tr.gettext("Its owner is {owner}.").format(owner=escape(request.owner_name))
    return Message(text=text, blocks=[section("🙋 " + text, ids.BLOCK_MILESTONE_REPLY)])


def build_help_reply(tr: Translator, request: HelpRequest) -> Message:
    """The reply to Need help: who was told, or that nobody could be."""
    if request.coordinators:
        names = ", ".join(escape(p.display_name) for p in request.coordinators)
        text = tr.gettext("I told {names} that you need help with *{title}*.").format(
            names=names, title=escape(request.title)
        )
    else:
        text = tr.gettext(
            "{city} has no coordinator to ask yet, so nobody was told. "
            "Ask whoever runs the assessment to add one."
        ).format(city=escape(request.city_name))
    return Message(text=text, blocks=[section(text, ids.BLOCK_MILESTONE_REPLY)])


def build_notice(tr: Translator, reason: str, **params: str) -> Message:
    """A refusal or problem, translated, with its placeholders filled."""
    text = tr.gettext(reason).format(**params)
    return Message(text=text, blocks=[section(text, ids.BLOCK_PLAN_NOTICE)])


def build_leader_home_section(view: LeaderHomeView) -> list[Block]:
    """The leader's App Home section: open milestones, soonest first, each with its buttons."""
    tr = translator(view.lang)
    blocks: list[Block] = [header(tr.gettext("Your milestones"), ids.BLOCK_HOME_MILESTONES_HEADER)]
    if not view.milestones:
        empty = tr.gettext("No open milestones: nothing is waiting for you.")
        return [*blocks, context(empty, ids.BLOCK_HOME_MILESTONES_EMPTY)]
    for m in view.milestones:
        blocks += milestone_blocks(tr, m, with_owner=False)
    if view.more:
        more = tr.ngettext(
            "And {count} more: `/citycheck plan` lists them all.",
            "And {count} more: `/citycheck plan` lists them all.",
            view.more,
        ).format(count=view.more)
        blocks.append(context(more, ids.BLOCK_HOME_MILESTONES_MORE))
    return blocks


def milestone_lines(tr: Translator, milestones: Sequence[MilestoneView]) -> str:
    """Several milestones as lines of one section (no buttons)."""
    return "\n".join(milestone_text(tr, m) for m in milestones)

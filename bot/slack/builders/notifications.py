"""Scheduled messages: reminders, overdue notices, follow-ups, the weekly digest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from bot.i18n import Translator, translator
from bot.schedule import keys
from bot.schedule.cover import CoverView
from bot.schedule.recheck_view import RecheckView
from bot.schedule.sending import View
from bot.schedule.views import (
    AreaLine,
    DigestView,
    ErrorLine,
    FollowupView,
    MilestoneLine,
    OverdueNoticeView,
    ReminderView,
)
from bot.services.send_failures import LISTENER_SEND
from bot.slack import ids
from bot.slack.builders.blocks import Block, Message, button, context, escape, header, section
from bot.slack.builders.disagreements import digest_disagreement_blocks
from bot.slack.builders.milestones import due_phrase, milestone_actions
from bot.slack.builders.rechecks import build_recheck_message, stale_digest_lines

LIST_LIMIT = 12
"""Lines per digest list; the rest are counted."""


def build_reminder(view: ReminderView) -> Message:
    """A reminder to a milestone's owner, with Done, Snooze a week and Need help."""
    tr = translator(view.lang)
    when = due_phrase(tr, view.days_left)
    text = tr.gettext("Milestone {when}: *{title}*").format(when=when, title=escape(view.title))
    where = tr.gettext("{city} · due {date}").format(
        city=escape(view.city_name), date=tr.date(view.due_on)
    )
    icon = "⏰" if view.days_left >= 0 else "⚠️"
    blocks = [
        section(f"{icon} {text}", ids.BLOCK_REMINDER),
        context(where, ids.BLOCK_REMINDER_CONTEXT),
        milestone_actions(tr, view.milestone_id),
    ]
    return Message(text=f"{text} ({where})", blocks=blocks)


def build_overdue_notice(view: OverdueNoticeView) -> Message:
    """A coordinator's copy of an overdue reminder."""
    tr = translator(view.lang)
    text = tr.ngettext(
        "{owner}'s milestone *{title}* is overdue by {days} day (due {date}).",
        "{owner}'s milestone *{title}* is overdue by {days} days (due {date}).",
        view.days_overdue,
    ).format(
        owner=escape(view.owner_name),
        title=escape(view.title),
        days=view.days_overdue,
        date=tr.date(view.due_on),
    )
    hint = tr.gettext("{city} · `/citycheck plan` shows the whole plan").format(
        city=escape(view.city_name)
    )
    blocks = [section("⚠️ " + text, ids.BLOCK_REMINDER), context(hint, ids.BLOCK_REMINDER_CONTEXT)]
    return Message(text=text, blocks=blocks)


def build_followup(view: FollowupView) -> Message:
    """A nudge to a respondent: what is left, by area, and a Resume button."""
    tr = translator(view.lang)
    areas = ", ".join(f"{escape(name)} ({count})" for name, count in view.areas)
    text = tr.ngettext(
        "One question of {city}'s assessment is still waiting for you: {areas}.",
        "{count} questions of {city}'s assessment are still waiting for you: {areas}.",
        view.unanswered,
    ).format(count=view.unanswered, city=escape(view.city_name), areas=areas)
    text += " " + tr.gettext("Your answers so far are saved; pick up where you left off.")
    actions: Block = {
        "type": "actions",
        "block_id": ids.BLOCK_FOLLOWUP_ACTIONS,
        "elements": [
            button(tr.gettext("Resume"), ids.INTERVIEW_RESUME, str(view.assessment_id), "primary")
        ],
    }
    return Message(text=text, blocks=[section("👋 " + text, ids.BLOCK_FOLLOWUP), actions])


def build_digest(view: DigestView) -> Message:
    """The weekly coordinator digest for the city's digest channel."""
    tr = translator(view.lang)
    title = tr.gettext("Weekly digest: {city}").format(city=view.city_name)
    blocks: list[Block] = [header(title, ids.BLOCK_DIGEST_HEADER)]
    level = _levels(tr, view)
    blocks.append(section(level, ids.BLOCK_DIGEST_LEVEL))
    parts = [title, level]
    areas = "\n".join(_area(tr, a) for a in view.areas if a.answered is not None or a.planned)
    if areas:
        heading = tr.gettext("Progress by area")
        text = f"*{heading}*\n{areas}"
        blocks.append(section(text, ids.BLOCK_DIGEST_AREAS))
        parts.append(text)
    disputed, disputed_text = digest_disagreement_blocks(tr, view.disagreements)
    if disputed:
        blocks += disputed
        parts.append(disputed_text)
    sections: list[tuple[str, str, list[str]]] = [
        (
            ids.BLOCK_DIGEST_BEHIND,
            tr.gettext("Behind"),
            [_behind(tr, b.name, b.unanswered, b.last_active) for b in view.behind],
        ),
        (
            ids.BLOCK_DIGEST_DUE,
            tr.gettext("Due in the next 14 days"),
            [_milestone(tr, m) for m in view.due_soon],
        ),
        (
            ids.BLOCK_DIGEST_OVERDUE,
            tr.gettext("Overdue"),
            [_milestone(tr, m) for m in view.overdue],
        ),
        (
            ids.BLOCK_DIGEST_ERRORS,
            tr.gettext("Messages that could not be delivered"),
            [_error(tr, e) for e in view.errors],
        ),
        (ids.BLOCK_DIGEST_STALE, tr.gettext("Evidence to refresh"), stale_digest_lines(tr, view)),
    ]
    for block_id, heading, lines in sections:
        if lines:
            text = f"*{heading}*\n" + "\n".join(_capped(tr, lines))
            blocks.append(section(text, block_id))
            parts.append(text)
    blocks.append(
        context(tr.gettext("`/citycheck plan` shows the whole plan."), ids.BLOCK_DIGEST_CONTEXT)
    )
    return Message(text="\n".join(parts), blocks=blocks)


def build_notification(view: View) -> Message:
    """The message of any scheduled view."""
    if isinstance(view, CoverView):
        from bot.slack.builders.attention import build_cover

        return build_cover(view)
    builders: dict[type, Callable[..., Message]] = {
        ReminderView: build_reminder,
        OverdueNoticeView: build_overdue_notice,
        FollowupView: build_followup,
        DigestView: build_digest,
        RecheckView: build_recheck_message,
    }
    return builders[type(view)](view)


def _levels(tr: Translator, view: DigestView) -> str:
    if not view.has_plan:
        return tr.gettext("No improvement plan yet.")
    now = view.level_now or tr.gettext("no level")
    done = tr.ngettext(
        "{done} of {total} milestone done", "{done} of {total} milestones done", view.total
    ).format(done=view.done, total=view.total)
    line = tr.gettext("Level with the milestones done: *{level}*").format(level=now)
    goal = view.level_all_done or tr.gettext("no level")
    line += " · " + tr.gettext("when all are done: *{level}*").format(level=goal)
    before = view.previous
    if before is not None:
        was = before.level_now or tr.gettext("no level")
        if was != now:
            line += " · " + tr.gettext("was {level} on {date}").format(
                level=was, date=tr.date(before.day)
            )
        else:
            line += " · " + tr.gettext("unchanged since {date}").format(date=tr.date(before.day))
        more = view.done - before.done
        done += " " + tr.ngettext(
            "({count} more since then)", "({count} more since then)", more
        ).format(count=more)
    if view.thresholds:
        levels = " · ".join(f"{name} {tr.percent_points(share)}" for name, share in view.thresholds)
        done += "\n" + tr.gettext("Levels: {levels}").format(levels=levels)
    return f"{line}\n{done}"


def _area(tr: Translator, a: AreaLine) -> str:
    bits = []
    if a.answered is not None:
        bits.append(
            tr.gettext("{answered} of {total} answered").format(
                answered=a.answered, total=a.criteria
            )
        )
    if a.planned:
        bits.append(
            tr.ngettext(
                "{done} of {total} milestone done", "{done} of {total} milestones done", a.planned
            ).format(done=a.done, total=a.planned)
        )
    return f"• {escape(a.name)}: " + ", ".join(bits)


def _behind(tr: Translator, name: str, unanswered: int, last: date | None) -> str:
    seen = tr.date(last) if last is not None else tr.gettext("not started")
    return tr.ngettext(
        "• {name}: {count} unanswered, last active {seen}",
        "• {name}: {count} unanswered, last active {seen}",
        unanswered,
    ).format(name=escape(name), count=unanswered, seen=seen)


def _milestone(tr: Translator, m: MilestoneLine) -> str:
    owner = escape(m.owner_name) if m.owner_name else tr.gettext("no owner")
    return f"• *{escape(m.title)}*: {owner}, {due_phrase(tr, m.days_left)} ({tr.date(m.due_on)})"


def _error(tr: Translator, e: ErrorLine) -> str:
    what = {
        keys.MILESTONE_REMINDER: tr.gettext("Milestone reminder"),
        keys.MILESTONE_OVERDUE: tr.gettext("Overdue notice"),
        keys.FOLLOWUP: tr.gettext("Follow-up"),
        keys.DIGEST: tr.gettext("Weekly digest"),
        keys.PLAN_ASSIGNED: tr.gettext("New plan milestones"),
        keys.RECHECK: tr.gettext("Re-check after a milestone"),
        keys.RECHECK_CHANGE: tr.gettext("Score change after a re-check"),
        LISTENER_SEND: tr.gettext("Message in reply to a click or command"),
    }.get(e.kind, e.kind)
    details = [escape(x) for x in (e.who, e.about) if x]
    suffix = f" ({', '.join(details)})" if details else ""
    return f"• {what}{suffix}: `{escape(e.error)}`, {tr.date(e.on)}"


def _capped(tr: Translator, lines: Sequence[str]) -> list[str]:
    if len(lines) <= LIST_LIMIT:
        return list(lines)
    left = len(lines) - LIST_LIMIT
    more = tr.ngettext("…and {count} more", "…and {count} more", left).format(count=left)
    return [*lines[:LIST_LIMIT], more]

"""Absence and attention in Slack: the App Home's reminders section, the Away and nudge-times
modals, the answers to `/citycheck away` and `back`, the deputy's notice, and a nudge sent to a
deputy in place of the person away."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from bot.i18n import Translator, translator
from bot.schedule.attention import Window
from bot.schedule.calendar import zone
from bot.schedule.cover import CoverView
from bot.schedule.views import FollowupView
from bot.services.attention import AttentionView
from bot.services.away import AwayOutcome, BackOutcome
from bot.slack import ids
from bot.slack.builders.blocks import Block, Message, button, clip, context, escape, plain, section

MODAL_TITLE = 24


def weekday_names(tr: Translator, days: frozenset[int] | tuple[int, ...]) -> str:
    """ISO weekdays as short names in the person's language: "Mon, Tue, Wed"."""
    names = tr.locale.days["format"]["abbreviated"]
    return ", ".join(str(names[d - 1]) for d in sorted(days))


def _clock(tr: Translator, at: time) -> str:
    return tr.time(datetime.combine(date(2027, 1, 4), at))


def _when(tr: Translator, moment: datetime, tz: str | None) -> str:
    local = moment.astimezone(zone(tz))
    return tr.gettext("{day} {time}").format(day=tr.date(local, "EEEE d MMM"), time=tr.time(local))


def build_attention_home_section(tr: Translator, view: AttentionView) -> list[Block]:
    """When the next nudge may come, the away period, who the person covers for, and buttons."""
    window = view.window
    if view.away_back_on is not None:
        lines = [
            tr.gettext("🌴 *You're away until {date}.* No reminders reach you before then.").format(
                date=tr.date(view.away_back_on, "full")
            )
        ]
        if view.deputy_name:
            lines.append(
                tr.gettext("{name} gets your milestone reminders and follow-ups meanwhile.").format(
                    name=escape(view.deputy_name)
                )
            )
    else:
        lines = []
    if view.next_nudge is None:
        lines.append(tr.gettext("*Next nudge:* any time now, until {time} your time.").format(
            time=_clock(tr, window.end)
        ))  # fmt: skip
    else:
        lines.append(tr.gettext("*Next nudge:* {when} your time").format(
            when=_when(tr, view.next_nudge, window.tz)
        ))  # fmt: skip
    if view.held:
        lines.append(
            tr.ngettext(
                "One reminder is waiting for then.",
                "{count} reminders are waiting for then.",
                view.held,
            ).format(count=view.held)
        )
    for cover in view.covering:
        lines.append(
            tr.gettext("You're covering for {name} until {date}.").format(
                name=escape(cover.name), date=tr.date(cover.back_on)
            )
        )
    note = tr.gettext("Reminders on {days}, {start}–{end} your time ({tz})").format(
        days=weekday_names(tr, window.days),
        start=_clock(tr, window.start),
        end=_clock(tr, window.end),
        tz=window.tz or "UTC",
    )
    if view.weekly_cap:
        note += " · " + tr.ngettext(
            "at most {count} a week", "at most {count} a week", view.weekly_cap
        ).format(count=view.weekly_cap)
    away = (
        button(tr.gettext("I'm back"), ids.HOME_BACK)
        if view.away_back_on is not None
        else button(tr.gettext("Away…"), ids.HOME_AWAY)
    )
    actions: Block = {
        "type": "actions",
        "block_id": ids.BLOCK_HOME_ATTENTION_ACTIONS,
        "elements": [away, button(tr.gettext("Reminder times…"), ids.HOME_NUDGE_TIMES)],
    }
    return [
        section("\n".join(lines), ids.BLOCK_HOME_ATTENTION),
        context(note, ids.BLOCK_HOME_ATTENTION_NOTE),
        actions,
    ]


def _modal(
    tr: Translator, callback: str, title: str, submit: str, blocks: list[Block]
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback,
        "title": plain(clip(title, MODAL_TITLE)),
        "submit": plain(clip(submit, MODAL_TITLE)),
        "close": plain(clip(tr.gettext("Cancel"), MODAL_TITLE)),
        "blocks": blocks,
    }


def build_away_modal(tr: Translator, today: date) -> dict[str, Any]:
    """Away: the day you are back (a date picker) and an optional deputy."""
    intro = tr.gettext(
        "No reminders or follow-ups reach you until the day you are back. A deputy gets your "
        "milestone reminders and follow-ups meanwhile; both of you are told."
    )
    return _modal(
        tr,
        ids.VIEW_AWAY,
        tr.gettext("Away"),
        tr.gettext("Save"),
        [
            section(intro, ids.BLOCK_AWAY_INTRO),
            {
                "type": "input",
                "block_id": ids.BLOCK_AWAY_DATE,
                "label": plain(tr.gettext("Back on")),
                "element": {
                    "type": "datepicker",
                    "action_id": ids.ACTION_AWAY_DATE,
                    "initial_date": (today + timedelta(days=7)).isoformat(),
                },
            },
            {
                "type": "input",
                "block_id": ids.BLOCK_AWAY_DEPUTY,
                "optional": True,
                "label": plain(tr.gettext("Deputy (someone on your city's team)")),
                "element": {"type": "users_select", "action_id": ids.ACTION_AWAY_DEPUTY},
            },
        ],
    )


def build_nudge_times_modal(tr: Translator, window: Window, hours: list[time]) -> dict[str, Any]:
    """Reminder times: the days (checkboxes) and the hour from which reminders may come."""
    names = tr.locale.days["format"]["wide"]
    days = [{"text": plain(str(names[d - 1])), "value": str(d)} for d in range(1, 8)]
    chosen = [o for d, o in enumerate(days, 1) if d in window.days]
    hour_options = [{"text": plain(_clock(tr, h)), "value": h.strftime("%H:%M")} for h in hours]
    hour: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.ACTION_NUDGE_HOUR,
        "options": hour_options,
    }
    current = [o for o in hour_options if o["value"] == window.start.strftime("%H:%M")]
    if current:
        hour["initial_option"] = current[0]
    days_element: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": ids.ACTION_NUDGE_DAYS,
        "options": days,
    }
    if chosen:
        days_element["initial_options"] = chosen
    note = tr.gettext("Reminders come from this hour until {end}, your time ({tz}).").format(
        end=_clock(tr, window.end), tz=window.tz or "UTC"
    )
    return _modal(
        tr,
        ids.VIEW_NUDGE_TIMES,
        tr.gettext("Reminder times"),
        tr.gettext("Save"),
        [
            {
                "type": "input",
                "block_id": ids.BLOCK_NUDGE_DAYS,
                "label": plain(tr.gettext("Days")),
                "element": days_element,
            },
            {
                "type": "input",
                "block_id": ids.BLOCK_NUDGE_HOUR,
                "label": plain(tr.gettext("From")),
                "element": hour,
                "hint": plain(note),
            },
        ],
    )


def build_away_reply(tr: Translator, outcome: AwayOutcome) -> Message:
    """The answer to `/citycheck away` (or the Away modal): what was stored, or what to fix."""
    if outcome.problem is not None:
        text = tr.gettext(outcome.problem.message).format(**outcome.problem.params)
        return Message(text=text, blocks=[section(text, ids.BLOCK_AWAY_REPLY)])
    assert outcome.back_on is not None
    text = tr.gettext(
        "🌴 You're away until {date}: no reminders or follow-ups reach you before then."
    ).format(date=tr.date(outcome.back_on, "full"))
    if outcome.deputy is not None:
        text += " " + tr.gettext(
            "{name} gets your milestone reminders and follow-ups meanwhile; I've told them."
        ).format(name=escape(outcome.deputy.display_name))
    text += " " + tr.gettext("Back sooner? Use `/citycheck back`.")
    return Message(text=text, blocks=[section(text, ids.BLOCK_AWAY_REPLY)])


def build_back_reply(tr: Translator, outcome: BackOutcome) -> Message:
    """The answer to `/citycheck back` (or the I'm back button)."""
    if not outcome.was_away:
        from bot.services.away import NOT_AWAY

        text = tr.gettext(NOT_AWAY)
    else:
        text = tr.gettext("Welcome back! Reminders reach you again at your reminder times.")
        if outcome.held:
            text += " " + tr.ngettext(
                "One reminder that waited for you comes then.",
                "{count} reminders that waited for you come then "
                "(only the latest about each thing).",
                outcome.held,
            ).format(count=outcome.held)
    return Message(text=text, blocks=[section(text, ids.BLOCK_AWAY_REPLY)])


def build_deputy_notice(tr: Translator, away_name: str, back_on: date, city_name: str) -> Message:
    """Tell a deputy whose reminders they get, and until when."""
    text = tr.gettext(
        "{name} is away until {date} and named you their deputy for {city}: their milestone "
        "reminders and the follow-ups about their unanswered questions come to you until then, "
        "then go back to them."
    ).format(name=escape(away_name), date=tr.date(back_on, "full"), city=escape(city_name))
    return Message(text=text, blocks=[section("🤝 " + text, ids.BLOCK_AWAY_REPLY)])


def build_cover(view: CoverView) -> Message:
    """A nudge meant for someone away, sent to their deputy: whose it is, then the nudge."""
    tr = translator(view.lang)
    note = tr.gettext("For {name}, away until {date}: you're their deputy.").format(
        name=escape(view.away_name), date=tr.date(view.back_on)
    )
    if isinstance(view.inner, FollowupView):
        inner = view.inner
        areas = ", ".join(f"{escape(name)} ({count})" for name, count in inner.areas)
        text = tr.ngettext(
            "One question of {city}'s assessment assigned to {name} is still unanswered: {areas}.",
            "{count} questions of {city}'s assessment assigned to {name} are still unanswered: "
            "{areas}.",
            inner.unanswered,
        ).format(
            count=inner.unanswered,
            city=escape(inner.city_name),
            name=escape(view.away_name),
            areas=areas,
        )
        text += " " + tr.gettext(
            "If these questions can't wait, a coordinator can assign them to you with "
            "`/citycheck assign`."
        )
        return Message(
            text=f"{note} {text}",
            blocks=[context(note, ids.BLOCK_COVER), section("👋 " + text, ids.BLOCK_FOLLOWUP)],
        )
    from bot.slack.builders.notifications import build_reminder

    reminder = build_reminder(view.inner)
    return Message(
        text=f"{note} {reminder.text}",
        blocks=[context(note, ids.BLOCK_COVER), *(reminder.blocks or [])],
    )

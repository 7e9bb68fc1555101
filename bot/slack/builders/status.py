"""`/citycheck status` and the coordinator's App Home section: progress, level, who is waiting."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from babel.dates import format_timedelta
from babel.numbers import format_percent

from bot.i18n import Translator, translator
from bot.services.status import AreaProgress, OwnProgress, Projection, StatusView, TeamOverview
from bot.slack import ids
from bot.slack.builders.access import build_city_choice_message
from bot.slack.builders.blocks import Block, Message, button, context, escape, header, section

BAR_WIDTH = 10
NAMES_SHOWN = 8


def ago(tr: Translator, then: datetime, now: datetime) -> str:
    """How long ago `then` was, in words: "just now", "3 hours ago", "2 days ago"."""
    delta = then - now
    if abs(delta) < timedelta(minutes=1):
        return tr.gettext("just now")
    return format_timedelta(delta, add_direction=True, locale=tr.locale)


def share(tr: Translator, percent: Decimal) -> str:
    """A percentage as scoring gives it (rounded down, one decimal), in the person's format:
    "48.8%", "48,8 %". Never rounded up, so it cannot claim a threshold not reached."""
    return format_percent(percent / 100, format="#,##0.#%", locale=tr.locale)


def bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """A progress bar of block characters, e.g. `███░░░░░░░`."""
    filled = done * width // total if total else 0
    return "█" * filled + "░" * (width - filled)


def _names(names: tuple[str, ...] | list[str], tr: Translator) -> str:
    shown = [escape(n) for n in names[:NAMES_SHOWN]]
    more = len(names) - len(shown)
    if more:
        shown.append(tr.ngettext("{count} more", "{count} more", more).format(count=more))
    return ", ".join(shown)


def level_line(tr: Translator, seen: Projection, *, final: bool = False) -> str:
    """The level the answers reach (so far, or `final`), or what holds it back."""
    label = tr.gettext("*Level:*") if final else tr.gettext("*Level so far:*")
    met = tr.gettext("{met} of {total} criteria met ({percent})").format(
        met=seen.met, total=seen.total, percent=share(tr, seen.percent)
    )
    if seen.level is not None:
        return f"{label} {seen.level.get(tr.lang)} · {met}"
    none_yet = tr.gettext("none yet")
    line = f"{label} {none_yet} · {met}"
    reasons = []
    for blocker in seen.blockers:
        state = tr.gettext("not answered yet") if not blocker.answered else tr.gettext("not met")
        reasons.append(
            tr.gettext("core criterion {id} is {state}").format(
                id=blocker.criterion_id, state=state
            )
        )
    if not seen.blockers and seen.level_by_percent is None and seen.first_level is not None:
        reasons.append(
            tr.gettext("{level} needs {percent} of criteria met").format(
                level=seen.first_level.get(tr.lang),
                percent=share(tr, seen.first_level_percent or Decimal(0)),
            )
        )
    if reasons:
        line += "\n" + tr.gettext("Held back: {reasons}.").format(reasons="; ".join(reasons))
    return line


def _area_line(tr: Translator, area: AreaProgress, now: datetime) -> str:
    people = []
    for person in area.assignees:
        when = (
            ago(tr, person.last_active_at, now)
            if person.started and person.last_active_at
            else tr.gettext("not started")
        )
        people.append(f"{escape(person.name)} ({when})")
    who = ", ".join(people) if people else "_" + tr.gettext("nobody assigned") + "_"
    done = " ✓" if area.done else ""
    name = escape(area.name.get(tr.lang))
    return f"`{bar(area.answered, area.total)}` *{name}* {area.answered}/{area.total}{done} · {who}"


def team_blocks(tr: Translator, team: TeamOverview) -> list[Block]:
    """The coordinator's overview of one assessment, in full."""
    title = tr.gettext("{city} · assessment progress").format(city=team.city_name)
    if team.round_number > 1:
        title += " · " + tr.gettext("round {number}").format(number=team.round_number)
    answered = tr.gettext("{answered} of {total} questions answered.").format(
        answered=team.answered, total=team.total
    )
    if team.completed:
        answered += " " + tr.gettext("This assessment is complete.")
    blocks = [
        header(title, ids.BLOCK_STATUS_HEADER),
        section(f"{answered}\n{level_line(tr, team.projection)}", ids.BLOCK_STATUS_LEVEL),
        section(
            "\n".join(_area_line(tr, area, team.now) for area in team.areas), ids.BLOCK_STATUS_AREAS
        ),
    ]
    if team.previous is not None:
        from bot.slack.builders.rounds import previous_round_line

        blocks.append(
            context(escape(previous_round_line(tr, team.previous)), ids.BLOCK_STATUS_CHANGE)
        )
    if team.not_started:
        waiting = tr.gettext(
            "*Not started yet:* {people}. They have a direct message from me with a Start button."
        ).format(people=_names(team.not_started, tr))
        blocks.append(section(waiting, ids.BLOCK_STATUS_WAITING))
    return blocks


def own_blocks(tr: Translator, own: OwnProgress, index: int = 0) -> list[Block]:
    """A respondent's own areas in one assessment, with a Resume button until they are done."""
    lines = [tr.gettext("*Your areas for {city}:*").format(city=escape(own.city_name))]
    for area in own.areas:
        done = " ✓" if area.answered >= area.total else ""
        lines.append(f"• {escape(area.name.get(tr.lang))}: {area.answered}/{area.total}{done}")
    if own.done:
        lines.append(tr.gettext("All your questions are answered. Thank you!"))
    elif own.paused_until is not None:
        lines.append(
            tr.gettext("Paused until {day}.").format(day=tr.date(own.paused_until, "medium"))
        )
    suffix = f"_{index}" if index else ""
    blocks = [section("\n".join(lines), ids.BLOCK_STATUS_OWN + suffix)]
    if not own.done:
        started = any(area.answered for area in own.areas)
        label = tr.gettext("Resume") if started else tr.gettext("Start")
        blocks.append(
            {
                "type": "actions",
                "block_id": ids.BLOCK_STATUS_OWN_ACTIONS + suffix,
                "elements": [
                    button(label, ids.INTERVIEW_RESUME, str(own.assessment_id), style="primary")
                ],
            }
        )
    return blocks


def build_status_message(tr: Translator, view: StatusView) -> Message:
    """The private answer to `/citycheck status`: team progress, own progress, or how to join."""
    if view.choice is not None:
        return build_city_choice_message(tr, view.choice)
    if view.outsider is not None:
        reason = tr.gettext(view.outsider.reason).format(**view.outsider.params)
        join = tr.gettext(
            "To take part, ask your city's coordinator to assign you a practice area. "
            "To start your city's assessment, run `/citycheck setup`."
        )
        text = f"{reason}\n{join}"
        return Message(
            text=text, blocks=[section(escape(reason) + "\n" + join, ids.BLOCK_STATUS_OUTSIDER)]
        )
    blocks: list[Block] = []
    lines: list[str] = []
    if view.team is not None:
        blocks += team_blocks(tr, view.team)
        lines.append(
            tr.gettext("{city}: {answered} of {total} questions answered.").format(
                city=view.team.city_name, answered=view.team.answered, total=view.team.total
            )
        )
    for index, own in enumerate(view.own):
        blocks += own_blocks(tr, own, index)
        done = sum(a.answered for a in own.areas)
        total = sum(a.total for a in own.areas)
        lines.append(
            tr.gettext("Your areas for {city}: {done} of {total} answered.").format(
                city=own.city_name, done=done, total=total
            )
        )
    return Message(text="\n".join(lines), blocks=blocks[:50])


def build_coordinator_home_section(view: TeamOverview, tr: Translator | None = None) -> list[Block]:
    """The coordinator's part of the App Home: the team's progress in three blocks."""
    tr = tr or translator(None)
    prefix = f"{ids.BLOCK_HOME_TEAM_PREFIX}{view.city_id}_"
    title = tr.gettext("*{city}* · {answered} of {total} questions answered").format(
        city=escape(view.city_name), answered=view.answered, total=view.total
    )
    areas = []
    for area in view.areas:
        who = ", ".join(escape(p.name) for p in area.assignees) or "—"
        check = " ✓" if area.done else ""
        areas.append(
            f"{escape(area.name.get(tr.lang))} {area.answered}/{area.total}{check} · {who}"
        )
    waiting = (
        tr.gettext("Not started yet: {people}").format(people=_names(view.not_started, tr))
        if view.not_started
        else tr.gettext("Everyone assigned has started.")
    )
    return [
        section(f"{title}\n{level_line(tr, view.projection)}", prefix + "level"),
        section("\n".join(areas), prefix + "areas"),
        context(waiting + " · " + tr.gettext("Details: `/citycheck status`"), prefix + "waiting"),
    ]

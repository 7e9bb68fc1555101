"""The setup modal, the start notice in the digest channel, and the note to the coordinator."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from bot.i18n import LANGUAGE_NAMES, SUPPORTED, Translator
from bot.services import places
from bot.services.coordinator import Problem
from bot.services.setup import NAME_MAX, STATE_MAX, SetupDone, SetupForm
from bot.slack import ids
from bot.slack.builders.access import MODAL_TITLE_LIMIT, field_errors
from bot.slack.builders.blocks import Block, Message, clip, context, escape, plain, section

FIELD_BLOCKS = {
    "name": ids.BLOCK_SETUP_NAME,
    "state": ids.BLOCK_SETUP_STATE,
    "country": ids.BLOCK_SETUP_COUNTRY,
    "population": ids.BLOCK_SETUP_POPULATION,
    "timezone": ids.BLOCK_SETUP_TIMEZONE,
    "channel": ids.BLOCK_SETUP_CHANNEL,
    "coordinators": ids.BLOCK_SETUP_COORDINATORS,
    "leaders": ids.BLOCK_SETUP_LEADERS,
    "language": ids.BLOCK_SETUP_LANGUAGE,
}
"""The block of each setup field, for field errors."""

OPTION_TEXT_LIMIT = 75


def setup_errors(tr: Translator, problems: Mapping[str, Problem]) -> dict[str, str]:
    """The setup form's field problems as Slack's `errors` (block id -> message)."""
    return field_errors(tr, problems, FIELD_BLOCKS)


def _input(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str = ""
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
    }
    if optional:
        block["optional"] = True
    if hint:
        block["hint"] = plain(hint)
    return block


def _option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain(clip(label, OPTION_TEXT_LIMIT)), "value": value}


def _timezone_label(zone: str) -> str:
    return zone.replace("_", " ")


def timezone_select(tr: Translator, chosen: str | None) -> dict[str, Any]:
    """A static select of every timezone, grouped by region, `chosen` selected.

    A region with more zones than a group holds is split, each part labelled with its letters
    ("America A–M").
    """
    found = places.timezone_groups((chosen,) if chosen else ())
    parts: dict[str, int] = {}
    for region, _ in found:
        parts[region] = parts.get(region, 0) + 1
    groups = []
    initial = None
    for region, zones in found:
        label = tr.gettext(region) if region else tr.gettext("Current")
        if parts[region] > 1:
            first, last = (zone.split("/", 1)[-1][:1] for zone in (zones[0], zones[-1]))
            label = f"{label} {first}–{last}"
        options = [_option(_timezone_label(zone), zone) for zone in zones]
        initial = initial or next((o for o in options if o["value"] == chosen), None)
        groups.append({"label": plain(clip(label, OPTION_TEXT_LIMIT)), "options": options})
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.ACTION_SETUP_TIMEZONE,
        "placeholder": plain(tr.gettext("Pick the city's timezone")),
        "option_groups": groups,
    }
    if initial:
        element["initial_option"] = initial
    return element


def _letter(name: str) -> str:
    stripped = unicodedata.normalize("NFKD", name)
    return next((ch.upper() for ch in stripped if ch.isalpha()), "#")


def country_select(tr: Translator, chosen: str) -> dict[str, Any]:
    """A static select of every country by its name in the person's language, by first letter."""
    named = sorted(
        ((places.country_name(code, tr.locale), code) for code in places.country_codes()),
        key=lambda pair: unicodedata.normalize("NFKD", pair[0]).casefold(),
    )
    groups: dict[str, list[dict[str, Any]]] = {}
    for name, code in named:
        groups.setdefault(_letter(name), []).append(_option(name, code))
    initial = next((o for g in groups.values() for o in g if o["value"] == chosen), None)
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.ACTION_SETUP_COUNTRY,
        "placeholder": plain(tr.gettext("Pick the country")),
        "option_groups": [
            {"label": plain(letter), "options": options} for letter, options in groups.items()
        ],
    }
    if initial:
        element["initial_option"] = initial
    return element


def build_setup_modal(tr: Translator, form: SetupForm) -> dict[str, Any]:
    """The modal of `/citycheck setup`: a new city's defaults, or a city's settings to change."""
    new = form.city_id is None
    if new:
        intro = tr.gettext(
            "Set up your city's data-practices self-assessment. You can change these "
            "settings later by running `/citycheck setup` again."
        )
    else:
        intro = tr.gettext(
            "Change {city}'s settings. The assessment and its answers stay as they are. "
            "To set up another city, close this and run `/citycheck setup` with its name."
        ).format(city=escape(form.name))
    name: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.ACTION_SETUP_NAME,
        "max_length": NAME_MAX,
        "placeholder": plain(tr.gettext("e.g. Springfield")),
    }
    if form.name:
        name["initial_value"] = form.name
    state: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.ACTION_SETUP_STATE,
        "max_length": STATE_MAX,
    }
    if form.state:
        state["initial_value"] = form.state
    population: dict[str, Any] = {
        "type": "number_input",
        "action_id": ids.ACTION_SETUP_POPULATION,
        "is_decimal_allowed": False,
        "min_value": "1",
    }
    if form.population:
        population["initial_value"] = str(form.population)
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": ids.ACTION_SETUP_CHANNEL,
        "placeholder": plain(tr.gettext("Pick a channel")),
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if form.channel_id:
        channel["initial_conversation"] = form.channel_id
    coordinators = _users(ids.ACTION_SETUP_COORDINATORS, form.coordinators, tr)
    leaders = _users(ids.ACTION_SETUP_LEADERS, form.leaders, tr)
    blocks = [
        section(intro, ids.BLOCK_SETUP_INTRO),
        _input(ids.BLOCK_SETUP_NAME, tr.gettext("City name"), name),
        _input(ids.BLOCK_SETUP_STATE, tr.gettext("State or province"), state, optional=True),
        _input(ids.BLOCK_SETUP_COUNTRY, tr.gettext("Country"), country_select(tr, form.country)),
        _input(ids.BLOCK_SETUP_POPULATION, tr.gettext("Population"), population),
        _input(
            ids.BLOCK_SETUP_TIMEZONE,
            tr.gettext("Timezone"),
            timezone_select(tr, form.timezone),
            hint=tr.gettext(
                "Reminders and digests go out on working days at 9:00 in this timezone."
            ),
        ),
        _input(
            ids.BLOCK_SETUP_CHANNEL,
            tr.gettext("Digest channel"),
            channel,
            hint=tr.gettext(
                "Progress and the result are posted here. Invite me to it: /invite @citycheck"
            ),
        ),
        _input(
            ids.BLOCK_SETUP_COORDINATORS,
            tr.gettext("Coordinators"),
            coordinators,
            hint=tr.gettext("They assign practice areas and follow the team's progress."),
        ),
        _input(
            ids.BLOCK_SETUP_LEADERS,
            tr.gettext("Leaders"),
            leaders,
            optional=True,
            hint=tr.gettext("They get reminders about the improvement plan's milestones."),
        ),
        _input(
            ids.BLOCK_SETUP_LANGUAGE,
            tr.gettext("Language of channel messages"),
            language_select(form.language),
            hint=tr.gettext(
                "The digests, the start notice and the result are posted in this language. "
                "Everyone gets direct messages in their own Slack language."
            ),
        ),
    ]
    return {
        "type": "modal",
        "callback_id": ids.VIEW_SETUP,
        "private_metadata": str(form.city_id) if form.city_id is not None else "",
        "title": plain(clip(tr.gettext("Set up your city"), MODAL_TITLE_LIMIT)),
        "submit": plain(clip(tr.gettext("Save") if not new else tr.gettext("Set up"), 24)),
        "close": plain(clip(tr.gettext("Cancel"), MODAL_TITLE_LIMIT)),
        "blocks": blocks,
    }


def language_select(chosen: str) -> dict[str, Any]:
    """A static select of the supported languages, each by its own name, `chosen` selected."""
    options = [_option(LANGUAGE_NAMES[code], code) for code in SUPPORTED]
    initial = next((o for o in options if o["value"] == chosen), options[0])
    return {
        "type": "static_select",
        "action_id": ids.ACTION_SETUP_LANGUAGE,
        "options": options,
        "initial_option": initial,
    }


def _users(action_id: str, chosen: tuple[str, ...], tr: Translator) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "multi_users_select",
        "action_id": action_id,
        "placeholder": plain(tr.gettext("Pick people")),
    }
    if chosen:
        element["initial_users"] = list(chosen)
    return element


def _mentions(slack_ids: tuple[str, ...]) -> str:
    return ", ".join(f"<@{sid}>" for sid in slack_ids)


def build_start_notice(tr: Translator, done: SetupDone) -> Message:
    """The digest channel's first message: what the assessment is, who coordinates, what next."""
    city = escape(done.city_name)
    title = escape(done.rubric_title.get(tr.lang))
    what = tr.gettext(
        "*{city} is starting its data-practices self-assessment* ({title}): "
        "{criteria} criteria in {areas} practice areas, answered one question at a time "
        "in direct messages with me."
    ).format(city=city, title=title, criteria=done.criteria_count, areas=done.area_count)
    who = tr.ngettext(
        "Coordinator: {people}.", "Coordinators: {people}.", len(done.coordinators)
    ).format(people=_mentions(done.coordinators))
    if done.leaders:
        who += " " + tr.ngettext(
            "Leader: {people}.", "Leaders: {people}.", len(done.leaders)
        ).format(people=_mentions(done.leaders))
    nxt = tr.gettext(
        "What happens next: the coordinators assign each practice area to the people who know "
        "it best; they get a direct message from me and can answer at their own pace. When "
        "every assigned area is answered, the result and the next steps are posted here."
    )
    text = "\n".join([what, who, nxt])
    return Message(
        text=text,
        blocks=[
            section(f"{what}\n{who}", ids.BLOCK_START_NOTICE),
            context(nxt, ids.BLOCK_START_NEXT),
        ],
    )


def build_setup_done_message(tr: Translator, done: SetupDone, *, posted: bool) -> Message:
    """The note to the coordinator who submitted: saved, where the notice went, what next."""
    city = escape(done.city_name)
    if done.created:
        lines = [tr.gettext("*{city} is set up* and its assessment has started.").format(city=city)]
    else:
        lines = [tr.gettext("*{city}'s settings are saved.*").format(city=city)]
    if done.created and posted and done.channel_id:
        lines.append(
            tr.gettext("I posted a start notice in <#{channel}>.").format(channel=done.channel_id)
        )
    elif done.created and done.channel_id:
        lines.append(
            tr.gettext(
                "I could not post in <#{channel}>: invite me there with `/invite @citycheck` "
                "so the team's progress and the result can be posted."
            ).format(channel=done.channel_id)
        )
    lines.append(
        tr.gettext("Next: give each practice area to the people who know it, with `{command}`.")
        .format(command=f"{ids.COMMAND} assign")
    )  # fmt: skip
    text = "\n".join(lines)
    return Message(text=text, blocks=[section(text, ids.BLOCK_SETUP_DONE)])

"""The `/citycheck cohort` answer: every city a member of the program staff follows."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Translator
from bot.reports.cohort import CohortCity
from bot.reports.cohort_report import change, level, progress
from bot.slack import ids
from bot.slack.builders.blocks import (
    MESSAGE_BLOCK_LIMIT,
    SECTION_TEXT_LIMIT,
    Block,
    Message,
    context,
    escape,
    header,
    section,
)

LINES_PER_SECTION = 10


def build_cohort_message(cities: Sequence[CohortCity], tr: Translator) -> Message:
    """A header, then the cities ten to a section; past Slack's limits, a pointer to the CLI."""
    with_results = sum(1 for c in cities if c.has_result)
    title = tr.ngettext(
        "Your cohort: {count} city, {results} with results",
        "Your cohort: {count} cities, {results} with results",
        len(cities),
    ).format(count=len(cities), results=with_results)
    blocks: list[Block] = [header(title, ids.BLOCK_COHORT_HEADER)]
    lines = [_line(city, tr) for city in cities]
    room = MESSAGE_BLOCK_LIMIT - 2  # the header and the closing note
    shown = 0
    while shown < len(lines) and len(blocks) <= room:
        chunk: list[str] = []
        while shown < len(lines) and len(chunk) < LINES_PER_SECTION:
            if len("\n".join([*chunk, lines[shown]])) > SECTION_TEXT_LIMIT:
                break
            chunk.append(lines[shown])
            shown += 1
        blocks.append(section("\n".join(chunk), f"{ids.BLOCK_COHORT_CITIES_PREFIX}{len(blocks)}"))
    if shown < len(lines):
        note = tr.gettext(
            "…and {count} more. `citycheck cohort report` on the server lists every city."
        ).format(count=len(lines) - shown)
    else:
        note = tr.gettext(
            "Progress is the latest round's answers; the change is since the round before."
        )
    blocks.append(context(note, ids.BLOCK_COHORT_NOTE))
    return Message(text="\n".join([title, *lines[:shown]])[:3000], blocks=blocks)


def _line(city: CohortCity, tr: Translator) -> str:
    name = f"{city.name}, {city.state}" if city.state else city.name
    parts = [progress(city, tr), level(city, tr), change(city, tr)]
    return f"*{escape(name)}*: " + " · ".join(escape(p) for p in parts if p)

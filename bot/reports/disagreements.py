"""What a report says about criteria several people answered: how many were settled from a
disagreement, and which are still unsettled (the score counts those as unknown)."""

from __future__ import annotations

from typing import Any

from bot.i18n import Translator
from storage.repo.disagreements import Tally


def disagreement_lines(tally: Tally, tr: Translator) -> list[str]:
    """The report's lines on disagreements; none when there were none."""
    if not tally.settled and not tally.unsettled:
        return []
    lines = []
    if tally.settled:
        lines.append(
            tr.ngettext(
                "{count} criterion was settled from a disagreement between its respondents.",
                "{count} criteria were settled from disagreements between their respondents.",
                tally.settled,
            ).format(count=tally.settled)
        )
    if tally.unsettled:
        lines.append(
            tr.ngettext(
                "{count} criterion is unsettled (its respondents disagree), so it counts as "
                "unknown for the level: {ids}.",
                "{count} criteria are unsettled (their respondents disagree), so they count as "
                "unknown for the level: {ids}.",
                tally.unsettled,
            ).format(count=tally.unsettled, ids=", ".join(tally.unsettled_ids))
        )
    return lines


def disagreement_context(tally: Tally, tr: Translator) -> dict[str, Any] | None:
    """The same for the HTML report: its sentences, or None."""
    lines = disagreement_lines(tally, tr)
    return {"lines": lines} if lines else None

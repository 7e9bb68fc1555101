"""What a deputy gets while covering for someone away: their nudge, and whose it is. Pure data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.schedule.views import FollowupView, ReminderView


@dataclass(frozen=True)
class CoverView:
    """A milestone reminder or follow-up meant for `away_name`, sent to their deputy (in the
    deputy's language) until `back_on`."""

    away_name: str
    back_on: date
    inner: ReminderView | FollowupView
    lang: str

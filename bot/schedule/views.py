"""What a scheduled send says: view models the Slack builders turn into messages. Pure data.

The lines of a digest are named tuples: a sweep builds a hundred thousand of them for 10,000
cities' digests, and a tuple is built several times faster than a frozen dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from bot.services.disagreement_views import DisagreementView


@dataclass(frozen=True)
class ReminderView:
    """A reminder to a milestone's owner: due soon, due today, or overdue."""

    milestone_id: int
    title: str
    city_name: str
    due_on: date
    days_left: int
    """Days until the due date on the day it is sent (negative when overdue)."""
    lang: str


@dataclass(frozen=True)
class OverdueNoticeView:
    """A coordinator's copy of an overdue reminder: whose milestone, how late."""

    milestone_id: int
    title: str
    city_name: str
    owner_name: str
    due_on: date
    days_overdue: int
    lang: str


@dataclass(frozen=True)
class FollowupView:
    """A nudge to a respondent with unanswered criteria, with a Resume button."""

    assessment_id: int
    city_name: str
    lang: str
    areas: tuple[tuple[str, int], ...]
    """Area names and how many of their criteria are still unanswered."""

    @property
    def unanswered(self) -> int:
        """Unanswered criteria in every assigned area."""
        return sum(count for _, count in self.areas)


class AreaLine(NamedTuple):
    """One practice area in the digest: criteria answered, and the plan's milestones done."""

    name: str
    answered: int | None
    criteria: int
    done: int
    planned: int


class BehindLine(NamedTuple):
    """A respondent who is behind: unanswered criteria and when they were last active."""

    name: str
    unanswered: int
    last_active: date | None


class MilestoneLine(NamedTuple):
    """A milestone in the digest's due-soon or overdue list."""

    title: str
    owner_name: str | None
    due_on: date
    days_left: int


class ErrorLine(NamedTuple):
    """A send given up for good since the last digest: its kind, to whom, about what, why."""

    kind: str
    who: str | None
    about: str | None
    error: str
    on: date


@dataclass(frozen=True)
class DigestView:
    """The weekly coordinator digest of one city, in the city's language."""

    city_id: int
    city_name: str
    lang: str
    week: str
    day: date
    areas: tuple[AreaLine, ...]
    behind: tuple[BehindLine, ...]
    done: int
    total: int
    level_now: str | None
    level_all_done: str | None
    level_now_id: str | None
    level_all_done_id: str | None
    previous: PreviousDigest | None
    due_soon: tuple[MilestoneLine, ...]
    overdue: tuple[MilestoneLine, ...]
    errors: tuple[ErrorLine, ...]
    has_plan: bool
    thresholds: tuple[tuple[str, Decimal], ...] = ()
    """Each level's name and the share of criteria met it needs, lowest first."""
    disagreements: tuple[DisagreementView, ...] = ()
    """Criteria of the open round whose respondents disagree, oldest first."""
    stale_evidence: tuple[str, ...] = ()
    """Criteria of the latest round whose evidence is all older than the maximum age."""
    stale_before: date | None = None
    """Evidence given before this day (the city's calendar) is stale."""


@dataclass(frozen=True)
class PreviousDigest:
    """What the last digest said, for "up from" and "down from"."""

    day: date
    level_now: str | None
    level_all_done: str | None
    done: int
    total: int

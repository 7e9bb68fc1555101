"""The interview's replies as view models: plain data that the Slack builders turn into messages.

A reply with `replace=True` takes the place of the message whose button was clicked (the DM
then reads as a transcript); the others are posted as new messages, in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.interview.model import Kind, PauseChoice
from rubric.diff import ChangeKind
from rubric.planning import Nudge
from rubric.scoring import CriterionStatus


class HintKind(StrEnum):
    """Why the engine answers with a hint instead of doing something."""

    NOT_UNDERSTOOD = "not_understood"
    """Typed text that is not a reply the interview knows."""
    NO_SUCH_ITEM = "no_such_item"
    """An item number beyond the question's checklist."""
    SAY_WHICH = "say_which"
    """"yes" alone: which items?"""
    NO_OPEN_QUESTION = "no_open_question"
    """An answer was typed, but no question is open (not started yet)."""
    ALREADY_DONE = "already_done"
    """An answer was typed after every question was answered."""
    FIRST_QUESTION = "first_question"
    """"Back" on the person's first question."""
    NOT_ASSIGNED = "not_assigned"
    """A criterion outside the person's areas (the service refuses these before the engine)."""


@dataclass(frozen=True)
class Reply:
    """Base of every reply."""


@dataclass(frozen=True)
class Intro(Reply):
    """The first words of an interview, or the welcome back after a pause."""

    total: int
    areas: tuple[tuple[str, int], ...]
    """Each assigned area with its number of criteria, in order."""
    answered: int
    resumed: bool


@dataclass(frozen=True)
class Question(Reply):
    """One criterion to answer, with its position and the current answer pre-ticked."""

    assessment_id: int
    criterion_id: str
    area_id: str
    area_position: int
    area_total: int
    position: int
    total: int
    """The person's own number of criteria (all 43 only when every area is theirs)."""
    ticked: frozenset[str] = frozenset()
    given: Kind | None = None
    """The current answer's kind when the criterion was answered or skipped before."""
    skipped_left: int = 0
    """Skipped criteria still to answer, this one included, when revisiting them."""
    evidence_count: int = 0
    only_left: bool = False
    """True when the person skipped this question and it is the only one left."""
    replace: bool = False
    last: LastAnswer | None = None
    """Last round's answer, offered with "Still true" while this round has none yet."""
    fresh: ChangeKind | None = None
    """CHANGED or ADDED when the question changed (or is new) since last round."""
    stale_links: tuple[str, ...] = ()
    """Evidence links older than the maximum age (`stale_months`), to give again or replace."""
    stale_months: int = 12


@dataclass(frozen=True)
class LastAnswer:
    """Last round's answer to a question that is the same this round: "3 of 4 · met"."""

    kind: Kind
    ticked: frozenset[str]
    status: CriterionStatus
    """The answer's own status under this round's rule (prerequisites aside)."""
    evidence_count: int = 0


@dataclass(frozen=True)
class Record(Reply):
    """The compact record of an answer that replaces its question: "✅ DM2 · 3 of 4 ticked"."""

    assessment_id: int
    criterion_id: str
    kind: Kind
    ticked: frozenset[str]
    status: CriterionStatus
    """The answer's own status (met, partly met, not met, unknown), prerequisites aside."""
    required: int
    item_count: int
    blocked_by: tuple[str, ...] = ()
    changed: bool = False
    """True when an earlier answer was changed."""
    evidence_count: int = 0
    replace: bool = True
    still_true: bool = False
    """True when last round's answer was confirmed with "Still true"."""
    stale_links: tuple[str, ...] = ()
    """The answer's evidence when all of it is older than the maximum age: to refresh."""


@dataclass(frozen=True)
class WentBack(Reply):
    """Replaces a question left unanswered when the person went back to the one before."""

    assessment_id: int
    criterion_id: str
    to_criterion_id: str
    replace: bool = True


@dataclass(frozen=True)
class AreaDone(Reply):
    """An area is finished: its score, each criterion's status and the top next steps."""

    area_id: str
    met: int
    total: int
    rows: tuple[tuple[str, CriterionStatus], ...]
    nudges: tuple[Nudge, ...]


@dataclass(frozen=True)
class AreaProgress:
    """How far an area is: criteria settled (answered or unsure), skipped, total."""

    area_id: str
    settled: int
    skipped: int
    total: int


@dataclass(frozen=True)
class AllDone(Reply):
    """Every assigned criterion is answered: thanks, and each area's score."""

    areas: tuple[tuple[str, int, int], ...]
    """(area id, met, total) for each of the person's areas."""
    unsure: int
    again: bool = False
    """True when the person asks to resume after finishing (a recap, not news)."""


@dataclass(frozen=True)
class StatusReport(Reply):
    """Where the person is: each area's progress, the current question, a pause."""

    areas: tuple[AreaProgress, ...]
    settled: int
    total: int
    current: str | None
    position: int | None
    paused_until: datetime | None
    timezone: str = "UTC"


@dataclass(frozen=True)
class Hint(Reply):
    """A short hint that says what to do; `item_count` and `criterion_id` fill its words."""

    kind: HintKind
    item_count: int | None = None
    criterion_id: str | None = None


@dataclass(frozen=True)
class HelpReply(Reply):
    """What a person can type or click in the interview."""


@dataclass(frozen=True)
class AskPause(Reply):
    """Until when? Tomorrow, next week, or "I'll come back myself"."""

    assessment_id: int
    criterion_id: str | None
    position: int | None
    total: int


@dataclass(frozen=True)
class Paused(Reply):
    """The pause is stored; the place is kept."""

    assessment_id: int
    choice: PauseChoice
    until: datetime
    criterion_id: str | None
    position: int | None
    total: int
    timezone: str = "UTC"
    replace: bool = True


@dataclass(frozen=True)
class EvidenceAdded(Reply):
    """Evidence links or a note were added to a criterion's answer."""

    criterion_id: str
    links_added: int
    links_total: int
    note_saved: bool

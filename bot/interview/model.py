"""What the interview engine reads and returns: the snapshot, the events and the transition."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from rubric.diff import ChangeKind
from rubric.schema import Rubric

if TYPE_CHECKING:
    from bot.interview.views import Reply


class Kind(StrEnum):
    """How a criterion was answered (the same words the database stores)."""

    ANSWERED = "answered"
    UNSURE = "unsure"
    SKIPPED = "skipped"


class Phase(StrEnum):
    """Where a person is in their interview; derived from the snapshot, never stored."""

    NOT_ASSIGNED = "not_assigned"
    """No criteria are assigned to the person in this assessment."""
    NEW = "new"
    """Assigned, but no question has been asked yet."""
    ASKING = "asking"
    """A question is open (the cursor), some criteria are still unanswered or skipped."""
    PAUSED = "paused"
    """As ASKING, but the person paused; any answer or a resume ends the pause."""
    DONE = "done"
    """Every assigned criterion is answered or marked unsure."""


class PauseChoice(StrEnum):
    """How long a person pauses."""

    TOMORROW = "tomorrow"
    NEXT_WEEK = "next_week"
    MYSELF = "myself"
    """"I'll come back myself": a long quiet period without reminders."""


@dataclass(frozen=True, slots=True)
class Given:
    """One criterion's current answer as stored: kind, ticked items, note, evidence links."""

    kind: Kind
    ticked: frozenset[str] = frozenset()
    note: str | None = None
    evidence: tuple[str, ...] = ()

    @property
    def settled(self) -> bool:
        """Answered or unsure: the criterion needs no more asking."""
        return self.kind is not Kind.SKIPPED


@dataclass(frozen=True)
class Snapshot:
    """A person's interview in one assessment, as loaded before an event."""

    assessment_id: int
    criteria: tuple[str, ...]
    """The person's assigned criteria: assigned areas in rubric order, criteria in area order."""
    answers: Mapping[str, Given]
    """Every current answer of the assessment (not only the person's), by criterion id."""
    cursor: str | None = None
    """The criterion the person is on; None before the first question and when done."""
    paused_until: datetime | None = None
    completed: bool = False
    timezone: str = "UTC"
    """The person's IANA timezone (the city's when unknown), for pause times."""
    previous: Mapping[str, Given] = field(default_factory=dict)
    """Last round's answers to the criteria that are the same question in this round (answered
    or unsure), offered with "Still true"; empty in a first round."""
    fresh: Mapping[str, ChangeKind] = field(default_factory=dict)
    """Criteria that changed (or are new) since last round's rubric version: asked afresh."""
    stale: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """For each criterion, its evidence links (this round's, else last round's) given longer
    ago than the maximum age: the question asks for them to be given again or replaced."""
    evidence_max_age_months: int = 12

    def given(self, criterion_id: str) -> Given | None:
        """The current answer to a criterion, if any."""
        return self.answers.get(criterion_id)

    def settled(self, criterion_id: str) -> bool:
        """True when the criterion is answered or unsure."""
        found = self.answers.get(criterion_id)
        return found is not None and found.settled

    def all_settled(self) -> bool:
        """True when every assigned criterion is answered or unsure."""
        return all(self.settled(cid) for cid in self.criteria)

    def with_answer(self, criterion_id: str, given: Given) -> Snapshot:
        """The snapshot after an answer is stored."""
        answers = dict(self.answers)
        answers[criterion_id] = given
        return replace(self, answers=answers)


def assigned_criteria(rubric: Rubric, area_ids: Iterable[str]) -> tuple[str, ...]:
    """The criteria of the given areas: areas in rubric order, criteria in area order."""
    wanted = set(area_ids)
    return tuple(c.id for area in rubric.areas if area.id in wanted for c in area.criteria)


# ---- events ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Start:
    """Start or resume: ask the question the person is on."""


@dataclass(frozen=True, slots=True)
class Save:
    """Save the ticked checklist items of a criterion."""

    criterion_id: str
    ticked: frozenset[str]


@dataclass(frozen=True, slots=True)
class NoneOfThese:
    """Nothing of the criterion's checklist is in place."""

    criterion_id: str


@dataclass(frozen=True, slots=True)
class NotSure:
    """The person does not know (items ticked so far are kept)."""

    criterion_id: str
    ticked: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Skip:
    """Come back to this criterion after the last one."""

    criterion_id: str


@dataclass(frozen=True, slots=True)
class Back:
    """Go to the criterion before this one (in the person's own order)."""

    criterion_id: str


@dataclass(frozen=True, slots=True)
class Change:
    """Ask this criterion again in place of its answer record, to change the answer."""

    criterion_id: str


@dataclass(frozen=True, slots=True)
class StillTrue:
    """Last round's answer to this criterion still holds: store it again in this round."""

    criterion_id: str


@dataclass(frozen=True, slots=True)
class Pause:
    """Stop for now: the engine asks until when."""


@dataclass(frozen=True, slots=True)
class PauseFor:
    """The person chose how long to pause."""

    choice: PauseChoice


@dataclass(frozen=True, slots=True)
class Status:
    """Where am I?"""


@dataclass(frozen=True, slots=True)
class Help:
    """What can I type?"""


@dataclass(frozen=True, slots=True)
class AddEvidence:
    """Links (already checked: http(s), length) and a note for a criterion."""

    criterion_id: str
    links: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Text:
    """Something the person typed in the DM."""

    text: str


Event = (
    Start
    | Save
    | NoneOfThese
    | NotSure
    | Skip
    | Back
    | Change
    | StillTrue
    | Pause
    | PauseFor
    | Status
    | Help
    | AddEvidence
    | Text
)
EVENT_TYPES: tuple[type, ...] = (
    Start,
    Save,
    NoneOfThese,
    NotSure,
    Skip,
    Back,
    Change,
    StillTrue,
    Pause,
    PauseFor,
    Status,
    Help,
    AddEvidence,
    Text,
)

# ---- the transition -------------------------------------------------------------------------

Source = Literal["click", "typed", "edit", "carry_over"]


@dataclass(frozen=True, slots=True)
class AnswerWrite:
    """An answer to store: the criterion's full new value, and where the change came from."""

    criterion_id: str
    kind: Kind
    ticked: frozenset[str]
    note: str | None
    evidence: tuple[str, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class Place:
    """Where the person is after the event: cursor, pause, finished."""

    cursor: str | None
    paused_until: datetime | None = None
    completed: bool = False


@dataclass(frozen=True)
class Transition:
    """What to store and what to say after one event."""

    phase: Phase
    """The phase after the event."""
    replies: tuple[Reply, ...] = ()
    answer: AnswerWrite | None = None
    place: Place | None = None
    """The new place; None when the event leaves it as it was (nothing to write)."""
    finished: bool = False
    """This event settled the person's last open criterion: time to look at the result."""
    areas_done: tuple[str, ...] = field(default=())
    """Areas this event finished (every criterion answered or unsure)."""

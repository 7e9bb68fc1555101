"""The interview as one declared table: (phase, event) -> handler, and `step`, which applies it.

`step(snapshot, event, rubric, now)` is pure: it reads the snapshot, returns a `Transition`
(the answer to store, the new place, the replies) and touches nothing else. The phase is derived
from the snapshot (see `navigation.phase_of`); `TABLE` below is the whole conversation, and a
test checks that it answers every event in every phase exactly once.

Before the table, one guard: an event about a criterion outside the person's areas gets a
hint and changes nothing (the services refuse such clicks earlier, with a logged reason).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.interview import handlers as on
from bot.interview import navigation as nav
from bot.interview.handlers import Context, Handler, say
from bot.interview.model import (
    AddEvidence,
    Back,
    Change,
    Event,
    Given,
    Help,
    NoneOfThese,
    NotSure,
    Pause,
    PauseFor,
    Phase,
    Save,
    Skip,
    Snapshot,
    Start,
    Status,
    StillTrue,
    Text,
    Transition,
)
from bot.interview.parser import Command, Unclear, parse_reply
from bot.interview.views import Hint, HintKind
from bot.interview.vocabulary import Word
from rubric.schema import Rubric


@dataclass(frozen=True)
class Row:
    """One line of the table: in these phases, this event is handled so."""

    phases: frozenset[Phase]
    event: type
    handler: Handler
    says: str


def typed(ctx: Context, event: Event) -> Transition:
    """Typed text: act as the event it means on the question shown, or give a hint."""
    assert isinstance(event, Text)
    s, phase = ctx.snapshot, ctx.phase
    here = nav.shown(s) if phase in (Phase.ASKING, Phase.PAUSED) else None
    count = len(ctx.rubric.criterion(here).checklist) if here else None
    parsed = parse_reply(event.text, count)
    typed = Context(s, ctx.rubric, ctx.now, typed=True)
    if isinstance(parsed, Unclear):
        kind = parsed.kind
        if kind is HintKind.NO_OPEN_QUESTION and phase is Phase.DONE:
            kind = HintKind.ALREADY_DONE
        return say(ctx, Hint(kind, parsed.item_count, here))
    simple: dict[Word, Event] = {
        Word.RESUME: Start(),
        Word.PAUSE: Pause(),
        Word.STATUS: Status(),
        Word.HELP: Help(),
    }
    if parsed.word in simple:
        return step_in(typed, simple[parsed.word])
    if parsed.word is Word.YES:
        return say(ctx, Hint(HintKind.SAY_WHICH, count, here))
    if here is None:
        if phase is Phase.DONE:
            return say(ctx, Hint(HintKind.ALREADY_DONE))
        return say(ctx, Hint(HintKind.NO_OPEN_QUESTION))
    return step_in(typed, _criterion_event(ctx.rubric, here, parsed))


# ---- the table ------------------------------------------------------------------------------

ALL_PHASES = frozenset(Phase)
ASSIGNED = ALL_PHASES - {Phase.NOT_ASSIGNED}
WORKING = frozenset({Phase.NEW, Phase.ASKING, Phase.PAUSED})
ANY_EVENT = object


def _row(phases: frozenset[Phase] | Phase, event: type, handler: Handler, says: str) -> Row:
    return Row(
        phases if isinstance(phases, frozenset) else frozenset({phases}), event, handler, says
    )


TABLE: tuple[Row, ...] = (
    _row(Phase.NOT_ASSIGNED, ANY_EVENT, on.not_assigned, "nothing is assigned: say so"),
    _row(Phase.NEW, Start, on.begin, "introduce, ask the first open criterion"),
    _row(
        frozenset({Phase.ASKING, Phase.PAUSED}), Start, on.resume, "welcome back, ask the current"
    ),
    _row(Phase.DONE, Start, on.recap, "every criterion answered: show the scores again"),
    _row(ASSIGNED, Save, on.answer, "store ticks; record; area/all done; next if current"),
    _row(ASSIGNED, NoneOfThese, on.answer, "store no ticks, as Save"),
    _row(ASSIGNED, NotSure, on.answer, "store unsure (ticks kept), as Save"),
    _row(ASSIGNED, Skip, on.skip, "mark skipped (an answer stays); next if current"),
    _row(ASSIGNED, Back, on.back, "ask the person's previous criterion"),
    _row(ASSIGNED, Change, on.change, "ask the criterion again in place of its record"),
    _row(ASSIGNED, StillTrue, on.still_true, "store last round's answer again, as Save"),
    _row(WORKING, Pause, on.ask_pause, "ask until when"),
    _row(WORKING, PauseFor, on.pause_for, "store the pause; the place is kept"),
    _row(Phase.DONE, Pause, on.already_done, "nothing left to pause"),
    _row(Phase.DONE, PauseFor, on.already_done, "nothing left to pause"),
    _row(ASSIGNED, Status, on.show_status, "each area's progress and the current question"),
    _row(ASSIGNED, Help, on.show_help, "what can be typed or clicked"),
    _row(ASSIGNED, AddEvidence, on.add_evidence, "add links and a note to the answer"),
    _row(ASSIGNED, Text, typed, "parse; act as the matching event, or hint"),
)


def find_row(phase: Phase, event: Event) -> Row:
    """The table's row for an event in a phase (every pair has exactly one)."""
    for row in TABLE:
        if phase in row.phases and isinstance(event, row.event):
            return row
    raise LookupError(f"the interview table has no row for {type(event).__name__} in {phase}")


def step(snapshot: Snapshot, event: Event, rubric: Rubric, now: datetime) -> Transition:
    """Apply one event to a snapshot: what to store, where the person is, what to say."""
    return step_in(Context(snapshot, rubric, now), event)


def step_in(ctx: Context, event: Event) -> Transition:
    """`step` with a ready context (typed replies re-enter here as the event they mean)."""
    criterion_id = getattr(event, "criterion_id", None)
    if criterion_id is not None and criterion_id not in ctx.snapshot.criteria:
        return say(ctx, Hint(HintKind.NOT_ASSIGNED, criterion_id=criterion_id))
    return find_row(ctx.phase, event).handler(ctx, event)


def apply(snapshot: Snapshot, transition: Transition) -> Snapshot:
    """The snapshot once a transition is stored (what the database holds after it)."""
    answers = dict(snapshot.answers)
    if transition.answer is not None:
        w = transition.answer
        answers[w.criterion_id] = Given(w.kind, w.ticked, w.note, w.evidence)
    place = transition.place
    if place is None:
        return replace(snapshot, answers=answers)
    return replace(
        snapshot,
        answers=answers,
        cursor=place.cursor,
        paused_until=place.paused_until,
        completed=place.completed,
    )


def _criterion_event(rubric: Rubric, here: str, parsed: Command) -> Event:
    items = [it.id for it in rubric.criterion(here).checklist]
    word = parsed.word
    if word is Word.ITEMS:
        return Save(here, frozenset(items[n - 1] for n in parsed.items))
    if word is Word.ALL:
        return Save(here, frozenset(items))
    if word is Word.NONE:
        return NoneOfThese(here)
    if word is Word.UNSURE:
        return NotSure(here)
    if word is Word.SKIP:
        return Skip(here)
    return Back(here)

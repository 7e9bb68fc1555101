"""The interview's handlers: what each event does in the phases the engine's table names.

Each handler takes the context (snapshot, rubric, time, typed or clicked) and the event, and
returns the `Transition`; none of them does any I/O. `engine.TABLE` says which runs when.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from bot.interview import navigation as nav
from bot.interview.model import (
    AddEvidence,
    AnswerWrite,
    Back,
    Change,
    Event,
    Given,
    Kind,
    NoneOfThese,
    NotSure,
    PauseFor,
    Phase,
    Place,
    Save,
    Skip,
    Snapshot,
    Source,
    StillTrue,
    Transition,
)
from bot.interview.pause import pause_until
from bot.interview.views import (
    AllDone,
    AreaDone,
    AskPause,
    EvidenceAdded,
    HelpReply,
    Hint,
    HintKind,
    Intro,
    Paused,
    Record,
    Reply,
    StatusReport,
    WentBack,
)
from rubric.planning import area_nudges
from rubric.schema import Rubric


@dataclass(frozen=True)
class Context:
    """What every handler reads: the snapshot, the rubric, the time, whether it was typed."""

    snapshot: Snapshot
    rubric: Rubric
    now: datetime
    typed: bool = False

    @property
    def phase(self) -> Phase:
        """The phase before the event."""
        return nav.phase_of(self.snapshot)


Handler = Callable[[Context, Event], Transition]


def not_assigned(ctx: Context, event: Event) -> Transition:
    """Nothing is assigned to the person: say so."""
    return say(ctx, Hint(HintKind.NOT_ASSIGNED))


def begin(ctx: Context, event: Event) -> Transition:
    """Introduce the person's areas and ask the first open criterion."""
    s = ctx.snapshot
    first = nav.current(s)
    assert first is not None
    settled = sum(1 for cid in s.criteria if s.settled(cid))
    intro = Intro(len(s.criteria), _area_sizes(ctx), settled, resumed=settled > 0)
    replies = (intro, nav.question(s, ctx.rubric, first, replace=False))
    return Transition(Phase.ASKING, replies, place=Place(cursor=first))


def resume(ctx: Context, event: Event) -> Transition:
    """Welcome back and ask the question the person is on (a pause ends)."""
    s = ctx.snapshot
    here = nav.shown(s)
    assert here is not None
    settled = sum(1 for cid in s.criteria if s.settled(cid))
    intro = Intro(len(s.criteria), _area_sizes(ctx), settled, resumed=True)
    replies = (intro, nav.question(s, ctx.rubric, here, replace=False))
    return Transition(Phase.ASKING, replies, place=Place(cursor=here))


def recap(ctx: Context, event: Event) -> Transition:
    """Everything is answered: show the scores again."""
    return say(ctx, _all_done(ctx.snapshot, ctx.rubric, again=True))


def answer(ctx: Context, event: Event) -> Transition:
    """Save, None of these or Not sure: store the answer and move on if it was current.

    A first Save in this round of a question answered last round keeps last round's note and
    evidence links (the checklist was shown pre-ticked with that answer)."""
    assert isinstance(event, Save | NoneOfThese | NotSure)
    s, cid = ctx.snapshot, event.criterion_id
    items = frozenset(it.id for it in ctx.rubric.criterion(cid).checklist)
    if isinstance(event, NoneOfThese):
        kind, ticked = Kind.ANSWERED, frozenset[str]()
    else:
        kind = Kind.UNSURE if isinstance(event, NotSure) else Kind.ANSWERED
        ticked = event.ticked & items
    before = s.given(cid)
    settled = before is not None and before.settled
    last = s.previous.get(cid) if isinstance(event, Save) and not settled else None
    note, links = _kept(before, last)
    return _store(ctx, cid, Given(kind, ticked, note, links), changed=settled)


def still_true(ctx: Context, event: Event) -> Transition:
    """Store last round's answer (ticks, note, evidence) again; with none, ask the question."""
    assert isinstance(event, StillTrue)
    s, cid = ctx.snapshot, event.criterion_id
    last = s.previous.get(cid)
    if last is None:
        return say(ctx, nav.question(s, ctx.rubric, cid, replace=not ctx.typed))
    before = s.given(cid)
    note, links = _kept(before, last)
    given = Given(last.kind, last.ticked, note, links)
    settled = before is not None and before.settled
    return _store(ctx, cid, given, changed=settled, source="carry_over")


def _kept(before: Given | None, last: Given | None) -> tuple[str | None, tuple[str, ...]]:
    """The note and evidence links an answer keeps: this round's, with last round's added."""
    note = before.note if before else None
    links = before.evidence if before else ()
    if last is None:
        return note, links
    return note or last.note, tuple(dict.fromkeys((*last.evidence, *links)))


def skip(ctx: Context, event: Event) -> Transition:
    """Mark the criterion skipped (an existing answer stays) and move on."""
    assert isinstance(event, Skip)
    s, cid = ctx.snapshot, event.criterion_id
    before = s.given(cid)
    if before is not None:  # an answer is never lost: skipping only moves on
        return _store(ctx, cid, before, changed=False, write=False)
    return _store(ctx, cid, Given(Kind.SKIPPED), changed=False)


def back(ctx: Context, event: Event) -> Transition:
    """Ask the criterion before this one, pre-ticked."""
    assert isinstance(event, Back)
    s, cid = ctx.snapshot, event.criterion_id
    index = s.criteria.index(cid)
    if index == 0:
        return say(ctx, Hint(HintKind.FIRST_QUESTION, criterion_id=cid))
    previous = s.criteria[index - 1]
    replies: list[Reply] = []
    if not ctx.typed:
        replies.append(_record_or_back(ctx, cid, previous))
    replies.append(nav.question(s, ctx.rubric, previous, replace=False))
    place = Place(cursor=previous, completed=s.all_settled())
    return Transition(_phase_after(s, place), tuple(replies), place=place)


def change(ctx: Context, event: Event) -> Transition:
    """Ask a criterion again in place of its record."""
    assert isinstance(event, Change)
    q = nav.question(ctx.snapshot, ctx.rubric, event.criterion_id, replace=not ctx.typed)
    return say(ctx, q)


def ask_pause(ctx: Context, event: Event) -> Transition:
    """Ask until when the person pauses."""
    s = ctx.snapshot
    here = nav.shown(s)
    return say(ctx, AskPause(s.assessment_id, here, nav.position(s, here), len(s.criteria)))


def pause_for(ctx: Context, event: Event) -> Transition:
    """Store the pause; the place is kept."""
    assert isinstance(event, PauseFor)
    s = ctx.snapshot
    here = nav.shown(s)
    until = pause_until(event.choice, ctx.now, s.timezone)
    reply = Paused(
        s.assessment_id,
        event.choice,
        until,
        here,
        nav.position(s, here),
        len(s.criteria),
        s.timezone,
        replace=not ctx.typed,
    )
    return Transition(Phase.PAUSED, (reply,), place=Place(cursor=here, paused_until=until))


def already_done(ctx: Context, event: Event) -> Transition:
    """Every question is answered: nothing to pause."""
    return say(ctx, Hint(HintKind.ALREADY_DONE))


def show_status(ctx: Context, event: Event) -> Transition:
    """Each area's progress, the current question and any pause."""
    s = ctx.snapshot
    here = nav.shown(s) if ctx.phase is not Phase.NEW else None
    settled = sum(1 for cid in s.criteria if s.settled(cid))
    report = StatusReport(
        nav.area_progress(s, ctx.rubric),
        settled,
        len(s.criteria),
        here,
        nav.position(s, here),
        s.paused_until if nav.is_paused(s, ctx.now) else None,
        s.timezone,
    )
    return say(ctx, report)


def show_help(ctx: Context, event: Event) -> Transition:
    """What the person can type or click."""
    return say(ctx, HelpReply())


def add_evidence(ctx: Context, event: Event) -> Transition:
    """Add links and a note to the criterion's answer."""
    assert isinstance(event, AddEvidence)
    s, cid = ctx.snapshot, event.criterion_id
    before = s.given(cid) or Given(Kind.SKIPPED)
    links = tuple(dict.fromkeys((*before.evidence, *event.links)))
    note = event.note.strip() if event.note and event.note.strip() else before.note
    given = Given(before.kind, before.ticked, note, links)
    write = _write(ctx, cid, given)
    added = EvidenceAdded(
        cid, len(links) - len(before.evidence), len(links), note is not None and note != before.note
    )
    return Transition(ctx.phase, (added,), answer=write)


# ---- shared steps ---------------------------------------------------------------------------


def say(ctx: Context, *replies: Reply) -> Transition:
    """Reply without storing anything."""
    return Transition(ctx.phase, tuple(replies))


def _source(ctx: Context, criterion_id: str) -> Source:
    if ctx.typed:
        return "typed"
    return "click" if _is_current(ctx.snapshot, criterion_id) else "edit"


def _is_current(snapshot: Snapshot, criterion_id: str) -> bool:
    return criterion_id in (nav.shown(snapshot), nav.current(snapshot))


def _write(
    ctx: Context, criterion_id: str, given: Given, source: Source | None = None
) -> AnswerWrite:
    return AnswerWrite(
        criterion_id,
        given.kind,
        given.ticked,
        given.note,
        given.evidence,
        source or _source(ctx, criterion_id),
    )


def _store(
    ctx: Context,
    cid: str,
    given: Given,
    *,
    changed: bool,
    write: bool = True,
    source: Source | None = None,
) -> Transition:
    """Store an answer; reply with its record, finished areas, and the next question."""
    s, rubric = ctx.snapshot, ctx.rubric
    after = s.with_answer(cid, given)
    was_current = _is_current(s, cid)
    score = nav.score_of(after, rubric)
    result = score.criteria[cid]
    replies: list[Reply] = [
        Record(
            s.assessment_id,
            cid,
            given.kind,
            given.ticked,
            result.answer_status,
            result.required,
            len(rubric.criterion(cid).checklist),
            result.blocked_by,
            changed=changed and s.given(cid) != given,
            evidence_count=len(given.evidence),
            replace=not ctx.typed,
            still_true=source == "carry_over",
            stale_links=_needs_refresh(s, cid, given),
        )
    ]
    area = rubric.area_of(cid).id
    done_areas: tuple[str, ...] = ()
    if not nav.area_settled(s, rubric, area) and nav.area_settled(after, rubric, area):
        done_areas = (area,)
        rows = tuple((c.id, score.criteria[c.id].status) for c in rubric.area(area).criteria)
        result_area = score.area(area)
        nudges = area_nudges(rubric, score, area)
        replies.append(AreaDone(area, result_area.met, result_area.total, rows, nudges))
    finished = not s.all_settled() and after.all_settled()
    cursor = s.cursor
    if finished:
        replies.append(_all_done(after, rubric, again=False))
        cursor = None
    elif after.all_settled():
        cursor = None  # an answer changed after finishing: nothing more to ask
    elif was_current:
        cursor = nav.next_open(after, after=cid, exclude=cid)
        only_left = cursor is None  # the criterion just skipped is the only one left
        cursor = cursor or cid
        question = nav.question(after, rubric, cursor, replace=False)
        replies.append(replace(question, only_left=only_left))
    place = Place(cursor=cursor, completed=after.all_settled())
    answer = _write(ctx, cid, given, source) if write else None
    return Transition(
        _phase_after(after, place), tuple(replies), answer, place, finished, done_areas
    )


def _needs_refresh(snapshot: Snapshot, cid: str, given: Given) -> tuple[str, ...]:
    """The answer's links when every one of them is stale (none when one is current)."""
    stale = snapshot.stale.get(cid, ())
    links = given.evidence
    return links if links and all(link in stale for link in links) else ()


def _phase_after(snapshot: Snapshot, place: Place) -> Phase:
    moved = replace(
        snapshot,
        cursor=place.cursor,
        paused_until=place.paused_until,
        completed=place.completed,
    )
    return nav.phase_of(moved)


def _all_done(snapshot: Snapshot, rubric: Rubric, *, again: bool) -> AllDone:
    score = nav.score_of(snapshot, rubric)
    areas = tuple(
        (a, score.area(a).met, score.area(a).total) for a in nav.area_ids(snapshot, rubric)
    )
    unsure = sum(
        1
        for cid in snapshot.criteria
        if (g := snapshot.given(cid)) is not None and g.kind is Kind.UNSURE
    )
    return AllDone(areas, unsure, again=again)


def _area_sizes(ctx: Context) -> tuple[tuple[str, int], ...]:
    return tuple(
        (a, len(nav.asked_in_area(ctx.snapshot, ctx.rubric, a)))
        for a in nav.area_ids(ctx.snapshot, ctx.rubric)
    )


def _record_or_back(ctx: Context, cid: str, previous: str) -> Reply:
    """What replaces the message where Back was clicked: its answer, or a "went back" line."""
    given = ctx.snapshot.given(cid)
    if given is None or not given.settled:
        return WentBack(ctx.snapshot.assessment_id, cid, previous)
    result = nav.score_of(ctx.snapshot, ctx.rubric).criteria[cid]
    return Record(
        ctx.snapshot.assessment_id,
        cid,
        given.kind,
        given.ticked,
        result.answer_status,
        result.required,
        len(ctx.rubric.criterion(cid).checklist),
        result.blocked_by,
        evidence_count=len(given.evidence),
    )

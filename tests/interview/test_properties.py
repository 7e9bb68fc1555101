"""Whatever a person clicks or types, in any order: no error, no answer lost, a reply each time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.interview.engine import apply, step
from bot.interview.model import (
    AddEvidence,
    Back,
    Change,
    Event,
    Help,
    NoneOfThese,
    NotSure,
    Pause,
    PauseChoice,
    PauseFor,
    Phase,
    Save,
    Skip,
    Snapshot,
    Start,
    Status,
    Text,
    assigned_criteria,
)
from rubric.loader import load_bundled_rubric

RUBRIC = load_bundled_rubric()
CRITERIA = [c.id for c in RUBRIC.criteria()]
NOW = datetime(2027, 3, 1, 15, tzinfo=UTC)


def _events() -> st.SearchStrategy[Event]:
    cid = st.sampled_from(CRITERIA)
    items = st.frozensets(
        st.sampled_from(["x", *{it.id for c in RUBRIC.criteria() for it in c.checklist}])
    )
    return st.one_of(
        st.just(Start()),
        st.builds(Save, cid, items),
        st.builds(NoneOfThese, cid),
        st.builds(NotSure, cid, items),
        st.builds(Skip, cid),
        st.builds(Back, cid),
        st.builds(Change, cid),
        st.just(Pause()),
        st.builds(PauseFor, st.sampled_from(list(PauseChoice))),
        st.just(Status()),
        st.just(Help()),
        st.builds(AddEvidence, cid, st.just(("https://example.gov/a",)), st.none()),
        st.builds(
            Text,
            st.one_of(
                st.text(max_size=30),
                st.sampled_from(["1", "1 3", "all", "none", "skip", "back", "not sure", "pause"]),
            ),
        ),
    )


@settings(max_examples=150, deadline=None)
@given(
    areas=st.sets(st.sampled_from([a.id for a in RUBRIC.areas]), max_size=3),
    events=st.lists(_events(), max_size=40),
)
def test_any_sequence_of_events_keeps_every_answer_and_always_replies(
    areas: set[str], events: list[Event]
) -> None:
    snapshot = Snapshot(1, assigned_criteria(RUBRIC, areas), {})
    finished = 0
    for n, event in enumerate(events):
        settled_before = {cid for cid in snapshot.criteria if snapshot.settled(cid)}
        done = step(snapshot, event, RUBRIC, NOW + timedelta(minutes=n))
        snapshot = apply(snapshot, done)

        assert done.replies, event
        if done.answer is not None:
            assert done.answer.criterion_id in snapshot.criteria
        assert settled_before <= {cid for cid in snapshot.criteria if snapshot.settled(cid)}
        assert snapshot.cursor is None or snapshot.cursor in snapshot.criteria
        if snapshot.criteria:
            assert (done.phase is Phase.DONE) == snapshot.all_settled()
        finished += done.finished
    assert finished <= 1
    assert finished == 0 or snapshot.all_settled()

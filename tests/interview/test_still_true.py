"""A later round in the interview: last round's answers offered with "Still true", changed
questions asked afresh; with no Slack and no database attached."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.interview.engine import apply, step
from bot.interview.model import (
    Change,
    Event,
    Given,
    Kind,
    NoneOfThese,
    Save,
    Snapshot,
    Start,
    StillTrue,
    Transition,
    assigned_criteria,
)
from bot.interview.views import Question, Record
from rubric.diff import ChangeKind
from rubric.schema import Rubric
from rubric.scoring import CriterionStatus

NOW = datetime(2028, 3, 6, 15, 0, tzinfo=UTC)
LINK = "https://data.example.gov/open-data-policy"


class Round:
    """A person's interview in a second round, kept as the database would keep it."""

    def __init__(self, rubric: Rubric, previous: dict[str, Given]) -> None:
        self.rubric = rubric
        self.snapshot = Snapshot(
            9,
            assigned_criteria(rubric, ["OD"]),
            {},
            timezone="America/Chicago",
            previous=previous,
            fresh={"OD3": ChangeKind.CHANGED},
        )

    def do(self, event: Event) -> Transition:
        done = step(self.snapshot, event, self.rubric, NOW)
        self.snapshot = apply(self.snapshot, done)
        return done

    def items(self, cid: str) -> list[str]:
        return [it.id for it in self.rubric.criterion(cid).checklist]


def _question(t: Transition) -> Question:
    (q,) = [r for r in t.replies if isinstance(r, Question)]
    return q


def _last_round(rubric: Rubric) -> dict[str, Given]:
    od1 = frozenset(it.id for it in rubric.criterion("OD1").checklist)
    od2 = frozenset([rubric.criterion("OD2").checklist[0].id])
    return {
        "OD1": Given(Kind.ANSWERED, od1, "Adopted by council", (LINK,)),
        "OD2": Given(Kind.ANSWERED, od2),
        "OD4": Given(Kind.UNSURE),
    }


def test_the_question_shows_last_rounds_answer_pre_ticked(rubric: Rubric) -> None:
    talk = Round(rubric, _last_round(rubric))

    q = _question(talk.do(Start()))

    assert q.criterion_id == "OD1"
    assert q.last is not None
    assert (q.last.kind, q.last.status, q.last.evidence_count) == (
        Kind.ANSWERED,
        CriterionStatus.MET,
        1,
    )
    assert q.ticked == frozenset(talk.items("OD1"))
    assert q.given is None and q.fresh is None


def test_still_true_stores_last_rounds_answer_in_one_click_and_moves_on(rubric: Rubric) -> None:
    talk = Round(rubric, _last_round(rubric))
    talk.do(Start())

    t = talk.do(StillTrue("OD1"))

    assert t.answer is not None
    assert (t.answer.kind, t.answer.source) == (Kind.ANSWERED, "carry_over")
    assert t.answer.ticked == frozenset(talk.items("OD1"))
    assert (t.answer.note, t.answer.evidence) == ("Adopted by council", (LINK,))
    record = t.replies[0]
    assert isinstance(record, Record) and record.still_true and not record.changed
    assert _question(t).criterion_id == "OD2"
    assert _question(t).last is not None  # the next one offers its own last answer


def test_a_changed_question_is_asked_afresh_with_nothing_ticked(rubric: Rubric) -> None:
    talk = Round(rubric, _last_round(rubric))
    talk.do(Start())
    talk.do(StillTrue("OD1"))

    t = talk.do(StillTrue("OD2"))

    q = _question(t)
    assert q.criterion_id == "OD3"
    assert (q.fresh, q.last, q.ticked) == (ChangeKind.CHANGED, None, frozenset())


def test_changing_a_pre_ticked_answer_keeps_its_note_and_evidence(rubric: Rubric) -> None:
    talk = Round(rubric, _last_round(rubric))
    talk.do(Start())
    fewer = frozenset(talk.items("OD1")[:2])

    t = talk.do(Save("OD1", fewer))

    assert t.answer is not None
    assert (t.answer.ticked, t.answer.source) == (fewer, "click")
    assert (t.answer.note, t.answer.evidence) == ("Adopted by council", (LINK,))


def test_none_of_these_does_not_take_last_rounds_evidence(rubric: Rubric) -> None:
    talk = Round(rubric, _last_round(rubric))
    talk.do(Start())

    t = talk.do(NoneOfThese("OD1"))

    assert t.answer is not None
    assert (t.answer.ticked, t.answer.evidence, t.answer.note) == (frozenset(), (), None)


def test_still_true_of_an_unsure_answer_stays_unsure(rubric: Rubric) -> None:
    talk = Round(rubric, _last_round(rubric))

    t = talk.do(StillTrue("OD4"))

    assert t.answer is not None
    assert (t.answer.kind, t.answer.source) == (Kind.UNSURE, "carry_over")


def test_still_true_without_a_last_answer_asks_the_question_and_stores_nothing(
    rubric: Rubric,
) -> None:
    talk = Round(rubric, _last_round(rubric))
    talk.do(Start())

    t = talk.do(StillTrue("OD3"))

    assert t.answer is None and t.place is None
    assert _question(t).criterion_id == "OD3"


def test_once_answered_this_round_the_question_no_longer_offers_last_round(
    rubric: Rubric,
) -> None:
    talk = Round(rubric, _last_round(rubric))
    talk.do(Start())
    talk.do(StillTrue("OD1"))

    q = _question(talk.do(Change("OD1")))

    assert q.last is None and q.given is Kind.ANSWERED

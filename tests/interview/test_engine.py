"""The interview table, event by event, with no Slack and no database attached."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.interview import navigation as nav
from bot.interview.engine import TABLE, apply, find_row, step
from bot.interview.model import (
    EVENT_TYPES,
    AddEvidence,
    Back,
    Change,
    Event,
    Given,
    Help,
    Kind,
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
    Transition,
    assigned_criteria,
)
from bot.interview.views import (
    AllDone,
    AreaDone,
    AreaProgress,
    AskPause,
    EvidenceAdded,
    HelpReply,
    Hint,
    HintKind,
    Intro,
    Paused,
    Question,
    Record,
    StatusReport,
    WentBack,
)
from rubric.schema import Rubric
from rubric.scoring import CriterionStatus

NOW = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)  # a Monday, 9:00 in Chicago


class Talk:
    """One person's interview, kept as the database would keep it between events."""

    def __init__(
        self,
        rubric: Rubric,
        areas: tuple[str, ...] = ("OD", "BF"),
        answers: dict[str, Given] | None = None,
    ) -> None:
        self.rubric = rubric
        self.snapshot = Snapshot(
            7, assigned_criteria(rubric, areas), answers or {}, timezone="America/Chicago"
        )

    def do(self, event: Event, now: datetime = NOW) -> Transition:
        done = step(self.snapshot, event, self.rubric, now)
        self.snapshot = apply(self.snapshot, done)
        return done

    def items(self, cid: str) -> list[str]:
        return [it.id for it in self.rubric.criterion(cid).checklist]

    def all_of(self, cid: str) -> Save:
        return Save(cid, frozenset(self.items(cid)))


def questions(t: Transition) -> list[Question]:
    return [r for r in t.replies if isinstance(r, Question)]


def asked(t: Transition) -> str:
    (q,) = questions(t)
    return q.criterion_id


def test_the_table_answers_every_event_in_every_phase_exactly_once() -> None:
    for phase in Phase:
        for event_type in EVENT_TYPES:
            rows = [
                row for row in TABLE if phase in row.phases and issubclass(event_type, row.event)
            ]
            assert len(rows) == 1, (phase, event_type.__name__, rows)


def test_start_introduces_the_areas_and_asks_the_first_criterion(rubric: Rubric) -> None:
    talk = Talk(rubric)

    t = talk.do(Start())

    intro, question = t.replies
    assert intro == Intro(total=7, areas=(("OD", 4), ("BF", 3)), answered=0, resumed=False)
    assert isinstance(question, Question)
    assert (question.criterion_id, question.area_id) == ("OD1", "OD")
    assert (question.area_position, question.area_total) == (1, 4)
    assert (question.position, question.total) == (1, 7)
    assert t.place is not None and t.place.cursor == "OD1"
    assert t.answer is None and t.phase is Phase.ASKING


def test_save_stores_the_ticks_replaces_the_question_and_asks_the_next(rubric: Rubric) -> None:
    talk = Talk(rubric)
    talk.do(Start())
    first, _, third, _ = talk.items("OD1")

    t = talk.do(Save("OD1", frozenset({first, third})))

    assert t.answer is not None
    assert (t.answer.criterion_id, t.answer.kind, t.answer.source) == (
        "OD1",
        Kind.ANSWERED,
        "click",
    )
    assert t.answer.ticked == {first, third}
    record = t.replies[0]
    assert isinstance(record, Record) and record.replace
    assert record.status is CriterionStatus.PARTLY_MET
    assert (len(record.ticked), record.required, record.item_count) == (2, 4, 4)
    assert asked(t) == "OD2"
    assert questions(t)[0].position == 2 and not questions(t)[0].replace


def test_none_of_these_and_not_sure(rubric: Rubric) -> None:
    talk = Talk(rubric)
    talk.do(Start())
    one = talk.items("OD2")[0]

    none = talk.do(NoneOfThese("OD1"))
    unsure = talk.do(NotSure("OD2", frozenset({one})))

    assert none.answer is not None and none.answer.ticked == frozenset()
    assert none.replies[0].status is CriterionStatus.NOT_MET  # type: ignore[attr-defined]
    assert unsure.answer is not None and unsure.answer.kind is Kind.UNSURE
    assert unsure.answer.ticked == {one}  # what was ticked is kept
    assert unsure.replies[0].status is CriterionStatus.UNKNOWN  # type: ignore[attr-defined]
    assert asked(unsure) == "OD3"


def test_skipped_criteria_are_asked_again_after_the_last_one(rubric: Rubric) -> None:
    talk = Talk(rubric)
    talk.do(Start())

    skip = talk.do(Skip("OD1"))
    talk.do(Skip("OD2"))
    for cid in ("OD3", "OD4", "BF1", "BF2"):
        talk.do(talk.all_of(cid))
    last = talk.do(talk.all_of("BF3"))

    assert skip.answer is not None and skip.answer.kind is Kind.SKIPPED
    assert skip.replies[0].kind is Kind.SKIPPED  # type: ignore[attr-defined]
    assert asked(skip) == "OD2"
    revisit = questions(last)[0]
    assert revisit.criterion_id == "OD1"
    assert revisit.given is Kind.SKIPPED and revisit.skipped_left == 2
    after = talk.do(talk.all_of("OD1"))
    assert asked(after) == "OD2" and questions(after)[0].skipped_left == 1


def test_skip_never_loses_an_answer(rubric: Rubric) -> None:
    talk = Talk(rubric)
    talk.do(Start())
    talk.do(talk.all_of("OD1"))
    talk.do(Back("OD2"))

    t = talk.do(Skip("OD1"))

    assert t.answer is None
    assert talk.snapshot.given("OD1") == Given(Kind.ANSWERED, frozenset(talk.items("OD1")))
    assert asked(t) == "OD2"


def test_the_only_skipped_criterion_left_is_asked_again_with_a_hint(rubric: Rubric) -> None:
    talk = Talk(rubric, areas=("BF",))
    talk.do(Start())
    talk.do(talk.all_of("BF1"))
    talk.do(talk.all_of("BF2"))
    talk.do(Skip("BF3"))

    t = talk.do(Skip("BF3"))

    assert asked(t) == "BF3" and questions(t)[0].only_left


def test_back_asks_the_previous_criterion_pre_ticked_and_then_returns(rubric: Rubric) -> None:
    talk = Talk(rubric)
    talk.do(Start())
    ticked = frozenset(talk.items("OD1")[:2])
    talk.do(Save("OD1", ticked))

    back = talk.do(Back("OD2"))

    went, question = back.replies
    assert went == WentBack(7, "OD2", "OD1")
    assert isinstance(question, Question)
    assert question.criterion_id == "OD1" and question.ticked == ticked
    assert question.given is Kind.ANSWERED
    assert back.answer is None
    again = talk.do(talk.all_of("OD1"))
    assert again.answer is not None and again.answer.source == "click"
    assert again.replies[0].changed  # type: ignore[attr-defined]
    assert asked(again) == "OD2"


def test_back_on_the_first_question_says_so(rubric: Rubric) -> None:
    talk = Talk(rubric)
    talk.do(Start())

    t = talk.do(Back("OD1"))

    assert t.replies == (Hint(HintKind.FIRST_QUESTION, criterion_id="OD1"),)
    assert t.place is None


def test_an_answer_on_an_old_message_edits_it_and_keeps_the_place(rubric: Rubric) -> None:
    talk = Talk(rubric)
    talk.do(Start())
    talk.do(NoneOfThese("OD1"))
    talk.do(talk.all_of("OD2"))

    t = talk.do(talk.all_of("OD1"))

    assert t.answer is not None and t.answer.source == "edit"
    record = t.replies[0]
    assert isinstance(record, Record) and record.changed and record.replace
    assert questions(t) == []
    assert talk.snapshot.cursor == "OD3"


def test_change_asks_again_in_place_without_moving(rubric: Rubric) -> None:
    talk = Talk(rubric)
    talk.do(Start())
    talk.do(talk.all_of("OD1"))

    t = talk.do(Change("OD1"))

    (question,) = t.replies
    assert isinstance(question, Question) and question.replace
    assert question.ticked == set(talk.items("OD1"))
    assert t.place is None and talk.snapshot.cursor == "OD2"


def test_pause_asks_until_when_then_keeps_the_place_and_resume_returns(rubric: Rubric) -> None:
    talk = Talk(rubric)
    talk.do(Start())
    talk.do(talk.all_of("OD1"))

    ask = talk.do(Pause())
    paused = talk.do(PauseFor(PauseChoice.TOMORROW))
    resumed = talk.do(Start(), now=datetime(2027, 3, 2, 16, tzinfo=UTC))

    assert ask.replies == (AskPause(7, "OD2", 2, 7),)
    (note,) = paused.replies
    assert isinstance(note, Paused) and note.criterion_id == "OD2"
    assert note.until == datetime(2027, 3, 2, 15, 0, tzinfo=UTC)  # 9:00 in Chicago
    assert paused.phase is Phase.PAUSED
    assert paused.place is not None and paused.place.paused_until == note.until
    intro, question = resumed.replies
    assert isinstance(intro, Intro) and intro.resumed and intro.answered == 1
    assert isinstance(question, Question) and question.criterion_id == "OD2"
    assert resumed.place is not None and resumed.place.paused_until is None


def test_an_answer_while_paused_ends_the_pause(rubric: Rubric) -> None:
    talk = Talk(rubric)
    talk.do(Start())
    talk.do(PauseFor(PauseChoice.NEXT_WEEK))

    t = talk.do(talk.all_of("OD1"))

    assert t.phase is Phase.ASKING and talk.snapshot.paused_until is None


def test_finishing_an_area_shows_its_score_and_three_next_steps(rubric: Rubric) -> None:
    talk = Talk(rubric)
    talk.do(Start())
    talk.do(talk.all_of("OD1"))
    talk.do(NoneOfThese("OD2"))
    talk.do(NoneOfThese("OD3"))

    t = talk.do(NotSure("OD4"))

    assert t.areas_done == ("OD",)
    done = next(r for r in t.replies if isinstance(r, AreaDone))
    assert (done.area_id, done.met, done.total) == ("OD", 1, 4)
    assert dict(done.rows)["OD1"] is CriterionStatus.MET
    assert dict(done.rows)["OD4"] is CriterionStatus.BLOCKED  # needs OD3 first
    assert 1 <= len(done.nudges) <= 3
    assert "OD1" not in {n.criterion_id for n in done.nudges}
    assert asked(t) == "BF1"  # the next area follows its summary
    assert t.replies.index(done) < t.replies.index(questions(t)[0])


def test_an_area_answered_partly_by_someone_else_counts_when_it_is_complete(
    rubric: Rubric,
) -> None:
    shared = {"OD1": Given(Kind.ANSWERED), "OD2": Given(Kind.UNSURE)}
    talk = Talk(rubric, areas=("OD",), answers=shared)

    start = talk.do(Start())
    talk.do(NoneOfThese("OD3"))
    t = talk.do(NoneOfThese("OD4"))

    assert asked(start) == "OD3"
    assert t.areas_done == ("OD",) and t.finished


def test_answering_the_last_criterion_finishes_and_thanks(rubric: Rubric) -> None:
    talk = Talk(rubric, areas=("BF",))
    talk.do(Start())
    talk.do(talk.all_of("BF1"))
    talk.do(NotSure("BF2"))

    t = talk.do(talk.all_of("BF3"))

    assert t.finished and t.phase is Phase.DONE
    assert t.place is not None and t.place.completed and t.place.cursor is None
    done = t.replies[-1]
    assert isinstance(done, AllDone) and not done.again
    assert done.areas == (("BF", 2, 3),) and done.unsure == 1
    assert questions(t) == []
    edit = talk.do(NoneOfThese("BF1"))
    assert not edit.finished and edit.phase is Phase.DONE and questions(edit) == []
    recap = talk.do(Start())
    assert isinstance(recap.replies[0], AllDone) and recap.replies[0].again


def test_status_and_help(rubric: Rubric) -> None:
    talk = Talk(rubric)
    talk.do(Start())
    talk.do(talk.all_of("OD1"))
    talk.do(Skip("OD2"))

    status = talk.do(Status())
    helped = talk.do(Help())

    (report,) = status.replies
    assert isinstance(report, StatusReport)
    assert (report.settled, report.total, report.current, report.position) == (1, 7, "OD3", 3)
    assert [(a.area_id, a.settled, a.skipped, a.total) for a in report.areas] == [
        ("OD", 1, 1, 4),
        ("BF", 0, 0, 3),
    ]
    assert helped.replies == (HelpReply(),)
    assert status.place is None and helped.place is None


def test_evidence_is_added_to_the_answer_without_changing_it(rubric: Rubric) -> None:
    talk = Talk(rubric)
    talk.do(Start())
    talk.do(talk.all_of("OD1"))

    t = talk.do(AddEvidence("OD1", ("https://data.example.gov",), "Portal launched 2024"))
    again = talk.do(AddEvidence("OD1", ("https://data.example.gov", "https://x.example"), None))

    assert t.answer is not None
    assert t.answer.ticked == set(talk.items("OD1")) and t.answer.kind is Kind.ANSWERED
    assert t.replies == (EvidenceAdded("OD1", 1, 1, True),)
    assert again.replies == (EvidenceAdded("OD1", 1, 2, False),)
    assert talk.snapshot.given("OD1") == Given(
        Kind.ANSWERED,
        frozenset(talk.items("OD1")),
        "Portal launched 2024",
        ("https://data.example.gov", "https://x.example"),
    )


def test_a_criterion_outside_the_persons_areas_changes_nothing(rubric: Rubric) -> None:
    talk = Talk(rubric)
    talk.do(Start())

    t = talk.do(talk.all_of("DM1"))

    assert t.answer is None and t.place is None
    assert t.replies == (Hint(HintKind.NOT_ASSIGNED, criterion_id="DM1"),)


def test_nothing_assigned(rubric: Rubric) -> None:
    talk = Talk(rubric, areas=())

    assert talk.do(Start()).replies == (Hint(HintKind.NOT_ASSIGNED),)
    assert talk.do(Text("1")).phase is Phase.NOT_ASSIGNED


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1 3", {0, 2}),
        ("1,3", {0, 2}),
        ("1 and 3", {0, 2}),
        ("2-4", {1, 2, 3}),
        ("all", {0, 1, 2, 3}),
        ("none", set()),
        ("ninguno", set()),
    ],
)
def test_typed_items_answer_the_open_question(
    rubric: Rubric, typed: str, expected: set[int]
) -> None:
    talk = Talk(rubric)
    talk.do(Start())

    t = talk.do(Text(typed))

    items = talk.items("OD1")
    assert t.answer is not None and t.answer.source == "typed"
    assert t.answer.ticked == {items[i] for i in expected}
    record = t.replies[0]
    assert isinstance(record, Record) and not record.replace  # posted, not replacing
    assert asked(t) == "OD2"


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("not sure", Kind.UNSURE),
        ("No sé", Kind.UNSURE),
        ("?", Kind.UNSURE),
        ("skip", Kind.SKIPPED),
        ("pular", Kind.SKIPPED),
    ],
)
def test_typed_words_answer_the_open_question(rubric: Rubric, typed: str, kind: Kind) -> None:
    talk = Talk(rubric)
    talk.do(Start())

    t = talk.do(Text(typed))

    assert t.answer is not None and t.answer.kind is kind and t.answer.criterion_id == "OD1"


def test_typed_back_pause_status_help_and_resume(rubric: Rubric) -> None:
    talk = Talk(rubric)
    assert isinstance(talk.do(Text("resume")).replies[0], Intro)
    talk.do(Text("all"))

    back = talk.do(Text("back"))
    pause = talk.do(Text("pause"))
    status = talk.do(Text("status"))
    helped = talk.do(Text("help"))

    assert [type(r) for r in back.replies] == [Question]  # no message to replace
    assert asked(back) == "OD1"
    assert isinstance(pause.replies[0], AskPause)
    assert isinstance(status.replies[0], StatusReport)
    assert helped.replies == (HelpReply(),)


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("hello there", HintKind.NOT_UNDERSTOOD),
        ("7", HintKind.NO_SUCH_ITEM),
        ("yes", HintKind.SAY_WHICH),
        ("sí", HintKind.SAY_WHICH),
    ],
)
def test_anything_else_typed_gets_a_hint(rubric: Rubric, typed: str, hint: HintKind) -> None:
    talk = Talk(rubric)
    talk.do(Start())

    t = talk.do(Text(typed))

    (reply,) = t.replies
    assert isinstance(reply, Hint) and reply.kind is hint
    assert reply.criterion_id == "OD1"
    assert t.answer is None and t.place is None


def test_typed_answers_before_starting_or_after_finishing_get_a_hint(rubric: Rubric) -> None:
    talk = Talk(rubric, areas=("BF",))
    assert talk.do(Text("1")).replies == (Hint(HintKind.NO_OPEN_QUESTION),)
    talk.do(Start())
    for cid in ("BF1", "BF2", "BF3"):
        talk.do(talk.all_of(cid))

    assert talk.do(Text("none")).replies == (Hint(HintKind.ALREADY_DONE),)
    assert talk.do(Text("2")).replies == (Hint(HintKind.ALREADY_DONE),)
    assert talk.do(Pause()).replies == (Hint(HintKind.ALREADY_DONE),)


def test_find_row_names_the_row_it_uses() -> None:
    assert find_row(Phase.NEW, Start()).says.startswith("introduce")


def test_someone_asked_one_criterion_of_an_area_sees_only_that_one(rubric: Rubric) -> None:
    talk = Talk(rubric, areas=("BF",))
    talk.snapshot = Snapshot(7, ("OD3", *talk.snapshot.criteria), {}, timezone="America/Chicago")

    t = talk.do(Start())

    intro, question = t.replies
    assert intro == Intro(total=4, areas=(("OD", 1), ("BF", 3)), answered=0, resumed=False)
    assert isinstance(question, Question)
    assert (question.criterion_id, question.area_position, question.area_total) == ("OD3", 1, 1)
    assert nav.area_progress(talk.snapshot, rubric)[0] == AreaProgress("OD", 0, 0, 1)
    done = talk.do(talk.all_of("OD3"))
    assert any(isinstance(r, AreaDone) and r.area_id == "OD" for r in done.replies)

"""The digests' level scorer gives `rubric.scoring`'s level for any answers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.schedule.levels import level_of_met, scorer_for
from rubric.index import index_for
from rubric.scoring import Answer, score
from tests.schedule.world import MET, rubric

RUBRIC = rubric()
INDEX = index_for(RUBRIC)
CRITERIA = list(INDEX.criteria.values())


@st.composite
def answers(draw: st.DrawFn) -> dict[str, Answer]:
    """Answers to most criteria, most of them meeting their rule (so levels are reached, and
    prerequisites matter), some partly, some not answered, some unsure."""
    found = {}
    for facts in CRITERIA:
        kind = draw(st.sampled_from(("all", "all", "all", "all", "some", "none")))
        if kind == "none":
            continue
        items = sorted(facts.items)
        ticked = items if kind == "all" else draw(st.lists(st.sampled_from(items), unique=True))
        found[facts.id] = Answer(frozenset(ticked), unsure=draw(st.booleans()))
    return found


@settings(max_examples=300, deadline=None)
@given(answers())
def test_the_level_of_the_criteria_met_by_their_answers_is_the_score_level(
    given_answers: dict[str, Answer],
) -> None:
    met = [
        cid
        for cid, answer in given_answers.items()
        if len(answer.ticked & INDEX.criteria[cid].items) >= INDEX.criteria[cid].required
    ]
    assert level_of_met(INDEX, met) == score(RUBRIC, given_answers).level


def test_known_cities_reach_the_levels_the_plan_tests_expect() -> None:
    scorer = scorer_for(INDEX)
    assert level_of_met(INDEX, MET) is None  # core PA1 is not met
    silver = level_of_met(INDEX, [*MET, "PA1"])
    assert silver is not None and silver.id == "silver"
    assert scorer.mask_of(["PA1", "not-a-criterion"]) == scorer.bit["PA1"]

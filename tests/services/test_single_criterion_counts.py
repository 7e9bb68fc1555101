"""Someone asked a single criterion counts for that criterion alone, not its whole area: in
their own progress and in the questions a round still has open."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from bot.services.rounds import OfferToClose, new_round
from bot.services.status import own_progress
from rubric.registry import RubricRegistry
from storage.enums import AnswerStatus, Role
from storage.repo import answers, respondents
from tests.builders import NOW, CitySetup, build_city
from tests.rubric.versions import v1, v2

V1, V2 = v1(), v2()
PEOPLE = {"cora": [Role.COORDINATOR], "rita": [Role.RESPONDENT], "rui": [Role.RESPONDENT]}


def city_with_one_criterion_for_rui(session: Session) -> CitySetup:
    city = build_city(
        session, people=PEOPLE, areas={"GOV": ["rita"]}, rubric_id=V1.id,
        rubric_version=V1.version,
    )  # fmt: skip
    respondents.assign_criterion(
        session, assessment_id=city.assessment_id, area_id="OPS", criterion_id="OPS1",
        person_id=city.person_id("rui"), now=NOW,
    )  # fmt: skip
    session.commit()
    return city


def answer(session: Session, city: CitySetup, who: str, *criteria: str) -> None:
    for cid in criteria:
        answers.record_answer(
            session, assessment_id=city.assessment_id, criterion_id=cid,
            person_id=city.person_id(who), ticked=[it.id for it in V1.criterion(cid).checklist],
            status=AnswerStatus.ANSWERED, note=None, evidence=[], now=NOW, source="click",
        )  # fmt: skip
    session.commit()


def test_own_progress_counts_only_the_criterion_assigned_alone(session: Session) -> None:
    city = city_with_one_criterion_for_rui(session)
    assert len(V1.area("OPS").criteria) > 1

    before = own_progress(session, person_id=city.person_id("rui"), rubric=V1)
    answer(session, city, "rui", "OPS1")
    after = own_progress(session, person_id=city.person_id("rui"), rubric=V1)

    assert [(a.name, a.answered, a.total) for a in before[0].areas] == [(V1.area("OPS").name, 0, 1)]
    assert [(a.answered, a.total) for a in after[0].areas] == [(1, 1)]


def test_a_round_offered_to_close_counts_only_the_questions_asked(session: Session) -> None:
    city = city_with_one_criterion_for_rui(session)
    answer(session, city, "rita", "GOV1", "GOV2")

    offer = new_round(
        session, team_id=city.workspace.slack_team_id, user_id=city.person("cora").slack_user_id,
        city_name="", version=None, rubrics=RubricRegistry(V2, [V1]),
        now=NOW + timedelta(days=365),
    )  # fmt: skip

    assert isinstance(offer, OfferToClose)
    assert (offer.unanswered, offer.total) == (1, 3)  # OPS1, of GOV1, GOV2 and OPS1

"""The digest lists each city's open disagreements with every current answer, in the same
number of statements for two cities as for six."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.schedule.digest import build_digests
from bot.schedule.due import due_digests
from bot.slack.builders.notifications import build_digest
from rubric.loader import load_bundled_rubric
from storage.enums import AnswerSource, AnswerStatus, Resolution, Role
from storage.repo import disagreements, respondents, sweeps
from storage.session import unit_of_work
from tests.builders import NOW, build_city
from tests.schedule.test_digest_scale import counting

RUBRIC = load_bundled_rubric()
SATURDAY = NOW + timedelta(days=5)
TWO_ITEMS = [item.id for item in RUBRIC.criterion("OD2").checklist[:2]]
PEOPLE = {"cora": [Role.COORDINATOR], "rita": [Role.RESPONDENT], "rui": [Role.RESPONDENT]}


def add_cities(engine: Engine, first: int, count: int) -> None:
    """Cities where Rita and Rui share Open Data and disagree on OD2 (and, settled, on OD3)."""
    with Session(engine) as session:
        for n in range(first, first + count):
            city = build_city(session, name=f"City {n}", people=PEOPLE,
                              areas={"OD": ["rita", "rui"]}, commit=False)  # fmt: skip
            for who, ticked in (("rita", TWO_ITEMS), ("rui", [])):
                for cid in ("OD2", "OD3"):
                    respondents.record_respondent_answer(
                        session, assessment_id=city.assessment_id, criterion_id=cid,
                        person_id=city.person_id(who), ticked=ticked,
                        status=AnswerStatus.ANSWERED, note=f"{who} in {n}", evidence=[],
                        now=NOW, source=AnswerSource.CLICK,
                    )  # fmt: skip
            disagreements.open_disagreement(
                session, assessment_id=city.assessment_id, criterion_id="OD2", now=NOW
            )
            settled, _ = disagreements.open_disagreement(
                session, assessment_id=city.assessment_id, criterion_id="OD3", now=NOW
            )
            disagreements.settle(session, disagreement=settled, resolution=Resolution.ACCEPTED,
                                 now=NOW)  # fmt: skip
        session.commit()


def digests(engine: Engine) -> tuple[dict[int, object], int]:
    with unit_of_work(engine, read_only=True) as session:
        due = due_digests(SATURDAY, sweeps.all_cities(session))
        with counting(engine) as sent:
            views = build_digests(session, rubric=RUBRIC, due=due, now=SATURDAY)
    return views, len(sent)  # type: ignore[return-value]


def test_each_digest_lists_its_own_open_disagreements_in_constant_statements(
    engine: Engine,
) -> None:
    add_cities(engine, 1, 2)
    few_views, few = digests(engine)
    add_cities(engine, 3, 4)
    views, many = digests(engine)

    assert few == many
    assert len(few_views) == 2 and len(views) == 6
    for view in views.values():
        [open_one] = view.disagreements  # type: ignore[attr-defined]
        assert open_one.criterion_id == "OD2" and open_one.city_name == view.city_name  # type: ignore[attr-defined]
        n = view.city_name.removeprefix("City ")  # type: ignore[attr-defined]
        assert [(a.name, len(a.ticked), a.note) for a in open_one.answers] == [
            ("Rita", 2, f"rita in {n}"),
            ("Rui", 0, f"rui in {n}"),
        ]
        message = build_digest(view)  # type: ignore[arg-type]
        assert "1 disagreement to settle*: OD2" in message.text
        labels = [b["accessory"]["text"]["text"] for b in message.blocks if "accessory" in b]
        assert labels == ["Accept Rita's answer", "Accept Rui's answer"]


def test_a_round_without_disagreements_shows_none(engine: Engine) -> None:
    with Session(engine) as session:
        build_city(session, people=PEOPLE, areas={"OD": ["rita", "rui"]})
    views, _ = digests(engine)

    [view] = views.values()
    assert view.disagreements == ()  # type: ignore[attr-defined]
    assert "disagreement" not in build_digest(view).text  # type: ignore[arg-type]

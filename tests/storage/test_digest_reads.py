"""The bulk reads the weekly digests are built from, on both databases: plans with the criteria
of their milestones, the open milestones due by a day, milestones by id, idle respondents."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from storage.repo import assessments, digests, plans, progress
from storage.repo import respondents as respondent_repo
from storage.repo.bulk import as_date
from tests.builders import NOW, build_city

DUE_BY = date(2027, 3, 20)


def _milestone(session: Session, plan_id: int, criterion: str, due: date,
               owner_id: int | None = None, title: str | None = None) -> int:  # fmt: skip
    made = plans.add_milestone(
        session, plan_id=plan_id, criterion_id=criterion, title=title or f"Meet {criterion}",
        due_on=due, owner_id=owner_id, now=NOW,
    )  # fmt: skip
    assert made.id is not None
    return made.id


def _plan(session: Session, assessment_id: int, *, later: int = 0) -> int:
    made = plans.create_plan(
        session, assessment_id=assessment_id, created_by_id=None, now=NOW + timedelta(hours=later)
    )
    assert made.id is not None
    return made.id


def test_each_plan_comes_with_the_criteria_of_its_milestones_kept_and_done(
    session: Session,
) -> None:
    city = build_city(session)
    older = _plan(session, city.assessment_id)
    newer = _plan(session, city.assessment_id, later=1)
    _milestone(session, older, "PA1", DUE_BY)
    _milestone(session, newer, "OD1", DUE_BY)
    done = [_milestone(session, newer, cid, DUE_BY) for cid in ("OD2", "DM1")]
    dropped = _milestone(session, newer, "OD3", DUE_BY)
    for mid in done:
        plans.complete_milestone(session, milestone_id=mid, now=NOW)
    plans.drop_milestone(session, milestone_id=dropped)
    empty = build_city(session, name="Shelbyville", team_id="T0SHELBY")
    bare = _plan(session, empty.assessment_id)
    gone = build_city(session, name="Ogdenville", team_id="T0OGDEN")
    _milestone(session, _plan(session, gone.assessment_id), "PA1", DUE_BY)
    assessments.archive_assessment(session, assessment_id=gone.assessment_id, now=NOW)
    session.commit()

    found = digests.current_plans(session, city_ids=[city.city_id, empty.city_id, gone.city_id])

    assert [(p.id, p.city_id) for p in found] == [
        (older, city.city_id),
        (bare, empty.city_id),
        (newer, city.city_id),
    ]  # oldest first; the archived round's plan is left out
    kept = {p.id: sorted(digests.ids_of(p.kept)) for p in found}
    finished = {p.id: sorted(digests.ids_of(p.done)) for p in found}
    assert kept == {older: ["PA1"], bare: [], newer: ["DM1", "OD1", "OD2"]}
    assert finished == {older: [], bare: [], newer: ["DM1", "OD2"]}


def test_due_milestones_are_the_open_ones_due_by_the_day_overdue_included_by_due_date(
    session: Session,
) -> None:
    city = build_city(session)
    leo = city.person_id("leo")
    plan = _plan(session, city.assessment_id)
    late = _milestone(session, plan, "OD1", date(2027, 2, 26), leo, "Publish the policy")
    edge = _milestone(session, plan, "OD2", DUE_BY, None, "Name a data lead")
    same_day = _milestone(session, plan, "OD3", DUE_BY, leo, "Inventory the data")
    _milestone(session, plan, "OD4", DUE_BY + timedelta(days=1), leo)  # a day too late
    _milestone(session, plan, "OD5", date(2027, 9, 1), leo)
    done = _milestone(session, plan, "DM1", date(2027, 3, 2), leo)
    dropped = _milestone(session, plan, "DM2", date(2027, 3, 3), leo)
    plans.complete_milestone(session, milestone_id=done, now=NOW)
    plans.drop_milestone(session, milestone_id=dropped)
    other = build_city(session, name="Shelbyville", team_id="T0SHELBY")
    _milestone(session, _plan(session, other.assessment_id), "OD1", date(2027, 3, 2))
    session.commit()

    rows = digests.due_milestones(session, plan_ids=[plan], due_by=DUE_BY)

    assert [(p, title, owner, as_date(due)) for p, title, owner, due in rows] == [
        (plan, "Publish the policy", "Leo", date(2027, 2, 26)),
        (plan, "Name a data lead", None, DUE_BY),
        (plan, "Inventory the data", "Leo", DUE_BY),
    ]
    assert late < edge < same_day  # the same due date: in the order they were added
    assert digests.due_milestones(session, plan_ids=[plan], due_by=date(2027, 2, 25)) == []


def test_milestones_by_id_give_their_plan_title_and_owner(session: Session) -> None:
    city = build_city(session)
    plan = _plan(session, city.assessment_id)
    owned = _milestone(session, plan, "OD1", DUE_BY, city.person_id("leo"), "Publish the policy")
    unowned = _milestone(session, plan, "OD2", date(2027, 9, 1), None, "Name a data lead")
    session.commit()

    found = digests.milestones_by_id(session, milestone_ids=[owned, unowned, 999_999])

    assert found == {
        owned: (owned, plan, "Publish the policy", city.person_id("leo"), "Leo"),
        unowned: (unowned, plan, "Name a data lead", None, None),
    }


def test_idle_respondents_are_those_with_an_unfinished_interview_and_no_recent_change(
    session: Session,
) -> None:
    people = {name: ["respondent"] for name in ("rita", "cora", "pat", "sam")}
    areas = {"DM": ["rita"], "OD": ["rita", "cora"], "BF": ["pat", "sam"]}
    city = build_city(session, people=people, areas=areas)
    aid = city.assessment_id
    respondent_repo.assign_criterion(session, assessment_id=aid, area_id="PA",
                                     criterion_id="PA1", person_id=city.person_id("rita"),
                                     now=NOW)  # fmt: skip
    cutoff = NOW + timedelta(days=3)
    progress.save_progress(session, person_id=city.person_id("rita"), assessment_id=aid,
                           current_criterion_id="DM1", now=NOW + timedelta(days=1))  # fmt: skip
    progress.complete_progress(session, person_id=city.person_id("cora"), assessment_id=aid,
                               now=NOW)  # fmt: skip
    assessments.assign_area(session, assessment_id=aid, area_id="PA",
                            person_id=city.person_id("pat"), now=cutoff)  # fmt: skip
    progress.save_progress(session, person_id=city.person_id("sam"), assessment_id=aid,
                           current_criterion_id="BF1", now=cutoff)  # fmt: skip
    session.commit()

    found = digests.respondents_of(session, assessment_ids=[aid], inactive_before=cutoff)

    # Cora finished; Pat was given an area and Sam was active at the cutoff.
    assert found == [
        digests.RespondentRow(
            assessment_id=aid,
            person_id=city.person_id("rita"),
            name="Rita",
            area_ids=("DM", "OD"),
            last_assigned_at=NOW,
            last_activity_at=NOW + timedelta(days=1),
            criterion_ids=("PA1",),
        )
    ]

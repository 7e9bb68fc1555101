"""The weekly digest lists the criteria whose evidence has all grown older than the maximum age
(12 months unless CITYCHECK_EVIDENCE_MAX_AGE_MONTHS says otherwise), at an injected `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from bot.sandbox.server import LocalSandbox
from bot.schedule.digest import build_digests
from bot.schedule.due import due_digests
from storage.repo import answers, sweeps
from storage.session import unit_of_work
from tests.schedule.conftest import World, make_world

DIGEST = datetime(2027, 3, 8, 14, tzinfo=UTC)  # Monday 8 March, 9:00 in New York
GIVEN = datetime(2026, 2, 2, 15, tzinfo=UTC)  # 13 months before
POLICY, MINUTES = "https://springfield.gov/policy.pdf", "https://springfield.gov/minutes"


def city_with_evidence(sandbox: LocalSandbox, engine: Engine) -> World:
    world = make_world(sandbox, engine, areas={"OD": ["rita"]}, now=GIVEN)
    saves: tuple[tuple[str, list[str], datetime], ...] = (
        ("OD1", [POLICY], GIVEN),  # only old evidence: to refresh
        ("OD2", [POLICY], GIVEN),
        ("OD2", [POLICY, MINUTES], DIGEST - timedelta(days=20)),  # a current link since
        ("OD3", [], GIVEN),  # no evidence at all: nothing to refresh
    )
    with unit_of_work(engine) as session:
        for cid, links, when in saves:
            answers.record_answer(
                session, assessment_id=world.assessment_id, criterion_id=cid,
                person_id=world.pid("rita"), ticked=[], status="answered", note=None,
                evidence=links, now=when, source="click",
            )  # fmt: skip
    return world


def test_the_digest_asks_to_refresh_evidence_that_is_all_stale(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world = city_with_evidence(sandbox, engine)
    world.clock.now = DIGEST

    world.sweeper().sweep()

    (digest,) = world.channel_texts()
    assert (
        "*Evidence to refresh*\n• 1 criterion rests only on evidence given before Mar 8, 2026: "
        "OD1. Ask for a current link (Add evidence); the next round asks for it too."
    ) in digest


def test_a_longer_maximum_age_lists_nothing_to_refresh(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    world = city_with_evidence(sandbox, engine)
    with unit_of_work(engine, read_only=True) as session:
        due = due_digests(DIGEST, sweeps.all_cities(session))
        views = build_digests(
            session, rubric=world.rubric, due=due, now=DIGEST, evidence_max_age_months=18
        )
        default = build_digests(session, rubric=world.rubric, due=due, now=DIGEST)

    assert views[world.city_id].stale_evidence == ()
    assert default[world.city_id].stale_evidence == ("OD1",)

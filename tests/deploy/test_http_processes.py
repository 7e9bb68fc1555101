"""Two `citycheck run --http` processes on one PostgreSQL database share a respondent's interview.

A round-robin balancer sends each request from the sandbox Slack to the next process, so the
clicks and typed replies of one interview alternate between the processes: every answer is
stored once, each question follows the one before whichever process took the answer, and the
interview ends as it would in one process.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.sandbox.driver import Workspace
from bot.sandbox.respondent import Respondent, criterion_of
from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import SIGNING_SECRET, strict_sandbox
from bot.slack import ids
from storage.engine import make_engine
from storage.repo import answers, progress
from tests.conftest import BACKENDS
from tests.deploy.processes import Citycheck
from tests.deploy.roundrobin import RoundRobin
from tests.slack.interview_world import RUBRIC, seed_city
from tests.slack.processes import clean_env, free_port

pytestmark = pytest.mark.slow
POSTGRES_ONLY = [backend for backend in BACKENDS if backend != "sqlite"]
ANSWER_ACTIONS = {
    f"action:{a}" for a in (ids.INTERVIEW_SAVE, ids.INTERVIEW_NONE, ids.INTERVIEW_UNSURE)
}


@pytest.fixture
def sandbox() -> Iterator[LocalSandbox]:
    with strict_sandbox() as running:
        yield running


@pytest.fixture
def balancer(sandbox: LocalSandbox, db_url: str, tmp_path: Path) -> Iterator[RoundRobin]:
    """Two bot processes on the database, behind a round-robin balancer."""
    env = clean_env(
        SLACK_BOT_TOKEN=sandbox.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=sandbox.api_url,
        DATABASE_URL=db_url,
        CITYCHECK_LOG_LEVEL="warning",
    )
    ports = [free_port(), free_port()]
    bots = [
        Citycheck(
            f"bot{n}",
            ["run", "--http", "--host", "127.0.0.1", "--port", str(port), "--no-scheduler"],
            env,
            tmp_path,
        )
        for n, port in enumerate(ports)
    ]
    try:
        for bot, port in zip(bots, ports, strict=True):
            bot.wait_healthy(f"http://127.0.0.1:{port}/healthz")
        front = RoundRobin([f"http://127.0.0.1:{port}" for port in ports])
        yield front
        front.stop()
    finally:
        codes = [bot.stop() for bot in bots]
        for bot in bots:
            assert "Traceback" not in bot.stderr(), bot.stderr()
    assert codes == [0, 0]


@pytest.mark.parametrize("db_backend", POSTGRES_ONLY, indirect=True)
def test_an_interview_alternating_between_two_processes_loses_nothing(
    sandbox: LocalSandbox, balancer: RoundRobin, db_url: str
) -> None:
    workspace = Workspace(sandbox, balancer.events_url, SIGNING_SECRET)
    engine = make_engine(db_url)
    try:
        world = seed_city(engine, workspace, people={"rita": ["OD", "BF"]})
        rita = Respondent(workspace, world.user("rita"))
        asked = [criterion_of(rita.resume())]
        plan: list[tuple[str, object]] = [
            ("click", "all"), ("click", [1, 2]), ("type", "all"), ("click", "none"),
            ("click", "unsure"), ("type", "1 and 2"), ("click", [1]),
        ]  # fmt: skip
        for how, reply in plan:
            if how == "type":
                rita.type(str(reply))
            else:
                rita.answer(reply)  # type: ignore[arg-type]
            following = rita.question()
            if following is not None and criterion_of(following) not in asked:
                asked.append(criterion_of(following))

        with Session(engine) as session:
            stored = answers.answers_for_assessment(session, assessment_id=world.assessment_id)
            changes = [len(answers.answer_history(session, answer_id=a.id or 0)) for a in stored]
            person = stored[0].answered_by_id if stored else None
            place = progress.get_progress(
                session, person_id=person or 0, assessment_id=world.assessment_id
            )
    finally:
        engine.dispose()

    expected = [c.id for area in ("OD", "BF") for c in RUBRIC.area(area).criteria]
    assert asked == expected  # each question followed the last, whichever process took it
    assert sorted(a.criterion_id for a in stored) == sorted(expected)
    assert changes == [1] * len(expected)  # each answer stored once: no click done twice
    ticked = {a.criterion_id: set(a.ticked) for a in stored}
    checklist = {cid: [item.id for item in RUBRIC.criterion(cid).checklist] for cid in expected}
    assert ticked[expected[0]] == set(checklist[expected[0]])
    assert ticked[expected[1]] == set(checklist[expected[1]][:2])
    assert ticked[expected[2]] == set(checklist[expected[2]])
    assert ticked[expected[3]] == set()
    assert ticked[expected[6]] == {checklist[expected[6]][0]}
    assert place is not None and place.completed_at is not None
    assert any(m["text"].startswith("🎉 Thank you!") for m in rita.messages())

    replies = [s for s in balancer.served if s.kind in ANSWER_ACTIONS or s.kind == "event:message"]
    assert len(replies) == len(plan)
    assert all(s.status == 200 for s in balancer.served)
    by_backend = [sum(1 for s in replies if s.backend == n) for n in (0, 1)]
    assert min(by_backend) >= 2, by_backend  # the answers were shared between the processes
    turns = [s.backend for s in balancer.served]  # ticks, saves, typed replies, in turn
    assert turns == [n % 2 for n in range(len(turns))]

"""End to end over HTTP against the sandbox: two respondents answer Open Data on their own and
disagree on three criteria; the coordinator settles them from the App Home, from the weekly
digest and by asking them to talk it over; the last settlement completes the round, the level
follows the settled answers, and the history keeps every respondent's answer and each
settlement."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.reports.city_text import render_city_text
from bot.reports.model import build_city_report
from bot.sandbox.driver import Workspace
from bot.sandbox.respondent import Respondent, is_question
from bot.sandbox.server import LocalSandbox
from bot.sandbox.testing import BotUnderTest, running_bot
from bot.schedule.sweep import Sweeper
from bot.slack import ids
from bot.slack.outbox import SlackSender
from rubric.scoring import Answer, score
from storage.engine import make_engine
from storage.enums import AnswerSource, AssessmentStatus, Resolution
from storage.models import Assessment, Disagreement, RespondentAnswer
from storage.repo import answers
from storage.session import unit_of_work
from tests.schedule.conftest import World, make_world
from tests.schedule.world import answer_all

START = datetime(2027, 3, 1, 12, tzinfo=UTC)  # Monday 7:00 in New York
DIGEST_AT = datetime(2027, 3, 1, 14, 5, tzinfo=UTC)  # 9:05, after the Monday digest slot
PEOPLE = {"cora": ["coordinator"], "rita": ["respondent"], "rui": ["respondent"]}
OTHERS_MET = (
    *(f"DM{i}" for i in range(1, 10)),
    *(f"LC{i}" for i in range(1, 8)),
    *(f"PA{i}" for i in range(1, 6)),
    "BF1",
    "BF2",
    "BF3",
    "CI3",
    "RDC1",
)
"""26 criteria met outside Open Data: with OD1 that is Silver (27 of 43); Gold needs 30."""
DISPUTED = ("OD2", "OD3", "OD4")


@pytest.fixture
def shared_engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def world(sandbox: LocalSandbox, shared_engine: Engine) -> World:
    made = make_world(
        sandbox, shared_engine, people=PEOPLE, areas={"OD": ["rita", "rui"]}, now=START
    )
    with unit_of_work(shared_engine) as session:
        answer_all(session, rubric=made.rubric, assessment_id=made.assessment_id,
                   person_id=made.pid("cora"), criteria=OTHERS_MET, now=START)  # fmt: skip
    return made


@pytest.fixture
def bot(sandbox: LocalSandbox, world: World) -> Iterator[BotUnderTest]:
    with running_bot(sandbox, engine=world.engine, rubric=world.rubric, clock=world.clock) as b:
        yield b


def level_of(world: World) -> tuple[str | None, str]:
    with Session(world.engine) as session:
        report = build_city_report(session, rubric=world.rubric, city_id=world.city_id,
                                   now=world.clock.now, with_cohort=False)  # fmt: skip
    return (report.score.level.id if report.score.level else None), render_city_text(report)


def disagreement_ids(world: World) -> dict[str, int]:
    with Session(world.engine) as session:
        rows = session.exec(select(Disagreement).order_by(col(Disagreement.id))).all()
        return {row.criterion_id: row.id or 0 for row in rows}


def ticked_initially(question: dict[str, object]) -> list[object]:
    return [
        option
        for block in question["blocks"]  # type: ignore[attr-defined]
        for element in block.get("elements", [])
        if element.get("type") == "checkboxes"
        for option in element.get("initial_options", [])
    ]


def test_two_respondents_disagree_on_three_criteria_and_the_coordinator_settles_them(
    bot: BotUnderTest, world: World
) -> None:
    ws = bot.workspace
    rita, rui = Respondent(ws, world.user("rita")), Respondent(ws, world.user("rui"))
    cora = world.user("cora")

    rita.resume()
    for _ in range(4):
        rita.answer("all")  # OD1..OD4: every item in place
    first = rui.resume()
    assert rui.criterion(first) == "OD1" and ticked_initially(first) == []  # blind: none shown
    rui.answer("all")  # OD1: the same answer as Rita's
    assert ticked_initially(rui.question() or {}) == []  # OD2: Rita's ticks are not shown
    rui.answer([1])  # OD2: one item of four
    rui.answer("none")  # OD3
    rui.answer("unsure")  # OD4

    assert set(disagreement_ids(world)) == set(DISPUTED)
    assert round_status(world) == AssessmentStatus.OPEN  # not complete while disputed
    level, text = level_of(world)
    assert level == "silver"  # 27 met: the three disputed criteria count as unknown
    assert "3 criteria are unsettled (their respondents disagree), so they count as unknown" in text
    assert "OD2, OD3, OD4" in text

    # The coordinator's Home lists all three, with both answers and the buttons.
    ws.open_home(cora)
    shown = str(ws.wait_for(lambda: ws.home(cora), what="cora's Home")["blocks"])
    assert "3 disagreements to settle" in shown
    assert "*Rita*: 4 of 4 items" in shown and "*Rui*: 1 of 4 items" in shown
    assert "*Rui*: not sure (0 items ticked)" in shown

    # OD2: accepted from the Home; both respondents are told.
    world.clock.now = START.replace(hour=13)
    ws.click_home(cora, "Accept Rita's answer", block_id=ritas_block(world, "OD2"))
    ws.wait_for_message(cora, "Settled: Rita's answer now counts for *OD2*")
    ws.wait_for_message(world.user("rui"), "Cora settled *OD2* for Springfield: Rita's answer")

    # The weekly digest lists the two left, with the same buttons.
    world.clock.now = DIGEST_AT
    Sweeper(world.engine, world.rubric, SlackSender(bot.deps), clock=world.clock).sweep()
    assert "2 disagreements to settle*: OD3, OD4" in digest_text(world)

    # Rita is no coordinator: her click in the digest is refused and changes nothing.
    ws.click_in_channel(world.user("rita"), world.channel, "Accept Rita's answer",
                        block_id=ritas_block(world, "OD4"))  # fmt: skip
    ws.wait_for_message(world.user("rita"), "Only your city's coordinators")
    assert set(open_criteria(world)) == {"OD3", "OD4"}

    # OD4: accepted from the digest. OD3: talked over in a group DM, then agreed.
    ws.click_in_channel(cora, world.channel, "Accept Rita's answer",
                        block_id=ritas_block(world, "OD4"))  # fmt: skip
    talk_block = f"{ids.BLOCK_DISAGREEMENT_BUTTONS_PREFIX}{disagreement_ids(world)['OD3']}"
    ws.click_in_channel(cora, world.channel, "Ask them to talk it over", block_id=talk_block)
    [group] = ws.wait_for(lambda: world.sandbox.group_dms(user_id=cora), what="the group DM")
    bot_user = world.sandbox.identity()["bot_user_id"]
    assert sorted(group["members"]) == sorted([world.user("rita"), world.user("rui"), cora,
                                               bot_user])  # fmt: skip
    talk = ws.wait_for(lambda: world.sandbox.history(channel_id=group["id"]), what="the talk")
    assert "Cora asks you to talk over *OD3* for Springfield" in talk[0]["text"]
    asked = change_in_group(ws, rui, group["id"])
    assert rui.criterion(asked) == "OD3"
    ws.tick(world.user("rui"), rui.items(asked), in_message=asked)
    ws.click_in(world.user("rui"), asked, "Save")  # now the same as Rita's: agreed
    ws.wait_for(lambda: not is_question(now_of(rui, asked)), what="OD3's record")

    assert open_criteria(world) == []
    assert round_status(world) == AssessmentStatus.COMPLETED
    ws.wait_for(lambda: "is complete" in " ".join(channel_texts(world)), what="the result")
    level, text = level_of(world)
    settled = {
        c.id: Answer.all_of(c)
        for c in world.rubric.criteria()
        if c.id in OTHERS_MET or c.id.startswith("OD")
    }
    expected = score(world.rubric, settled).level
    assert expected is not None and level == expected.id == "gold"
    assert "3 criteria were settled from disagreements between their respondents." in text
    assert "unsettled" not in text
    ws.open_home(cora)
    ws.wait_for(lambda: "disagreements to settle" not in str(ws.home(cora)), what="an empty list")
    assert_history_holds_every_answer(world)


def assert_history_holds_every_answer(world: World) -> None:
    """Each respondent's answers, the settlement of each criterion, and who made it."""
    rita, rui, cora = world.pid("rita"), world.pid("rui"), world.pid("cora")
    with Session(world.engine) as session:
        mine = session.exec(select(RespondentAnswer).order_by(col(RespondentAnswer.id))).all()
        names = {rita: "rita", rui: "rui"}
        given = [(names[r.person_id or 0], r.criterion_id, len(r.ticked)) for r in mine]
        assert [g for g in given if g[1] == "OD3"] == [
            ("rita", "OD3", 3),
            ("rui", "OD3", 0),
            ("rui", "OD3", 3),
        ]
        assert {g[:2] for g in given} == {
            (who, cid) for who in ("rita", "rui") for cid in ("OD1", *DISPUTED)
        }
        ritas = {r.criterion_id: r.id for r in mine if r.person_id == rita}
        settlements = {
            "OD2": (AnswerSource.SETTLED, rita, cora),
            "OD3": (AnswerSource.AGREED, rui, rui),
            "OD4": (AnswerSource.SETTLED, rita, cora),
        }
        for cid, (source, answered_by, changed_by) in settlements.items():
            row = answers.get_answer(session, assessment_id=world.assessment_id, criterion_id=cid)
            assert row is not None and row.answered_by_id == answered_by
            last = answers.answer_history(session, answer_id=row.id or 0)[-1]
            assert (last.source, last.changed_by_id) == (source, changed_by)
            if source == AnswerSource.SETTLED:
                assert last.respondent_answer_id == ritas[cid]
        resolutions = {
            d.criterion_id: d.resolution for d in session.exec(select(Disagreement)).all()
        }
        assert resolutions == {
            "OD2": Resolution.ACCEPTED,
            "OD3": Resolution.AGREED,
            "OD4": Resolution.ACCEPTED,
        }


def change_in_group(ws: Workspace, person: Respondent, channel: str) -> dict[str, object]:
    """The person clicks "Change my answer" in the group DM; the question they get in theirs."""
    mark = float(person.messages()[-1]["ts"])
    ws.click_in_channel(person.user_id, channel, "Change my answer")

    def asked() -> dict[str, object] | None:
        found = person.question()
        return found if found is not None and float(str(found["ts"])) > mark else None

    return ws.wait_for(asked, what="the question again")


def round_status(world: World) -> AssessmentStatus:
    """The status of the city's round."""
    with Session(world.engine) as session:
        found = session.get(Assessment, world.assessment_id)
        assert found is not None
        return AssessmentStatus(found.status)


def channel_texts(world: World) -> list[str]:
    """The texts posted in the city's channel, oldest first."""
    return [str(m["text"]) for m in world.sandbox.history(channel_id=world.channel)]


def digest_text(world: World) -> str:
    """The text of the digest posted in the city's channel."""
    return next(t for t in channel_texts(world) if "Weekly digest" in t)


def ritas_block(world: World, criterion_id: str) -> str:
    """The block of Rita's answer (with its Accept button) in a disagreement's list."""
    with Session(world.engine) as session:
        query = select(RespondentAnswer).where(
            RespondentAnswer.criterion_id == criterion_id,
            RespondentAnswer.person_id == world.pid("rita"),
        )
        answer = session.exec(query.order_by(col(RespondentAnswer.id).desc())).first()
        assert answer is not None
    found = disagreement_ids(world)[criterion_id]
    return f"{ids.BLOCK_DISAGREEMENT_PREFIX}{found}_{answer.id}"


def now_of(person: Respondent, message: dict[str, object]) -> dict[str, object]:
    """A message of the person's DM as it is now."""
    return next(m for m in person.messages() if m["ts"] == message["ts"])


def open_criteria(world: World) -> list[str]:
    """The criteria with an open disagreement."""
    with Session(world.engine) as session:
        query = select(Disagreement).where(col(Disagreement.settled_at).is_(None))
        return [d.criterion_id for d in session.exec(query)]

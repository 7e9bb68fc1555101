"""`/citycheck assign OD3 @tom`: a coordinator gives one criterion to a person without the form;
Tom is told by DM and his Start asks him that criterion only; a non-coordinator is refused.
An answer to a criterion several people share costs a few statements more than one alone."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.sandbox.respondent import Respondent
from bot.sandbox.server import LocalSandbox
from storage.engine import make_engine
from tests.slack.interview_world import app_on, count_statements, seed_city


def test_a_coordinator_assigns_one_criterion_by_command(
    sandbox: LocalSandbox, engine: Engine
) -> None:
    with app_on(sandbox, engine) as bot:
        ws = bot.workspace
        world = seed_city(engine, ws, people={"rita": ["OD"]}, coordinators=["cora"])
        tom = ws.add_user("tom", tz="America/Chicago")
        cora, rita = world.user("cora"), world.user("rita")

        ws.command(rita, f"assign OD3 <@{tom}|tom>")
        ws.wait_for_message(rita, "Only your city's coordinators")
        ws.command(cora, f"assign od3 <@{tom}|tom>")

        note = ws.wait_for_message(tom, "asked you to answer one question")
        assert "*OD3*" in note["text"] and "Rita answer it too" in note["text"]
        confirmed = ws.wait_for_message(cora, "is answered by")
        assert confirmed["text"].startswith("*OD3* of Springfield is answered by Rita, tom")
        question = Respondent(ws, tom).click_resume()
        assert Respondent(ws, tom).criterion(question) == "OD3"
        assert "1 of 1" in str(question["blocks"])  # his only question


def test_an_unknown_id_says_what_to_write(sandbox: LocalSandbox, engine: Engine) -> None:
    with app_on(sandbox, engine) as bot:
        ws = bot.workspace
        world = seed_city(engine, ws, people={"rita": ["OD"]}, coordinators=["cora"])

        ws.command(world.user("cora"), f"assign XY9 <@{world.user('rita')}>")

        refusal = ws.wait_for_message(world.user("cora"), "no practice area or criterion XY9")
        assert "such as DM (an area) or DM1 (one criterion)" in refusal["text"]


def test_an_answer_to_a_shared_criterion_costs_a_few_statements_more(
    sandbox: LocalSandbox, db_url: str
) -> None:
    engine = make_engine(db_url)
    try:
        with app_on(sandbox, engine) as bot:
            world = seed_city(engine, bot.workspace, people={"rita": ["DM"], "rui": ["DM"]})
            rita = Respondent(bot.workspace, world.user("rita"))
            rui = Respondent(bot.workspace, world.user("rui"))
            rita.resume()
            rita.answer([1])  # warm: the first click loads what is cached afterwards
            with count_statements(engine) as waiting:
                rita.answer([1, 2])  # DM2: Rui has not answered it yet
            rui.resume()
            with count_statements(engine) as disputed:
                rui.answer([1, 3])  # DM1: differs from Rita's, a disagreement opens
    finally:
        engine.dispose()

    assert waiting.count <= 7, waiting.sent
    assert disputed.count <= 10, disputed.sent
    assert any(s.startswith("INSERT INTO disagreement") for s in disputed.sent)

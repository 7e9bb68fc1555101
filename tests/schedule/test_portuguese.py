"""A Brazilian city: the weekly digest in its channel and a milestone reminder to its owner,
sent by the scheduler's sweep with a fixed clock, read in Portuguese with Brazilian dates and
numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine

from bot.sandbox.server import LocalSandbox
from bot.sandbox.surfaces import controls
from bot.schedule.attention import AttentionRules
from storage.repo import orgs, plans
from storage.session import unit_of_work
from tests.schedule.conftest import World, make_world
from tests.schedule.world import MET, TO_GOLD, answer_all, title_of

CREATED = datetime(2027, 2, 22, 15, tzinfo=UTC)  # Monday 22 February, noon in Recife
DUE = [date(2027, 3, 3), date(2027, 3, 17), date(2027, 9, 1)]


def recife(sandbox: LocalSandbox, engine: Engine) -> World:
    """Recife, its channel messages in Portuguese, its people on Slack in pt-BR, a plan of nine
    milestones (titled in Portuguese) owned by Leo."""
    world = make_world(
        sandbox, engine, timezone="America/Recife", name="Recife", areas={"PA": ["rita"]},
        now=CREATED,
    )  # fmt: skip
    with unit_of_work(engine) as session:
        orgs.update_city(session, city_id=world.city_id, language="pt")
        for short, person in world.people.items():
            orgs.upsert_person(
                session, workspace_id=person.workspace_id, slack_user_id=person.slack_user_id,
                display_name=short.capitalize(), locale="pt-BR", timezone="America/Recife",
                now=CREATED,
            )  # fmt: skip
        answer_all(
            session, rubric=world.rubric, assessment_id=world.assessment_id,
            person_id=world.pid("cora"), criteria=MET, now=CREATED,
        )  # fmt: skip
        plan = plans.create_plan(
            session, assessment_id=world.assessment_id, created_by_id=None, now=CREATED
        )
        assert plan.id is not None
        for index, cid in enumerate(TO_GOLD):
            plans.add_milestone(
                session, plan_id=plan.id, criterion_id=cid, title=portuguese_title(world, cid),
                due_on=DUE[index % len(DUE)], owner_id=world.pid("leo"), now=CREATED,
            )  # fmt: skip
    return world


def portuguese_title(world: World, criterion_id: str) -> str:
    return title_of(world.rubric, criterion_id, "pt")


def test_the_weekly_digest_reads_in_portuguese(sandbox: LocalSandbox, engine: Engine) -> None:
    world = recife(sandbox, engine)
    world.clock.now = datetime(2027, 3, 8, 12, tzinfo=UTC)  # Monday 8 March, 9:00 in Recife

    world.sweeper().sweep()

    [digest] = world.channel_texts()
    lines = digest.splitlines()
    assert lines[:4] == [
        "Resumo semanal: Recife",
        "Nível com os marcos concluídos: *sem nível* · com todos concluídos: *Ouro*",
        "0 de 9 marcos concluídos",
        "Níveis: Prata 51% · Ouro 68% · Platina 85%",
    ]
    assert "*Andamento por área*" in digest
    assert "• Desempenho e Análise de Dados: 0 de 5 respondidos, 0 de 3 marcos concluídos" in lines
    assert "*Com atraso*\n• Rita: 5 sem resposta, última atividade: não começou" in digest
    overdue = [portuguese_title(world, c) for c in TO_GOLD[0::3]]  # due 3 March
    assert all(f"• *{t}*: Leo, atrasado há 5 dias (3 de mar. de 2027)" in lines for t in overdue)
    soon = [portuguese_title(world, c) for c in TO_GOLD[1::3]]  # due 17 March
    assert all(f"• *{t}*: Leo, vence em 9 dias (17 de mar. de 2027)" in lines for t in soon)
    [posted] = sandbox.history(channel_id=world.channel)
    assert (
        posted["blocks"][-1]["elements"][0]["text"] == "`/citycheck plan` mostra o plano completo."
    )
    assert "milestone" not in digest.lower() and "Weekly" not in digest


def test_a_milestone_reminder_reads_in_portuguese(sandbox: LocalSandbox, engine: Engine) -> None:
    world = recife(sandbox, engine)
    world.clock.now = datetime(2027, 3, 3, 12, tzinfo=UTC)  # the due day, 9:00 in Recife

    world.sweeper(rules=AttentionRules(weekly_cap=0)).sweep()  # every one of the day, uncapped

    reminders = list(sandbox.messages_for(user_id=world.user("leo"), limit=50))
    today = [portuguese_title(world, c) for c in TO_GOLD[0::3]]  # due today, 3 March
    later = [portuguese_title(world, c) for c in TO_GOLD[1::3]]  # due in 14 days, 17 March
    assert sorted(m["text"] for m in reminders) == sorted(
        [f"Marco (vence hoje): *{t}* (Recife · prazo: 3 de mar. de 2027)" for t in today]
        + [f"Marco (vence em 14 dias): *{t}* (Recife · prazo: 17 de mar. de 2027)" for t in later]
    )
    labels = [c.label for c in controls(reminders[0]["blocks"])]
    assert labels == ["Concluído", "Adiar uma semana", "Preciso de ajuda"]


def test_an_overdue_milestone_is_told_in_portuguese(sandbox: LocalSandbox, engine: Engine) -> None:
    world = recife(sandbox, engine)
    world.clock.now = datetime(2027, 3, 17, 12, tzinfo=UTC)  # two weeks after the due date

    world.sweeper().sweep()

    [title, *_] = [portuguese_title(world, c) for c in TO_GOLD[0::3]]
    assert f"Marco (atrasado há 14 dias): *{title}* (Recife · prazo: 3 de mar. de 2027)" in (
        world.dm_texts("leo")
    )
    assert (
        f"O marco *{title}*, de responsabilidade de Leo, está atrasado há 14 dias "
        "(prazo: 3 de mar. de 2027)."
    ) in world.dm_texts("cora")

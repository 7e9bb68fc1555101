"""Scenario 6: the SQL statements one answer click issues (counted, not timed).

In this process: the real app (`running_bot`) on a migrated SQLite file, against an in-process
sandbox. One click warms the app (and settles); the next is counted with
`before_cursor_execute`: the statements sent before its ack, then the total once the work after
the ack has finished.
"""

from __future__ import annotations

import time

from bot.bench.drive import wait_settled
from bot.bench.interactions import Target, answer_click
from bot.bench.measure import StatementCounter
from bot.bench.results import MEASURED, PLACEHOLDER, Line, ScenarioResult, judged
from bot.bench.runner import BenchContext

TARGET = 6


def run(ctx: BenchContext) -> ScenarioResult:
    """Count one answer click's statements, in all and before the ack."""
    from bot.sandbox.testing import running_bot, strict_sandbox
    from rubric.loader import load_bundled_rubric
    from storage import migrate
    from storage.engine import make_engine

    interaction = answer_click()
    url = ctx.sqlite_url("queries")
    engine = make_engine(url)
    migrate.upgrade(engine)
    try:
        with (
            strict_sandbox() as sandbox,
            running_bot(sandbox, engine=engine, rubric=load_bundled_rubric()) as bot,
        ):
            first, second = interaction.prepare(Target(sandbox, bot.workspace, url), 2)
            since = time.time()
            bot.workspace.send(first.body, first.content_type)
            wait_settled(sandbox, interaction, 1, since=since)
            with StatementCounter(engine) as counter:
                answer = bot.workspace.send(second.body, second.content_type)
                before_ack = counter.count
                bot.drain()
                total = counter.count
    finally:
        engine.dispose()
    placeholder = interaction.placeholder
    return ScenarioResult(
        6,
        "queries",
        "Queries per interaction",
        PLACEHOLDER if placeholder else MEASURED,
        note=f"Counted on {interaction.label}." if placeholder else "",
        figures={
            "interaction": interaction.label,
            "placeholder": placeholder,
            "status": answer.status,
            "before_ack": before_ack,
            "total": total,
            "transaction_control": counter.control,
            "statements": counter.statements,
        },
        lines=[
            Line(
                "SQL statements in all (work after the ack included)",
                str(total),
                f"<= {TARGET}",
                judged(total <= TARGET and answer.status == 200, provisional=placeholder),
            ),
            Line("of which before the ack", str(before_ack)),
        ],
    )

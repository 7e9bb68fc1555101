"""`citycheck demo`: the stage, the sample city, then a script or a person, then the report."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.demo import texts
from bot.demo.city import DemoCity, TeamPlan, add_people, set_up_city
from bot.demo.player import Player, StepFailed
from bot.demo.report import city_result, demo_cities, render_final_report, write_answers
from bot.demo.script import ScriptError, load_script
from bot.demo.stage import Stage, StageError, open_stage
from bot.demo.terminal import KeyboardDemo, Read
from bot.sandbox.store import TEAM_ID
from rubric.loader import load_bundled_rubric
from rubric.schema import Rubric

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BUNDLED_SCRIPT = EXAMPLES / "demo-script.yaml"
TEAMMATES_ANSWERS = EXAMPLES / "answers" / "silver.yaml"
YOU = "you"
KEYBOARD_TEAM = TeamPlan(
    city="Springfield",
    population=114_394,
    coordinator="cora",
    team={YOU: ("OD", "CI"), "rita": ("DM",), "sam": ("LC", "PA"), "tess": ("BF", "RDC"),
          "omar": ("EVAL",)},
)  # fmt: skip
"""The city of the demo at the keyboard: the person answers Open Data and Community Impact."""
RESULT_SECONDS = 15.0

Say = Callable[[str], None]


class DemoFailed(RuntimeError):
    """The demo stopped early; the message says why and what to do."""


@dataclass(frozen=True)
class DemoOptions:
    """What `citycheck demo` was asked to do."""

    script: Path | None = None
    quiet: bool = False
    answers_out: Path | None = None
    database: str | None = None
    keep: bool = False


def play_script(options: DemoOptions, say: Say, warn: Say) -> int:
    """Play a scripted team, print the transcript and the final report; the exit code."""
    rubric = load_bundled_rubric()
    path = options.script or BUNDLED_SCRIPT
    try:
        script = load_script(path, rubric)
    except ScriptError as exc:
        for problem in exc.problems:
            warn(str(problem))
        warn(f"{path}: fix the script above and run again")
        return 1
    tell = (lambda _: None) if options.quiet else say
    started = time.monotonic()
    try:
        with open_stage(database_url=options.database, keep=options.keep, say=tell) as stage:
            tell(texts.SCRIPTED.format(script=path))
            player = prepare_city(stage, rubric, script.plan, tell)
            player.play(script)
            return finish(stage, rubric, player.city, options, say, tell,
                          tail=lambda: player.show(""), started=started)  # fmt: skip
    except (StageError, DemoFailed, StepFailed) as exc:
        warn(f"citycheck demo: {exc}")
        return 1


def take_assessment(options: DemoOptions, read: Read, say: Say, warn: Say) -> int:
    """The demo at the keyboard: the person answers their areas and sees the result."""
    from rubric.answers import load_answers

    rubric = load_bundled_rubric()
    teammates = [p for p in KEYBOARD_TEAM.team if p != YOU]
    started = time.monotonic()
    say(texts.WELCOME)
    try:
        with open_stage(database_url=options.database, keep=options.keep, say=say) as stage:
            player = prepare_city(stage, rubric, KEYBOARD_TEAM, say)
            say(texts.TEAMMATES.format(names=", ".join(teammates)))
            quietly = Player(stage.workspace, player.city, lambda _: None)
            answers = load_answers(TEAMMATES_ANSWERS, rubric)
            count = sum(quietly.answer_all(name, answers, rubric) for name in teammates)
            say(texts.TEAMMATES_DONE.format(count=count, file=TEAMMATES_ANSWERS.name))
            keyboard = KeyboardDemo(
                stage.workspace, player.city, say, you=YOU,
                result_posted=lambda: await_result(stage, rubric, player.city),
            )  # fmt: skip
            say(texts.YOUR_TURN.format(help=texts.HELP))
            welcome = keyboard.latest_clickable()
            if welcome is not None:
                keyboard.activate(welcome)
            keyboard.run(read)
            keyboard.coordinator_view()
            return finish(stage, rubric, player.city, options, say, say,
                          tail=keyboard.show_changes, started=started)  # fmt: skip
    except (StageError, DemoFailed, StepFailed) as exc:
        warn(f"citycheck demo: {exc}")
        return 1


def prepare_city(stage: Stage, rubric: Rubric, plan: TeamPlan, tell: Say) -> Player:
    """Introduce the stage, add the people, set the city up through the coordinator's modals;
    returns the player that shows what the bot sends them."""
    existing = demo_cities_of(stage)
    if existing:
        raise DemoFailed(
            f"the database already holds the demo workspace's cities ({', '.join(existing)}): "
            "give --database an empty database, or leave it out for a fresh one"
        )
    if stage.database_path is None:
        cleanup = texts.OWN_DATABASE
    else:
        cleanup = texts.KEPT if stage.keep else texts.REMOVED
    tell(texts.STAGE.format(
        database=stage.database_path or describe_url(stage.database_url), sandbox=stage.sandbox.url,
        team=TEAM_ID, bot=stage.bot_url, log=stage.bot_log,
        cleanup=cleanup.format(folder=stage.folder)))  # fmt: skip
    city = add_people(stage.workspace, plan)
    people = ", ".join(f"{p} ({', '.join(a)})" for p, a in plan.team.items())
    tell(f"{plan.city}'s team: {plan.coordinator} coordinates; {people}.")
    player = Player(
        stage.workspace, city, tell, result_posted=lambda: await_result(stage, rubric, city)
    )
    set_up_city(stage.workspace, city, narrate=lambda line: player.show("▸ " + line))
    return player


def describe_url(url: str) -> str:
    """A database URL as it may be printed: its password masked."""
    from storage.engine import describe_url as masked

    return masked(url)


def demo_cities_of(stage: Stage) -> list[str]:
    """Cities of the sandbox workspace already in the demo's database."""
    from storage.engine import make_engine

    engine = make_engine(stage.database_url)
    try:
        return demo_cities(engine)
    finally:
        engine.dispose()


def finish(
    stage: Stage,
    rubric: Rubric,
    city: DemoCity,
    options: DemoOptions,
    say: Say,
    tell: Say,
    *,
    tail: Callable[[], None],
    started: float,
) -> int:
    """Show the last messages, print the final report, write the answers; the exit code."""
    from storage.engine import make_engine

    engine = make_engine(stage.database_url)
    try:
        result = city_result(engine, rubric, city.plan.city)
        if result.complete:
            wait_for_result(stage, city)
        tail()
        if options.answers_out is not None:
            write_answers(options.answers_out, rubric, result)
    finally:
        engine.dispose()
    say("")
    say(render_final_report(rubric, result).rstrip("\n"))
    tell("")
    if options.answers_out is not None:
        tell(f"Answers written to {options.answers_out} (check: citycheck score FILE).")
    violations = stage.violations()
    tell(f"Done in {time.monotonic() - started:.1f} s; "
         f"{len(violations)} Slack Web API contract violations.")  # fmt: skip
    for found in violations:
        say(f"violation: {found['method']}: {found['error']}: {'; '.join(found['problems'])}")
    return 1 if violations else 0


def await_result(stage: Stage, rubric: Rubric, city: DemoCity) -> None:
    """Once the assessment is complete, wait for its result in the team's channel."""
    from storage.engine import make_engine

    engine = make_engine(stage.database_url)
    try:
        done = city_result(engine, rubric, city.plan.city).complete
    finally:
        engine.dispose()
    if done:
        wait_for_result(stage, city)


def wait_for_result(stage: Stage, city: DemoCity) -> None:
    """Wait until the result is in the digest channel (it is posted just after the last answer)."""
    from bot.slack import ids

    def posted() -> bool:
        return any(
            b.get("block_id") == ids.BLOCK_RESULT_HEADER
            for m in stage.sandbox.history(channel_id=city.channel_id)
            for b in m.get("blocks") or []
        )

    try:
        stage.workspace.wait_for(posted, RESULT_SECONDS, "the result in the team's channel")
    except LookupError as exc:
        raise DemoFailed(f"{exc}; see the bot's log: {stage.bot_log}") from None

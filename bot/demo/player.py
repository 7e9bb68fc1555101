"""Plays a demo script: each step done in the sandbox workspace as the person would do it.

Answers are clicks on the question's buttons (`Respondent`), typed replies are DMs, a change goes
through the Change button of the criterion's old message, status and Home are the slash command
and the Home tab. After each step the transcript shows what the bot sent, to whom.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.demo.city import DemoCity
from bot.demo.script import Answer, DemoScript, Step
from bot.demo.transcript import AnySandbox, Formatter, Seen, Watcher
from bot.sandbox.driver import Workspace
from bot.sandbox.respondent import Respondent, is_question
from bot.slack import ids
from rubric.schema import Criterion, Rubric
from rubric.scoring import Answer as RubricAnswer

T = TypeVar("T")
Json = dict[str, Any]
STEP_SECONDS = 15.0
QUIET_SECONDS = 0.15
MAX_QUESTIONS = 200


class StepFailed(RuntimeError):
    """A step could not be done; the message names the step's line and what went wrong."""

    def __init__(self, step: Step, problem: str) -> None:
        super().__init__(f"{step.where} ({step.describe()}): {problem}")


@dataclass
class Player:
    """Plays steps for a city's people; `say` prints the transcript (a no-op when quiet)."""

    workspace: Workspace
    city: DemoCity
    say: Callable[[str], None]
    result_posted: Callable[[], None] = lambda: None
    """Called when someone finished their areas: waits for the city's result if it is due."""

    def __post_init__(self) -> None:
        self.watcher = Watcher(self.workspace.sandbox, self.city)
        self.formatter = Formatter(self.city)
        self.people = {
            name: Respondent(self.workspace, user, timeout=STEP_SECONDS)
            for name, user in self.city.users.items()
        }

    @property
    def sandbox(self) -> AnySandbox:
        """The sandbox Slack the city lives in."""
        return self.workspace.sandbox

    def play(self, script: DemoScript) -> None:
        """Every step in order; StepFailed at the first that cannot be done."""
        for step in script.steps:
            try:
                self.do(step)
            except LookupError as exc:
                raise StepFailed(step, f"{exc}{self._last_words(step.who)}") from None

    def show(self, headline: str) -> None:
        """A headline, then whatever the bot sent since the last look."""
        self.say(headline)
        found = self.watcher.changes()
        if any(_finished(seen) for seen in found):
            self.result_posted()
            found += self.watcher.changes()
        for seen in found:
            for line in self.formatter.lines(seen):
                self.say(line)

    def do(self, step: Step) -> None:
        """One step, then its transcript."""
        person = self.people[step.who]
        user = self.city.user(step.who)
        if step.verb == "answers":
            for answer in step.arg:
                self._answer(step, person, answer)
            return
        if step.verb == "types":
            for text in step.arg:
                person.type(text)
                self.show(f"▸ {step.who} types {text!r}")
            return
        if step.verb == "start":
            mark = _newest(person)
            self.workspace.click(user, "Start", wait=STEP_SECONDS)
            self._wait_question(person, mark, "a question after Start")
        elif step.verb == "resume":
            person.resume()
        elif step.verb == "pauses":
            person.pause(step.arg)
        elif step.verb == "changes":
            for cid, answer in step.arg:
                person.change(cid, _ticks(answer))
                self.show(
                    f"▸ {step.who} changes {cid} to {_words(answer)} (Change on its old message)"
                )
            return
        elif step.verb == "adds evidence":
            self._evidence(step, user, *step.arg)
        elif step.verb == "status":
            mark = _newest(person)
            self._settled(
                lambda: self.workspace.command(user, "status"),
                lambda: _newer(_newest(person), mark),
            )
        elif step.verb == "home":
            self._settled(lambda: self.workspace.open_home(user), published(self.sandbox))
        self.show(f"▸ {step.who} {_headline(step)}")

    def answer_all(self, who: str, answers: Mapping[str, RubricAnswer], rubric: Rubric) -> int:
        """`who` clicks Start and answers each question as `answers` say (else Not sure);
        returns how many questions they answered."""
        person = self.people[who]
        mark = _newest(person)
        self.workspace.click(self.city.user(who), "Start", wait=STEP_SECONDS)
        self._wait_question(person, mark, f"{who}'s first question")
        count = 0
        while (question := open_question(person)) is not None and count < MAX_QUESTIONS:
            cid = person.criterion(question)
            person.answer(_ticks(as_step_answer(rubric.criterion(cid), answers.get(cid))))
            count += 1
        return count

    def _answer(self, step: Step, person: Respondent, answer: Answer) -> None:
        question = open_question(person)
        if question is None:
            raise StepFailed(step, f"{step.who} has no question open{self._last_words(step.who)}")
        cid = person.criterion(question)
        if isinstance(answer, tuple):
            count = len(person.items(question))
            wrong = [n for n in answer if n > count]
            if wrong:
                raise StepFailed(step, f"{cid} has {count} items; there is no item {wrong[0]}")
        person.answer(_ticks(answer))
        self.show(f"▸ {step.who} answers {cid}: {_words(answer)}")

    def _evidence(self, step: Step, user: str, links: str, note: str) -> None:
        question = open_question(self.people[step.who])
        if question is None:
            raise StepFailed(step, f"{step.who} has no question open to add evidence to")
        self.workspace.click_in(user, question, "Add evidence")
        view = self.workspace.wait_for(
            lambda: self.workspace.modal(user), STEP_SECONDS, "the evidence form"
        )
        values = {}
        labels = {b.get("block_id"): b.get("label", {}).get("text") for b in view["blocks"]}
        if links:
            values[labels[ids.BLOCK_EVIDENCE_LINKS]] = links
        if note:
            values[labels[ids.BLOCK_EVIDENCE_NOTE]] = note
        person = self.people[step.who]
        before, mark = len(self.sandbox.calls()), _newest(person)
        done = self.workspace.submit_modal(user, values)
        if not done.closed:
            problems = "; ".join(done.errors.values())
            raise StepFailed(step, f"the evidence form was not accepted: {problems}")
        settle(self.sandbox, before, shown=lambda: _newer(_newest(person), mark))

    def _settled(self, act: Callable[[], T], shown: Callable[[], bool]) -> T:
        """Do something, then wait until its effect shows and the bot has gone quiet."""
        before = len(self.sandbox.calls())
        result = act()
        settle(self.sandbox, before, shown=shown)
        return result

    def _wait_question(self, person: Respondent, mark: str, what: str) -> None:
        def newer() -> bool:
            found = person.question()
            return found is not None and float(found["ts"]) > float(mark)

        self.workspace.wait_for(newer, STEP_SECONDS, what)

    def _last_words(self, who: str) -> str:
        latest = self.workspace.latest(self.city.user(who))
        if latest is None or is_question(latest):
            return ""
        return f"; the bot's last message to {who}: {latest.get('text', '')[:160]!r}"


def settle(
    sandbox: AnySandbox,
    before: int,
    *,
    shown: Callable[[], bool] = lambda: True,
    quiet: float = QUIET_SECONDS,
) -> None:
    """Wait until `shown()` (what the person sees has changed), then until the bot has made no
    Slack call for `quiet` seconds (it may send a few messages in a row); `before` is the count
    of calls before the action. Gives up after STEP_SECONDS: the transcript shows what came."""
    start = last_change = time.monotonic()
    last, visible = before, False
    while True:
        now = time.monotonic()
        count = len(sandbox.calls())
        if count != last:
            last, last_change = count, now
        visible = visible or shown()
        if visible and now - last_change >= quiet:
            return
        if now - start >= STEP_SECONDS:
            return
        time.sleep(0.01)


def published(sandbox: AnySandbox) -> Callable[[], bool]:
    """True once a Home tab is published after now (it may look as it did before)."""
    before = len(sandbox.calls("views.publish"))
    return lambda: len(sandbox.calls("views.publish")) > before


def as_step_answer(criterion: Criterion, answer: RubricAnswer | None) -> Answer:
    """A scored answer as a script's answer: a word, or the numbers of the ticked items."""
    if answer is None or answer.unsure:
        return "unsure"
    numbers = tuple(n for n, it in enumerate(criterion.checklist, 1) if it.id in answer.ticked)
    if not numbers:
        return "none"
    return "all" if len(numbers) == len(criterion.checklist) else numbers


def _finished(seen: Seen) -> bool:
    blocks = seen.surface.get("blocks") or []
    return seen.kind == "message" and any(b.get("block_id") == ids.BLOCK_ALL_DONE for b in blocks)


def open_question(person: Respondent) -> Json | None:
    """The question the person is on: the newest, unless a typed reply has answered it."""
    question = person.question()
    if question is None:
        return None
    try:
        record = person.record(person.criterion(question))
    except LookupError:
        return question
    return None if _newer(record["ts"], question["ts"]) else question


def _newer(ts: str, than: str) -> bool:
    return float(ts) > float(than)


def _newest(person: Respondent) -> str:
    found = person.messages()
    return str(found[-1]["ts"]) if found else "0"


def _ticks(answer: Answer) -> str | list[int]:
    return list(answer) if isinstance(answer, tuple) else answer


def _words(answer: Answer) -> str:
    if isinstance(answer, tuple):
        return "tick " + " ".join(str(n) for n in answer) + ", Save"
    return {"all": "tick all, Save", "none": "None of these", "unsure": "Not sure",
            "skip": "Skip", "back": "Back"}[answer]  # fmt: skip


def _headline(step: Step) -> str:
    return {
        "start": "clicks Start on the assignment message",
        "resume": "types /citycheck resume",
        "pauses": f"clicks Pause, then {step.arg!r}",
        "status": "types /citycheck status",
        "home": "opens the bot's Home tab",
        "adds evidence": "clicks Add evidence, fills the form and saves",
    }[step.verb]

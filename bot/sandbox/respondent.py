"""A respondent as a script: answer the interview's questions through the workspace driver.

    rita = Respondent(workspace, rita_id)
    rita.resume()                      # /citycheck resume: the question she is on
    rita.answer([1, 3])                # tick items 1 and 3, click Save
    rita.answer("none")                # None of these ("unsure", "skip", "back" likewise)
    rita.answer("still true")          # keep last round's answer (a later round)
    rita.type("2 4")                   # a typed reply
    rita.pause("Tomorrow")             # Pause, then Tomorrow / Next week / I'll come back myself
    rita.change("OD1", "all")          # Change on OD1's record, tick, Save: an edit

Buttons are found by their labels in the person's language: `Respondent(..., lang="es")`
clicks "Guardar" for Save and "No sé" for Not sure.

Each step waits until the bot has answered it (the next question, or the last message of its
reply), so a script reads top to bottom. Messages are read from the sandbox, as the person sees
them; the question's criterion and items come from its blocks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from bot.i18n import translator
from bot.sandbox.driver import Response, Workspace
from bot.sandbox.surfaces import controls, text_of
from bot.slack import ids

Json = dict[str, Any]
T = TypeVar("T")
Ticks = Sequence[int] | Sequence[str] | str

BUTTONS = {
    "none": "None of these",
    "unsure": "Not sure",
    "skip": "Skip",
    "back": "Back",
    "still true": "Still true",
}
HISTORY = 1000


class Respondent:
    """One person answering in their DM."""

    def __init__(
        self, workspace: Workspace, user_id: str, *, timeout: float = 10.0, lang: str = "en"
    ) -> None:
        self.workspace = workspace
        self.user_id = user_id
        self.timeout = timeout
        self.label = translator(lang).gettext
        """A button's label as this person sees it, from its English label."""

    # reading ------------------------------------------------------------------------------------
    def messages(self) -> list[Json]:
        """Every message the bot showed the person, oldest first (ephemerals included)."""
        return list(self.workspace.sandbox.messages_for(user_id=self.user_id, limit=HISTORY))

    def question(self) -> Json | None:
        """The newest question message, if one is showing."""
        return next((m for m in reversed(self.messages()) if is_question(m)), None)

    def criterion(self, message: Json | None = None) -> str:
        """The criterion id of a question (the newest by default)."""
        found = message or self.question()
        if found is None:
            raise LookupError(f"{self.user_id} has no question open")
        return criterion_of(found)

    def items(self, message: Json | None = None) -> list[str]:
        """The checklist labels of a question, in order (item 1 first)."""
        found = message or self.question()
        if found is None:
            raise LookupError(f"{self.user_id} has no question open")
        return [text_of(o.get("text")) for o in _checkboxes(found).options()]

    def record(self, criterion_id: str) -> Json:
        """The newest answer record of a criterion (the message its question became)."""
        for message in reversed(self.messages()):
            if _record_of(message) == criterion_id:
                return message
        raise LookupError(f"{self.user_id} has no record of {criterion_id}")

    def texts_since(self, ts: str) -> list[str]:
        """The texts of the bot's messages newer than `ts`."""
        return [m.get("text", "") for m in self.messages() if float(m["ts"]) > float(ts)]

    # acting -------------------------------------------------------------------------------------
    def resume(self) -> Json:
        """`/citycheck resume`; returns the question that follows."""
        mark = self._newest_ts()
        self.workspace.command(self.user_id, "resume")
        return self._wait(lambda: self._question_after(mark), "a question after resume")

    def click_resume(self) -> Json:
        """Click the newest Resume (or Start) button; returns the question that follows."""
        mark = self._newest_ts()
        for label in ("Resume", "Start"):
            try:
                self.workspace.click(self.user_id, self.label(label), wait=0.5)
            except LookupError:
                continue
            return self._wait(lambda: self._question_after(mark), "a question after resume")
        raise LookupError(f"{self.user_id} has no Resume or Start button")

    def answer(self, ticks: Ticks = ()) -> None:
        """Answer the open question: item numbers or labels to tick then Save, "all", or one of
        "none", "unsure", "skip", "back", "still true" (its button); waits for what follows."""
        question = self.question()
        if question is None:
            raise LookupError(f"{self.user_id} has no question open")
        mark = self._newest_ts()  # a note may follow the question (evidence saved, a hint)
        if isinstance(ticks, str) and ticks in BUTTONS:
            self.workspace.click_in(self.user_id, question, self.label(BUTTONS[ticks]))
        else:
            self._tick(question, ticks)
            self.workspace.click_in(self.user_id, question, self.label("Save"))
        self._settle_after(mark)

    def type(self, text: str) -> list[str]:
        """Type a reply; returns the texts of the bot's answers once they have arrived."""
        mark = self._newest_ts()
        self.workspace.type(self.user_id, text)
        self._settle_after(mark)
        return self.texts_since(mark)

    def pause(self, choice: str = "Tomorrow") -> str:
        """Click Pause, then the choice (its English label); returns the confirmation's text."""
        mark = self._newest_ts()
        choice = self.label(choice)
        self.workspace.click(self.user_id, self.label("Pause"))
        asked = self._wait(lambda: self._newest_with(mark, choice), "the pause question")
        self.workspace.click_in(self.user_id, asked, choice)
        done = self._wait(lambda: _updated(self._current(asked)), "the pause confirmation")
        return str(done.get("text", ""))

    def change(self, criterion_id: str, ticks: Ticks) -> Json:
        """Change an earlier answer through its record's Change button; returns the new record."""
        record = self.record(criterion_id)
        self.workspace.click_in(self.user_id, record, self.label("Change"))

        def asked_again() -> Json | None:
            found = self._current(record)
            return found if is_question(found) else None

        asked = self._wait(asked_again, "the question again")
        if isinstance(ticks, str) and ticks in BUTTONS:
            self.workspace.click_in(self.user_id, asked, self.label(BUTTONS[ticks]))
        else:
            self._tick(asked, ticks)
            self.workspace.click_in(self.user_id, asked, self.label("Save"))

        def recorded() -> Json | None:
            found = self._current(record)
            return found if _record_of(found) else None

        return self._wait(recorded, "the new record")

    # internals ----------------------------------------------------------------------------------
    def _tick(self, question: Json, ticks: Ticks) -> None:
        labels = self.items(question)
        if ticks == "all":
            chosen = labels
        elif isinstance(ticks, str):
            raise ValueError(f"answer with item numbers, labels, 'all' or {sorted(BUTTONS)}")
        else:
            chosen = [labels[t - 1] if isinstance(t, int) else t for t in ticks]
        self.workspace.tick(self.user_id, chosen, in_message=question)

    def _settle_after(self, ts: str) -> None:
        """Wait for the end of the bot's answer: a question, a thanks, a hint or a note."""

        def ended() -> bool:
            newer = [m for m in self.messages() if float(m["ts"]) > float(ts)]
            return bool(newer) and _is_final(newer[-1])

        self._wait(lambda: ended() or None, "the bot's answer")

    def _question_after(self, ts: str) -> Json | None:
        found = self.question()
        return found if found is not None and float(found["ts"]) > float(ts) else None

    def _newest_with(self, ts: str, label: str) -> Json | None:
        for message in reversed(self.messages()):
            if float(message["ts"]) <= float(ts):
                return None
            if any(c.label == label for c in controls(message.get("blocks") or [])):
                return message
        return None

    def _current(self, message: Json) -> Json:
        return next(m for m in self.messages() if m["ts"] == message["ts"])

    def _newest_ts(self) -> str:
        found = self.messages()
        return str(found[-1]["ts"]) if found else "0"

    def _wait(self, probe: Callable[[], T | None], what: str) -> T:
        deadline = time.monotonic() + self.timeout
        while True:
            found = probe()
            if found:
                return found
            if time.monotonic() >= deadline:
                raise LookupError(f"{self.user_id}: gave up waiting for {what}")
            time.sleep(0.01)


def is_question(message: Json) -> bool:
    """True for a question message (it has the interview's answer buttons)."""
    return any(b.get("block_id") == ids.BLOCK_QUESTION_ACTIONS for b in message.get("blocks") or [])


def criterion_of(message: Json) -> str:
    """The criterion id a question message asks about (from its Save button's value)."""
    for control in controls(message.get("blocks") or []):
        if control.action_id == ids.INTERVIEW_SAVE:
            return str(control.element["value"]).partition(":")[2]
    raise LookupError("not a question message")


def _checkboxes(message: Json) -> Any:
    for control in controls(message.get("blocks") or []):
        if control.action_id == ids.INTERVIEW_ITEMS:
            return control
    raise LookupError("the question has no checklist")


def _record_of(message: Json) -> str | None:
    for control in controls(message.get("blocks") or []):
        if control.action_id == ids.INTERVIEW_CHANGE:
            return str(control.element["value"]).partition(":")[2]
    return None


def _updated(message: Json) -> Json | None:
    return message if message.get("edited") else None


def _is_final(message: Json) -> bool:
    block_ids = {b.get("block_id") for b in message.get("blocks") or []}
    if ids.BLOCK_QUESTION_ACTIONS in block_ids or ids.BLOCK_ALL_DONE in block_ids:
        return True
    return (
        bool(block_ids & {ids.BLOCK_INTERVIEW_NOTE}) and ids.BLOCK_AREA_DONE_ROWS not in block_ids
    )


def ack_ok(response: Response) -> bool:
    """True when the bot acknowledged a request."""
    return response.status == 200

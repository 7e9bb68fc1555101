"""The demo at the keyboard: a person answers in the terminal, as a respondent or coordinator.

What the bot shows the person (DMs, the Home tab, a modal) is printed as text with numbered
buttons and checkboxes; what they type is clicked, ticked, typed or submitted through the
workspace driver, as Slack would send it. `KeyboardDemo.run(read)` loops until `quit`; `read`
is `input` at a terminal, any function in tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.demo.city import DemoCity
from bot.demo.player import published, settle
from bot.demo.texts import HELP, RESULT_HINT
from bot.demo.transcript import Formatter, Watcher
from bot.sandbox.driver import Workspace
from bot.sandbox.render import (
    Choice,
    Screen,
    apply_choice,
    parse_choice,
    render_blocks,
    render_view,
)
from bot.sandbox.respondent import Respondent, is_question
from bot.sandbox.surfaces import controls
from bot.slack import ids

Json = dict[str, Any]
Read = Callable[[str], str]
QUIT = frozenset({"quit", "exit", "q", "bye"})


@dataclass
class Person:
    """Someone the person at the keyboard can be: their short name and what they see last."""

    name: str
    role: str
    screen: Screen | None = None
    surface: Json | None = None
    """The message, Home tab or modal the numbers on the screen belong to."""
    ticks: dict[str, set[str]] = field(default_factory=dict)
    """The checkbox labels ticked on each question (by message ts), as the person sees them."""
    pending: dict[str, Any] = field(default_factory=dict)


class KeyboardDemo:
    """The loop: show what changed, read a line, do it, repeat."""

    def __init__(
        self,
        workspace: Workspace,
        city: DemoCity,
        say: Callable[[str], None],
        *,
        you: str,
        result_posted: Callable[[], None] = lambda: None,
    ) -> None:
        self.workspace = workspace
        self.city = city
        self.say = say
        self.result_posted = result_posted
        coordinator = city.plan.coordinator
        self.people = {you: Person(you, "respondent"),
                       coordinator: Person(coordinator, "coordinator")}  # fmt: skip
        self.me = self.people[you]
        self.watcher = Watcher(workspace.sandbox, city)
        self.formatter = Formatter(city)
        self.result_seen = False

    @property
    def user(self) -> str:
        """The Slack id of who the person is now."""
        return self.city.user(self.me.name)

    def run(self, read: Read) -> None:
        """Loop until `quit`, end of input or Ctrl-C."""
        while True:
            try:
                typed = read(f"[{self.me.name}] > ").strip()
            except (EOFError, KeyboardInterrupt):
                self.say("")
                return
            if typed.lower() in QUIT:
                return
            try:
                self.handle(typed)
            except (ValueError, LookupError) as exc:
                self.say(f"  ({exc}; type help for what you can type)")
            except KeyboardInterrupt:
                self.say("")
                return

    def handle(self, typed: str) -> None:
        """Do one typed line."""
        words = typed.split()
        head = words[0].lower() if words else ""
        if not words or head in ("help", "?"):
            self.say(HELP)
        elif head == "show":
            self.show_screen()
        elif head == "switch":
            self.switch(" ".join(words[1:]).lower())
        elif head == "home":
            self.act(lambda: self.workspace.open_home(self.user), home=True)
        elif head in ("status", "resume") and len(words) == 1:
            self.act(lambda: self.workspace.command(self.user, head))
        elif head == "change" and len(words) == 2:
            record = Respondent(self.workspace, self.user).record(words[1].upper())
            self.act(lambda: self.workspace.click_in(self.user, record, "Change"))
        elif head == "say" and len(words) > 1:
            self.act(lambda: self.workspace.type(self.user, typed[4:].strip()))
        else:
            self.choose(typed)

    def choose(self, typed: str) -> None:
        """A number, a tick, a form action, or a message to the bot."""
        screen = self.me.screen or Screen("")
        words = typed.split()
        if len(words) > 1 and all(w.strip(",").isdigit() for w in words) and not screen.is_modal:
            self.act(lambda: self.workspace.type(self.user, typed))  # items typed as an answer
            return
        choice = parse_choice(typed, screen)
        surface = self.me.surface or {}
        if choice.kind == "tick":
            self.tick(set(choice.labels))
        elif choice.kind == "click" and "ts" in surface:
            self.act(lambda: self.workspace.click_in(self.user, surface, choice.label))
        elif choice.kind == "click":
            self.act(
                lambda: self.workspace.click(self.user, choice.label), home=not screen.is_modal
            )
        elif choice.kind == "fill" and not screen.is_modal:
            self.tick(self.ticked() ^ set(choice.labels))  # a checkbox of a message: toggle
        elif choice.kind in ("fill", "submit", "close"):
            self.form(choice)
        else:
            self.act(lambda: self.workspace.type(self.user, choice.text))

    def tick(self, labels: set[str]) -> None:
        """Tick exactly these checkboxes of the shown question."""
        surface = self.me.surface
        if surface is None or not is_question(surface):
            raise ValueError("there is no question with checkboxes on the screen")
        self.workspace.tick(self.user, sorted(labels), in_message=surface)
        self.me.ticks[surface["ts"]] = labels
        self.show_screen(only_controls=True)

    def ticked(self) -> set[str]:
        """The ticked labels of the question on the screen (its saved answer until changed)."""
        surface = self.me.surface or {}
        if "ts" not in surface:
            return set()
        return self.me.ticks.get(surface["ts"], _initial_ticks(surface))

    def form(self, choice: Choice) -> None:
        """Fill a field of the open form, submit it or close it."""
        if choice.kind == "fill":
            apply_choice(self.workspace, self.user, choice, self.me.pending)
            self.show_screen()
            return
        outcome: list[str] = []
        looked = self.looks()

        def answered() -> bool:  # refused (the form stays open with errors), or a change shows
            return bool(outcome) and (outcome[0].startswith("not") or self.looks() != looked)

        def submit() -> None:
            outcome.append(apply_choice(self.workspace, self.user, choice, self.me.pending))

        self.act(submit, shown=answered)
        self.say(f"  ({outcome[0]})")

    def act(
        self,
        do: Callable[[], object],
        *,
        home: bool = False,
        shown: Callable[[], bool] | None = None,
    ) -> None:
        """Do something, wait for the bot to finish answering, then show what changed."""
        sandbox = self.workspace.sandbox
        before, looked = len(sandbox.calls()), self.looks()
        if shown is None:
            shown = published(sandbox) if home else lambda: self.looks() != looked
        do()
        settle(sandbox, before, shown=shown)
        self.show_changes(home=home)

    def looks(self) -> str:
        """What the person sees now (their messages, modal and the channel), to notice a change."""
        sandbox = self.workspace.sandbox
        messages = [
            (m["ts"], m.get("text"), m.get("blocks")) for m in self.workspace.messages(self.user)
        ]
        channel = len(sandbox.history(channel_id=self.city.channel_id))
        return repr((messages, self.workspace.modal(self.user), channel))

    def show_changes(self, *, home: bool = False) -> None:
        """Print what the bot sent since the last look: the person's DM, Home, modal, channel."""
        active: Json | None = None
        found = self.watcher.changes()
        if any(s.where == self.me.name and _all_done(s.surface) for s in found):
            self.result_posted()  # the last answer of all: the result follows in the channel
            found += self.watcher.changes()
        for seen in found:
            mine = seen.where == self.me.name
            channel = seen.where.startswith("#")
            if seen.kind == "home" and mine and home:
                active = {"home": seen.surface}
            elif seen.kind == "message" and mine and _clickable(seen.surface):
                active = {"message": seen.surface}
            if (mine or channel) and seen.kind == "message":
                for line in (
                    self.formatter.lines(seen) if channel or not _clickable(seen.surface) else []
                ):
                    self.say(line)
                self.result_seen |= channel and _is_result(seen.surface)
        modal = self.workspace.modal(self.user)
        if modal is not None:
            active = {"view": modal}
        elif home and active is None:
            tab = self.workspace.home(self.user)
            active = {"home": tab} if tab else None
        elif active is None and self.stale():  # back to what is newer and still open
            surface = self.me.surface or {}
            active = self.latest_clickable(after=surface.get("ts", "0"))
            if active is None:
                self.me.surface, self.me.screen = None, None
        if active is not None:
            self.activate(active)
        if self.result_seen:
            self.result_seen = False
            self.say(RESULT_HINT)

    def stale(self) -> bool:
        """True when the screen shows a closed form, or a message that lost its buttons."""
        surface = self.me.surface or {}
        if surface.get("type") == "modal":
            return True
        if "ts" not in surface:
            return False
        now = next(
            (m for m in self.workspace.messages(self.user) if m["ts"] == surface["ts"]), None
        )
        return now is None or not _clickable(now)

    def latest_clickable(self, after: str = "0") -> Json | None:
        """The person's newest message with buttons or checkboxes (newer than `after`)."""
        found = [
            m
            for m in self.workspace.messages(self.user)
            if _clickable(m) and float(m["ts"]) > float(after)
        ]
        return {"message": found[-1]} if found else None

    def activate(self, active: Json) -> None:
        """Make a message, the Home tab or a modal what the numbers refer to, and show it."""
        me = self.me
        if "message" in active:
            me.surface = active["message"]
        else:
            me.surface = active.get("view") or active.get("home")
            me.pending = {}
        self.show_screen()

    def show_screen(self, *, only_controls: bool = False) -> None:
        """Print the screen the numbers belong to (`only_controls`: its numbered lines)."""
        me, surface = self.me, self.me.surface
        if surface is None:
            self.say("  (nothing on the screen yet: try home, status or resume)")
            return
        if "ts" in surface:
            me.screen = render_blocks(
                surface.get("blocks") or [], _tick_state(surface, self.ticked())
            )
            tag = "only you can see this" if "ephemeral_to" in surface else "citycheck"
            me.screen.text = f"--- {tag} ---\n" + me.screen.text
            if only_controls:
                lines = [ln for ln in me.screen.text.splitlines() if ln.lstrip().startswith("[")]
                self.say("\n".join(lines))
                return
        else:
            blocks = surface.get("blocks", [])
            kept = [b for b in blocks if b.get("block_id") != ids.BLOCK_HOME_COMMANDS]
            shown = {**surface, "blocks": kept}
            me.screen = render_view(shown, me.pending)
        self.say(self.formatter.clean(me.screen.text))

    def coordinator_view(self) -> None:
        """What the coordinator sees: their /citycheck status, shown when the person leaves."""
        self.me = next(p for p in self.people.values() if p.role == "coordinator")
        self.say(
            f"\nBefore you go: what {self.me.name}, the coordinator, sees with /citycheck status:"
        )
        self.watcher.changes()  # what the person already saw
        self.act(lambda: self.workspace.command(self.user, "status"))

    def switch(self, to: str) -> None:
        """Become the coordinator or the respondent (`switch` alone: the other one)."""
        others = [p for p in self.people.values() if p is not self.me]
        wanted = next((p for p in self.people.values() if to in (p.name, p.role)), None)
        self.me = wanted or others[0]
        self.say(f"You are now {self.me.name}, the {self.me.role}."
                 + (" Try: status, home." if self.me.role == "coordinator" else ""))  # fmt: skip
        self.show_changes()
        if self.me.surface is not None:
            self.show_screen()


def _clickable(message: Json) -> bool:
    if any(b.get("block_id") == ids.BLOCK_RECORD for b in message.get("blocks") or []):
        return False
    return any(c.kind in ("button", "checkboxes") for c in controls(message.get("blocks") or []))


def _all_done(message: Json) -> bool:
    return any(b.get("block_id") == ids.BLOCK_ALL_DONE for b in message.get("blocks") or [])


def _is_result(message: Json) -> bool:
    return any(b.get("block_id") == ids.BLOCK_RESULT_HEADER for b in message.get("blocks") or [])


def _initial_ticks(message: Json) -> set[str]:
    for control in controls(message.get("blocks") or []):
        if control.kind == "checkboxes":
            return {o["text"]["text"] for o in control.element.get("initial_options") or []}
    return set()


def _tick_state(message: Json, ticked: set[str]) -> dict[str, dict[str, Json]]:
    for control in controls(message.get("blocks") or []):
        if control.kind == "checkboxes":
            chosen = [o for o in control.options() if o["text"]["text"] in ticked]
            value = {"type": "checkboxes", "selected_options": chosen}
            return {control.block_id: {control.action_id: value}}
    return {}

"""The terminal view of Slack: messages, modals and the Home tab as text a person can answer.

`render_blocks` numbers every control (buttons, each checkbox / radio / select option, text
inputs); `parse_choice` turns what the person types into a `Choice` (`2`, `tick 1 3`, `4 some text`,
`submit`, `close`, or anything else as a message to the bot); `apply_choice` performs it through
a `Workspace` driver, as the person's click would.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.driver import Workspace
from bot.sandbox.surfaces import Control, controls, state_value, text_of

Json = dict[str, Any]
WIDTH = 78
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_MENTION = re.compile(r"<[@#!]([^|>]+)(?:\|([^>]+))?>")


@dataclass(frozen=True)
class Numbered:
    """A number the person can type, and what it stands for."""

    number: int
    control: Control
    option: Json | None = None

    @property
    def label(self) -> str:
        """The text of the option, or of the control."""
        return text_of(self.option.get("text")) if self.option else self.control.label


@dataclass
class Screen:
    """A rendered surface: its text and its numbered controls."""

    text: str
    numbered: list[Numbered] = field(default_factory=list)
    is_modal: bool = False

    def get(self, number: int) -> Numbered:
        """The control behind a typed number, or ValueError saying what the numbers are."""
        for item in self.numbered:
            if item.number == number:
                return item
        last = self.numbered[-1].number if self.numbered else 0
        raise ValueError(
            f"there is no [{number}] here; choose 1 to {last}" if last else "nothing to choose here"
        )


@dataclass(frozen=True)
class Choice:
    """What the person asked for: click, tick, fill, submit, close, or type a message."""

    kind: str
    label: str = ""
    labels: tuple[str, ...] = ()
    text: str = ""


def plain_text(mrkdwn: str) -> str:
    """mrkdwn as terminal text: links as `text (url)`, mentions by id, entities decoded."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", mrkdwn)
    text = _MENTION.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _wrap(text: str, indent: str = "") -> list[str]:
    lines: list[str] = []
    for paragraph in plain_text(text).splitlines() or [""]:
        lines += textwrap.wrap(
            paragraph, WIDTH, initial_indent=indent, subsequent_indent=indent
        ) or [indent]
    return lines


def render_blocks(
    blocks: list[Json], state: dict[str, dict[str, Json]] | None = None, start: int = 1
) -> Screen:
    """Blocks as lines of text, every control numbered from `start`."""
    screen = Screen("")
    lines: list[str] = []
    state = state or {}
    counter = start

    def number(control: Control, option: Json | None = None) -> int:
        nonlocal counter
        screen.numbered.append(Numbered(counter, control, option))
        counter += 1
        return counter - 1

    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = text_of(block.get("text"))
            lines += ["", title.upper(), "=" * min(len(title), WIDTH)]
        elif kind == "section":
            lines += _wrap(text_of(block.get("text")))
            for item in block.get("fields") or []:
                lines += _wrap(text_of(item), "  ")
        elif kind == "context":
            small = "  ".join(
                text_of(e) for e in block.get("elements", []) if e.get("type") != "image"
            )
            lines += _wrap(small, "  · ")
        elif kind == "divider":
            lines.append("-" * 40)
        elif kind == "input":
            lines.append(text_of(block.get("label")) + ("" if block.get("optional") else " *"))
        elif kind == "image":
            lines.append(f"[image: {block.get('alt_text', '')}]")
        found = []
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                found.append(Control(block, block[key]))
        if kind == "actions":
            found += [Control(block, e) for e in block.get("elements", [])]
        row: list[str] = []
        for control in found:
            value = state.get(control.block_id, {}).get(control.action_id) or {}
            if control.kind == "button":
                row.append(f"[{number(control)}] {control.label}")
            elif control.kind in (
                "checkboxes",
                "radio_buttons",
                "static_select",
                "multi_static_select",
            ):
                chosen = value.get("selected_options") or (
                    [value["selected_option"]] if value.get("selected_option") else []
                )
                if not value:
                    initial = control.element.get("initial_options") or [
                        control.element.get("initial_option")
                    ]
                    chosen = [o for o in initial if o]
                values = {o.get("value") for o in chosen}
                for option in control.options():
                    mark = "x" if option.get("value") in values else " "
                    box = (
                        f"[{mark}]"
                        if control.kind in ("checkboxes", "multi_static_select")
                        else f"({mark})"
                    )
                    lines.append(
                        f"  [{number(control, option)}] {box} {text_of(option.get('text'))}"
                    )
            elif control.kind in (
                "plain_text_input",
                "number_input",
                "email_text_input",
                "url_text_input",
                "datepicker",
                "timepicker",
                "users_select",
            ):
                current = (
                    value.get("value")
                    or value.get("selected_date")
                    or control.element.get("initial_value")
                    or ""
                )
                lines.append(f"  [{number(control)}] > {current or '_' * 20}")
        if row:
            lines.append("   ".join(row))
    screen.text = "\n".join(lines).strip("\n")
    return screen


def render_message(message: Json) -> Screen:
    """A message from the bot: its blocks, or its text when it has none."""
    blocks = message.get("blocks") or []
    screen = render_blocks(blocks) if blocks else Screen("\n".join(_wrap(message.get("text", ""))))
    tag = "only you can see this" if "ephemeral_to" in message else "citycheck"
    screen.text = f"--- {tag} ---\n{screen.text}"
    return screen


def render_view(view: Json, pending: dict[str, Any] | None = None) -> Screen:
    """A modal (with submit and close) or the Home tab; `pending`: typed values not yet sent."""
    state = {k: dict(v) for k, v in view.get("state", {}).get("values", {}).items()}
    inputs = {c.label: c for c in controls(view.get("blocks", [])) if c.in_input}
    for label, value in (pending or {}).items():
        if label in inputs:
            control = inputs[label]
            state.setdefault(control.block_id, {})[control.action_id] = state_value(control, value)
    screen = render_blocks(view.get("blocks", []), state)
    if view.get("type") == "modal":
        title = text_of(view.get("title"))
        footer = []
        if view.get("submit"):
            footer.append(f"[submit] {text_of(view.get('submit'))}")
        footer.append(f"[close] {text_of(view.get('close')) or 'Cancel'}")
        screen.text = f"+== {title} ==+\n{screen.text}\n" + "   ".join(footer)
        screen.is_modal = True
    else:
        screen.text = f"=== Home ===\n{screen.text}"
    return screen


def parse_choice(typed: str, screen: Screen) -> Choice:
    """What the person meant by `typed` on this screen; ValueError with a hint if it is unclear."""
    words = typed.strip().split()
    if not words:
        raise ValueError("type a number, 'tick 1 3', 'submit', or a message")
    head = words[0].lower()
    if head in ("submit", "close") and screen.is_modal:
        return Choice(head)
    if head == "tick":
        items = [screen.get(_number(w)) for w in words[1:]]
        if not items or any(i.option is None or i.control.kind != "checkboxes" for i in items):
            raise ValueError("'tick' takes the numbers of checkbox options, e.g. tick 1 3")
        return Choice("tick", labels=tuple(i.label for i in items))
    if head.isdigit():
        item = screen.get(int(head))
        rest = typed.strip()[len(words[0]) :].strip()
        if item.control.kind == "button":
            return Choice("click", label=item.label)
        if item.option is not None:
            return Choice("fill", label=item.control.label, labels=(item.label,))
        return Choice("fill", label=item.control.label, text=rest)
    return Choice("type", text=typed.strip())


def _number(word: str) -> int:
    if not word.isdigit():
        raise ValueError(f"{word!r} is not a number")
    return int(word)


def apply_choice(
    workspace: Workspace, user_id: str, choice: Choice, pending: dict[str, Any]
) -> str:
    """Do what the person chose (`pending` keeps modal values until `submit`); a status line."""
    if choice.kind == "click":
        response = workspace.click(user_id, choice.label)
        return f"clicked {choice.label!r} ({response.status})"
    if choice.kind == "tick":
        workspace.tick(user_id, list(choice.labels))
        return "ticked " + ", ".join(repr(label) for label in choice.labels)
    if choice.kind == "fill":
        pending[choice.label] = list(choice.labels) if choice.labels else choice.text
        return f"{choice.label}: {pending[choice.label]!r}"
    if choice.kind == "submit":
        result = workspace.submit_modal(user_id, dict(pending))
        pending.clear()
        if result.closed:
            return "submitted"
        return "not submitted: " + "; ".join(f"{k}: {v}" for k, v in result.errors.items())
    if choice.kind == "close":
        workspace.close_modal(user_id)
        pending.clear()
        return "closed"
    workspace.type(user_id, choice.text)
    return "sent"

"""Finding what a person can touch in a message, modal or Home tab, and the state Slack reports.

Shared by the driver (click the button labelled X) and the terminal renderer (numbered controls).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]

STATEFUL = {
    "checkboxes",
    "radio_buttons",
    "static_select",
    "multi_static_select",
    "users_select",
    "multi_users_select",
    "conversations_select",
    "channels_select",
    "plain_text_input",
    "number_input",
    "email_text_input",
    "url_text_input",
    "datepicker",
    "timepicker",
}


@dataclass(frozen=True)
class Control:
    """One interactive element of a surface, with the block that holds it."""

    block: Json
    element: Json

    @property
    def kind(self) -> str:
        """The element type: button, checkboxes, static_select, plain_text_input, ..."""
        return str(self.element.get("type"))

    @property
    def block_id(self) -> str:
        """The id of the holding block."""
        return str(self.block.get("block_id", ""))

    @property
    def action_id(self) -> str:
        """The element's action_id."""
        return str(self.element.get("action_id", ""))

    @property
    def in_input(self) -> bool:
        """True inside an input block: it only dispatches on submit (or with dispatch_action)."""
        return self.block.get("type") == "input"

    @property
    def label(self) -> str:
        """What a person reads: the button text, or the input block's label."""
        if self.kind == "button":
            return text_of(self.element.get("text"))
        if self.in_input:
            return text_of(self.block.get("label"))
        return text_of(self.element.get("placeholder"))

    def options(self) -> list[Json]:
        """The options of a checkbox group, radio group or select."""
        found = list(self.element.get("options") or [])
        for group in self.element.get("option_groups") or []:
            found += group.get("options") or []
        return found


def text_of(obj: Any) -> str:
    """The text of a text object (or a plain string)."""
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return str(obj or "")


def controls(blocks: list[Json]) -> Iterator[Control]:
    """Every interactive element, in reading order."""
    for block in blocks:
        for key in ("accessory", "element"):
            element = block.get(key)
            if isinstance(element, dict) and element.get("type") != "image":
                yield Control(block, element)
        if block.get("type") == "actions":
            for element in block.get("elements", []):
                yield Control(block, element)


def find_button(blocks: list[Json], label: str) -> Control | None:
    """The first button whose text is `label` (exactly, else ignoring case)."""
    buttons = [c for c in controls(blocks) if c.kind == "button"]
    exact = next((c for c in buttons if c.label == label), None)
    return exact or next((c for c in buttons if c.label.casefold() == label.casefold()), None)


def find_options(
    blocks: list[Json], labels: list[str], kind: str = "checkboxes"
) -> tuple[Control, list[Json]] | None:
    """The group of `kind` that holds options with every label, and those options."""
    wanted = [label.casefold() for label in labels]
    for control in controls(blocks):
        if control.kind != kind:
            continue
        by_text = {text_of(o.get("text")).casefold(): o for o in control.options()}
        if all(w in by_text for w in wanted):
            return control, [by_text[w] for w in wanted]
    return None


def initial_value(control: Control) -> Json | None:
    """The state entry Slack reports for an untouched element (from its initial_* fields)."""
    element, kind = control.element, control.kind
    if kind not in STATEFUL:
        return None
    value: Json = {"type": kind}
    if kind in ("checkboxes", "multi_static_select"):
        value["selected_options"] = element.get("initial_options") or []
    elif kind in ("radio_buttons", "static_select"):
        value["selected_option"] = element.get("initial_option")
    elif kind in ("users_select",):
        value["selected_user"] = element.get("initial_user")
    elif kind == "multi_users_select":
        value["selected_users"] = element.get("initial_users") or []
    elif kind in ("conversations_select", "channels_select"):
        value["selected_conversation"] = element.get("initial_conversation")
    elif kind == "datepicker":
        value["selected_date"] = element.get("initial_date")
    elif kind == "timepicker":
        value["selected_time"] = element.get("initial_time")
    else:
        value["value"] = element.get("initial_value")
    return value


def state_values(
    blocks: list[Json], changed: dict[str, dict[str, Json]] | None = None
) -> dict[str, dict[str, Json]]:
    """`state.values` as Slack sends it: every stateful element's value, changes applied."""
    values: dict[str, dict[str, Json]] = {}
    changed = changed or {}
    for control in controls(blocks):
        value = changed.get(control.block_id, {}).get(control.action_id) or initial_value(control)
        if value is not None:
            values.setdefault(control.block_id, {})[control.action_id] = value
    return values


def is_empty(value: Json | None) -> bool:
    """True when a state value holds nothing (for required inputs)."""
    if value is None:
        return True
    payload = [v for k, v in value.items() if k != "type"]
    return all(v in (None, "", []) for v in payload)


def state_value(control: Control, value: Any) -> Json:
    """The state entry for typing or choosing `value` in an input (options by their label)."""
    kind = control.kind
    by_label = {text_of(o.get("text")).casefold(): o for o in control.options()}

    def option(label: str) -> Json:
        try:
            return by_label[label.casefold()]
        except KeyError:
            raise LookupError(
                f"{control.label!r} has no option {label!r}; it has {sorted(by_label)}"
            ) from None

    if kind in ("checkboxes", "multi_static_select"):
        labels = [value] if isinstance(value, str) else list(value)
        return {"type": kind, "selected_options": [option(v) for v in labels]}
    if kind in ("radio_buttons", "static_select"):
        chosen = value[0] if isinstance(value, list | tuple) and value else value
        return {"type": kind, "selected_option": option(str(chosen)) if chosen else None}
    if kind == "users_select":
        return {"type": kind, "selected_user": value}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": list(value)}
    if kind in ("conversations_select", "channels_select"):
        return {"type": kind, "selected_conversation": value}
    if kind == "datepicker":
        return {"type": kind, "selected_date": str(value) if value else None}
    if kind == "timepicker":
        return {"type": kind, "selected_time": str(value) if value else None}
    return {"type": kind, "value": None if value is None else str(value)}

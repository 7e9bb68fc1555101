"""Every way into the app as registered, and the permission matrix as written in the docs.

`registered_surfaces()` runs `register_listeners` on a recorder that stands in for the Bolt app,
so it sees every action, view, command and event a listener is added for, however it is added.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.slack import ids

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
COLUMNS = (
    "respondent",
    "coordinator",
    "leader",
    "program staff",
    "outsider",
    "other city",
    "other workspace",
)


class _Recorder:
    """Stands in for `slack_bolt.App` in `register_listeners`: remembers what is listened to."""

    def __init__(self) -> None:
        self.found: set[str] = set()

    def _keep(self, kind: str, constraint: Any) -> Callable[..., Any]:
        if isinstance(constraint, dict):
            constraint = constraint.get("action_id") or constraint.get("callback_id")
        self.found.add(f"{kind} {constraint}")

        def decorate(*functions: Any, **_: Any) -> Any:
            return functions[0] if functions else None

        return decorate

    def action(self, constraint: Any, *_: Any, **__: Any) -> Callable[..., Any]:
        return self._keep("button", constraint)

    def block_action(self, constraint: Any, *_: Any, **__: Any) -> Callable[..., Any]:
        return self._keep("button", constraint)

    def view(self, constraint: Any, *_: Any, **__: Any) -> Callable[..., Any]:
        return self._keep("modal", constraint)

    def view_submission(self, constraint: Any, *_: Any, **__: Any) -> Callable[..., Any]:
        return self._keep("modal", constraint)

    def view_closed(self, constraint: Any, *_: Any, **__: Any) -> Callable[..., Any]:
        return self._keep("modal closed", constraint)

    def shortcut(self, constraint: Any, *_: Any, **__: Any) -> Callable[..., Any]:
        return self._keep("shortcut", constraint)

    def options(self, constraint: Any, *_: Any, **__: Any) -> Callable[..., Any]:
        return self._keep("options", constraint)

    def command(self, constraint: Any, *_: Any, **__: Any) -> Callable[..., Any]:
        return self._keep("command", constraint)

    def event(self, constraint: Any, *_: Any, **__: Any) -> Callable[..., Any]:
        return self._keep("raw event", constraint)

    def message(self, constraint: Any = None, *_: Any, **__: Any) -> Callable[..., Any]:
        return self._keep("raw event", "message")

    def use(self, *_: Any, **__: Any) -> Any:
        return None

    def middleware(self, *_: Any, **__: Any) -> Any:
        return None


def registered_surfaces() -> set[str]:
    """Every command (`/citycheck <sub>`), button, modal and event the app listens to."""
    from bot.slack.listeners import register_listeners
    from bot.slack.listeners.commands import build_router
    from bot.slack.listeners.registry import listened

    recorder = _Recorder()
    register_listeners(recorder)  # type: ignore[arg-type]
    found = {name for name in recorder.found if not name.startswith(("command ", "raw event "))}
    for name in recorder.found:
        if name == f"command {ids.COMMAND}":
            found |= {f"{ids.COMMAND} {sub}" for sub in build_router().names()}
        elif name.startswith("command "):
            found.add(name.removeprefix("command "))
    found |= {f"event {name}" for name in listened(recorder).events}  # type: ignore[arg-type]
    return found


def documented_matrix(path: Path = DOC) -> dict[str, tuple[str, ...]]:
    """The permission matrix table of docs/security.md, by row, outcomes in column order."""
    text = path.read_text(encoding="utf-8")
    rows: dict[str, tuple[str, ...]] = {}
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            if header is not None and rows:
                break
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            if [c.lower() for c in cells[1:]] == list(COLUMNS):
                header = cells
            continue
        if set(cells[0]) <= set("-: "):
            continue
        key = re.sub(r"\s+", " ", cells[0].replace("`", "")).strip()
        rows[key] = tuple(cells[1:])
    if header is None:
        raise LookupError(f"{path}: no table with the columns {', '.join(COLUMNS)}")
    return rows

"""Translated texts fit where Slack shows them: buttons, modal titles and headers.

The places are read from the builders' code: a `button(...)` label, a modal's `title`,
`submit` or `close`, a `header(...)`, a select's `placeholder`. Every message given there (directly,
or through a variable assigned in the same function) must fit Slack's limit in every language.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

import pytest

from tests.i18n.catalogs import (
    ROOT,
    TEMPLATE,
    TRANSLATED,
    Key,
    catalog_path,
    messages,
    read_catalog,
)

BUILDERS = sorted((ROOT / "bot" / "slack" / "builders").glob("*.py"))
BUTTON, MODAL_TEXT, HEADER, PLACEHOLDER = 75, 24, 150, 150
MODAL_KEYS = {"title": MODAL_TEXT, "submit": MODAL_TEXT, "close": MODAL_TEXT}


def _messages_in(node: ast.AST, names: dict[str, list[ast.AST]]) -> Iterator[Key]:
    """The literal message ids given to gettext/ngettext inside `node` (following names)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in names:
            for value in names[sub.id]:
                yield from _messages_in(value, {})
        if not isinstance(sub, ast.Call) or not isinstance(sub.func, ast.Attribute):
            continue
        args = [a.value for a in sub.args if isinstance(a, ast.Constant)]
        if sub.func.attr == "gettext" and args and isinstance(args[0], str):
            yield args[0]
        elif sub.func.attr == "ngettext" and len(args) >= 2:
            yield (str(args[0]), str(args[1]))


def _assignments(function: ast.AST) -> dict[str, list[ast.AST]]:
    found: dict[str, list[ast.AST]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
    return found


def _is_modal(node: ast.Dict) -> bool:
    return any(
        isinstance(k, ast.Constant)
        and k.value == "type"
        and isinstance(v, ast.Constant)
        and v.value == "modal"
        for k, v in zip(node.keys, node.values, strict=True)
    )


def limited_messages() -> dict[Key, tuple[int, str]]:
    """Each message shown in a limited place: its limit and where (file:line, what)."""
    found: dict[Key, tuple[int, str]] = {}

    def note(node: ast.AST, names: dict[str, list[ast.AST]], limit: int, where: str) -> None:
        for key in _messages_in(node, names):
            if key not in found or found[key][0] > limit:
                found[key] = (limit, where)

    for path in BUILDERS:
        tree = ast.parse(path.read_text(), str(path))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            names = _assignments(function)
            for node in ast.walk(function):
                where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
                    if node.func.id == "button":
                        note(node.args[0], names, BUTTON, where + " button")
                    elif node.func.id == "header":
                        note(node.args[0], names, HEADER, where + " header")
                if isinstance(node, ast.Dict):
                    modal = _is_modal(node)
                    for key, value in zip(node.keys, node.values, strict=True):
                        if not isinstance(key, ast.Constant) or value is None:
                            continue
                        if modal and key.value in MODAL_KEYS:
                            note(value, names, MODAL_KEYS[key.value], f"{where} modal {key.value}")
                        elif key.value == "placeholder":
                            note(value, names, PLACEHOLDER, where + " placeholder")
    return found


def test_the_scan_finds_the_limited_places() -> None:
    found = limited_messages()
    assert found["Save"][0] == MODAL_TEXT  # a modal's submit as well as a button
    assert found["Snooze a week"] == (BUTTON, found["Snooze a week"][1])
    assert found["Set up your city"][0] == MODAL_TEXT
    assert found["Resume"][0] == BUTTON  # given through a variable: label = ... if ... else ...
    assert found["Weekly digest: {city}"][0] == HEADER
    assert len(found) > 30


@pytest.mark.parametrize("lang", ["en", *TRANSLATED])
def test_translations_fit_slacks_limits(lang: str) -> None:
    known = messages(read_catalog(TEMPLATE if lang == "en" else catalog_path(lang), lang))
    too_long = []
    for key, (limit, where) in limited_messages().items():
        message = known.get(key)
        if lang == "en":
            texts = [key] if isinstance(key, str) else list(key)
        elif message is None:
            continue  # a missing translation is the catalog test's to report
        else:
            texts = [message.string] if isinstance(message.string, str) else list(message.string)
        too_long += [f"{where}: {t!r} is {len(t)} > {limit}" for t in texts if len(t) > limit]
    assert not too_long, "shorten these translations:\n" + "\n".join(too_long)

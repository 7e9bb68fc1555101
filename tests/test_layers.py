"""Imports point one way: rubric <- storage <- bot services <- bot/slack.

RULES below is the whole policy, one entry per rule: modules under `who` (every module when
empty) may not import `forbidden`, except modules under `allowed_in`, modules under
`allowed_in_functions` when the import sits inside a function (kept out of start-up), and,
where `allowed_for_type_hints`, imports under `if TYPE_CHECKING:` (never run).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("rubric", "storage", "bot")


@dataclass(frozen=True)
class LayerRule:
    who: str
    forbidden: tuple[str, ...]
    allowed_in: tuple[str, ...] = ()
    allowed_in_functions: tuple[str, ...] = ()
    allowed_for_type_hints: bool = False


EVERYONE = ""
RULES = [
    LayerRule("rubric", forbidden=("storage", "bot")),
    LayerRule("storage", forbidden=("bot",)),
    LayerRule(
        EVERYONE,
        forbidden=("slack_bolt", "slack_sdk"),
        allowed_in=("bot.slack", "bot.sandbox"),
        allowed_in_functions=("bot.cli",),
        allowed_for_type_hints=True,
    ),
    LayerRule("bot.interview", forbidden=("sqlmodel", "sqlalchemy")),
]


@dataclass(frozen=True)
class Import:
    module: str
    imported: str
    line: int
    in_function: bool
    type_only: bool


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(root: Path, path: Path) -> list[Import]:
    """Every import in a file, with relative imports made absolute."""
    module = module_name(root, path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool, type_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            typing_block = type_only or (
                isinstance(child, ast.If) and _is_type_checking(child.test)
            )
            if isinstance(child, ast.Import):
                names = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                names = [base] if child.module else [f"{base}.{a.name}" for a in child.names]
            else:
                visit(child, inside, typing_block)
                continue
            found.extend(Import(module, n, child.lineno, inside, type_only) for n in names)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), False, False)
    return found


def layer_violations(root: Path) -> list[str]:
    """Each import that breaks a rule, as `path:line module imports name`."""
    out = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            for imp in imports_of(root, path):
                for rule in RULES:
                    if rule.who and not _within(imp.module, (rule.who,)):
                        continue
                    if not _within(imp.imported, rule.forbidden):
                        continue
                    if _within(imp.module, rule.allowed_in):
                        continue
                    if imp.in_function and _within(imp.module, rule.allowed_in_functions):
                        continue
                    if imp.type_only and rule.allowed_for_type_hints:
                        continue
                    where = path.relative_to(root)
                    out.append(f"{where}:{imp.line} {imp.module} imports {imp.imported}")
    return out


def test_the_project_keeps_its_layers() -> None:
    assert layer_violations(ROOT) == []


def test_the_check_catches_each_kind_of_wrong_import(tmp_path: Path) -> None:
    files = {
        "rubric/__init__.py": "",
        "rubric/scoring.py": "from storage.models import City\n",
        "rubric/sub/__init__.py": "from ...bot import settings\n",
        "rubric/fine.py": "import pydantic\nfrom rubric import schema\nfrom . import schema\n",
        "storage/repo.py": "import bot.settings\n",
        "bot/reports/digest.py": "import slack_sdk\n",
        "bot/cli/run.py": (
            "from slack_bolt import App\n\ndef run() -> None:\n    import slack_sdk\n"
        ),
        "bot/slack/app.py": "from slack_bolt import App\nimport slack_sdk.web\n",
        "bot/sandbox/api.py": "import slack_sdk\n",
        "bot/interview/engine.py": "from sqlmodel import Session\nimport sqlalchemy.orm\n",
        "bot/services.py": "import sqlmodel\n",
        "bot/deps.py": (
            "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import slack_sdk\n"
        ),
        "storage/types.py": "import typing\nif typing.TYPE_CHECKING:\n    from bot import deps\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert layer_violations(tmp_path) == [
        "rubric/scoring.py:1 rubric.scoring imports storage.models",
        "rubric/sub/__init__.py:1 rubric.sub imports bot",
        "storage/repo.py:1 storage.repo imports bot.settings",
        "storage/types.py:3 storage.types imports bot",
        "bot/cli/run.py:1 bot.cli.run imports slack_bolt",
        "bot/interview/engine.py:1 bot.interview.engine imports sqlmodel",
        "bot/interview/engine.py:2 bot.interview.engine imports sqlalchemy.orm",
        "bot/reports/digest.py:1 bot.reports.digest imports slack_sdk",
    ]

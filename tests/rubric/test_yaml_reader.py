"""Reading YAML with libyaml gives exactly what PyYAML's own parser gives, problems included."""

from __future__ import annotations

from pathlib import Path

import pytest

from rubric import yaml_reader
from rubric.loader import bundled_rubric_path
from rubric.yaml_reader import Located, read_yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BROKEN = {
    "unclosed list": "DM1: [all\n",
    "bad indentation": "areas:\n  - id: a\n   name: b\n",
    "alias": "DM1: &x all\nDM2: *x\n",
    "tab": "DM1:\n\t- all\n",
    "two documents": "DM1: all\n---\nDM2: all\n",
}

pytestmark = pytest.mark.skipif(
    yaml_reader._FastComposer is None, reason="PyYAML is built without libyaml here"
)


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Located, Located]:
    fast = read_yaml(text, "file.yaml")
    with monkeypatch.context() as patched:
        patched.setattr(yaml_reader, "_FastComposer", None)
        slow = read_yaml(text, "file.yaml")
    return fast, slow


def _shape(found: Located) -> dict[object, tuple[object, ...]]:
    return {
        loc: (getattr(node, "style", None), node.tag, node.start_mark.line)
        for loc, node in found.nodes.items()
    }


@pytest.mark.parametrize(
    "path",
    [bundled_rubric_path(), *sorted(EXAMPLES.rglob("*.yaml"))],
    ids=lambda p: p.name,
)
def test_files_read_the_same_data_lines_and_scalar_styles(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow = _both(path.read_text(encoding="utf-8"), monkeypatch)

    assert fast.problems == slow.problems == []
    assert fast.data == slow.data
    assert fast.lines == slow.lines
    assert _shape(fast) == _shape(slow)  # `no` read as a boolean is still told from "no"


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_file_gets_pyyamls_message_and_line(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow = _both(BROKEN[case], monkeypatch)

    assert fast.problems and fast.problems == slow.problems

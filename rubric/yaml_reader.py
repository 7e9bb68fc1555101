"""Safe YAML reading that remembers the line of every key and list item.

Only plain data is accepted: no Python tags, no aliases (`*name`, the way "billion laughs" files
grow), no merge keys, nesting at most `MAX_DEPTH` deep and files at most `MAX_BYTES` long. Keys
are read as written (`on:` is the key "on") and must appear once per mapping. Scalars keep their
YAML node so that a caller can tell a person that `no` was read as a boolean and should be quoted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from rubric.problems import Loc, Problem, format_loc

MAX_BYTES = 2_000_000
"""Larger files are refused before parsing (the bundled rubric is under 100 kB)."""
MAX_DEPTH = 24
"""Deeper nesting is refused (a rubric needs about ten levels)."""

STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_NULL_TAG = "tag:yaml.org,2002:null"
_KIND = {
    "tag:yaml.org,2002:bool": "a true/false value",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "an empty value",
    "tag:yaml.org,2002:timestamp": "a date",
}


@dataclass
class Located:
    """Parsed data with the line of every position, and the problems met while reading."""

    filename: str
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    lines: dict[Loc, int] = field(default_factory=dict)
    nodes: dict[Loc, Node] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int | None:
        """The line of `loc`, or of its nearest enclosing position that exists in the file."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(loc[:end])
            if line is not None:
                return line
        return None

    def problem(self, loc: Loc, path: str, message: str) -> Problem:
        """A problem at `loc`, with its line looked up."""
        return Problem(self.filename, self.line_of(loc), path, message)


def scalar_reading(node: Node | None) -> str | None:
    """For a plain scalar YAML read as something other than text, say what it became."""
    if not isinstance(node, ScalarNode) or node.style is not None or node.tag == STR_TAG:
        return None
    kind = _KIND.get(node.tag, "something other than text")
    return f"YAML reads `{node.value}` as {kind}"


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark | None, message: str) -> None:
        super().__init__(message)
        self.line = None if mark is None else mark.line + 1
        self.message = message


class _SafeComposer(yaml.SafeLoader):
    """PyYAML's safe loader, composing nodes only, with aliases and deep nesting refused."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: object) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _Refused(
                event.start_mark,
                "aliases (*name) are not allowed: write the value out in full",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                    f"nesting is deeper than {MAX_DEPTH} levels: check the indentation",
                )
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        finally:
            self._depth -= 1


try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML built without libyaml
    _FastComposer: type[_SafeComposer] | None = None
else:

    class _CComposer(CParser, _SafeComposer):
        """The same composer reading libyaml's events: several times faster than PyYAML's."""

        get_single_node = Composer.get_single_node

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)
            self._depth = 0

        def compose_scalar_node(self, anchor: dict[Any, Node]) -> ScalarNode:
            node = super().compose_scalar_node(anchor)
            node.style = node.style or None  # libyaml's plain style is "", PyYAML's None
            return node

    _FastComposer = _CComposer


def _compose(text: str) -> Node | None:
    """The document's root node, read by libyaml when it is there; a text it refuses is read
    again by PyYAML, whose messages (and lines) the problems quote."""
    if _FastComposer is not None:
        fast = _FastComposer(text)
        try:
            return fast.get_single_node()
        except (_Refused, yaml.YAMLError):
            pass
        finally:
            fast.dispose()
    composer = _SafeComposer(text)
    try:
        return composer.get_single_node()
    finally:
        composer.dispose()


def too_large(filename: str, size: int) -> Problem | None:
    """The problem of a file over `MAX_BYTES`, or None when its size is fine."""
    if size <= MAX_BYTES:
        return None
    message = f"the file is {size:,} bytes; at most {MAX_BYTES:,} are read: is it the right file?"
    return Problem(filename, None, "", message)


def read_yaml(text: str, filename: str) -> Located:
    """Parse one YAML document; problems are collected in `.problems`, never raised."""
    found = Located(filename)
    large = too_large(filename, len(text.encode("utf-8", errors="replace")))
    if large is not None:
        found.problems.append(large)
        return found
    try:
        root = _compose(text.removeprefix("\ufeff"))
    except _Refused as exc:
        found.problems.append(Problem(filename, exc.line, "", exc.message))
        return found
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1
        what = exc.problem or str(exc)
        message = (
            "only one YAML document is read: remove the `---` line and what follows, or split it"
            if "another document" in what
            else f"not valid YAML ({what}): check indentation and quotes"
        )
        found.problems.append(Problem(filename, line, "", message))
        return found
    except yaml.YAMLError as exc:
        found.problems.append(Problem(filename, None, "", f"not valid YAML: {exc}"))
        return found
    if root is None or (isinstance(root, ScalarNode) and root.tag == _NULL_TAG):
        found.problems.append(Problem(filename, None, "", "the file is empty"))
        return found
    found.data = _Converter(found).value(root, (), root.start_mark.line + 1)
    return found


class _Converter:
    """Turns composed nodes into plain Python data, recording lines and problems."""

    def __init__(self, found: Located) -> None:
        self.found = found
        self.constructor = SafeConstructor()

    def value(self, node: Node, loc: Loc, line: int) -> Any:
        self.found.lines[loc] = line
        self.found.nodes[loc] = node
        if not isinstance(node, ScalarNode) and node.tag not in (_MAP_TAG, _SEQ_TAG):
            return self.refuse_tag(node, loc)
        if isinstance(node, MappingNode):
            return self.mapping(node, loc)
        if isinstance(node, SequenceNode):
            return [
                self.value(item, (*loc, i), item.start_mark.line + 1)
                for i, item in enumerate(node.value)
            ]
        return self.scalar(node, loc)

    def scalar(self, node: Node, loc: Loc) -> Any:
        if node.tag == STR_TAG:
            return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except ConstructorError:
            return self.refuse_tag(node, loc)

    def refuse_tag(self, node: Node, loc: Loc) -> None:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        self.report(loc, f"the tag {tag} is not allowed here: remove it")

    def mapping(self, node: MappingNode, loc: Loc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE_TAG:
                self.report(
                    loc, "merge keys (<<) are not allowed: write the keys out in full", line
                )
                continue
            if not isinstance(key_node, ScalarNode):
                self.report(loc, "a key must be a plain name, not a list or mapping", line)
                continue
            key = key_node.value  # the key as written: `on:` stays "on", never a boolean
            if key in first_line:
                self.report(
                    (*loc, key),
                    f"`{key}` appears twice (first on line {first_line[key]}): keep one",
                    line,
                )
                continue
            first_line[key] = line
            out[key] = self.value(value_node, (*loc, key), line)
        return out

    def report(self, loc: Loc, message: str, line: int | None = None) -> None:
        where = line if line is not None else self.found.line_of(loc)
        self.found.problems.append(Problem(self.found.filename, where, format_loc(loc), message))

"""pydantic's validation errors, retold for the person editing the YAML file."""

from __future__ import annotations

import difflib
import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from rubric.problems import Loc, Problem, format_loc
from rubric.schema import AREA_ID, CRITERION_ID, LANGUAGES, SLUG, Rubric, Rule, Text
from rubric.yaml_reader import Located, scalar_reading

_PATTERNS = {
    CRITERION_ID: "2 to 6 capital letters then 1 or 2 digits, like DM1 or EVAL4",
    AREA_ID: "2 to 6 capital letters, like DM or EVAL",
    SLUG: "lower-case letters, digits and hyphens, starting with a letter, like written-strategy",
}


def model_at(loc: Loc, root: type[BaseModel] = Rubric) -> type[BaseModel] | None:
    """The model expected at `loc` in a file of `root`, or None where a plain value belongs."""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return None
            current = field.annotation
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


def problem_from_error(error: ErrorDetails, found: Located) -> Problem:
    """One pydantic error as a problem at the right line, with a message that says what to do."""
    loc: Loc = tuple(error["loc"])
    # A Text written as a plain string: an error on its `en` belongs to the string itself.
    if loc and loc[-1] == "en" and model_at(loc[:-1]) is Text and loc not in found.lines:
        loc = loc[:-1]
    return found.problem(loc, format_loc(loc), _message(error, loc, found))


def _message(error: ErrorDetails, loc: Loc, found: Located) -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    reading = scalar_reading(found.nodes.get(loc))
    expected = model_at(loc)
    if kind == "missing":
        name = loc[-1] if loc else "value"
        if expected is Text or model_at(loc[:-1]) is Text:
            return f"`{name}` is missing: add the text (English is required)"
        return f"`{name}` is missing: add it"
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind == "string_type" or (expected is Text and kind == "model_type"):
        if reading is not None:
            value = found.nodes[loc].value
            return f"{reading}, but text is expected here: put it in quotes, '{value}'"
        if expected is Text:
            return "expected text: a string, or a mapping of language codes (en, es, pt) to text"
        return "expected text here, not a list or mapping"
    if kind == "string_pattern_mismatch":
        shape = _PATTERNS.get(str(ctx.get("pattern", "")), f"the pattern {ctx.get('pattern')}")
        return f"{error['input']!r} is not a valid id: write {shape}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if expected is Rule:
            return "write `all`, or `at_least: k` on the next line, indented under `rule:`"
        if expected is not None:
            needed = [n for n, f in expected.model_fields.items() if f.is_required()]
            return f"expected a mapping with keys such as {', '.join(needed)}"
        return "expected a mapping of keys to values"
    if kind in ("tuple_type", "list_type"):
        return "expected a list: one entry per line, each starting with `- `"
    if kind.startswith("bool"):
        return "write true or false"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}"
    if kind.startswith(("int_", "decimal_", "greater_than", "less_than")):
        return f"`{error['input']}` does not fit here: {_number_hint(loc)}"
    if kind.startswith("url"):
        return "write a full web address starting with https://"
    return str(error["msg"])


def _unknown_key(loc: Loc) -> str:
    key = str(loc[-1])
    owner = model_at(loc[:-1])
    if owner is Text:
        choices = f"{', '.join(LANGUAGES[:-1])} or {LANGUAGES[-1]}"
        return f"`{key}` is not a supported language: use {choices}"
    if owner is None:
        return f"`{key}` is not expected here: remove it"
    known = list(owner.model_fields)
    near = difflib.get_close_matches(key, known, n=1)
    if near:
        return f"`{key}` is not a known key: did you mean `{near[0]}`?"
    return f"`{key}` is not a known key: the keys here are {', '.join(known)}"


def _number_hint(loc: Loc) -> str:
    name = loc[-1] if loc else ""
    if name == "min_percent":
        return "write a percentage above 0 and at most 100, with at most 2 decimals, like 51"
    if name == "at_least":
        return "write a whole number of items, 1 or more"
    return "write a number"

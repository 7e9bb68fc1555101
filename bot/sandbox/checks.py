"""Contract checks the sandbox applies to every call, stricter than Slack where Slack is silent.

Each check returns a list of problems (empty when the call is sound). Block and view validation
uses slack_sdk's own models, plus what they leave out: the 50/100 blocks per surface, unknown
fields (the models drop them silently), duplicate block ids and a missing text fallback.
"""

from __future__ import annotations

import functools
import inspect
import json
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
SURFACE_BLOCKS = 100
MODEL_ERRORS = (SlackObjectFormationError, AttributeError, TypeError, KeyError, ValueError)
BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
"""The block types citycheck may send (Slack's layout blocks for messages, modals and Home)."""
ALWAYS_ALLOWED = frozenset({"token", "team_id"})
RESPONSE_URL_FIELDS = frozenset(
    {
        "text",
        "blocks",
        "attachments",
        "response_type",
        "replace_original",
        "delete_original",
        "unfurl_links",
        "unfurl_media",
        "thread_ts",
        "metadata",
    }
)


@functools.cache
def method_arguments(method: str) -> frozenset[str] | None:
    """The argument names slack_sdk's WebClient takes for an API method; None if no such method."""
    func = getattr(WebClient, method.replace(".", "_"), None)
    if func is None or method.startswith("_") or not callable(func):
        return None
    names = {
        name
        for name, param in inspect.signature(func).parameters.items()
        if name != "self" and param.kind not in (param.VAR_KEYWORD, param.VAR_POSITIONAL)
    }
    return frozenset(names | ALWAYS_ALLOWED)


def check_arguments(method: str, args: dict[str, Any]) -> list[str]:
    """Argument names that `method` does not take (slack_sdk would send them silently)."""
    allowed = method_arguments(method)
    if allowed is None:
        return [f"{method} is not a Web API method known to slack_sdk"]
    unknown = sorted(set(args) - allowed)
    return [f"{method} takes no argument {name!r}" for name in unknown]


def _dropped_fields(sent: Any, kept: Any, path: str) -> list[str]:
    """Fields present in what was sent but missing from the model's own rendering of it."""
    if isinstance(sent, dict) and isinstance(kept, dict):
        problems = [f"{path}.{key}: unknown field" for key in sent if key not in kept]
        for key, value in sent.items():
            if key in kept:
                problems += _dropped_fields(value, kept[key], f"{path}.{key}")
        return problems
    if isinstance(sent, list) and isinstance(kept, list) and len(sent) == len(kept):
        return [
            p
            for i, (a, b) in enumerate(zip(sent, kept, strict=True))
            for p in _dropped_fields(a, b, f"{path}[{i}]")
        ]
    return []


def decode_json(value: Any) -> Any:
    """A JSON-encoded form field (blocks, view) as data; other values unchanged."""
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def check_blocks(blocks: Any, limit: int, where: str = "blocks") -> list[str]:
    """Problems with a list of blocks: shape, count, slack_sdk validation, unknown fields, ids."""
    blocks = decode_json(blocks)
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        return [f"{where} must be a list of block objects"]
    problems = []
    if len(blocks) > limit:
        problems.append(f"{where}: {len(blocks)} blocks, more than the {limit} allowed")
    block_ids: set[str] = set()
    for index, raw in enumerate(blocks):
        path = f"{where}[{index}]"
        problems += [path + p for p in _block_problems(json.dumps(raw, sort_keys=True))]
        block_id = raw.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                problems.append(f"{path}: block_id {block_id!r} is used twice")
            block_ids.add(block_id)
    return problems


LENGTH_ONLY = frozenset({"text", "value", "alt_text"})
"""Fields whose strings slack_sdk's models check by length alone (never by their content)."""


def _shape(value: Any) -> Any:
    """A block with the strings of `LENGTH_ONLY` fields replaced by others of the same length:
    it has the very problems of the block, and is the same for blocks that differ only in their
    texts and button values (a question's text, the round id in its buttons)."""
    if isinstance(value, dict):
        return {
            key: "-" * len(item) if key in LENGTH_ONLY and isinstance(item, str) else _shape(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return value


@functools.lru_cache(maxsize=8192)
def _block_problems(encoded: str) -> tuple[str, ...]:
    """Problems of one block, from its JSON (cached: most blocks of an update are unchanged)."""
    return _shape_problems(json.dumps(_shape(json.loads(encoded)), sort_keys=True))


@functools.lru_cache(maxsize=8192)
def _shape_problems(encoded: str) -> tuple[str, ...]:
    """Problems of a block's `_shape`, from its JSON (cached: blocks new in their texts and
    values mostly have a shape already checked)."""
    raw = json.loads(encoded)
    if raw.get("type") not in BLOCK_TYPES:
        return (f": unknown block type {raw.get('type')!r}",)
    try:
        parsed = Block.parse(raw)
        rendered = parsed.to_dict() if parsed is not None else {}
    except MODEL_ERRORS as exc:
        return (f": {exc}",)
    problems = _dropped_fields(json.loads(encoded), rendered, "")
    action_ids = [e.get("action_id") for e in _elements(raw) if e.get("action_id")]
    if len(action_ids) != len(set(action_ids)):
        problems.append(": an action_id is used twice in one block")
    return tuple(problems)


def _elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    found = [e for e in block.get("elements", []) if isinstance(e, dict) and "action_id" in e]
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            found.append(block[key])
    return found


def check_text_fallback(args: dict[str, Any]) -> list[str]:
    """Blocks without a plain `text` fallback (Slack only warns; notifications need it)."""
    blocks = decode_json(args.get("blocks"))
    if blocks and not str(args.get("text") or "").strip():
        return ["blocks were sent without a text fallback"]
    return []


def check_view(view: Any, expected_type: str) -> list[str]:
    """Problems with a modal or Home view: type, slack_sdk validation, fields and its blocks."""
    view = decode_json(view)
    if not isinstance(view, dict):
        return ["view must be an object"]
    if view.get("type") != expected_type:
        return [f"view type must be {expected_type!r}, not {view.get('type')!r}"]
    problems = [f"view.{key}: unknown field" for key in view if key not in View.attributes]
    try:
        View(**view).to_dict()
    except MODEL_ERRORS as exc:
        problems.append(f"view: {exc}")
    problems += check_blocks(view.get("blocks", []), SURFACE_BLOCKS, "view.blocks")
    if expected_type == "modal":
        if not view.get("title"):
            problems.append("view: a modal needs a title")
        has_inputs = any(
            b.get("type") == "input" for b in view.get("blocks", []) if isinstance(b, dict)
        )
        if has_inputs and not view.get("submit"):
            problems.append("view: a modal with input blocks needs a submit button")
    return problems


def check_response_body(body: Any) -> list[str]:
    """Problems with a message sent to a response_url or returned in a command's ack."""
    if not isinstance(body, dict):
        return ["a response must be a JSON object"]
    problems = [
        f"response: unknown field {key!r}" for key in body if key not in RESPONSE_URL_FIELDS
    ]
    if body.get("response_type") not in (None, "ephemeral", "in_channel"):
        problems.append(
            f"response_type {body.get('response_type')!r} is not ephemeral or in_channel"
        )
    if "blocks" in body:
        problems += check_blocks(body["blocks"], MESSAGE_BLOCKS)
    return problems + check_text_fallback(body)

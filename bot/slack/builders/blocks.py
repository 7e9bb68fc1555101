"""Small constructors for Block Kit pieces, so builders read as what they show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Block = dict[str, Any]

MESSAGE_BLOCK_LIMIT = 50
SURFACE_BLOCK_LIMIT = 100
SECTION_TEXT_LIMIT = 3000
HEADER_TEXT_LIMIT = 150


@dataclass(frozen=True)
class Message:
    """A message to send: the plain-text fallback and its blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        """`text` and `blocks` as keyword arguments for chat.postMessage, chat.update or respond."""
        return {"text": self.text, "blocks": self.blocks}


def escape(text: str) -> str:
    """Text safe to put into mrkdwn: `&`, `<` and `>` escaped as Slack requires."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str) -> dict[str, Any]:
    """A plain_text object."""
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object."""
    return {"type": "mrkdwn", "text": text}


def header(text: str, block_id: str) -> Block:
    """A header block (plain text, clipped to Slack's 150 characters)."""
    return {"type": "header", "block_id": block_id, "text": plain(clip(text, HEADER_TEXT_LIMIT))}


def section(text: str, block_id: str) -> Block:
    """A section block of mrkdwn text (clipped to Slack's 3,000 characters)."""
    return {"type": "section", "block_id": block_id, "text": mrkdwn(clip(text, SECTION_TEXT_LIMIT))}


def context(text: str, block_id: str) -> Block:
    """A context block with one line of small mrkdwn text."""
    return {"type": "context", "block_id": block_id, "elements": [mrkdwn(text)]}


def divider() -> Block:
    """A divider block."""
    return {"type": "divider"}


def button(label: str, action_id: str, value: str = "", style: str | None = None) -> dict[str, Any]:
    """A button element; `style` is "primary", "danger" or None."""
    element: dict[str, Any] = {"type": "button", "action_id": action_id, "text": plain(label)}
    if value:
        element["value"] = value
    if style:
        element["style"] = style
    return element

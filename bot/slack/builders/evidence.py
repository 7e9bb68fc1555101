"""The "Add evidence" modal: links one per line (http or https) and a note."""

from __future__ import annotations

from typing import Any

from bot.i18n import Translator
from bot.interview.evidence import NOTE_MAX, Problem
from bot.slack import ids
from bot.slack.builders.blocks import clip, context, escape, plain, section
from bot.slack.builders.question import button_value
from rubric.schema import Rubric

INPUT_MAX = 3000
"""Slack's limit for a plain-text input."""

FIELDS = {"links": ids.BLOCK_EVIDENCE_LINKS, "note": ids.BLOCK_EVIDENCE_NOTE}
"""The modal's block id of each checked field."""


def build_evidence_modal(
    tr: Translator,
    rubric: Rubric,
    *,
    assessment_id: int,
    criterion_id: str,
    links: tuple[str, ...] = (),
    note: str | None = None,
) -> dict[str, Any]:
    """The modal for a criterion's evidence; private_metadata holds the ids only."""
    criterion = rubric.criterion(criterion_id)
    statement = clip(criterion.statement.get(tr.lang), 500)
    guidance = tr.gettext("What helps: {what}").format(what=criterion.evidence.get(tr.lang))
    if links:
        guidance += " " + tr.ngettext(
            "Already given: {count} link.", "Already given: {count} links.", len(links)
        ).format(count=len(links))
    note_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.ACTION_EVIDENCE_NOTE,
        "multiline": True,
        "max_length": NOTE_MAX,
    }
    if note:
        note_input["initial_value"] = clip(note, NOTE_MAX)
    return {
        "type": "modal",
        "callback_id": ids.VIEW_EVIDENCE,
        "private_metadata": button_value(assessment_id, criterion_id),
        "title": plain(tr.gettext("Add evidence")[:24]),
        "submit": plain(tr.gettext("Save")[:24]),
        "close": plain(tr.gettext("Cancel")[:24]),
        "blocks": [
            section(f"*{criterion_id}* · {escape(statement)}", ids.BLOCK_EVIDENCE_ABOUT),
            context(escape(guidance), ids.BLOCK_QUESTION_RULE),
            {
                "type": "input",
                "block_id": ids.BLOCK_EVIDENCE_LINKS,
                "optional": True,
                "label": plain(tr.gettext("Links, one per line")),
                "hint": plain(tr.gettext("Each starts with https:// or http://")),
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.ACTION_EVIDENCE_LINKS,
                    "multiline": True,
                    "max_length": INPUT_MAX,
                },
            },
            {
                "type": "input",
                "block_id": ids.BLOCK_EVIDENCE_NOTE,
                "optional": True,
                "label": plain(tr.gettext("Note")),
                "element": note_input,
            },
        ],
    }


def evidence_errors(tr: Translator, problems: dict[str, Problem]) -> dict[str, str]:
    """Field errors for `response_action: errors`, by block id, in the person's language."""
    return {FIELDS[field]: problem.text(tr.gettext) for field, problem in problems.items()}

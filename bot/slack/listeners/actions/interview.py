"""The interview's buttons, checkboxes and evidence modal.

An answer click is checked and stored before its ack; the replies (the question message
replaced by its record, the next question, an area summary) are sent after it, in `defer`.
Button values carry "<assessment id>:<criterion id>" only; everything else is re-read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.i18n import translator
from bot.interview.model import (
    Back,
    Change,
    Event,
    NoneOfThese,
    NotSure,
    Pause,
    PauseChoice,
    PauseFor,
    Save,
    Skip,
    StillTrue,
)
from bot.services.evidence import EvidenceForm, evidence_form, submit_evidence
from bot.services.interview import (
    Outcome,
    Target,
    interview_action,
    refuse_malformed,
    resume_interview,
)
from bot.slack import ids
from bot.slack.builders.evidence import build_evidence_modal, evidence_errors
from bot.slack.builders.question import parse_button_value
from bot.slack.deferred import defer
from bot.slack.interview_send import Where, send_outcome

Ticks = frozenset[str]
CRITERION_EVENTS: dict[str, Callable[[str, Ticks], Event]] = {
    ids.INTERVIEW_SAVE: lambda cid, ticked: Save(cid, ticked),
    ids.INTERVIEW_NONE: lambda cid, ticked: NoneOfThese(cid),
    ids.INTERVIEW_UNSURE: lambda cid, ticked: NotSure(cid, ticked),
    ids.INTERVIEW_SKIP: lambda cid, ticked: Skip(cid),
    ids.INTERVIEW_BACK: lambda cid, ticked: Back(cid),
    ids.INTERVIEW_CHANGE: lambda cid, ticked: Change(cid),
    ids.INTERVIEW_STILL_TRUE: lambda cid, ticked: StillTrue(cid),
}
PAUSE_CHOICES = {
    ids.INTERVIEW_PAUSE_TOMORROW: PauseChoice.TOMORROW,
    ids.INTERVIEW_PAUSE_NEXT_WEEK: PauseChoice.NEXT_WEEK,
    ids.INTERVIEW_PAUSE_MYSELF: PauseChoice.MYSELF,
}


def ticked_items(body: dict[str, Any]) -> Ticks:
    """The checklist items ticked on the clicked message (Slack sends its state with the click)."""
    values = (body.get("state") or {}).get("values") or {}
    chosen = (values.get(ids.BLOCK_QUESTION_ITEMS) or {}).get(ids.INTERVIEW_ITEMS) or {}
    return frozenset(str(o.get("value")) for o in chosen.get("selected_options") or [])


def where_of(body: dict[str, Any], respond: Respond | None) -> Where:
    """The DM and the clicked message (none for a click on the Home tab)."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or body["user"]["id"]
    ts = container.get("message_ts") if container.get("type") == "message" else None
    return Where(channel, ts, respond if body.get("response_url") else None)


def _who(body: dict[str, Any], context: BoltContext) -> tuple[str | None, str]:
    return context.team_id or (body.get("team") or {}).get("id"), body["user"]["id"]


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return dict((body.get("actions") or [{}])[0])


def handle_answer_click(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
) -> None:
    """Save, None of these, Not sure, Skip, Back, Change, Still true: stored, acked, then
    answered."""
    action = _action(body)
    team_id, user_id = _who(body, context)
    parsed = parse_button_value(action.get("value"))
    if parsed is None:
        outcome = refuse_malformed(
            team_id, user_id, action=action.get("action_id", ""), value=str(action.get("value"))
        )
    else:
        assessment_id, criterion_id = parsed
        event = CRITERION_EVENTS[action["action_id"]](criterion_id, ticked_items(body))
        target = Target(team_id, user_id, assessment_id)
        outcome = interview_action(deps, target, event, now=deps.clock())
    ack()
    defer(context, body, send_outcome, client=client, deps=deps, outcome=outcome,
          where=where_of(body, respond))  # fmt: skip


def handle_interview_click(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
) -> None:
    """Pause, a pause choice, Start/Resume: value is the assessment id."""
    action = _action(body)
    team_id, user_id = _who(body, context)
    value = str(action.get("value") or "")
    action_id = action.get("action_id", "")
    outcome: Outcome
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        outcome = refuse_malformed(team_id, user_id, action=action_id, value=value)
    elif action_id == ids.INTERVIEW_RESUME:
        outcome = resume_interview(
            deps, team_id=team_id, user_id=user_id, assessment_id=int(value), now=deps.clock()
        )
    else:
        event = PauseFor(PAUSE_CHOICES[action_id]) if action_id in PAUSE_CHOICES else Pause()
        outcome = interview_action(
            deps, Target(team_id, user_id, int(value)), event, now=deps.clock()
        )
    ack()
    defer(context, body, send_outcome, client=client, deps=deps, outcome=outcome,
          where=where_of(body, respond))  # fmt: skip


def handle_evidence_click(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
) -> None:
    """Add evidence: check, ack, then open the modal (within the trigger's 3 seconds)."""
    action = _action(body)
    team_id, user_id = _who(body, context)
    parsed = parse_button_value(action.get("value"))
    if parsed is None:
        outcome = refuse_malformed(team_id, user_id, action="evidence", value=str(action))
        ack()
        defer(context, body, send_outcome, client=client, deps=deps, outcome=outcome,
              where=where_of(body, respond))  # fmt: skip
        return
    form = evidence_form(deps, Target(team_id, user_id, parsed[0], parsed[1]))
    ack()
    defer(context, body, open_evidence_modal, client=client, deps=deps, form=form,
          trigger_id=body.get("trigger_id", ""), where=where_of(body, respond))  # fmt: skip


def open_evidence_modal(
    *, client: WebClient, deps: Deps, form: EvidenceForm, trigger_id: str, where: Where
) -> None:
    """Open the evidence modal, or say why not."""
    assert deps.rubric is not None
    if form.refusal is not None:
        send_outcome(client, deps, Outcome(form.lang, refusal=form.refusal), where)
        return
    view = build_evidence_modal(
        translator(form.lang),
        form.rubric or deps.rubric,
        assessment_id=form.assessment_id,
        criterion_id=form.criterion_id,
        links=form.links,
        note=form.note,
    )
    client.views_open(trigger_id=trigger_id, view=view)


def handle_evidence_submission(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Check the fields (errors keep the modal open), store, ack, then confirm in the DM."""
    view = body.get("view") or {}
    team_id, user_id = _who(body, context)
    parsed = parse_button_value(view.get("private_metadata"))
    values = (view.get("state") or {}).get("values") or {}
    if parsed is None:
        outcome = refuse_malformed(team_id, user_id, action="evidence", value="private_metadata")
    else:
        submission = submit_evidence(
            deps,
            Target(team_id, user_id, parsed[0], parsed[1]),
            links_text=_typed(values, ids.BLOCK_EVIDENCE_LINKS, ids.ACTION_EVIDENCE_LINKS),
            note_text=_typed(values, ids.BLOCK_EVIDENCE_NOTE, ids.ACTION_EVIDENCE_NOTE),
            now=deps.clock(),
        )
        if submission.outcome is None:
            tr = translator(submission.lang)
            ack(response_action="errors", errors=evidence_errors(tr, submission.problems))
            return
        outcome = submission.outcome
    ack()
    defer(context, body, send_outcome, client=client, deps=deps, outcome=outcome,
          where=Where(user_id))  # fmt: skip


def acknowledge_tick(ack: Ack) -> None:
    """A ticked checkbox needs nothing stored: Save reads the ticks from the message's state."""
    ack()


def register(app: App) -> None:
    """Listen to the interview's buttons, checkboxes and evidence modal."""
    app.action(ids.INTERVIEW_ITEMS)(acknowledge_tick)
    for action_id in CRITERION_EVENTS:
        app.action(action_id)(handle_answer_click)
    for action_id in (ids.INTERVIEW_PAUSE, ids.INTERVIEW_RESUME, *PAUSE_CHOICES):
        app.action(action_id)(handle_interview_click)
    app.action(ids.INTERVIEW_EVIDENCE)(handle_evidence_click)
    app.view(ids.VIEW_EVIDENCE)(handle_evidence_submission)


def _typed(values: dict[str, Any], block_id: str, action_id: str) -> str | None:
    entry = (values.get(block_id) or {}).get(action_id) or {}
    value = entry.get("value")
    return str(value) if value is not None else None

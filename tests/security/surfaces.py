"""How each row of the permission matrix is tried, and what its `yes` changes or shows.

Every attempt names the target city's objects (its name, its assessment, criterion, milestone
or city id), the way a person of another city would have to forge them: the button values and
modal metadata are the ones the bot gives the target city's own people.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox import payloads
from bot.sandbox.driver import Response, Workspace
from bot.sandbox.server import LocalSandbox
from bot.sandbox.surfaces import Control
from bot.slack import ids
from tests.security.world import (
    AREA,
    CRITERION,
    DISPUTED,
    TARGET_CITY,
    World,
    view_submission,
)

SHOWING_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
        "views.open",
        "views.push",
        "views.update",
        "views.publish",
        "response_url",
        "files.completeUploadExternal",
    }
)
"""The sandbox calls through which a person is shown something."""


@dataclass
class Attempt:
    """One person about to try one surface."""

    world: World
    workspace: Workspace
    name: str
    role: str
    mark: int = 0
    """How many sandbox calls there were before the attempt."""

    @property
    def user(self) -> str:
        """The Slack id of the person trying."""
        return self.world.user(self.name)

    @property
    def sandbox(self) -> LocalSandbox:
        """The sandbox Slack."""
        return self.world.sandbox

    def calls(self) -> list[dict[str, Any]]:
        """The calls that showed someone something since the attempt began."""
        return [c for c in self.sandbox.calls()[self.mark :] if c["method"] in SHOWING_METHODS]

    def calls_to(self, user_id: str) -> list[dict[str, Any]]:
        """The messages posted to a person (by user id or their DM) since the attempt began."""
        dm = self.sandbox.dm_channel(user_id=user_id)["id"]
        return [
            c
            for c in self.calls()
            if c["method"] == "chat.postMessage" and c["args"].get("channel") in (user_id, dm)
        ]


@dataclass(frozen=True)
class Surface:
    """A way in: how to try it, and what it changes or shows when it works."""

    perform: Callable[[Attempt], Response]
    changes: frozenset[str] = frozenset()
    """Tables a `yes` changes (at least these)."""
    shows: Callable[[Attempt], bool] | None = None
    """True once a `yes` has shown what it should."""
    quiet: bool = False
    """Nothing at all is shown (a checkbox tick)."""
    extra: dict[str, Any] = field(default_factory=dict)


# ---- helpers ----------------------------------------------------------------------------------


def command(text: str) -> Callable[[Attempt], Response]:
    """Run `/citycheck <text>` in the person's DM."""
    return lambda a: a.workspace.command(a.user, text)


def click(action_id: str, value: Callable[[World], str]) -> Callable[[Attempt], Response]:
    """Click a button with this action id and value in a message of the person's DM."""
    return lambda a: a.workspace.click_forged(a.user, action_id, value(a.world), label="Go")


def home_click(action_id: str, value: Callable[[World], str]) -> Callable[[Attempt], Response]:
    """Click a button with this action id and value on the person's App Home tab."""

    def perform(a: Attempt) -> Response:
        element = {
            "type": "button",
            "action_id": action_id,
            "text": {"type": "plain_text", "text": "Go"},
            "value": value(a.world),
        }
        block = {"type": "actions", "block_id": "home_forged", "elements": [element]}
        view = {"id": "V0HOME", "type": "home", "blocks": [block], "state": {"values": {}}}
        payload = payloads.block_actions(
            user=a.sandbox.user(user_id=a.user),
            app_id=a.workspace.identity["app_id"],
            trigger_id=a.sandbox.issue_trigger(user_id=a.user),
            action=payloads.action_of(Control(block, element), a.workspace.clock()),
            state={},
            view=view,
        )
        return a.workspace.send_payload(payload)

    return perform


def submit(
    callback_id: str,
    metadata: Callable[[World], str],
    values: Callable[[World], dict[str, dict[str, Any]]],
) -> Callable[[Attempt], Response]:
    """Submit a modal with this callback id, private_metadata and input values."""
    return lambda a: view_submission(
        a.workspace,
        a.user,
        callback_id=callback_id,
        private_metadata=metadata(a.world),
        values=values(a.world),
    )


def answer_value(world: World) -> str:
    """An interview button's value on the target city's open round."""
    return f"{world.ids.round2}:{CRITERION}"


def round_value(world: World) -> str:
    """A button value naming the target city's open round."""
    return str(world.ids.round2)


def milestone_value(world: World) -> str:
    """A button value naming the target city's milestone."""
    return str(world.ids.milestone)


def opened(callback_id: str) -> Callable[[Attempt], bool]:
    """True once a modal with this callback id was opened for the person."""
    return lambda a: any(
        c["method"] == "views.open" and callback_id in json.dumps(c["args"]) for c in a.calls()
    )


def text_shown(*needles: str) -> Callable[[Attempt], bool]:
    """True once something shown contains every needle."""

    def probe(a: Attempt) -> bool:
        everything = json.dumps([c["args"] for c in a.calls()])
        return all(n in everything for n in needles)

    return probe


def question_shown(a: Attempt) -> bool:
    """True once an interview question of the open round was shown."""
    return f"{a.world.ids.round2}:{AREA}" in json.dumps([c["args"] for c in a.calls()])


def replied(a: Attempt) -> bool:
    """True once the person was shown anything."""
    return bool(a.calls())


def coordinator_told(a: Attempt) -> bool:
    """True once the target city's coordinator got a message."""
    return bool(a.calls_to(a.world.user("cora")))


def _setup_values(world: World) -> dict[str, dict[str, Any]]:
    return {
        ids.BLOCK_SETUP_NAME: {
            ids.ACTION_SETUP_NAME: {"type": "plain_text_input", "value": TARGET_CITY}
        },
        ids.BLOCK_SETUP_STATE: {
            ids.ACTION_SETUP_STATE: {"type": "plain_text_input", "value": "IL"}
        },
        ids.BLOCK_SETUP_COUNTRY: {
            ids.ACTION_SETUP_COUNTRY: {"type": "static_select", "selected_option": {"value": "US"}}
        },
        ids.BLOCK_SETUP_POPULATION: {
            ids.ACTION_SETUP_POPULATION: {"type": "plain_text_input", "value": "120000"}
        },
        ids.BLOCK_SETUP_TIMEZONE: {
            ids.ACTION_SETUP_TIMEZONE: {
                "type": "static_select",
                "selected_option": {"value": "America/Chicago"},
            }
        },
        ids.BLOCK_SETUP_CHANNEL: {
            ids.ACTION_SETUP_CHANNEL: {
                "type": "conversations_select",
                "selected_conversation": world.channels["springfield"],
            }
        },
        ids.BLOCK_SETUP_COORDINATORS: {
            ids.ACTION_SETUP_COORDINATORS: {
                "type": "multi_users_select",
                "selected_users": [world.user("cora")],
            }
        },
        ids.BLOCK_SETUP_LEADERS: {
            ids.ACTION_SETUP_LEADERS: {
                "type": "multi_users_select",
                "selected_users": [world.user("leo")],
            }
        },
    }


def _assign_values(world: World) -> dict[str, dict[str, Any]]:
    return {
        f"{ids.BLOCK_ASSIGN_AREA_PREFIX}{area}": {
            ids.ACTION_ASSIGN_PEOPLE: {"type": "multi_users_select", "selected_users": people}
        }
        for area, people in {AREA: [world.user("rita")], "BF": [world.user("rita")]}.items()
    }


def _evidence_values(world: World) -> dict[str, dict[str, Any]]:
    return {
        ids.BLOCK_EVIDENCE_LINKS: {
            ids.ACTION_EVIDENCE_LINKS: {
                "type": "plain_text_input",
                "value": "https://data.example.gov/open-data-policy",
            }
        },
        ids.BLOCK_EVIDENCE_NOTE: {
            ids.ACTION_EVIDENCE_NOTE: {"type": "plain_text_input", "value": None}
        },
    }


def _plan_values(world: World) -> dict[str, dict[str, Any]]:
    return {
        f"{ids.BLOCK_PLAN_INCLUDE_PREFIX}{CRITERION}": {
            ids.ACTION_PLAN_INCLUDE: {
                "type": "checkboxes",
                "selected_options": [{"value": "include"}],
            }
        },
        f"{ids.BLOCK_PLAN_OWNER_PREFIX}{CRITERION}": {
            ids.ACTION_PLAN_OWNER: {"type": "users_select", "selected_user": world.user("leo")}
        },
        f"{ids.BLOCK_PLAN_DUE_PREFIX}{CRITERION}": {
            ids.ACTION_PLAN_DUE: {"type": "datepicker", "selected_date": "2027-06-01"}
        },
    }


def _done_values(world: World) -> dict[str, dict[str, Any]]:
    return {
        ids.BLOCK_DONE_EVIDENCE: {
            ids.ACTION_DONE_EVIDENCE: {
                "type": "plain_text_input",
                "value": "https://data.example.gov/strategy",
            }
        }
    }


def _away_values(world: World) -> dict[str, dict[str, Any]]:
    return {
        ids.BLOCK_AWAY_DATE: {
            ids.ACTION_AWAY_DATE: {"type": "datepicker", "selected_date": BACK_ON}
        },
        ids.BLOCK_AWAY_DEPUTY: {
            ids.ACTION_AWAY_DEPUTY: {"type": "users_select", "selected_user": world.user(DEPUTY)}
        },
    }


def _nudge_times_values(world: World) -> dict[str, dict[str, Any]]:
    return {
        ids.BLOCK_NUDGE_DAYS: {
            ids.ACTION_NUDGE_DAYS: {
                "type": "checkboxes",
                "selected_options": [{"value": "2"}, {"value": "4"}],
            }
        },
        ids.BLOCK_NUDGE_HOUR: {
            ids.ACTION_NUDGE_HOUR: {"type": "static_select", "selected_option": {"value": "10:00"}}
        },
    }


def _away(a: Attempt) -> Response:
    return a.workspace.command(a.user, f"away until {BACK_ON} deputy <@{a.world.user(DEPUTY)}>")


def _type_answer(a: Attempt) -> Response:
    return a.workspace.type(a.user, "1")


def _open_home(a: Attempt) -> Response:
    return a.workspace.open_home(a.user)


BACK_ON = "2027-03-15"
DEPUTY = "rui"
"""A respondent of the target city (in no column): named as deputy in every Away attempt."""
_AWAY_STORED = frozenset({"away_period", "notification_ledger"})
"""The away period, and the deputy's notice claimed in the ledger (the deputy is told)."""
_ANSWERED = frozenset({"answer", "answer_history"})
_RECHECKED = frozenset({"recheck", "answer", "answer_history"})

SURFACES: dict[str, Surface] = {
    "/citycheck help": Surface(command("help")),
    "/citycheck resume": Surface(command("resume"), shows=question_shown),
    "/citycheck setup Springfield": Surface(
        command(f"setup {TARGET_CITY}"), shows=opened(ids.VIEW_SETUP)
    ),
    "/citycheck assign Springfield": Surface(
        command(f"assign {TARGET_CITY}"), shows=opened(ids.VIEW_ASSIGN)
    ),
    "/citycheck status Springfield": Surface(
        command(f"status {TARGET_CITY}"), shows=text_shown(TARGET_CITY, "Rita")
    ),
    "/citycheck plan Springfield": Surface(
        command(f"plan {TARGET_CITY}"), shows=text_shown("Write the data strategy down")
    ),
    "/citycheck export Springfield": Surface(
        command(f"export {TARGET_CITY}"),
        shows=lambda a: any(c["method"] == "files.completeUploadExternal" for c in a.calls()),
    ),
    "/citycheck cohort": Surface(command("cohort"), shows=text_shown(TARGET_CITY)),
    "/citycheck language city es Springfield": Surface(
        command(f"language city es {TARGET_CITY}"), changes=frozenset({"city"})
    ),
    "/citycheck new-round Springfield": Surface(
        command(f"new-round {TARGET_CITY}"), shows=text_shown(ids.NEW_ROUND_CLOSE)
    ),
    "/citycheck away until 2027-03-15 deputy @rui": Surface(_away, changes=_AWAY_STORED),
    "/citycheck back": Surface(command("back")),
    "button interview_items": Surface(click(ids.INTERVIEW_ITEMS, answer_value), quiet=True),
    "button interview_save": Surface(click(ids.INTERVIEW_SAVE, answer_value), changes=_ANSWERED),
    "button interview_none": Surface(click(ids.INTERVIEW_NONE, answer_value), changes=_ANSWERED),
    "button interview_unsure": Surface(
        click(ids.INTERVIEW_UNSURE, answer_value), changes=_ANSWERED
    ),
    "button interview_skip": Surface(click(ids.INTERVIEW_SKIP, answer_value), changes=_ANSWERED),
    "button interview_back": Surface(click(ids.INTERVIEW_BACK, answer_value), shows=replied),
    "button interview_change": Surface(
        click(ids.INTERVIEW_CHANGE, answer_value), shows=question_shown
    ),
    "button interview_evidence": Surface(
        click(ids.INTERVIEW_EVIDENCE, answer_value), shows=opened(ids.VIEW_EVIDENCE)
    ),
    "button interview_pause": Surface(
        click(ids.INTERVIEW_PAUSE, round_value), shows=text_shown(ids.INTERVIEW_PAUSE_TOMORROW)
    ),
    "button interview_pause_tomorrow": Surface(
        click(ids.INTERVIEW_PAUSE_TOMORROW, round_value), changes=frozenset({"interview_progress"})
    ),
    "button interview_pause_next_week": Surface(
        click(ids.INTERVIEW_PAUSE_NEXT_WEEK, round_value), changes=frozenset({"interview_progress"})
    ),
    "button interview_pause_myself": Surface(
        click(ids.INTERVIEW_PAUSE_MYSELF, round_value), changes=frozenset({"interview_progress"})
    ),
    "button interview_resume": Surface(
        click(ids.INTERVIEW_RESUME, round_value), shows=question_shown
    ),
    "button interview_still_true": Surface(
        click(ids.INTERVIEW_STILL_TRUE, answer_value), shows=replied
    ),
    "button assignment_later": Surface(
        click(ids.ASSIGNMENT_LATER, round_value), changes=frozenset({"interview_progress"})
    ),
    "button plan_create": Surface(
        click(ids.PLAN_CREATE, round_value), shows=opened(ids.VIEW_PLAN_REVIEW)
    ),
    "button milestone_done": Surface(
        click(ids.MILESTONE_DONE, milestone_value), shows=opened(ids.VIEW_MILESTONE_DONE)
    ),
    "button milestone_snooze": Surface(
        click(ids.MILESTONE_SNOOZE, milestone_value), changes=frozenset({"milestone"})
    ),
    "button milestone_help": Surface(
        click(ids.MILESTONE_HELP, milestone_value), shows=coordinator_told
    ),
    "button new_round_close": Surface(
        click(ids.NEW_ROUND_CLOSE, lambda w: f"{w.ids.round2}:"),
        changes=frozenset({"assessment"}),
    ),
    "button disagreement_accept": Surface(
        click(ids.DISAGREEMENT_ACCEPT, lambda w: f"{w.ids.disagreement}:{w.ids.ritas_answer}"),
        changes=frozenset({"answer", "answer_history", "disagreement"}),
    ),
    "button disagreement_talk": Surface(
        click(ids.DISAGREEMENT_TALK, lambda w: str(w.ids.disagreement)),
        changes=frozenset({"disagreement", "notification_ledger"}),
    ),
    "button disagreement_change": Surface(
        click(ids.DISAGREEMENT_CHANGE, lambda w: f"{w.ids.round2}:{DISPUTED}"),
        shows=lambda a: (
            f"{a.world.ids.round2}:{DISPUTED}"
            in json.dumps([c["args"] for c in a.calls() if c["method"] == "chat.postMessage"])
        ),
    ),
    "button recheck_same": Surface(  # nothing to keep yet: the person is told what to do
        click(ids.RECHECK_SAME, lambda w: str(w.ids.recheck)), shows=replied
    ),
    "button recheck_save": Surface(
        click(ids.RECHECK_SAVE, lambda w: str(w.ids.recheck)), changes=_RECHECKED
    ),
    "button recheck_none": Surface(
        click(ids.RECHECK_NONE, lambda w: str(w.ids.recheck)), changes=_RECHECKED
    ),
    "button recheck_unsure": Surface(
        click(ids.RECHECK_UNSURE, lambda w: str(w.ids.recheck)), changes=_RECHECKED
    ),
    "button home_away": Surface(home_click(ids.HOME_AWAY, lambda w: "")),
    "button home_back": Surface(home_click(ids.HOME_BACK, lambda w: "")),
    "button home_nudge_times": Surface(
        home_click(ids.HOME_NUDGE_TIMES, lambda w: ""), shows=opened(ids.VIEW_NUDGE_TIMES)
    ),
    "modal setup_city": Surface(
        submit(ids.VIEW_SETUP, lambda w: str(w.ids.city), _setup_values),
        changes=frozenset({"city"}),
    ),
    "modal assign_areas": Surface(
        submit(ids.VIEW_ASSIGN, lambda w: str(w.ids.city), _assign_values),
        changes=frozenset({"assignment"}),
    ),
    "modal interview_evidence_modal": Surface(
        submit(ids.VIEW_EVIDENCE, answer_value, _evidence_values), changes=frozenset({"answer"})
    ),
    "modal plan_review": Surface(
        submit(
            ids.VIEW_PLAN_REVIEW,
            lambda w: json.dumps({"a": w.ids.round2, "c": [CRITERION]}),
            _plan_values,
        ),
        changes=frozenset({"plan", "milestone"}),
    ),
    "modal milestone_done_modal": Surface(
        submit(ids.VIEW_MILESTONE_DONE, lambda w: json.dumps({"m": w.ids.milestone}), _done_values),
        changes=frozenset({"milestone"}),
    ),
    "modal away_modal": Surface(
        submit(ids.VIEW_AWAY, lambda w: "", _away_values), changes=_AWAY_STORED
    ),
    "modal nudge_times_modal": Surface(
        submit(ids.VIEW_NUDGE_TIMES, lambda w: "", _nudge_times_values),
        changes=frozenset({"nudge_preference"}),
    ),
    "event app_home_opened": Surface(
        _open_home, shows=lambda a: any(c["method"] == "views.publish" for c in a.calls())
    ),
    "event message.im": Surface(_type_answer, changes=_ANSWERED),
    "event app_uninstalled": Surface(
        lambda a: a.workspace.send_event({"type": "app_uninstalled"}), quiet=True
    ),
    "event tokens_revoked": Surface(
        lambda a: a.workspace.send_event(
            {"type": "tokens_revoked", "tokens": {"oauth": [a.user], "bot": ["B0BOT"]}}
        ),
        quiet=True,
    ),
    "Home button interview_resume": Surface(
        home_click(ids.INTERVIEW_RESUME, round_value), shows=question_shown
    ),
    "Home button milestone_snooze": Surface(
        home_click(ids.MILESTONE_SNOOZE, milestone_value), changes=frozenset({"milestone"})
    ),
}

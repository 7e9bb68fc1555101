"""The permission matrix as data: every way in (rows) by who tries it (columns).

This table mirrors the one in docs/security.md (a test compares them) and drives the cell by
cell tests. Outcomes:
- `yes`: it works; the change or the answer the surface exists for happens.
- `no`: refused; the person is told why, nothing changes, a security event is logged.
- `own`: the person gets only their own things (their own progress, a new city of their own,
  the help), or the event concerns only the workspace Slack sent it for; nothing of the
  target city is changed or shown.
- `open`: anyone; it touches no data (the help, ticking a checkbox before Save).
"""

from __future__ import annotations

from tests.security.world import ROLES

OUTCOMES = ("yes", "no", "own", "open")

_NO_ONE_ELSE = ("no", "no", "no", "no", "no", "no")
_RESPONDENT_ONLY = ("yes", *_NO_ONE_ELSE)
_COORDINATOR_ONLY = ("no", "yes", "no", "no", "no", "no", "no")
_OWNER_OR_COORDINATOR = ("no", "yes", "yes", "no", "no", "no", "no")
_ASKED_OR_COORDINATOR = ("yes", "yes", "no", "no", "no", "no", "no")
"""A re-check: the person it was sent to (the respondent), or a coordinator of the city."""
_DEPUTY_OF_THE_CITY = ("yes", "yes", "yes", "yes", "own", "no", "no")
"""Away naming a target-city person as deputy: only someone of that city may; a person of no city
is told so (nothing of the target city is involved)."""
_ANY_MEMBER = ("yes", "yes", "yes", "yes", "own", "yes", "yes")
"""A person's own settings: anyone of any city, for themselves."""

MATRIX: dict[str, tuple[str, ...]] = {
    # /citycheck subcommands (a city name names the target city)
    "/citycheck help": ("open",) * 7,
    "/citycheck resume": ("yes", "own", "own", "own", "own", "own", "own"),
    "/citycheck setup Springfield": ("no", "yes", "no", "no", "no", "no", "own"),
    "/citycheck assign Springfield": _COORDINATOR_ONLY,
    "/citycheck status Springfield": ("own", "yes", "own", "own", "own", "own", "own"),
    "/citycheck plan Springfield": _OWNER_OR_COORDINATOR,
    "/citycheck export Springfield": _COORDINATOR_ONLY,
    "/citycheck cohort": ("no", "no", "no", "yes", "no", "no", "no"),
    "/citycheck language city es Springfield": _COORDINATOR_ONLY,
    "/citycheck new-round Springfield": _COORDINATOR_ONLY,
    "/citycheck away until 2027-03-15 deputy @rui": _DEPUTY_OF_THE_CITY,
    "/citycheck back": ("own",) * 7,
    # buttons in messages (values: the target city's assessment, criterion or milestone ids)
    "button interview_items": ("open",) * 7,
    "button interview_save": _RESPONDENT_ONLY,
    "button interview_none": _RESPONDENT_ONLY,
    "button interview_unsure": _RESPONDENT_ONLY,
    "button interview_skip": _RESPONDENT_ONLY,
    "button interview_back": _RESPONDENT_ONLY,
    "button interview_change": _RESPONDENT_ONLY,
    "button interview_evidence": _RESPONDENT_ONLY,
    "button interview_pause": _RESPONDENT_ONLY,
    "button interview_pause_tomorrow": _RESPONDENT_ONLY,
    "button interview_pause_next_week": _RESPONDENT_ONLY,
    "button interview_pause_myself": _RESPONDENT_ONLY,
    "button interview_resume": _RESPONDENT_ONLY,
    "button interview_still_true": _RESPONDENT_ONLY,
    "button assignment_later": _RESPONDENT_ONLY,
    "button plan_create": _COORDINATOR_ONLY,
    "button milestone_done": _OWNER_OR_COORDINATOR,
    "button milestone_snooze": _OWNER_OR_COORDINATOR,
    "button milestone_help": _OWNER_OR_COORDINATOR,
    "button new_round_close": _COORDINATOR_ONLY,
    "button disagreement_accept": _COORDINATOR_ONLY,
    "button disagreement_talk": _COORDINATOR_ONLY,
    "button disagreement_change": _RESPONDENT_ONLY,
    "button recheck_same": _ASKED_OR_COORDINATOR,
    "button recheck_save": _ASKED_OR_COORDINATOR,
    "button recheck_none": _ASKED_OR_COORDINATOR,
    "button recheck_unsure": _ASKED_OR_COORDINATOR,
    # buttons of the App Home's reminders section (a person's own away period and nudge times)
    "button home_away": ("open",) * 7,
    "button home_back": ("own",) * 7,
    "button home_nudge_times": _ANY_MEMBER,
    # modal submissions (private_metadata: the target city's ids)
    "modal setup_city": _COORDINATOR_ONLY,
    "modal assign_areas": _COORDINATOR_ONLY,
    "modal interview_evidence_modal": _RESPONDENT_ONLY,
    "modal plan_review": _COORDINATOR_ONLY,
    "modal milestone_done_modal": _OWNER_OR_COORDINATOR,
    "modal away_modal": _DEPUTY_OF_THE_CITY,
    "modal nudge_times_modal": _ANY_MEMBER,
    # events
    "event app_home_opened": ("own",) * 7,
    "event message.im": ("yes", "own", "own", "own", "own", "own", "own"),
    "event app_uninstalled": ("own",) * 7,
    "event tokens_revoked": ("own",) * 7,
    # buttons on the App Home tab (the same listeners, reached from a view)
    "Home button interview_resume": _RESPONDENT_ONLY,
    "Home button milestone_snooze": _OWNER_OR_COORDINATOR,
}


def cells() -> list[tuple[str, str, str]]:
    """Every (surface, role, outcome) of the matrix."""
    return [
        (surface, role, outcome)
        for surface, outcomes in MATRIX.items()
        for role, outcome in zip(ROLES, outcomes, strict=True)
    ]

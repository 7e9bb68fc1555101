"""A city's data as one JSON archive, and what deleting it removes.

The archive holds everything stored about the city: the city and its workspace, its people
with their roles, every round with its assignments, answers (each with its history), interview
progress, plans and milestones, report files, digest snapshots and the notification ledger rows
keyed to it. Values are as stored (times in UTC, ISO 8601).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlmodel import SQLModel

from storage.repo.city_data import CityRows

ARCHIVE_FORMAT = "citycheck-city-export"
ARCHIVE_VERSION = 1


def _plain(row: SQLModel) -> dict[str, Any]:
    return row.model_dump(mode="json")


def city_archive(rows: CityRows, *, now: datetime) -> dict[str, Any]:
    """Everything stored about the city, nested by round (see the module docstring)."""
    roles: dict[int, list[str]] = defaultdict(list)
    for role in rows.roles:
        roles[role.person_id].append(str(role.role))
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for change in rows.history:
        history[change.answer_id].append(_plain(change))
    milestones: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for milestone in rows.milestones:
        milestones[milestone.plan_id].append(_plain(milestone))

    def of_round(items: list[Any], assessment_id: int | None) -> list[Any]:
        return [item for item in items if item.assessment_id == assessment_id]

    rounds = []
    for assessment in rows.assessments:
        rounds.append(
            {
                **_plain(assessment),
                "assignments": [_plain(a) for a in of_round(rows.assignments, assessment.id)],
                "answers": [
                    {**_plain(a), "history": history.get(a.id or -1, [])}
                    for a in of_round(rows.answers, assessment.id)
                ],
                "interview_progress": [_plain(p) for p in of_round(rows.progress, assessment.id)],
                "plans": [
                    {**_plain(p), "milestones": milestones.get(p.id or -1, [])}
                    for p in of_round(rows.plans, assessment.id)
                ],
                "report_files": [_plain(f) for f in of_round(rows.report_files, assessment.id)],
                "respondent_answers": [
                    _plain(a) for a in of_round(rows.respondent_answers, assessment.id)
                ],
                "disagreements": [_plain(d) for d in of_round(rows.disagreements, assessment.id)],
                "rechecks": [_plain(r) for r in of_round(rows.rechecks, assessment.id)],
            }
        )
    return {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "exported_at": now.isoformat(),
        "workspace": _plain(rows.workspace),
        "city": _plain(rows.city),
        "people": [
            {**_plain(person), "roles": sorted(roles.get(person.id or -1, []))}
            for person in rows.people
        ],
        "assessments": rounds,
        "digest_snapshots": [_plain(s) for s in rows.digest_snapshots],
        "notifications": [_plain(n) for n in rows.ledger],
    }


def deletion_lines(rows: CityRows) -> list[str]:
    """What deleting the city removes, one line per kind of row, for the confirmation."""
    names = {
        "roles": "roles",
        "people": "people of the city (removed unless another city has them too)",
        "assessments": "assessment rounds",
        "assignments": "assignments",
        "answers": "answers",
        "history": "answer changes",
        "progress": "interview places",
        "plans": "plans",
        "milestones": "milestones",
        "report_files": "report files (the files stay in Slack: delete them there)",
        "digest_snapshots": "digest snapshots",
        "ledger": "sent-message records",
        "respondent_answers": "respondents' own answers (criteria several people answer)",
        "disagreements": "disagreements between respondents",
        "rechecks": "re-checks after milestones",
    }
    counts = rows.counts()
    return [f"{counts[key]:>6}  {label}" for key, label in names.items()]

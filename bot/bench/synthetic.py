"""Synthetic cohorts for the scale benchmarks, bulk-inserted with SQLAlchemy core.

`generate_cohort(engine, rubric=..., now=..., cities=N)` adds one workspace with N cities, each
with five respondents (the first also its coordinator) and a leader, an assessment round of the
rubric, every practice area assigned, answers with their history, interview progress, and (with
`milestones`) improvement plans whose milestones fall due around the simulated week after
`now`. The cohort is realistic rather than uniform: about a third of the cities have completed
their round and work on its plan (the milestones are spread over them), the rest are part-way
through each area; most answers tick some checklist items,
some are unsure or skipped, a quarter were changed once. Calls may be repeated on one database
to grow a cohort (100, then 1,000, then 10,000 cities). The random stream is seeded.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, Table, func, insert, select
from sqlalchemy.engine import Connection

from rubric.schema import Rubric
from storage.models import (
    Answer,
    AnswerHistory,
    Assessment,
    Assignment,
    City,
    CityRole,
    InterviewProgress,
    Milestone,
    Person,
    Plan,
    Workspace,
)

CHUNK_CITIES = 250
"""Cities inserted per transaction (bounded memory, few round trips)."""

TIMEZONES = (
    ("America/New_York", "en"),
    ("America/Chicago", "en"),
    ("America/Denver", "en"),
    ("America/Los_Angeles", "en"),
    ("America/Phoenix", "en"),
    ("America/Mexico_City", "es"),
    ("America/Bogota", "es"),
    ("America/Sao_Paulo", "pt"),
)
COMPLETE_SHARE = 0.35
COMPLETED_AGO = timedelta(days=14)
"""When the completed rounds were completed (their plans drawn the same day)."""
CHANGED_SHARE = 0.25
TABLES: tuple[Any, ...] = (
    Workspace, City, Person, CityRole, Assessment, Assignment, Answer, AnswerHistory,
    InterviewProgress, Plan, Milestone,
)  # fmt: skip


def table(model: Any) -> Table:
    """The core Table of a SQLModel class."""
    found: Table = model.__table__
    return found


@dataclass
class CohortSummary:
    """Rows added per table, and the ids a scenario may need."""

    rows: dict[str, int] = field(default_factory=dict)
    workspace_id: int = 0
    city_ids: list[int] = field(default_factory=list)

    def add(self, name: str, count: int) -> None:
        """Count `count` more rows of table `name`."""
        self.rows[name] = self.rows.get(name, 0) + count


def count_rows(engine: Engine) -> dict[str, int]:
    """Rows in each table the generator fills (one SELECT count(*) per table)."""
    with engine.connect() as connection:
        return {
            table(m).name: int(
                connection.execute(select(func.count()).select_from(table(m))).one()[0]
            )
            for m in TABLES
        }


def _insert(connection: Connection, model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows in one executemany with ids given here (after the table's highest)."""
    if not rows:
        return []
    target = table(model)
    highest = connection.execute(select(func.coalesce(func.max(target.c.id), 0))).scalar_one()
    ids = list(range(int(highest) + 1, int(highest) + 1 + len(rows)))
    connection.execute(insert(target), [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
    return ids


def _sync_sequences(connection: Connection) -> None:
    """On PostgreSQL, move each id sequence past the ids given here, so the app's inserts work."""
    if connection.dialect.name != "postgresql":
        return
    for model in TABLES:
        name = table(model).name
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
        )


def _spread(total: int, parts: int) -> Iterator[int]:
    """`total` split into `parts` near-equal whole numbers."""
    base, extra = divmod(total, parts) if parts else (0, 0)
    for index in range(parts):
        yield base + (1 if index < extra else 0)


def generate_cohort(
    engine: Engine,
    *,
    rubric: Rubric,
    now: datetime,
    cities: int,
    respondents: int = 5,
    milestones: int = 0,
    seed: int = 7,
) -> CohortSummary:
    """Add a workspace of `cities` cities with people, answers, history and `milestones` in all."""
    if cities < 1 or respondents < 1:
        raise ValueError("a cohort needs at least one city and one respondent per city")
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    generator = random.Random(seed)
    summary = CohortSummary()
    with engine.begin() as connection:
        number = int(
            connection.execute(select(func.count()).select_from(table(Workspace))).one()[0]
        )
        team = f"TBENCH{number + 1:04d}"
        summary.workspace_id = _insert(
            connection,
            Workspace,
            [{"slack_team_id": team, "name": f"Bench program {number + 1}", "created_at": now}],
        )[0]
        summary.add("workspace", 1)
    per_city = list(_spread(milestones, cities))
    for first in range(0, cities, CHUNK_CITIES):
        count = min(CHUNK_CITIES, cities - first)
        with engine.begin() as connection:
            _City(connection, generator, rubric, now, summary, team, respondents).add(
                first, count, per_city[first : first + count]
            )
    with engine.begin() as connection:
        _sync_sequences(connection)
    return summary


class _City:
    """Builds one chunk of cities and everything under them."""

    def __init__(
        self,
        connection: Connection,
        generator: random.Random,
        rubric: Rubric,
        now: datetime,
        summary: CohortSummary,
        team: str,
        respondents: int,
    ) -> None:
        self.db, self.rng, self.rubric, self.now = connection, generator, rubric, now
        self.summary, self.team, self.respondents = summary, team, respondents
        self.assignments: list[dict[str, Any]] = []
        self.answers: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        self.progress: list[dict[str, Any]] = []
        self.plans: list[tuple[dict[str, Any], list[int], int]] = []

    def add(self, first: int, count: int, milestones: list[int]) -> None:
        rng, now = self.rng, self.now
        zones = [rng.choice(TIMEZONES) for _ in range(count)]
        city_ids = _insert(
            self.db,
            City,
            [
                {
                    "workspace_id": self.summary.workspace_id,
                    "name": f"City {first + i + 1:05d}",
                    "state": "",
                    "country": "BR" if lang == "pt" else "US",
                    "population": rng.randint(20_000, 2_000_000),
                    "timezone": zone,
                    "language": lang,
                    "digest_channel_id": f"C{self.team[-4:]}{first + i:06d}",
                    "working_days": [1, 2, 3, 4, 5],
                    "digest_weekday": rng.randint(1, 5),
                    "digest_time": time(rng.choice((8, 9, 10)), 0),
                    "created_at": now - timedelta(days=90),
                }
                for i, (zone, lang) in enumerate(zones)
            ],
        )
        self.summary.city_ids += city_ids
        self.summary.add("city", count)
        people = self._people(first, city_ids)
        assessments = self._assessments(city_ids)
        planned = [i for i, (_, _, done) in enumerate(assessments) if done] or list(range(count))
        shares = [0] * count
        for index, share in zip(planned, _spread(sum(milestones), len(planned)), strict=True):
            shares[index] = share
        for city_id, assessment, staff, share in zip(
            city_ids, assessments, people, shares, strict=True
        ):
            self._city_work(city_id, assessment, staff, share)
        self._flush()

    def _people(self, first: int, city_ids: list[int]) -> list[list[int]]:
        rows = []
        for i, _ in enumerate(city_ids):
            for k in range(self.respondents + 1):
                rows.append(
                    {
                        "workspace_id": self.summary.workspace_id,
                        "slack_user_id": f"U{self.team[-4:]}{first + i:06d}{k}",
                        "display_name": f"Person {k} of city {first + i + 1}",
                        "locale": "en-US",
                        "timezone": None,
                        "created_at": self.now - timedelta(days=60),
                        "updated_at": self.now - timedelta(days=1),
                    }
                )
        ids = _insert(self.db, Person, rows)
        self.summary.add("person", len(ids))
        size = self.respondents + 1
        staff = [ids[i * size : (i + 1) * size] for i in range(len(city_ids))]
        roles = []
        for city_id, members in zip(city_ids, staff, strict=True):
            granted = self.now - timedelta(days=60)
            roles += [
                {"city_id": city_id, "person_id": p, "role": "respondent", "granted_at": granted}
                for p in members[:-1]
            ]
            roles.append(
                {"city_id": city_id, "person_id": members[0], "role": "coordinator",
                 "granted_at": granted}
            )  # fmt: skip
            roles.append(
                {"city_id": city_id, "person_id": members[-1], "role": "leader",
                 "granted_at": granted}
            )  # fmt: skip
        _insert(self.db, CityRole, roles)
        self.summary.add("city_role", len(roles))
        return staff

    def _assessments(self, city_ids: list[int]) -> list[tuple[int, datetime, bool]]:
        rows, meta = [], []
        for city_id in city_ids:
            complete = self.rng.random() < COMPLETE_SHARE
            days = self.rng.randint(21, 90) if complete else self.rng.randint(7, 60)
            started = self.now - timedelta(days=days, hours=self.rng.randint(0, 23))
            rows.append(
                {
                    "city_id": city_id,
                    "rubric_id": self.rubric.id,
                    "rubric_version": self.rubric.version,
                    "round_number": 1,
                    "status": "completed" if complete else "open",
                    "started_at": started,
                    "completed_at": self.now - COMPLETED_AGO if complete else None,
                }
            )
            meta.append((started, complete))
        ids = _insert(self.db, Assessment, rows)
        self.summary.add("assessment", len(ids))
        return [(i, s, c) for i, (s, c) in zip(ids, meta, strict=True)]

    def _city_work(
        self, city_id: int, assessment: tuple[int, datetime, bool], staff: list[int], plan: int
    ) -> None:
        assessment_id, started, complete = assessment
        rng = self.rng
        answerers = staff[:-1]
        maturity = rng.uniform(0.2, 0.9)
        ended = self.now - COMPLETED_AGO if complete else self.now
        span = (ended - started).total_seconds()
        unanswered: str | None = None
        for area in self.rubric.areas:
            assignees = rng.sample(answerers, k=rng.choice((1, 1, 2)))
            for person in assignees:
                self.assignments.append(
                    {"assessment_id": assessment_id, "area_id": area.id, "person_id": person,
                     "assigned_by_id": staff[0], "assigned_at": started}
                )  # fmt: skip
            answered = len(area.criteria) if complete else rng.randint(0, len(area.criteria))
            for criterion in area.criteria[:answered]:
                when = started + timedelta(seconds=rng.uniform(0, span))
                self.answers.append(
                    self._answer(assessment_id, criterion, rng.choice(assignees), when, maturity)
                )
            if answered < len(area.criteria) and unanswered is None:
                unanswered = area.criteria[answered].id
        last = ended - timedelta(hours=rng.randint(1, 24 * 6))
        for person in answerers:
            self.progress.append(
                {
                    "person_id": person,
                    "assessment_id": assessment_id,
                    "current_criterion_id": unanswered,
                    "started_at": started,
                    "last_activity_at": last,
                    "completed_at": last if complete else None,
                }
            )
        if plan:
            self.plans.append(
                ({"assessment_id": assessment_id, "created_by_id": staff[0],
                  "created_at": self.now - COMPLETED_AGO}, staff, plan)
            )  # fmt: skip

    def _answer(
        self, assessment_id: int, criterion: Any, person: int, when: datetime, maturity: float
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng = self.rng
        roll = rng.random()
        status = "answered" if roll < 0.85 else ("unsure" if roll < 0.95 else "skipped")
        items = [item.id for item in criterion.checklist]
        ticked = sorted(i for i in items if rng.random() < maturity) if status == "answered" else []
        note = "Asked the records office; confirmed." if rng.random() < 0.1 else None
        evidence = (
            [
                {
                    "url": f"https://city.example/docs/{criterion.id.lower()}",
                    "added_at": when.isoformat(),
                }
            ]
            if rng.random() < 0.15
            else []
        )
        value = {"ticked": ticked, "status": status, "note": note, "evidence": evidence}
        history = []
        if rng.random() < CHANGED_SHARE and ticked:
            first_value = {**value, "ticked": ticked[:-1]}
            earlier = when - timedelta(days=rng.randint(1, 5))
            history.append(_change(person, earlier, None, first_value))
            history.append(_change(person, when, first_value, value, source="edit"))
        else:
            history.append(_change(person, when, None, value))
        row = {
            "assessment_id": assessment_id, "criterion_id": criterion.id, "ticked": ticked,
            "status": status, "note": note, "evidence": evidence, "answered_by_id": person,
            "answered_at": when,
        }  # fmt: skip
        return row, history

    def _flush(self) -> None:
        _insert(self.db, Assignment, self.assignments)
        self.summary.add("assignment", len(self.assignments))
        answer_ids = _insert(self.db, Answer, [row for row, _ in self.answers])
        self.summary.add("answer", len(answer_ids))
        changes = [
            {**change, "answer_id": answer_id}
            for answer_id, (_, history) in zip(answer_ids, self.answers, strict=True)
            for change in history
        ]
        _insert(self.db, AnswerHistory, changes)
        self.summary.add("answer_history", len(changes))
        _insert(self.db, InterviewProgress, self.progress)
        self.summary.add("interview_progress", len(self.progress))
        plan_ids = _insert(self.db, Plan, [row for row, _, _ in self.plans])
        self.summary.add("plan", len(plan_ids))
        milestones = []
        for plan_id, (_, staff, count) in zip(plan_ids, self.plans, strict=True):
            milestones += self._milestones(plan_id, staff, count)
        _insert(self.db, Milestone, milestones)
        self.summary.add("milestone", len(milestones))

    def _milestones(self, plan_id: int, staff: list[int], count: int) -> list[dict[str, Any]]:
        rng, today = self.rng, self.now.date()
        criteria = [c.id for area in self.rubric.areas for c in area.criteria]
        rows = []
        for index in range(count):
            roll = rng.random()
            status = "done" if roll < 0.1 else ("dropped" if roll < 0.12 else "open")
            due: date = today + timedelta(days=rng.randint(-3, 10))
            snoozed = (
                self.now + timedelta(days=rng.randint(1, 3))
                if status == "open" and rng.random() < 0.05
                else None
            )
            rows.append(
                {
                    "plan_id": plan_id,
                    "criterion_id": criteria[index % len(criteria)],
                    "title": f"Step {index + 1} toward {criteria[index % len(criteria)]}",
                    "owner_id": staff[-1] if rng.random() < 0.5 else rng.choice(staff[:-1]),
                    "due_on": due,
                    "status": status,
                    "done_at": self.now - timedelta(days=1) if status == "done" else None,
                    "snoozed_until": snoozed,
                    "created_at": self.now - COMPLETED_AGO,
                }
            )
        return rows


def _change(
    person: int,
    when: datetime,
    old: dict[str, Any] | None,
    new: dict[str, Any],
    *,
    source: str = "click",
) -> dict[str, Any]:
    return {
        "changed_by_id": person,
        "changed_at": when,
        "source": source,
        "old_value": old,
        "new_value": new,
    }

"""Two cities in one workspace and one in another, with a person in every role, for access tests.

Springfield (the target city, workspace `TEAM_ID`):
- rita answers Open Data (OD) in round 2 (open); she is on OD1;
- cora coordinates it; leo leads it and owns milestone DM1 of round 1's plan; pam follows it
  as program staff; round 1 is completed and has that plan.
Shelbyville (same workspace): bea coordinates it. Ogdenville (workspace `OTHER_TEAM`): xavi
coordinates it. otto is in the workspace and in no city at all.

The sandbox hands out ids in order, so the people are added in the same order to every fresh
sandbox and the database (seeded once into a template file) matches each.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, select

from bot.sandbox import payloads
from bot.sandbox.driver import Response, Workspace
from bot.sandbox.server import LocalSandbox
from bot.sandbox.store import TEAM_ID
from rubric.loader import load_bundled_rubric
from storage.engine import make_engine
from storage.enums import Role
from storage.repo import (
    assessments,
    disagreements,
    orgs,
    plans,
    progress,
    rechecks,
    respondents,
)

NOW = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
"""A Monday afternoon in UTC, morning in Chicago."""
RUBRIC = load_bundled_rubric()
OTHER_TEAM = "T0OTHERWS1"
TARGET_CITY = "Springfield"
AREA = "OD"
CRITERION = "OD1"
MILESTONE_CRITERION = "DM1"
DISPUTED = "DM2"
"""Rita and Rui answer it alone (a single-criterion assignment each) and disagree."""

ROLES = (
    "respondent",
    "coordinator",
    "leader",
    "program_staff",
    "outsider",
    "other_city",
    "other_workspace",
)
"""The columns of the permission matrix."""
PERSON_OF = {
    "respondent": "rita",
    "coordinator": "cora",
    "leader": "leo",
    "program_staff": "pam",
    "outsider": "otto",
    "other_city": "bea",
    "other_workspace": "xavi",
}
IN_TARGET_CITY = frozenset({"respondent", "coordinator", "leader", "program_staff"})
_ORDER = ("rita", "cora", "leo", "pam", "otto", "bea", "xavi", "rui")


@dataclass(frozen=True)
class Ids:
    """The database ids of the objects people act on."""

    city: int
    round1: int
    round2: int
    plan: int
    milestone: int
    other_city: int
    disagreement: int = 0
    """Rita's and Rui's open disagreement on DISPUTED in round 2."""
    ritas_answer: int = 0
    """Rita's own answer in it (what "Accept" adopts)."""
    recheck: int = 0
    """The re-check of the milestone's criterion in round 2, asked of Rita (the milestone done)."""


@dataclass
class World:
    """A fresh sandbox with the people, and the database copied from the seeded template."""

    sandbox: LocalSandbox
    users: dict[str, str]
    channels: dict[str, str]
    ids: Ids
    db_url: str

    def user(self, name: str) -> str:
        """The Slack id of a person by short name."""
        return self.users[name]


def add_people(sandbox: LocalSandbox) -> tuple[dict[str, str], dict[str, str]]:
    """The people and the two digest channels, added in a fixed order (so with fixed ids)."""
    users = {
        name: sandbox.add_user(name=name, locale="en-US", tz="America/Chicago", real_name="")["id"]
        for name in _ORDER
    }
    channels = {
        "springfield": sandbox.add_channel(
            name="springfield-data",
            members=[users[n] for n in ("rita", "cora", "leo", "pam")],
            bot_member=True,
        )["id"],
        "shelbyville": sandbox.add_channel(
            name="shelbyville-data", members=[users["bea"]], bot_member=True
        )["id"],
    }
    return users, channels


def seed(engine: Engine, users: dict[str, str], channels: dict[str, str]) -> Ids:
    """Store the three cities, their people and roles, rounds, assignments and the plan."""
    with Session(engine, expire_on_commit=False) as session:
        home = orgs.upsert_workspace(session, slack_team_id=TEAM_ID, name="sandbox", now=NOW)
        away = orgs.upsert_workspace(session, slack_team_id=OTHER_TEAM, name="other", now=NOW)
        assert home.id is not None and away.id is not None

        def person(name: str, workspace_id: int) -> int:
            row = orgs.upsert_person(
                session,
                workspace_id=workspace_id,
                slack_user_id=users[name],
                display_name=name.title(),
                locale="en-US",
                timezone="America/Chicago",
                now=NOW,
            )
            assert row.id is not None
            return row.id

        def city(name: str, workspace_id: int, channel: str | None) -> int:
            row = orgs.create_city(
                session,
                workspace_id=workspace_id,
                name=name,
                timezone="America/Chicago",
                digest_channel_id=channel,
                now=NOW,
            )
            assert row.id is not None
            return row.id

        def round_of(city_id: int) -> int:
            row = assessments.start_assessment(
                session,
                city_id=city_id,
                rubric_id=RUBRIC.id,
                rubric_version=RUBRIC.version,
                now=NOW,
            )
            assert row.id is not None
            return row.id

        target = city(TARGET_CITY, home.id, channels["springfield"])
        people = {n: person(n, home.id) for n in ("rita", "cora", "leo", "pam", "bea")}
        roles = {
            "rita": Role.RESPONDENT,
            "cora": Role.COORDINATOR,
            "leo": Role.LEADER,
            "pam": Role.PROGRAM_STAFF,
        }
        for name, role in roles.items():
            orgs.grant_role(session, city_id=target, person_id=people[name], role=role, now=NOW)
        round1 = round_of(target)
        assessments.complete_assessment(session, assessment_id=round1, now=NOW)
        plan = plans.create_plan(
            session, assessment_id=round1, created_by_id=people["cora"], now=NOW
        )
        assert plan.id is not None
        milestone = plans.add_milestone(
            session,
            plan_id=plan.id,
            criterion_id=MILESTONE_CRITERION,
            title="Write the data strategy down",
            due_on=date(2027, 4, 15),
            owner_id=people["leo"],
            now=NOW,
        )
        assert milestone.id is not None
        round2 = round_of(target)
        assessments.assign_area(
            session, assessment_id=round2, area_id=AREA, person_id=people["rita"], now=NOW
        )
        progress.save_progress(
            session,
            person_id=people["rita"],
            assessment_id=round2,
            current_criterion_id=CRITERION,
            now=NOW,
        )
        other = city("Shelbyville", home.id, channels["shelbyville"])
        orgs.grant_role(
            session, city_id=other, person_id=people["bea"], role=Role.COORDINATOR, now=NOW
        )
        round_of(other)
        far = city("Ogdenville", away.id, None)
        orgs.grant_role(
            session, city_id=far, person_id=person("xavi", away.id), role=Role.COORDINATOR, now=NOW
        )
        round_of(far)
        disagreement, ritas = _disagree(
            session, target, round2, people["rita"], person("rui", home.id)
        )
        recheck = _recheck(session, round2, milestone.id, people["rita"])
        session.commit()
        return Ids(
            target, round1, round2, plan.id, milestone.id, other, disagreement, ritas, recheck
        )


def _recheck(session: Session, round_id: int, milestone_id: int, rita: int) -> int:
    """The milestone's re-check, asking Rita its criterion in round 2 (not answered there yet)."""
    found = rechecks.request_recheck(
        session, milestone_id=milestone_id, assessment_id=round_id,
        criterion_id=MILESTONE_CRITERION, person_id=rita, now=NOW,
    )  # fmt: skip
    assert found is not None and found.id is not None
    return found.id


def _disagree(
    session: Session, city_id: int, round_id: int, rita: int, rui: int
) -> tuple[int, int]:
    """Rita and Rui answer DISPUTED differently: an open disagreement; Rita's answer's id."""
    orgs.grant_role(session, city_id=city_id, person_id=rui, role=Role.RESPONDENT, now=NOW)
    ritas = 0
    for who, ticked in ((rita, [i.id for i in RUBRIC.criterion(DISPUTED).checklist]), (rui, [])):
        respondents.assign_criterion(session, assessment_id=round_id, area_id="DM",
                                     criterion_id=DISPUTED, person_id=who, now=NOW)  # fmt: skip
        saved = respondents.record_respondent_answer(
            session, assessment_id=round_id, criterion_id=DISPUTED, person_id=who, ticked=ticked,
            status="answered", note=None, evidence=[], now=NOW, source="click",
        )  # fmt: skip
        ritas = ritas or (saved.after.id or 0)
    found, _ = disagreements.open_disagreement(
        session, assessment_id=round_id, criterion_id=DISPUTED, now=NOW
    )
    assert found.id is not None
    return found.id, ritas


def build_template(migrated: sqlite3.Connection, folder: Path) -> tuple[Path, Ids]:
    """A SQLite file holding the seeded world (ids match every fresh sandbox's people)."""
    path = folder / "world.db"
    target = sqlite3.connect(path)
    try:
        migrated.backup(target)
    finally:
        target.close()
    sandbox = LocalSandbox()
    users, channels = add_people(sandbox)
    engine = make_engine(f"sqlite:///{path}")
    try:
        ids = seed(engine, users, channels)
    finally:
        engine.dispose()
        sandbox.stop()
    return path, ids


@contextmanager
def fresh_world(template: Path, ids: Ids, folder: Path) -> Iterator[World]:
    """A started sandbox with the people, and a copy of the template database."""
    path = folder / "citycheck.db"
    shutil.copyfile(template, path)
    sandbox = LocalSandbox().start()
    try:
        users, channels = add_people(sandbox)
        yield World(sandbox, users, channels, ids, f"sqlite:///{path}")
    finally:
        sandbox.stop()


class ForeignWorkspace(Workspace):
    """A person of another Slack workspace: every payload carries `team_id` instead of ours.

    Slack signs such requests with the app's one signing secret, so they pass the signature
    check; only the team id tells them apart.
    """

    def __init__(self, *args: Any, team_id: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team_id = team_id

    def send_form(self, fields: dict[str, str], **kwargs: Any) -> Response:
        """Send form fields with the team id (and a payload's team ids) replaced."""
        changed = dict(fields)
        if "team_id" in changed:
            changed["team_id"] = self.team_id
        if "payload" in changed:
            payload = json.loads(changed["payload"])
            if isinstance(payload.get("team"), dict):
                payload["team"]["id"] = self.team_id
            if isinstance(payload.get("user"), dict):
                payload["user"]["team_id"] = self.team_id
            changed["payload"] = json.dumps(payload)
        return super().send_form(changed, **kwargs)

    def send(self, body: bytes, content_type: str, **kwargs: Any) -> Response:
        """Send a body; an event's team ids are replaced."""
        if content_type == "application/json":
            data = json.loads(body)
            if data.get("type") == "event_callback":
                data["team_id"] = self.team_id
                for entry in data.get("authorizations") or []:
                    entry["team_id"] = self.team_id
                if isinstance(data.get("event"), dict) and "team" in data["event"]:
                    data["event"]["team"] = self.team_id
                body = json.dumps(data).encode()
        return super().send(body, content_type, **kwargs)


def view_submission(
    workspace: Workspace,
    user_id: str,
    *,
    callback_id: str,
    private_metadata: str,
    values: dict[str, dict[str, Any]],
) -> Response:
    """Submit a modal the person may never have been shown (as a forged request would)."""
    view = {
        "id": "V0SUBMITTED",
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": private_metadata,
        "title": {"type": "plain_text", "text": "citycheck"},
        "blocks": [],
        "state": {"values": values},
    }
    payload = payloads.view_submission(
        user=workspace.sandbox.user(user_id=user_id),
        app_id=workspace.identity["app_id"],
        trigger_id=workspace.sandbox.issue_trigger(user_id=user_id),
        view=view,
        state=values,
    )
    return workspace.send_payload(payload)


def snapshot(engine: Engine, *, ignore: frozenset[str] = frozenset()) -> dict[str, list[Any]]:
    """Every row of every table (but `ignore`d ones), in key order: compare two to see changes."""
    found: dict[str, list[Any]] = {}
    with Session(engine) as session:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in ignore:
                continue
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
            found[table.name] = [tuple(row) for row in rows]
    return found


def changed_tables(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    """The names of the tables whose rows differ."""
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )

"""The answer click the benchmarks measure: Save on the question a respondent is on.

`AnswerClick.prepare(target, count)` makes `count` respondents, each with a question waiting:
people in the sandbox workspace, then in the database (cities of five respondents, an open
round of the bundled rubric, one practice area each, bulk-inserted), then each person's
interview started with their Start button (a signed click, as they would), which posts their
first question in their DM. It returns one Save click per person on that question, each
ticking another set of its checklist items (Slack sends the ticks in `state.values`).

A click is complete when it was acknowledged, the answer stored, the question message replaced
by the answer's record (`chat.update`) and the next question posted (`chat.postMessage`): the
first question of an area with more criteria, so that exactly one of each follows.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from datetime import time as clock_time
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Engine, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from bot.bench.loadgen import Request
from bot.sandbox import payloads
from bot.sandbox.surfaces import Control, controls, find_button
from bot.slack import ids
from rubric.schema import Rubric
from storage.enums import AssessmentStatus, Role
from storage.models import Assessment, Assignment, City, CityRole, Person, Workspace

FORM = "application/x-www-form-urlencoded"
PER_CITY = 5
"""Respondents per city, each on an area of their own."""
QUESTION_WAIT_S = 120.0
START_THREADS = 8


def seed_respondents(
    engine: Engine,
    *,
    rubric: Rubric,
    team_id: str,
    users: Sequence[tuple[str, str]],
    now: datetime,
    per_city: int = PER_CITY,
) -> list[int]:
    """Add respondents (Slack id, name) in cities of `per_city`; returns each one's round id.

    Each city has an open round of `rubric`; its k-th respondent is assigned the k-th practice
    area with at least two criteria. People already known (same Slack id) are reused.
    """
    areas = [area.id for area in rubric.areas if len(area.criteria) >= 2]
    if not areas:
        raise ValueError(f"rubric {rubric.id} has no practice area with two criteria")
    per_city = max(1, min(per_city, len(areas)))
    with engine.begin() as db:
        dialect = postgresql if db.dialect.name == "postgresql" else sqlite
        db.execute(
            dialect.insert(Workspace.__table__)  # type: ignore[attr-defined]
            .values(slack_team_id=team_id, name="Benchmark workspace", created_at=now)
            .on_conflict_do_nothing(index_elements=["slack_team_id"])
        )
        workspace_id = db.execute(
            select(col(Workspace.id)).where(col(Workspace.slack_team_id) == team_id)
        ).scalar_one()
        people = [
            {"workspace_id": workspace_id, "slack_user_id": slack_id, "display_name": name,
             "locale": "en-US", "timezone": "America/Chicago", "created_at": now,
             "updated_at": now}
            for slack_id, name in users
        ]  # fmt: skip
        db.execute(
            dialect.insert(Person.__table__).on_conflict_do_nothing(  # type: ignore[attr-defined]
                index_elements=["workspace_id", "slack_user_id"]
            ),
            people,
        )
        person_of: dict[str, int] = {
            slack_id: pid
            for slack_id, pid in db.execute(
                select(col(Person.slack_user_id), col(Person.id)).where(
                    col(Person.workspace_id) == workspace_id
                )
            )
            if pid is not None
        }
        rounds: list[int] = []
        stamp = int(now.timestamp() * 1000)
        for first in range(0, len(users), per_city):
            group = users[first : first + per_city]
            city_id = db.execute(
                insert(City.__table__)  # type: ignore[attr-defined]
                .values(workspace_id=workspace_id, name=f"Bench {stamp}-{first}", state="",
                        country="US", timezone="America/Chicago", language="en",
                        working_days=[1, 2, 3, 4, 5], digest_weekday=1,
                        digest_time=clock_time(9, 0), created_at=now)
                .returning(City.__table__.c.id)  # type: ignore[attr-defined]
            ).scalar_one()  # fmt: skip
            round_id = db.execute(
                insert(Assessment.__table__)  # type: ignore[attr-defined]
                .values(city_id=city_id, rubric_id=rubric.id, rubric_version=rubric.version,
                        round_number=1, status=AssessmentStatus.OPEN, started_at=now)
                .returning(Assessment.__table__.c.id)  # type: ignore[attr-defined]
            ).scalar_one()  # fmt: skip
            members = [person_of[slack_id] for slack_id, _ in group]
            db.execute(
                insert(CityRole.__table__),  # type: ignore[attr-defined]
                [{"city_id": city_id, "person_id": p, "role": Role.RESPONDENT, "granted_at": now}
                 for p in members],
            )  # fmt: skip
            db.execute(
                insert(Assignment.__table__),  # type: ignore[attr-defined]
                [{"assessment_id": round_id, "area_id": areas[k], "person_id": p,
                  "assigned_by_id": members[0], "assigned_at": now}
                 for k, p in enumerate(members)],
            )  # fmt: skip
            rounds += [round_id] * len(group)
    return rounds


def subset(options: Sequence[Any], number: int) -> list[Any]:
    """The `number`-th non-empty subset of `options` (cycling), so that clicks differ."""
    count = (1 << len(options)) - 1
    if count <= 0:
        return []
    mask = number % count + 1
    return [option for bit, option in enumerate(options) if mask >> bit & 1]


class AnswerClick:
    """Save on a respondent's current question, with some checklist items ticked."""

    label = "answer click (Save on the current question)"
    placeholder = False
    settles_on: tuple[str, ...] = ("chat.update", "chat.postMessage")

    def __init__(self, rubric: Rubric | None = None) -> None:
        self.rubric = rubric

    def prepare(self, target: Any, count: int) -> list[Request]:
        """`count` respondents with a question waiting; one Save click each."""
        from rubric.loader import load_bundled_rubric
        from storage.engine import make_engine

        if target.database_url is None:
            raise ValueError("the answer click needs the app's database URL")
        rubric = self.rubric or load_bundled_rubric()
        sandbox, workspace = target.sandbox, target.workspace
        identity = workspace.identity
        stamp = int(time.time())
        users = [
            sandbox.add_user(name=f"resp{stamp}x{i}", locale="en-US", tz="America/Chicago")
            for i in range(count)
        ]
        engine = make_engine(target.database_url)
        try:
            rounds = seed_respondents(
                engine,
                rubric=rubric,
                team_id=identity["team_id"],
                users=[(u["id"], f"Respondent {i + 1}") for i, u in enumerate(users)],
                now=datetime.now(UTC),
            )
        finally:
            engine.dispose()
        dms = [sandbox.dm_channel(user_id=u["id"]) for u in users]
        self._start(workspace, users, dms, rounds, identity["app_id"])
        requests = []
        for number, (user, dm) in enumerate(zip(users, dms, strict=True)):
            question = _wait_for_question(sandbox, dm["id"])
            payload = save_click(
                sandbox, identity["app_id"], user, dm, question, number, f"{number}.bench.trigger"
            )
            requests.append(Request(urlencode({"payload": json.dumps(payload)}).encode(), FORM))
        return requests

    @staticmethod
    def _start(
        workspace: Any,
        users: list[dict[str, Any]],
        dms: list[dict[str, Any]],
        rounds: list[int],
        app_id: str,
    ) -> None:
        """Each person clicks Start (value: their round): the bot posts their first question."""

        def start(index: int) -> None:
            button: dict[str, Any] = {
                "type": "actions",
                "block_id": "bench_start",
                "elements": [{"type": "button", "action_id": ids.INTERVIEW_RESUME,
                              "text": {"type": "plain_text", "text": "Start"},
                              "value": str(rounds[index])}],
            }  # fmt: skip
            control = Control(button, button["elements"][0])
            payload = payloads.block_actions(
                user=users[index],
                app_id=app_id,
                trigger_id=f"{index}.bench.start",
                action=payloads.action_of(control, time.time()),
                state={},
            )
            payload["channel"] = {"id": dms[index]["id"], "name": "directmessage"}
            answer = workspace.send_payload(payload)
            if answer.status != 200:
                raise RuntimeError(f"Start for {users[index]['id']} answered {answer.status}")

        with ThreadPoolExecutor(START_THREADS) as pool:
            list(pool.map(start, range(len(users))))


def save_click(
    sandbox: Any,
    app_id: str,
    user: dict[str, Any],
    dm: dict[str, Any],
    question: dict[str, Any],
    number: int,
    trigger_id: str,
) -> dict[str, Any]:
    """The block_actions payload of Save on `question`, ticking the `number`-th item subset."""
    blocks = question.get("blocks") or []
    save = find_button(blocks, "Save")
    boxes = next((c for c in controls(blocks) if c.action_id == ids.INTERVIEW_ITEMS), None)
    if save is None or boxes is None:
        raise LookupError(f"message {question['ts']} is not a question with a checklist")
    state = {
        boxes.block_id: {
            boxes.action_id: {
                "type": "checkboxes",
                "selected_options": subset(boxes.options(), number),
            }
        }
    }
    return payloads.block_actions(
        user=user,
        app_id=app_id,
        trigger_id=trigger_id,
        action=payloads.action_of(save, time.time()),
        state=state,
        message={**question, "channel": dm["id"]},
        channel=dm,
        response_url=sandbox.issue_response_url(
            user_id=user["id"],
            channel_id=dm["id"],
            source={"channel": dm["id"], "ts": question["ts"]},
        ),
    )


def _wait_for_question(sandbox: Any, channel_id: str) -> dict[str, Any]:
    """The newest question message in a DM, waiting for the bot to post it."""
    deadline = time.monotonic() + QUESTION_WAIT_S
    while True:
        for message in reversed(sandbox.history(channel_id=channel_id)):
            if any(
                b.get("block_id") == ids.BLOCK_QUESTION_ACTIONS for b in message.get("blocks") or []
            ):
                return dict(message)
        if time.monotonic() > deadline:
            raise LookupError(f"no question was posted in {channel_id}")
        time.sleep(0.02)

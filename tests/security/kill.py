"""The kill test's parts: cities to answer, signed clicks, people who click, and a killer.

Each city has one respondent with every practice area. Every click is a Save or a Not sure on
one criterion with its own checklist ticks, so each click has a value no other click on that
criterion has: the history row it leaves says which click it was. One clicker per city clicks
in order and, like a person, clicks again (the same value) when no acknowledgement came back.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.bench.processes import bot_env, free_port, wait_for_health
from bot.sandbox import payloads
from bot.sandbox.server import LocalSandbox
from bot.sandbox.store import TEAM_ID
from bot.sandbox.surfaces import Control
from bot.slack import ids
from rubric.schema import Rubric
from storage.enums import Role
from storage.models import Answer, AnswerHistory
from storage.repo import assessments, orgs

SEEDED_AT = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Click:
    """One click: whose, on which criterion, and the value it stores."""

    number: int
    city: int
    user: str
    assessment_id: int
    criterion_id: str
    action_id: str
    ticked: tuple[str, ...]
    message_ts: str

    @property
    def value(self) -> dict[str, Any]:
        """The answer this click stores (as its history row's new value shows it)."""
        status = "unsure" if self.action_id == ids.INTERVIEW_UNSURE else "answered"
        return {"status": status, "ticked": sorted(self.ticked)}


def seed_cities(
    engine: Engine, sandbox: LocalSandbox, rubric: Rubric, count: int
) -> list[tuple[str, int]]:
    """`count` cities, each with one respondent (a sandbox user) assigned every area."""
    made = []
    with Session(engine, expire_on_commit=False) as session:
        ws = orgs.upsert_workspace(session, slack_team_id=TEAM_ID, name="sandbox", now=SEEDED_AT)
        assert ws.id is not None
        for number in range(count):
            user = sandbox.add_user(name=f"resp{number}", locale="en-US", tz="UTC")["id"]
            city = orgs.create_city(
                session, workspace_id=ws.id, name=f"City {number}", timezone="UTC", now=SEEDED_AT
            )
            person = orgs.upsert_person(
                session,
                workspace_id=ws.id,
                slack_user_id=user,
                display_name=f"Resp {number}",
                now=SEEDED_AT,
            )
            assert city.id is not None and person.id is not None
            orgs.grant_role(
                session, city_id=city.id, person_id=person.id, role=Role.RESPONDENT, now=SEEDED_AT
            )
            round_ = assessments.start_assessment(
                session,
                city_id=city.id,
                rubric_id=rubric.id,
                rubric_version=rubric.version,
                now=SEEDED_AT,
            )
            assert round_.id is not None
            for area in rubric.areas:
                assessments.assign_area(
                    session,
                    assessment_id=round_.id,
                    area_id=area.id,
                    person_id=person.id,
                    now=SEEDED_AT,
                )
            made.append((user, round_.id))
        session.commit()
    return made


def plan_clicks(
    sandbox: LocalSandbox, rubric: Rubric, cities: list[tuple[str, int]], total: int
) -> list[list[Click]]:
    """`total` clicks, as one ordered list per city, each on a criterion of its own.

    A city's last criterion is never clicked: a round whose every criterion is answered is
    complete, and its result would be announced (another test's subject). A question message
    is posted for each click, as the bot would have.
    """
    criteria = list(rubric.criteria())[:-1]
    per_city: list[list[Click]] = [[] for _ in cities]
    number = 0
    for index, (user, assessment_id) in enumerate(cities):
        for position, criterion in enumerate(criteria):
            if number == total:
                return per_city
            items = [item.id for item in criterion.checklist]
            action_id = ids.INTERVIEW_UNSURE if position % 3 == 2 else ids.INTERVIEW_SAVE
            ticked = tuple(items[: 1 + position % len(items)])
            ts = _question(sandbox, user, criterion.id, assessment_id)
            per_city[index].append(
                Click(number, index, user, assessment_id, criterion.id, action_id, ticked, ts)
            )
            number += 1
    return per_city


def _question(sandbox: LocalSandbox, user: str, criterion_id: str, assessment_id: int) -> str:
    """A question message from the bot in the person's DM (the clicks' message); its ts."""
    from slack_sdk import WebClient

    client = WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)
    button = {
        "type": "button",
        "action_id": ids.INTERVIEW_SAVE,
        "value": f"{assessment_id}:{criterion_id}",
        "text": {"type": "plain_text", "text": "Save"},
    }
    posted = client.chat_postMessage(
        channel=user,
        text=criterion_id,
        blocks=[{"type": "actions", "block_id": ids.BLOCK_QUESTION_ACTIONS, "elements": [button]}],
    )
    return str(posted["ts"])


def click_body(sandbox: LocalSandbox, click: Click, dm: str) -> bytes:
    """The signed-to-be body of a click: a block_actions payload with the ticks in its state."""
    element = {
        "type": "button",
        "action_id": click.action_id,
        "text": {"type": "plain_text", "text": "Save"},
        "value": f"{click.assessment_id}:{click.criterion_id}",
    }
    block = {"type": "actions", "block_id": ids.BLOCK_QUESTION_ACTIONS, "elements": [element]}
    ticks = {"type": "checkboxes", "selected_options": [{"value": t} for t in click.ticked]}
    state = {ids.BLOCK_QUESTION_ITEMS: {ids.INTERVIEW_ITEMS: ticks}}
    payload = payloads.block_actions(
        user={"id": click.user, "name": f"resp{click.city}"},
        app_id="A0KILLTEST",
        trigger_id=f"{click.number}.kill.trigger",
        action=payloads.action_of(Control(block, element), time.time()),
        state=state,
        message={
            "type": "message",
            "ts": click.message_ts,
            "text": click.criterion_id,
            "user": "U0BOT",
            "blocks": [block],
        },
        channel={"id": dm},
        response_url=sandbox.issue_response_url(user_id=click.user, channel_id=dm),
    )
    return urlencode({"payload": json.dumps(payload)}).encode()


@dataclass
class Tally:
    """What the clickers saw: acknowledged clicks, attempts, and how many are acknowledged."""

    acked: set[int] = field(default_factory=set)
    attempts: int = 0
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def clicker(
    url: Callable[[], str], signing_secret: str, bodies: list[tuple[Click, bytes]], tally: Tally
) -> None:
    """Send one city's clicks in order; click again (after a pause) until acknowledged."""
    for click, body in bodies:
        while True:
            with tally.lock:
                tally.attempts += 1
            status = _post(url(), signing_secret, body)
            if status == 200:
                with tally.lock:
                    tally.acked.add(click.number)
                break
            with tally.lock:
                tally.refused += 1
            time.sleep(0.1)


def _post(url: str, secret: str, body: bytes) -> int | None:
    timestamp = str(int(time.time()))
    base = b"v0:" + timestamp.encode() + b":" + body
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    host, _, port = url.removeprefix("http://").partition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(
            "POST",
            "/slack/events",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": signature,
            },
        )
        answer = connection.getresponse()
        answer.read()
        return int(answer.status)
    except OSError:  # refused, reset, or cut off by the kill
        return None
    finally:
        connection.close()


class Bot:
    """`citycheck run` in its own process group, killed with SIGKILL and started again."""

    def __init__(self, api_url: str, database_url: str, signing_secret: str, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**bot_env(api_url, database_url), "SLACK_SIGNING_SECRET": signing_secret}
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> None:
        """Start serving and wait until it answers /healthz."""
        argv = [
            sys.executable,
            "-m",
            "bot",
            "run",
            "--http",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            "1",
            "--threads",
            "8",
            "--no-scheduler",
        ]
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                argv, env=self.env, stdout=output, stderr=output, start_new_session=True
            )
        wait_for_health(self.url + "/healthz", self.process, 60)

    def kill(self) -> None:
        """SIGKILL the server and its workers at once, as a machine dying would."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.kills += 1

    def stop(self) -> None:
        """Stop for good (also after a failed test)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def stored_values(engine: Engine) -> dict[tuple[int, str], list[dict[str, Any]]]:
    """Every history row's new value, by (assessment, criterion), oldest first."""
    found: dict[tuple[int, str], list[dict[str, Any]]] = {}
    with Session(engine) as session:
        rows = session.exec(
            select(Answer.assessment_id, Answer.criterion_id, AnswerHistory.new_value)
            .join(AnswerHistory, AnswerHistory.answer_id == Answer.id)  # type: ignore[arg-type]
            .order_by(AnswerHistory.id)  # type: ignore[arg-type]
        ).all()
    for assessment_id, criterion_id, value in rows:
        found.setdefault((assessment_id, criterion_id), []).append(
            {"status": value["status"], "ticked": sorted(value["ticked"])}
        )
    return found

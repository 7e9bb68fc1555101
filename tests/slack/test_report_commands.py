"""`/citycheck export`, `/citycheck cohort` and the result chart, over HTTP against the sandbox."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session

from bot.i18n import Translator
from bot.sandbox.server import LocalSandbox
from bot.sandbox.store import TEAM_ID
from bot.sandbox.testing import BotUnderTest, running_bot, strict_sandbox
from bot.services.reports import report_chart_view
from bot.services.results import result_announcement
from bot.slack.builders.report_home import build_report_chart_section
from bot.slack.files import post_result_chart
from bot.slack.results import post_result
from rubric.loader import load_bundled_rubric
from storage.engine import make_engine
from storage.enums import Role
from storage.repo import answers as answer_repo
from storage.repo import assessments, orgs
from storage.repo import report_files as file_repo
from tests.builders import NOW
from tests.reports.helpers import CITY_NAMES, store_answers

RUBRIC = load_bundled_rubric()
EXAMPLES = ["silver", "gold", "platinum", "no-level", "held-back-by-core"]


@dataclass
class Served:
    sandbox: LocalSandbox
    bot: BotUnderTest
    engine: Engine
    users: dict[str, str]
    channel: str
    assessment_id: int
    city_id: int


class _Setup:
    """What tests.reports.helpers.store_answers needs: an assessment and people's ids."""

    def __init__(self, assessment_id: int, people: dict[str, int]) -> None:
        self.assessment_id = assessment_id
        self.people = people

    def person_id(self, name: str) -> int:
        return self.people[name]


@pytest.fixture
def served(db_url: str) -> Iterator[Served]:
    """Five cities of one workspace, answered; Ashford's team are sandbox users."""
    engine = make_engine(db_url)
    with (
        strict_sandbox() as sandbox,
        running_bot(
            sandbox, engine=engine, rubric=RUBRIC, clock=lambda: NOW + timedelta(days=2)
        ) as bot,
    ):
        users = {
            name: bot.workspace.add_user(name, locale=locale)
            for name, locale in [("cora", "en-US"), ("rita", "en-US"), ("pia", "es-LA")]
        }
        channel = bot.workspace.add_channel("ashford-assessment", list(users.values()))
        first = _seed(engine, users, channel)
        yield Served(sandbox, bot, engine, users, channel, *first)
    engine.dispose()


def _seed(engine: Engine, users: dict[str, str], channel: str) -> tuple[int, int]:
    with Session(engine, expire_on_commit=False) as session:
        ws = orgs.upsert_workspace(session, slack_team_id=TEAM_ID, name="sandbox", now=NOW)
        assert ws.id is not None
        people = {
            short: orgs.upsert_person(
                session, workspace_id=ws.id, slack_user_id=slack_id, display_name=short.title(),
                locale="es-LA" if short == "pia" else "en-US", now=NOW,
            ).id or 0
            for short, slack_id in users.items()
        }  # fmt: skip
        found = []
        for name, example in zip(CITY_NAMES, EXAMPLES, strict=False):
            city = orgs.create_city(
                session, workspace_id=ws.id, name=name, timezone="UTC",
                digest_channel_id=channel, now=NOW,
            )  # fmt: skip
            assert city.id is not None
            round_one = assessments.start_assessment(
                session, city_id=city.id, rubric_id=RUBRIC.id, rubric_version=RUBRIC.version,
                now=NOW,
            )  # fmt: skip
            assert round_one.id is not None
            orgs.grant_role(
                session, city_id=city.id, person_id=people["pia"], role=Role.PROGRAM_STAFF, now=NOW
            )
            if name == CITY_NAMES[0]:
                for short, role in (("cora", Role.COORDINATOR), ("rita", Role.RESPONDENT)):
                    orgs.grant_role(
                        session, city_id=city.id, person_id=people[short], role=role, now=NOW
                    )
            session.commit()
            store_answers(session, _Setup(round_one.id, people), RUBRIC, example)
            assessments.complete_assessment(session, assessment_id=round_one.id, now=NOW)
            session.commit()
            found.append((round_one.id, city.id))
    return found[0]


def _files_in(served: Served, channel: str) -> list[dict[str, Any]]:
    def probe() -> list[dict[str, Any]] | None:
        shared = [m for m in served.sandbox.history(channel_id=channel) if m.get("files")]
        return shared or None

    return served.bot.workspace.wait_for(probe, 10, f"files in {channel}")


def _content(served: Served, file_id: str) -> bytes:
    data = served.sandbox.store.files[file_id]["content"]
    assert isinstance(data, bytes)
    return data


def test_coordinator_gets_csv_json_and_html_in_their_dm(served: Served) -> None:
    cora = served.users["cora"]

    served.bot.workspace.command(cora, "export", channel_id=served.channel)

    dm = served.bot.workspace.dm(cora)
    (message,) = _files_in(served, dm)
    assert message["text"].startswith("Here is Ashford's assessment, round 1")
    names = [f["name"] for f in message["files"]]
    assert [n.rsplit(".", 1)[1] for n in names] == ["csv", "json", "html"]
    assert names[0] == "citycheck-ashford-round-1-2027-03-03.csv"
    by_kind = {f["name"].rsplit(".", 1)[1]: f["id"] for f in message["files"]}
    rows = list(csv.DictReader(io.StringIO(_content(served, by_kind["csv"]).decode("utf-8-sig"))))
    with Session(served.engine) as session:
        stored = {
            a.criterion_id: a
            for a in answer_repo.answers_for_assessment(session, assessment_id=served.assessment_id)
        }
    assert len(rows) == 43
    for row in rows:
        answer = stored.get(row["criterion"])
        assert row["answered_by"] == ("Rita" if answer else "")
        ticked = set(row["ticked_ids"].split("; ")) - {""}
        assert ticked == set(answer.ticked if answer else [])
    data = json.loads(_content(served, by_kind["json"]))
    assert (data["score"]["met"], data["score"]["level"]) == (23, "silver")
    assert b'<html lang="en">' in _content(served, by_kind["html"])
    notice = served.bot.workspace.wait_for_message(cora, "direct messages")
    assert notice["ephemeral_to"] == cora


def test_only_coordinators_may_export(served: Served) -> None:
    rita = served.users["rita"]
    stranger = served.bot.workspace.add_user("sam")

    served.bot.workspace.command(rita, "export")
    served.bot.workspace.command(stranger, "export")

    assert (
        "Only your city's coordinators"
        in served.bot.workspace.wait_for_message(rita, "coordinators")["text"]
    )
    assert (
        "not part of a city's assessment team"
        in served.bot.workspace.wait_for_message(stranger, "assessment team")["text"]
    )
    served.bot.drain()
    assert served.sandbox.calls("files.getUploadURLExternal") == []
    assert served.sandbox.calls("files.completeUploadExternal") == []


def test_program_staff_see_their_cohort_and_others_are_refused(served: Served) -> None:
    pia, cora = served.users["pia"], served.users["cora"]

    served.bot.workspace.command(pia, "cohort")
    served.bot.workspace.command(cora, "cohort")

    shown = served.bot.workspace.wait_for_message(pia, "Su cohorte")
    assert shown["ephemeral_to"] == pia
    assert shown["blocks"][0]["text"]["text"] == "Su cohorte: 5 municipios, 5 con resultados"
    listed = shown["blocks"][1]["text"]["text"].split("\n")
    assert [line.split("*")[1] for line in listed] == list(CITY_NAMES[:5])
    assert listed[0] == "*Ashford*: 43 de 43 respondidos · Plata, 53.4% de los criterios cumplidos"
    refused = served.bot.workspace.wait_for_message(cora, "program staff")
    assert refused["text"].startswith("Only program staff can see a cohort.")


def test_result_chart_is_shared_with_title_and_alt_text_and_shown_on_home(
    served: Served,
) -> None:
    deps = served.bot.deps

    file_id = post_result_chart(
        deps.client, deps, assessment_id=served.assessment_id, channel_id=served.channel
    )

    (message,) = _files_in(served, served.channel)
    shared = message["files"][0]
    assert shared["id"] == file_id
    assert shared["title"] == "Ashford: 23 of 43 criteria met (53.4%) · Level: Silver"
    record = served.sandbox.store.files[file_id]
    assert record["alt_txt"].startswith("Ashford: 23 of 43 criteria met")
    assert "Data Management: 55.5% (5 of 9)" in record["alt_txt"]
    assert Image.open(io.BytesIO(record["content"])).width == 1080
    with Session(served.engine) as session:
        cora_id = orgs.find_person(session, workspace_id=1, slack_user_id=served.users["cora"])
        assert cora_id is not None and cora_id.id is not None
        stored = file_repo.latest_report_files(
            session, assessment_ids=[served.assessment_id], kind=file_repo.RESULT_CHART
        )
        view = report_chart_view(session, person_id=cora_id.id)
    assert stored[served.assessment_id].slack_file_id == file_id
    assert view is not None

    blocks = build_report_chart_section(view, Translator())
    assert [b["slack_file"] for b in blocks] == [{"id": file_id}]
    served.bot.workspace.open_home(served.users["cora"])

    def chart_on_home() -> dict[str, Any] | None:
        home = served.sandbox.home_view(user_id=served.users["cora"])
        images = [b for b in (home or {}).get("blocks", []) if b["type"] == "image"]
        return images[0] if images else None

    image = served.bot.workspace.wait_for(chart_on_home, 10, "the chart on the App Home")
    assert image["slack_file"] == {"id": file_id}
    assert image["title"]["text"] == "Ashford: result of round 1"
    assert image["alt_text"].startswith("Bar chart of Ashford's share of criteria met")


def test_posting_the_result_shares_the_chart_right_after_it(served: Served) -> None:
    deps = served.bot.deps
    with Session(served.engine) as session:
        assessment = assessments.get_assessment(session, assessment_id=served.assessment_id)
        announcement = result_announcement(
            session,
            rubric=RUBRIC,
            assessment=assessment,
            area_ids={area.id for area in RUBRIC.areas},
        )

    assert post_result(deps.client, announcement, deps=deps)

    history = served.sandbox.history(channel_id=served.channel)
    assert [bool(m.get("files")) for m in history] == [False, True]
    chart = history[1]["files"][0]
    assert chart["name"] == "citycheck-result-round-1.png"
    assert chart["title"].startswith("Ashford: 23 of 43 criteria met")


def test_a_coordinator_of_several_cities_names_one(served: Served) -> None:
    cora = served.users["cora"]
    with Session(served.engine) as session:
        person = orgs.find_person(session, workspace_id=1, slack_user_id=cora)
        assert person is not None and person.id is not None
        brookside = served.city_id + 1
        orgs.grant_role(
            session, city_id=brookside, person_id=person.id, role=Role.COORDINATOR, now=NOW
        )
        session.commit()

    served.bot.workspace.command(cora, "export")
    asked = served.bot.workspace.wait_for_message(cora, "several cities")
    served.bot.workspace.command(cora, "export brookside")

    assert asked["text"] == (
        "You coordinate several cities: say which one, e.g. `/citycheck export Ashford`. "
        "Yours: Ashford, Brookside."
    )
    (message,) = _files_in(served, served.bot.workspace.dm(cora))
    assert message["files"][0]["name"].startswith("citycheck-brookside-round-1-")


def test_a_city_without_a_round_has_nothing_to_export(served: Served) -> None:
    cora = served.users["cora"]
    with Session(served.engine) as session:
        person = orgs.find_person(session, workspace_id=1, slack_user_id=cora)
        assert person is not None and person.id is not None
        city = orgs.create_city(session, workspace_id=1, name="Newtown", timezone="UTC", now=NOW)
        orgs.grant_role(
            session, city_id=city.id or 0, person_id=person.id, role=Role.COORDINATOR, now=NOW
        )
        session.commit()

    served.bot.workspace.command(cora, "export newtown")

    told = served.bot.workspace.wait_for_message(cora, "Newtown")
    assert told["text"].startswith("Newtown has not started an assessment yet")
    served.bot.drain()
    assert served.sandbox.calls("files.completeUploadExternal") == []

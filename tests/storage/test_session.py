"""A unit of work commits once on success and leaves nothing behind on failure."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from storage.models import Workspace
from storage.repo import orgs
from storage.session import unit_of_work
from tests.builders import NOW


def _workspaces(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Workspace)).one()


def test_a_unit_of_work_commits_and_its_objects_stay_readable(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        workspace = orgs.upsert_workspace(session, slack_team_id="T1", name="Team", now=NOW)
    assert workspace.name == "Team"  # still readable after the commit and close
    assert _workspaces(engine) == 1


def test_a_failing_unit_of_work_stores_nothing(engine: Engine) -> None:
    with pytest.raises(RuntimeError, match="Slack was down"), unit_of_work(engine) as session:
        orgs.upsert_workspace(session, slack_team_id="T1", name="Team", now=NOW)
        session.flush()
        raise RuntimeError("Slack was down")
    assert _workspaces(engine) == 0


def test_a_read_only_unit_of_work_reads_what_was_committed(db_url: str) -> None:
    from storage.engine import make_engine

    engine = make_engine(db_url)
    try:
        with unit_of_work(engine) as session:
            orgs.upsert_workspace(session, slack_team_id="T1", name="Team", now=NOW)
        with unit_of_work(engine, read_only=True) as session:
            assert orgs.get_workspace(session, slack_team_id="T1") is not None
    finally:
        engine.dispose()

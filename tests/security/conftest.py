"""Fixtures of the trust tests: the seeded world of tests/security/world.py, once per worker."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.engine import make_engine
from tests.security.world import Ids, World, build_template, fresh_world


@pytest.fixture(scope="session")
def template(
    _sqlite_template: sqlite3.Connection, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Ids]:
    """The seeded world's SQLite database, built once."""
    return build_template(_sqlite_template, tmp_path_factory.mktemp("world"))


@pytest.fixture
def world(template: tuple[Path, Ids], tmp_path: Path) -> Iterator[World]:
    """A fresh sandbox with the world's people and a copy of its database."""
    path, ids = template
    with fresh_world(path, ids, tmp_path) as made:
        yield made


@pytest.fixture
def world_engine(world: World) -> Iterator[Engine]:
    """An engine on the world's database copy."""
    engine = make_engine(world.db_url)
    yield engine
    engine.dispose()

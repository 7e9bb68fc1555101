"""The schema check at every start: a current database is recognised without loading Alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from storage import migrate
from storage.engine import make_engine

CHECK = (
    "import sys\n"
    "from storage import migrate\n"
    "from storage.engine import make_engine\n"
    "migrate.ensure_schema(make_engine(sys.argv[1]))\n"
    "print('alembic loaded' if 'alembic' in sys.modules else 'alembic not loaded')\n"
)


def test_the_newest_revision_is_read_from_the_files_as_alembic_reads_it() -> None:
    assert migrate.shipped_head() == migrate.head_revision()


def test_a_current_database_is_checked_without_loading_alembic(db_url: str) -> None:
    run = subprocess.run(
        [sys.executable, "-c", CHECK, db_url], capture_output=True, text=True, timeout=120
    )

    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "alembic not loaded"


def test_a_new_sqlite_database_is_still_brought_to_the_newest_revision(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        assert migrate.stored_revisions(engine) == ()
        migrate.ensure_schema(engine)
        assert migrate.stored_revisions(engine) == (migrate.head_revision(),)
        assert migrate.current(engine) == migrate.head_revision()
    finally:
        engine.dispose()

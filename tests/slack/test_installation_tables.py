"""The migrations build the tables of slack_sdk's OAuth stores as slack_sdk declares them."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import inspect

from storage import migrate
from storage.engine import make_engine
from storage.slack_tables import SLACK_TABLES


def _only_declared(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return not (type_ == "table" and reflected and compare_to is None)


def test_the_migrated_tables_are_the_ones_slack_sdks_stores_use(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url)
    engine = make_engine(empty_db_url)
    try:
        stores = [
            SQLAlchemyInstallationStore(client_id="1.2", engine=engine),
            SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine),
        ]
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": _only_declared, "compare_type": True}
            )
            differences = [compare_metadata(context, store.metadata) for store in stores]
            tables = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()

    assert differences == [[], []]
    assert {table.name for table in SLACK_TABLES} == {
        "slack_installations", "slack_bots", "slack_oauth_states"
    } <= tables  # fmt: skip


def test_the_comparison_would_notice_a_missing_index(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url)
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP INDEX slack_bots_idx")
        store = SQLAlchemyInstallationStore(client_id="1.2", engine=engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": _only_declared, "compare_type": True}
            )
            found = compare_metadata(context, store.metadata)
    finally:
        engine.dispose()

    assert [(change[0], change[1].name) for change in found] == [("add_index", "slack_bots_idx")]

"""The same core on PostgreSQL (DESIGN §3: a team shares one database through a URL).

Runs when AMTUI_TEST_POSTGRES holds a URL to a database the tests may wipe (`.ci/run` starts
a local server and sets it); skipped otherwise. Each test starts from an empty schema.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest

from amtui.core.agenda import build_agenda
from amtui.core.db import Database
from amtui.core.drafts import draft_from_text
from amtui.core.migrations import LATEST, NewerSchemaError, ensure_schema
from amtui.core.notify import collect_due
from amtui.core.pipeline import change_stage, log_lead, respond_lead
from amtui.core.reminders import add_reminder, complete_reminder
from amtui.core.search import search
from amtui.core.task_queries import list_tasks
from amtui.core.tasks import add_task, shift_task
from tests.conftest import wipe_postgres

URL = os.environ.get("AMTUI_TEST_POSTGRES")
pytestmark = pytest.mark.skipif(not URL, reason="AMTUI_TEST_POSTGRES is not set")


@pytest.fixture
def pg() -> Iterator[Database]:
    assert URL
    wipe_postgres(URL)
    database = Database(URL)
    ensure_schema(database)
    yield database
    database.dispose()


def test_migrations_create_exactly_the_models_schema(pg: Database) -> None:
    import sqlalchemy as sa
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    import amtui.core.schema  # noqa: F401  (fills SQLModel.metadata)

    engine = sa.create_engine(pg.sqlalchemy_url())
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        engine.dispose()
    with pg.read() as tx:
        version = tx.scalar("SELECT max(version) FROM amtui_schema")
    assert diffs == []
    assert version == LATEST


def test_newer_schema_is_refused(pg: Database) -> None:
    with pg.write() as tx:
        tx.run("INSERT INTO amtui_schema (version, name, applied_at) VALUES (999, 'future', now())")
    with pytest.raises(NewerSchemaError):
        ensure_schema(pg)


def test_quick_add_agenda_and_search_in_any_script(pg, config, now) -> None:  # type: ignore[no-untyped-def]
    draft = draft_from_text(
        "Send estimate due:today 15:00 client:Гранель +urgent", now=now, config=config
    )
    result = add_task(pg, draft, now=now, config=config)
    assert result.created_client
    [row] = list_tasks(pg, config=config, client="гранель")
    assert row.tags == ["urgent"] and row.client_name == "Гранель"
    agenda = build_agenda(pg, now=now, config=config)
    assert [item.ref for item in agenda.today.items] == [f"T{result.task.id}"]
    hits = search(pg, "ГРАНЕЛЬ")
    assert {hit.kind for hit in hits} == {"client"}
    moved = shift_task(pg, f"T{result.task.id}", 1, now=now, config=config)
    assert moved.task.column == config.columns[config.columns.index("To do") + 1]


def test_lead_ladder_and_once_only_notifications(pg, config, now) -> None:  # type: ignore[no-untyped-def]
    from amtui.core.leads import LeadDraft, add_lead

    lead = add_lead(pg, LeadDraft("Landing page", channel="web-brief"), now=now, config=config).lead
    ref = f"L{lead.id}"
    respond_lead(pg, ref, now=now + timedelta(minutes=5), config=config)
    result = change_stage(pg, ref, "proposal-sent", now=now + timedelta(hours=1), config=config)
    assert result.ladder_step is not None and result.ladder_step.step == 1
    later = now + timedelta(days=2)
    done = complete_reminder(pg, f"R{result.ladder_step.id}", now=later, config=config)
    assert done.next_step is not None and done.next_step.step == 2
    stopped = log_lead(pg, ref, "email-in", "yes please", now=later, config=config)
    assert stopped.stopped is not None

    add_reminder(pg, "Call back", now - timedelta(minutes=1), now=now, config=config)
    claimed: list[list[str]] = []

    def run() -> None:
        database = Database(pg.target)
        try:
            claimed.append([item.ref for item in collect_due(database, now=now, config=config)])
        finally:
            database.dispose()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [ref for refs in claimed for ref in refs]
    assert sorted(every) == sorted(set(every))  # nothing reported twice
    assert every == [every[0]] and every[0].startswith("R")  # the reminder, reported once


def test_change_token_moves_when_another_connection_commits(pg, config, now) -> None:  # type: ignore[no-untyped-def]
    import time

    before = pg.change_token()
    other = Database(pg.target)
    try:
        add_task(
            other, draft_from_text("From elsewhere", now=now, config=config), now=now, config=config
        )
    finally:
        other.dispose()
    for _ in range(30):
        if pg.change_token() != before:
            break
        time.sleep(0.1)
    assert pg.change_token() != before


def test_naive_datetimes_are_refused(pg: Database) -> None:
    from datetime import datetime

    from amtui.core.models import Client, insert

    with pytest.raises(ValueError, match="naive datetime refused"), pg.write() as tx:
        insert(
            tx,
            Client(
                name="x",
                name_key="x",
                created_at=datetime(2026, 1, 1),
                updated_at=datetime(2026, 1, 1),
            ),
        )


def test_foreign_keys_read_from_the_catalogue_match_the_schema(pg: Database) -> None:
    """The undo journal follows these keys to the rows a delete reaches; they are read from
    pg_catalog (fast) and must say what the SQLModel schema declares."""
    from sqlmodel import SQLModel

    import amtui.core.schema  # noqa: F401  (fills SQLModel.metadata)
    from amtui.core.archive import postgres_foreign_keys

    declared = {
        (
            table.name,
            fk.parent.name,
            fk.column.table.name,
            fk.column.name,
            fk.ondelete or "NO ACTION",
        )
        for table in SQLModel.metadata.tables.values()
        for fk in table.foreign_keys
    }
    with pg.read() as tx:
        found = {
            (r["table_name"], r["column_name"], r["parent"], r["target"], r["delete_rule"])
            for r in postgres_foreign_keys(tx)
        }
    assert found == declared
    assert ("task", "parent_id", "task", "id", "CASCADE") in found
    assert ("lead", "client_id", "client", "id", "SET NULL") in found


def test_tables_read_from_the_catalogue_match_information_schema(pg: Database) -> None:
    """The undo journal's and the archive's reading of the tables comes from pg_catalog (fast);
    it must say what information_schema (the standard's views) says: each table's columns in
    order, their kinds, nullability and primary-key positions."""
    from amtui.core.archive import _PG_KINDS, read_tables

    with pg.read() as tx:
        rows = tx.all(
            "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable,"
            " coalesce(k.ordinal_position, 0) AS position"
            " FROM information_schema.columns c"
            " JOIN information_schema.tables t ON t.table_schema = c.table_schema"
            "  AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'"
            " LEFT JOIN (information_schema.key_column_usage k"
            "  JOIN information_schema.table_constraints tc"
            "  ON tc.constraint_name = k.constraint_name AND tc.table_schema = k.table_schema"
            "  AND tc.constraint_type = 'PRIMARY KEY')"
            " ON k.table_schema = c.table_schema AND k.table_name = c.table_name"
            "  AND k.column_name = c.column_name"
            " WHERE c.table_schema = current_schema() ORDER BY c.table_name, c.ordinal_position"
        )
        tables = {t.name: t for t in read_tables(tx)}
    expected: dict[str, list[tuple[str, str, int, bool]]] = {}
    for r in rows:
        expected.setdefault(r["table_name"], []).append(
            (
                r["column_name"],
                _PG_KINDS.get(r["data_type"], "text"),
                r["position"],
                r["is_nullable"] == "YES",
            )
        )
    assert set(tables) <= set(expected) and {"task", "lead", "activity"} <= set(tables)
    for name, table in tables.items():
        found = [(c.name, c.kind, c.primary, c.nullable) for c in table.columns]
        assert found == expected[name], name
    kinds = {c.kind for t in tables.values() for c in t.columns}
    assert {"datetime", "date", "json", "bool", "int", "text"} <= kinds

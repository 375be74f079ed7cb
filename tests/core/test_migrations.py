"""The versioned schema: created at LATEST, equal to the models, upgraded with a backup,
newer and foreign databases refused untouched.

Written to keep working as migrations are appended: nothing here assumes what LATEST is.
"""

from __future__ import annotations

import sqlite3
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import amtui.core.schema  # noqa: F401  (fills SQLModel.metadata)
from amtui.core import search_index
from amtui.core.db import Database
from amtui.core.errors import StorageError
from amtui.core.migrations import (
    LATEST,
    MIGRATIONS,
    NewerSchemaError,
    SchemaReport,
    ensure_schema,
    read_version,
)
from tests.conftest import NOW


def version_of(path: Path) -> int:
    raw = sqlite3.connect(path)
    try:
        return int(raw.execute("SELECT max(version) FROM amtui_schema").fetchone()[0])
    finally:
        raw.close()


def schema_diffs(database: Database) -> list[object]:
    engine = sa.create_engine(database.sqlalchemy_url())
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "compare_server_default": True,
                    # The search index is derived from the data, not declared in the models.
                    "include_name": lambda name, kind, _parent: (
                        kind != "table" or name not in search_index.TABLES
                    ),
                },
            )
            return list(compare_metadata(context, SQLModel.metadata))
    finally:
        engine.dispose()


def sqlite_schema(path: Path) -> dict[str, object]:
    """What SQLite itself says: columns, foreign keys (with ON DELETE) and index definitions.

    Alembic's comparison does not look at ON DELETE rules or partial-index WHERE clauses.
    """
    raw = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            if name not in search_index.TABLES  # derived from the data, not declared (below)
        ]
        result: dict[str, object] = {}
        for table in sorted(tables):
            columns = sorted(
                (name, kind.upper(), bool(notnull), pk)
                for _, name, kind, notnull, _, pk in raw.execute(f'PRAGMA table_info("{table}")')
            )
            fks = sorted(
                (row[2], row[3], row[4], row[6])  # table, from, to, on_delete
                for row in raw.execute(f'PRAGMA foreign_key_list("{table}")')
            )
            indexes = sorted(
                (
                    name,
                    bool(unique),
                    tuple(c[2] for c in raw.execute(f'PRAGMA index_info("{name}")')),
                    partial_where(raw, name),
                )
                for _, name, unique, _, _ in raw.execute(f'PRAGMA index_list("{table}")')
                if not name.startswith("sqlite_autoindex")
            )
            uniques = sorted(
                tuple(c[2] for c in raw.execute(f'PRAGMA index_info("{name}")'))
                for _, name, unique, _, _ in raw.execute(f'PRAGMA index_list("{table}")')
                if unique
            )
            (create,) = raw.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()
            result[table] = {
                "columns": columns,
                "fks": fks,
                "indexes": indexes,
                "unique": uniques,
                "autoincrement": "AUTOINCREMENT" in create.upper(),
            }
        return result
    finally:
        raw.close()


def partial_where(raw: sqlite3.Connection, index: str) -> str | None:
    (sql,) = raw.execute("SELECT sql FROM sqlite_master WHERE name = ?", (index,)).fetchone()
    if sql is None or " WHERE " not in sql.upper():
        return None
    return " ".join(sql[sql.upper().index(" WHERE ") + 7 :].split())


@pytest.fixture
def fresh(tmp_path: Path) -> Database:
    return Database(tmp_path / "fresh.db")


def test_a_new_database_is_created_at_latest(fresh: Database) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing reaches the user's stderr but amtui's own line
        report = ensure_schema(fresh)
    assert report == SchemaReport(0, LATEST)
    assert report.changed and report.backup is None  # nothing to back up in a new file
    assert fresh.path is not None and version_of(fresh.path) == LATEST
    assert len(MIGRATIONS) == LATEST
    with fresh.read() as tx:
        rows = tx.tuples("SELECT version, name FROM amtui_schema ORDER BY 1")
    assert [version for version, _ in rows] == list(range(1, LATEST + 1))
    assert [name for _, name in rows] == [name for name, _ in MIGRATIONS]


def declared_schema(tmp_path: Path) -> dict[str, object]:
    """`sqlite_schema` of a database built straight from the declared tables."""
    reference = tmp_path / "reference.db"
    engine = sa.create_engine(f"sqlite:///{reference}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    return sqlite_schema(reference)


def test_migrations_produce_exactly_the_models(fresh: Database, tmp_path: Path) -> None:
    ensure_schema(fresh)
    assert schema_diffs(fresh) == []
    # And the details Alembic does not compare, against a database built from the models.
    assert fresh.path is not None
    assert sqlite_schema(fresh.path) == declared_schema(tmp_path)


@pytest.mark.parametrize("start", range(1, LATEST + 1))
def test_every_upgrade_path_ends_at_the_models(tmp_path: Path, start: int) -> None:
    database = Database(tmp_path / "old.db")
    ensure_schema(database, target=start)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ensure_schema(database)
    assert database.path is not None and version_of(database.path) == LATEST
    assert schema_diffs(database) == []
    assert sqlite_schema(database.path) == declared_schema(tmp_path)


def test_ids_are_never_handed_out_again(tmp_path: Path) -> None:
    """A deleted row's id stays unused, after an upgrade as in a new file (migration 6)."""
    path = tmp_path / "ids.db"
    database = Database(path)
    ensure_schema(database, target=5)
    with database.write() as tx:  # rows written before the upgrade, the newest then deleted
        for n in (1, 2, 3):
            tx.run(
                "INSERT INTO reminder (id, text, kind, due_at, created_at) "
                "VALUES (:n, 'r', 'custom', '2026-11-25 09:00:00.000000', "
                "'2026-11-25 09:00:00.000000')",
                {"n": n},
            )
        tx.run("DELETE FROM reminder WHERE id = 3")
    ensure_schema(database)
    with database.write() as tx:
        first = tx.insert(
            "reminder",
            {"text": "a", "kind": "custom", "due_at": NOW, "created_at": NOW},
        )
        tx.run("DELETE FROM reminder WHERE id = :id", {"id": first})
        second = tx.insert(
            "reminder",
            {"text": "b", "kind": "custom", "due_at": NOW, "created_at": NOW},
        )
    database.dispose()
    assert (first, second) == (3, 4)  # 3 was free before the upgrade; 3 is then never reused
    assert [r[0] for r in sqlite3.connect(path).execute("SELECT id FROM reminder")] == [1, 2, 4]


def test_running_again_is_a_no_op(fresh: Database, tmp_path: Path) -> None:
    ensure_schema(fresh)
    assert fresh.path is not None
    with fresh.read() as tx:
        history = tx.all("SELECT * FROM amtui_schema")
    files = sorted(p.name for p in tmp_path.iterdir())
    report = ensure_schema(fresh)
    assert report == SchemaReport(LATEST, LATEST)
    assert not report.changed
    with fresh.read() as tx:
        assert tx.all("SELECT * FROM amtui_schema") == history
    assert sorted(p.name for p in tmp_path.iterdir()) == files  # no backup either
    assert ensure_schema(fresh, target=1) == SchemaReport(LATEST, LATEST)  # never downgrades


def test_upgrade_from_the_first_schema_version_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "amtui.db"
    old = Database(path)
    assert ensure_schema(old, target=1) == SchemaReport(0, 1)
    stamp = "2026-11-20 09:00:00.000000"
    with old.write() as tx:
        for statement in (
            "INSERT INTO client (id, name, name_key, timezone, relationship_stage, notes, "
            "archived, created_at, updated_at) VALUES (1, 'Гранель', 'гранель', "
            f"'Asia/Tokyo', 'tactical', '', 0, '{stamp}', '{stamp}')",
            "INSERT INTO contact (id, client_id, name, email, created_at) "
            f"VALUES (1, 1, 'Zoe', 'zoe@granel.example', '{stamp}')",
            "INSERT INTO lead (id, title, source, channel, client_id, stage, received_at, brief, "
            "notes, created_at, updated_at) VALUES (1, 'Website', 'client', 'email', 1, 'new', "
            f"'{stamp}', '[{{\"q\": \"Budget\", \"a\": \"12k\"}}]', '', '{stamp}', '{stamp}')",
            'INSERT INTO task (id, title, notes, client_id, lead_id, parent_id, "column", '
            "position, due_date, priority, created_at, updated_at) VALUES (1, 'Estimate', '', "
            f"1, 1, NULL, 'To do', 0, '2026-11-27', 'high', '{stamp}', '{stamp}')",
            'INSERT INTO task (id, title, notes, parent_id, "column", position, priority, '
            f"created_at, updated_at) VALUES (2, 'Step', '', 1, 'To do', 0, 'normal', '{stamp}', "
            f"'{stamp}')",
            "INSERT INTO task_tag (task_id, tag) VALUES (1, 'urgent')",
            "INSERT INTO reminder (id, text, kind, due_at, lead_id, created_at) "
            f"VALUES (1, 'Call', 'call', '2026-11-26 09:00:00.000000', 1, '{stamp}')",
            "INSERT INTO activity (id, kind, text, lead_id, occurred_at, created_at) "
            f"VALUES (1, 'created', 'via email', 1, '{stamp}', '{stamp}')",
        ):
            tx.run(statement)
    old.dispose()

    upgraded = Database(path)
    report = ensure_schema(upgraded)

    assert report.to_version == LATEST
    assert version_of(path) == LATEST
    if report.changed:  # true once a second migration exists
        assert report.from_version == 1
        assert report.backup is not None and report.backup.exists()
        assert report.backup.name.startswith("amtui.db.v1-")
        assert version_of(report.backup) == 1  # the backup is the file as it was
    counts = {}
    with upgraded.read() as tx:
        for table in ("client", "contact", "lead", "task", "task_tag", "reminder", "activity"):
            counts[table] = tx.scalar(f"SELECT count(*) FROM {table}")
        assert tx.tuples("SELECT name, timezone FROM client") == [("Гранель", "Asia/Tokyo")]
        assert tx.scalar("SELECT parent_id FROM task WHERE id = 2") == 1
        assert tx.tuples("PRAGMA foreign_key_check") == []
    assert counts == {
        "client": 1,
        "contact": 1,
        "lead": 1,
        "task": 2,
        "task_tag": 1,
        "reminder": 1,
        "activity": 1,
    }
    # And the models read the old rows as aware instants.
    from amtui.core.models import Lead, Task, get

    with upgraded.read() as tx:
        lead = get(tx, Lead, 1)
        task = get(tx, Task, 1)
    assert lead is not None and task is not None
    assert lead.received_at == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert lead.brief == [{"q": "Budget", "a": "12k"}]
    assert task.due is not None and str(task.due) == "2026-11-27"
    upgraded.dispose()


def test_a_newer_database_is_refused_and_left_byte_for_byte_unchanged(fresh: Database) -> None:
    ensure_schema(fresh)
    fresh.dispose()
    assert fresh.path is not None
    raw = sqlite3.connect(fresh.path)
    raw.execute(
        "INSERT INTO amtui_schema (version, name, applied_at) VALUES (?, 'future', ?)",
        (LATEST + 1, "2030-01-01 00:00:00.000000"),
    )
    raw.commit()
    raw.close()
    before = fresh.path.read_bytes()

    newer = Database(fresh.path)
    with pytest.raises(NewerSchemaError) as info:
        ensure_schema(newer)
    newer.dispose()

    assert info.value.exit_code == 3
    assert isinstance(info.value, StorageError)
    message = str(info.value)
    assert f"version {LATEST + 1}" in message and "newer amtui" in message
    assert "\n" not in message
    assert fresh.path.read_bytes() == before
    assert not list(fresh.path.parent.glob("*.bak"))


def test_a_foreign_database_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE bookmarks (id INTEGER PRIMARY KEY, url TEXT)")
    raw.execute("INSERT INTO bookmarks (url) VALUES ('https://example.com')")
    raw.commit()
    raw.close()
    before = path.read_bytes()

    database = Database(path)
    with pytest.raises(StorageError, match="not an amtui database") as info:
        ensure_schema(database)
    database.dispose()

    assert info.value.exit_code == 3
    assert "bookmarks" in str(info.value)
    assert "\n" not in str(info.value)
    assert path.read_bytes() == before  # not even switched to WAL


def test_read_version_of_an_empty_database_is_zero(fresh: Database) -> None:
    with fresh.read() as tx:
        assert read_version(tx) == 0


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_notices_from_before_count_as_told_to_every_member(tmp_path: Path, dialect: str) -> None:
    """Migration 14: what `remind due` reported once for the team stays reported for every
    member there is (and for a run without `me`), so the upgrade repeats nothing; a member
    added later is told of what is still due."""
    import os
    from dataclasses import replace

    from amtui.core.config import load_config
    from amtui.core.members import add_member, resolve_scope
    from amtui.core.migrations import MIGRATIONS
    from amtui.core.notify import collect_due
    from tests.conftest import wipe_postgres

    url = os.environ.get("AMTUI_TEST_POSTGRES")
    if dialect == "postgresql":
        if not url:
            pytest.skip("AMTUI_TEST_POSTGRES is not set (no PostgreSQL server for the tests)")
        wipe_postgres(url)
    version = next(i for i, (name, _) in enumerate(MIGRATIONS, 1) if name == "notices per member")
    database = Database(url if dialect == "postgresql" and url else tmp_path / "old.db")
    try:
        ensure_schema(database, target=version - 1)
        stamp = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
        with database.write() as tx:
            tx.run(
                "INSERT INTO member (handle, name, created_at) VALUES ('anna', 'Anna', :t)",
                {"t": stamp},
            )
            for reminder_id, notified in ((1, stamp), (2, None)):
                tx.run(
                    "INSERT INTO reminder (id, text, kind, due_at, notified_at, created_at) "
                    "VALUES (:id, 'Call', 'call', :t, :n, :t)",
                    {"id": reminder_id, "t": stamp, "n": notified},
                )
        ensure_schema(database)
        config = load_config()

        def told(handle: str | None) -> list[str]:
            me = replace(config, me=handle)
            scope = resolve_scope(database, None, me)
            return [i.ref for i in collect_due(database, now=NOW, config=me, scope=scope)]

        assert told("anna") == ["R2"]  # R1 was reported before the upgrade
        assert told(None) == ["R2"]
        add_member(database, "ben", "Ben", now=NOW)
        assert told("ben") == ["R1", "R2"]  # he was not on the team then
    finally:
        database.dispose()
        if dialect == "postgresql" and url:
            wipe_postgres(url)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_lead_values_move_to_the_currencys_minor_unit(tmp_path: Path, backend: str) -> None:
    """A lead's value was hundredths whatever the currency; the upgrade turns it into the
    currency's minor unit (JPY has none, KWD three) and leaves two-decimal ones alone."""
    import os

    from amtui.core.models import Lead, records
    from amtui.core.money import format_value
    from amtui.core.sqltypes import Json
    from tests.conftest import wipe_postgres

    if backend == "postgresql":
        url = os.environ.get("AMTUI_TEST_POSTGRES")
        if not url:
            pytest.skip("AMTUI_TEST_POSTGRES is not set (no PostgreSQL server for the tests)")
        wipe_postgres(url)
        database = Database(url)
    else:
        database = Database(tmp_path / "old.db")
    names = [name for name, _ in MIGRATIONS]
    version = names.index("lead values in minor units") + 1
    ensure_schema(database, target=version - 1)
    stamp = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    old = [  # (title, hundredths as stored before, currency)
        ("Yen deal", 100_000, "JPY"),  # 1 000 JPY
        ("Yen half", 150, "JPY"),  # 1.50 JPY: rounds half up to 2
        ("Euro deal", 1_250_050, "EUR"),  # 12 500.50 EUR
        ("Rouble deal", 54_300_000, "RUB"),
        ("Dinar deal", 125, "KWD"),  # 1.25 KWD
        ("No currency", 1_200_000, None),
        ("No value", None, "USD"),
        ("Big yen", 2_000_000_000, "JPY"),  # near INTEGER's limit: fine once BIGINT
    ]
    with database.write() as tx:  # raw SQL: today's services write columns added since
        for title, cents, currency in old:
            tx.insert(
                "lead",
                {"title": title, "source": "client", "channel": "email", "stage": "new",
                 "value_cents": cents, "currency": currency, "received_at": stamp,
                 "brief": Json([]), "notes": "", "created_at": stamp, "updated_at": stamp},
            )  # fmt: skip
    try:
        ensure_schema(database)
        with database.read() as tx:
            leads = {lead.title: lead for lead in records(tx, Lead, "SELECT * FROM lead")}
        found = {title: leads[title].value_minor for title, _, _ in old}
        assert found == {
            "Yen deal": 1_000,
            "Yen half": 2,
            "Euro deal": 1_250_050,
            "Rouble deal": 54_300_000,
            "Dinar deal": 1_250,
            "No currency": 1_200_000,
            "No value": None,
            "Big yen": 20_000_000,
        }
        shown = {t: format_value(leads[t].value_minor, leads[t].currency) for t, _, _ in old}
        assert shown["Yen deal"] == "1 000 JPY"
        assert shown["Euro deal"] == "12 500.50 EUR"
        assert shown["Rouble deal"] == "543 000 RUB"
        assert shown["Dinar deal"] == "1.250 KWD"
        assert shown["No currency"] == "12 000"
        from amtui.core.search import search

        assert [hit.title for hit in search(database, "yen deal")] == ["Yen deal"]  # indexed
        with database.write() as tx:  # and BIGINT holds what INTEGER could not
            tx.run("UPDATE lead SET value_minor = :v WHERE title = 'Big yen'", {"v": 10**14})
        with database.read() as tx:
            assert tx.scalar("SELECT value_minor FROM lead WHERE title = 'Big yen'") == 10**14
    finally:
        database.dispose()
        if backend == "postgresql":
            wipe_postgres(os.environ["AMTUI_TEST_POSTGRES"])


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_client_owner_text_becomes_a_member_or_a_note(tmp_path: Path, dialect: str) -> None:
    """Migration 16: the free-text owner names a member by handle or full name (any case);
    other text stays visible at the end of the client's notes, and the client is nobody's."""
    import os

    from amtui.core.migrations import MIGRATIONS
    from tests.conftest import wipe_postgres

    url = os.environ.get("AMTUI_TEST_POSTGRES")
    if dialect == "postgresql":
        if not url:
            pytest.skip("AMTUI_TEST_POSTGRES is not set (no PostgreSQL server for the tests)")
        wipe_postgres(url)
    names = [name for name, _ in MIGRATIONS]
    version = names.index("client owners are members") + 1
    database = Database(url if dialect == "postgresql" and url else tmp_path / "old.db")
    try:
        ensure_schema(database, target=version - 1)
        stamp = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
        with database.write() as tx:
            for handle, name in (("anna", "Anna Berg"), ("ben", "Бен Орлов")):
                tx.run(
                    "INSERT INTO member (handle, name, created_at) VALUES (:h, :n, :t)",
                    {"h": handle, "n": name, "t": stamp},
                )
            for client_id, owner, notes in (
                (1, "ANNA", ""),
                (2, "бен орлов", "Prefers calls"),
                (3, "Maria (left)", "Prefers calls"),
                (4, None, ""),
            ):
                tx.run(
                    "INSERT INTO client (id, name, name_key, owner, relationship_stage, notes, "
                    "archived, created_at, updated_at) VALUES (:id, :name, :key, :owner, "
                    "'tactical', :notes, false, :t, :t)",
                    {
                        "id": client_id,
                        "name": f"Client {client_id}",
                        "key": f"client {client_id}",
                        "owner": owner,
                        "notes": notes,
                        "t": stamp,
                    },
                )
        ensure_schema(database)
        with database.read() as tx:
            rows = tx.tuples(
                "SELECT c.id, m.handle, c.notes FROM client c "
                "LEFT JOIN member m ON m.id = c.owner_id ORDER BY c.id"
            )
        assert rows == [
            (1, "anna", ""),
            (2, "ben", "Prefers calls"),
            (3, None, "Prefers calls\n\nOwner before team members: Maria (left)"),
            (4, None, ""),
        ]
        from amtui.core.search import search

        assert [h.ref for h in search(database, "maria")] == ["C3"]  # the index saw the note
    finally:
        database.dispose()
        if dialect == "postgresql" and url:
            wipe_postgres(url)

"""The PostgreSQL database the tests run on (AMTUI_TEST_POSTGRES), made new for each test cheaply.

With AMTUI_TEST_DB=postgresql the core's, the app's and the CLI's tests use one PostgreSQL
database that they may wipe. Creating amtui's schema there (every migration: seventeen tables,
their indexes, keys and triggers) costs about half a second of the server's time, dropping it
another fifth; two thousand CLI tests doing that would add a quarter of an hour to CI. So the
schema is created once (by `ensure_schema`, as a new database gets it) and each test starts from
a *reset*: every row deleted, amtui_schema's rows and the sequences put back as they were right
after creation (a few tens of milliseconds, one transaction). A test that changed the schema
itself (a migration test, a wipe, a newer version) is noticed by a fingerprint of the catalogue,
and the next reset creates the schema again for real. This is what the SQLite side does with
its migrated template file (tests/conftest.py), which each test copies.

`snapshot()` and `restore()` do the same for a database that tests build once per module through
the CLI (tests/cli/conftest.py `build_template`): its rows, kept in memory (COPY's binary form),
put back before each test.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

#: What the catalogue says about amtui's schema: tables and columns, keys, indexes, triggers,
#: functions and sequences of the public schema, and which other schemas exist.
_FINGERPRINT = """
SELECT string_agg(line, E'\\n' ORDER BY line) FROM (
  SELECT 'c ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
         || ' ' || a.attnotnull || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS line
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'r ' || c.relname || ' ' || c.relkind::text FROM pg_class c
   WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'k ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT 't ' || tgrelid::regclass::text || ' ' || pg_get_triggerdef(oid) FROM pg_trigger
   WHERE NOT tgisinternal
  UNION ALL
  SELECT 'f ' || p.proname || ' ' || md5(p.prosrc) FROM pg_proc p
   WHERE p.pronamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'n ' || nspname FROM pg_namespace
   WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
) AS catalogue
"""

_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
_KEYS = """
SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
 WHERE contype = 'f' AND connamespace = 'public'::regnamespace
"""
_SEQUENCES = """
SELECT sequencename, coalesce(last_value, 1), last_value IS NOT NULL FROM pg_sequences
 WHERE schemaname = 'public' ORDER BY sequencename
"""


#: The length of COPY's binary form of no rows: its header (19 bytes) and trailer (2).
_EMPTY_COPY = 21


@dataclass(frozen=True)
class Snapshot:
    """The rows of every table (COPY's binary form) and where each sequence stood."""

    fingerprint: str
    tables: dict[str, bytes]
    sequences: dict[str, tuple[int, bool]]


class PostgresTestDatabase:
    """The test database at AMTUI_TEST_POSTGRES (a URL amtui accepts)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._libpq = "postgresql://" + url.split("://", 1)[1]
        #: The state of a new amtui database: the schema, amtui_schema's rows, no data.
        self._new: Snapshot | None = None
        self._connection: Any = None
        #: Tables parents first (foreign keys), by schema fingerprint.
        self._order: dict[str, list[str]] = {}

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        """The connection the fixtures share until a restore ends, in autocommit mode; it holds
        no lock between uses."""
        import psycopg

        if self._connection is None or self._connection.closed:
            self._connection = psycopg.connect(self._libpq, autocommit=True)
        try:
            yield self._connection
        except psycopg.OperationalError:
            self._connection.close()  # the server may have ended it: open another next time
            raise

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def reset(self) -> None:
        """Make the database what `ensure_schema` makes of an empty one: the latest schema and
        no records."""
        self.restore(self._new) if self._new is not None else self.recreate()

    def recreate(self) -> None:
        """Drop everything and create the schema for real (every migration)."""
        from amtui.core.db import Database
        from amtui.core.migrations import ensure_schema

        self.wipe()
        database = Database(self.url)
        try:
            ensure_schema(database)
        finally:
            database.dispose()
        self._new = self.snapshot()

    def wipe(self) -> None:
        """Empty the database: no schema at all (a database amtui has never opened)."""
        with self._connect() as connection, connection.transaction():
            connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
            connection.execute("CREATE SCHEMA public")

    def snapshot(self) -> Snapshot:
        """Everything in the database now (its schema is amtui's latest, e.g. built by the CLI)."""
        with self._connect() as connection, connection.transaction():
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            fingerprint = _fingerprint(connection)
            tables = {}
            for table in _column(connection, _TABLES):
                with connection.cursor().copy(f'COPY "{table}" TO STDOUT (FORMAT BINARY)') as copy:
                    tables[table] = b"".join(bytes(block) for block in copy)
            sequences = {
                name: (int(value), bool(called))
                for name, value, called in connection.execute(_SEQUENCES).fetchall()
            }
        return Snapshot(fingerprint, tables, sequences)

    def restore(self, snapshot: Snapshot) -> None:
        """Put the database back to `snapshot`: its rows and sequences, in one transaction. When
        the schema is no longer the snapshot's (a test changed or dropped it), it is created
        again first."""
        try:
            self._restore(snapshot)
        finally:
            # A backend reports its row counts (PostgreSQL's change token, pg_stat_user_tables)
            # when it ends, or seconds later while idle: this one ends now, so the deletes and
            # copies never show up as someone's change in the middle of the next test.
            self.close()

    def _restore(self, snapshot: Snapshot) -> None:
        with self._connect() as connection:
            same = _fingerprint(connection) == snapshot.fingerprint
        if not same:
            self.recreate()
            assert self._new is not None
            if snapshot.fingerprint != self._new.fingerprint:
                raise AssertionError("a snapshot of another schema than amtui's latest")
        with self._connect() as connection, connection.transaction():
            order = self._order.get(snapshot.fingerprint)
            if order is None:
                order = self._order[snapshot.fingerprint] = _parents_first(
                    connection, list(snapshot.tables)
                )
            # One round trip for the deletes and the sequences (no parameters: several
            # statements may go in one), then one COPY per table that has rows.
            statements = [f'DELETE FROM "{table}"' for table in reversed(order)]
            statements += [
                f"SELECT setval('public.\"{name}\"', {value}, {str(called).lower()})"
                for name, (value, called) in snapshot.sequences.items()
            ]
            connection.execute(";".join(statements))
            for table in order:
                data = snapshot.tables[table]
                if len(data) > _EMPTY_COPY:
                    with connection.cursor().copy(
                        f'COPY "{table}" FROM STDIN (FORMAT BINARY)'
                    ) as copy:
                        copy.write(data)

    def is_empty(self) -> bool:
        """No amtui schema (the database was never opened, or was wiped)."""
        with self._connect() as connection:
            return not _column(connection, _TABLES)

    def digest(self) -> str:
        """A checksum of every table's rows (and of which tables there are), to prove that a
        command changed nothing."""
        with self._connect() as connection, connection.transaction():
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            parts = []
            for table in _column(connection, _TABLES):
                rows = connection.execute(
                    f"SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') "
                    f'FROM "{table}" AS t'
                ).fetchone()
                parts.append(f"{table}:{rows[0] if rows else ''}")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        """Read the database behind the CLI's back (`?` marks parameters, as with sqlite3)."""
        with self._connect() as connection:
            return [
                tuple(row)
                for row in connection.execute(sql.replace("%", "%%").replace("?", "%s"), params)
            ]


def _column(connection: Any, sql: str) -> list[Any]:
    return [row[0] for row in connection.execute(sql).fetchall()]


def _fingerprint(connection: Any) -> str:
    (text,) = connection.execute(_FINGERPRINT).fetchone()
    return hashlib.sha256((text or "").encode()).hexdigest()


def _parents_first(connection: Any, tables: list[str]) -> list[str]:
    """`tables` ordered so that each comes after the tables its foreign keys point at."""
    parents: dict[str, set[str]] = {table: set() for table in tables}
    for child, parent in connection.execute(_KEYS).fetchall():
        if child != parent and child in parents and parent in parents:
            parents[child].add(parent)
    order: list[str] = []
    while parents:
        ready = sorted(table for table, needs in parents.items() if not needs - set(order))
        if not ready:
            raise AssertionError(f"foreign keys in a cycle: {sorted(parents)}")
        order.extend(ready)
        for table in ready:
            del parents[table]
    return order


_DATABASES: dict[str, PostgresTestDatabase] = {}


def postgres_database(url: str) -> PostgresTestDatabase:
    """The one `PostgresTestDatabase` of this run for `url` (it remembers the new state)."""
    if url not in _DATABASES:
        _DATABASES[url] = PostgresTestDatabase(url)
    return _DATABASES[url]

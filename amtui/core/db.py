"""Storage (DESIGN §3): one `Database` per front end, built from a path or SQLAlchemy URL.

Every SQLite connection runs in WAL mode with synchronous=FULL, foreign keys on and a 10 s
busy timeout. The driver's own transaction handling is switched off so that amtui emits BEGIN
itself: `Database.write()` opens with `BEGIN IMMEDIATE`, taking the write lock up front, so a
transaction that reads and then writes can never fail half-way because another process (the TUI,
a cron job) committed in between. Reads use a plain deferred BEGIN and never block writers.

PostgreSQL has no BEGIN IMMEDIATE; its equivalent here is a transaction-scoped advisory lock
that every amtui write transaction takes first (`pg_advisory_xact_lock`, with the same 10 s
timeout). Writers therefore run one after another, as on SQLite, and each one's reads (READ
COMMITTED: a fresh snapshot per statement) see everything the previous writer committed. So
"is there a client called X? no: create it" can never race another command into a unique-key
violation, and a fresh database is created by exactly one of several first commands. Reads
take no lock. amtui's write transactions are a few milliseconds, so a team never notices.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.ext.compiler import compiles
from sqlmodel import Session

from amtui.core.errors import InputError, StorageError
from amtui.core.text import fold, one_line

BUSY_TIMEOUT_MS = 10_000
#: The advisory lock every amtui write transaction holds on PostgreSQL ("amtui" in ASCII).
WRITE_LOCK_KEY = 0x616D747569
_PG_CHANGES = "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables"


_URL_EXAMPLES = "a file path, sqlite:///path/to/amtui.db or postgresql+psycopg://user@host/db"


def database_url(target: str | Path) -> sa.URL:
    """Turn a file path or an SQLAlchemy URL string into a URL; an empty one, a URL that is
    not one, or a scheme amtui cannot use is refused (exit 2) before anything is opened."""
    text = str(target)
    if not text.strip():
        raise InputError(f"the database location is empty; give {_URL_EXAMPLES}")
    if "://" in text:
        try:
            url = sa.make_url(text)
        except exc.ArgumentError:
            raise InputError(
                f"not a database URL: {one_line(text)!r}; give {_URL_EXAMPLES}"
            ) from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise InputError(
                f"cannot keep data in a {one_line(url.get_backend_name())!r} database; "
                f"give {_URL_EXAMPLES}"
            )
        return url
    return sa.URL.create("sqlite", database=str(Path(text).expanduser().resolve()))


def check_sqlite_location(path: Path, *, create_directory: bool = False) -> None:
    """Refuse a place SQLite cannot keep amtui's data, before SQLite touches it: a directory, a
    FIFO (opening it would block), a device such as /dev/null (it would swallow every write),
    or a new file in a directory that does not exist (a typo in --db must not create data
    somewhere unexpected) or cannot be written. `create_directory` is for amtui's own default
    location, whose directory is created on first use."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:  # a file where a directory should be, a loop of links…
        raise StorageError(f"cannot open database {path}: {error.strerror}") from None
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise StorageError(
                f"cannot open database {path}: it is a directory; give the path of a file"
            )
        if not stat.S_ISREG(mode):
            raise StorageError(
                f"cannot open database {path}: it is not a regular file (a device, FIFO or "
                "socket); give the path of a file"
            )
        return
    directory = path.parent
    if not directory.is_dir():
        if create_directory and not directory.exists():
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StorageError(f"cannot create {directory}: {error.strerror}") from None
            return
        raise StorageError(
            f"cannot create database {path}: the directory {directory} does not exist"
        )
    if not os.access(directory, os.W_OK | os.X_OK):
        raise StorageError(
            f"cannot create database {path}: the directory {directory} is not writable"
        )


class Database:
    """An engine plus the two kinds of transaction amtui uses. No global state."""

    def __init__(self, target: str | Path | sa.URL) -> None:
        self.url = target if isinstance(target, sa.URL) else database_url(target)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite and self.url.database not in (None, "", ":memory:"):
            self.path: Path | None = Path(self.url.database)
        else:
            self.path = None
        try:
            self.engine = sa.create_engine(self.url)
        except (ImportError, exc.ArgumentError) as error:
            raise StorageError(f"cannot use database {self.display}: {error}") from None
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_on_connect)
            event.listen(self.engine, "begin", _sqlite_on_begin)
        elif self.url.get_backend_name() == "postgresql":
            event.listen(self.engine, "begin", _postgresql_on_begin)
        self._write_engine = self.engine.execution_options(amtui_write=True)
        self._watch: Any = None

    @property
    def display(self) -> str:
        """Where the data is, for messages (a URL never shows its password)."""
        if self.path is not None:
            return str(self.path)
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot: every query inside sees the same committed state."""
        with (
            self._guard(),
            Session(self.engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        with (
            self._guard(),
            Session(self._write_engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def connect(self, *, write: bool = False) -> Iterator[sa.Connection]:
        """A Core connection (migrations, bulk loads), with the same error translation."""
        engine = self._write_engine if write else self.engine
        with self._guard(), engine.connect() as conn:
            yield conn

    def change_token(self) -> int:
        """A number that changes whenever another connection commits.

        SQLite: `PRAGMA data_version` on a connection kept for the purpose. PostgreSQL: the
        database's row-change counters, which backends report when their transactions end
        (within about a second). The TUI polls this to pick up what the CLI wrote.
        """
        with self._guard():
            if not self.is_sqlite:
                with self.engine.connect() as conn:
                    return int(conn.exec_driver_sql(_PG_CHANGES).scalar() or 0)
            if self._watch is None:
                self._watch = self.engine.raw_connection()
            cursor = self._watch.cursor()
            try:
                cursor.execute("PRAGMA data_version")
                return int(cursor.fetchone()[0])
            finally:
                cursor.close()

    def dispose(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        self.engine.dispose()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except exc.DBAPIError as error:
            raise storage_error(error, self.display) from None


def storage_error(error: exc.DBAPIError, where: str) -> StorageError:
    """One clear line for a database failure the user can act on."""
    detail = str(error.orig).strip() if error.orig is not None else str(error)
    lowered = detail.lower()
    if "locked" in lowered or "busy" in lowered or "lock timeout" in lowered:
        return StorageError(
            f"database {where} is locked by another program "
            f"(waited {BUSY_TIMEOUT_MS // 1000} s); try again when it is done"
        )
    if "not a database" in lowered or "malformed" in lowered:
        return StorageError(f"{where} is not a readable amtui database ({detail})")
    if "readonly" in lowered or "read-only" in lowered:
        return StorageError(f"database {where} is read-only; amtui needs to write to it")
    if "unable to open" in lowered:
        return StorageError(f"cannot open database {where}: check the path and permissions")
    return StorageError(f"database error on {where}: {detail.splitlines()[0]}")


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Autocommit at the driver level: SQLAlchemy's "begin" event below issues BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # WAL is a property of the file and persists. Switch only an empty or amtui file: a
        # foreign database that --db points at by mistake is refused, and must stay untouched.
        if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            ours = cursor.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM sqlite_master) OR EXISTS "
                "(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'amtui_schema')"
            ).fetchone()[0]
            if ours:
                cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()
    # SQLite's lower()/LIKE fold ASCII only; search must match "гранель" to "Гранель".
    dbapi_connection.create_function("amtui_fold", 1, _fold_or_none, deterministic=True)


def _sqlite_on_begin(conn: sa.Connection) -> None:
    immediate = conn.get_execution_options().get("amtui_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _postgresql_on_begin(conn: sa.Connection) -> None:
    # Serialise writers (see the module docstring); give up after the busy timeout, which
    # `storage_error` reports as "locked", like SQLite's.
    if conn.get_execution_options().get("amtui_write", False):
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def _fold_or_none(value: object) -> str | None:
    return None if value is None else fold(str(value))


class folded(sa.sql.functions.FunctionElement[str]):
    """`folded(column)`: the column case-folded in any script (SQLite: our `amtui_fold`)."""

    type = sa.String()
    inherit_cache = True
    name = "folded"


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"amtui_fold({compiler.process(element.clauses, **kw)})"


@compiles(folded)
def _folded_default(element: folded, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


def contains_folded(column: Any, text: str) -> sa.ColumnElement[bool]:
    """Case-insensitive substring match in any script: `гранель` finds "Гранель"."""
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return folded(column).like(f"%{escaped}%", escape="\\")

"""Storage without an ORM: the stdlib `sqlite3` driver (or psycopg 3 for PostgreSQL) and SQL text.

Why: every shell command used to pay ~300 ms of SQLAlchemy, pydantic and SQLModel imports before
it did anything (bench/RESULTS.md). The schema is still defined once, by the SQLModel classes in
`amtui.core.models` and the migrations that create it; those are imported only to create or
upgrade a database (and by tests that check the two agree). Everything else reads and writes
through this module.

Conventions, the same on both databases:
- SQL uses named parameters (`:name`); a tuple value expands to a list for `IN :ids`.
- An aware `datetime` is stored as UTC (on SQLite as text in the format SQLAlchemy wrote, so
  files written by earlier versions read the same); a naive one is refused, never guessed.
  `date` is ISO text on SQLite. `Json(value)` marks a value for a JSON column.
- Reads come back with the same Python types on both databases: aware UTC datetimes, dates,
  parsed JSON, bools (SQLite: from the declared column type; for an expression, name the type
  in its alias: `coalesce(snoozed_until, due_at) AS "due [DATETIME]"`).
- SQLite: WAL, synchronous=FULL, foreign keys on, 10 s busy timeout; writes start with
  `BEGIN IMMEDIATE` so a transaction that reads and then writes never fails half-way because
  another process committed in between. Reads use a plain deferred `BEGIN`.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from amtui.core.errors import StorageError
from amtui.core.text import fold

BUSY_TIMEOUT_MS = 10_000
_PG_CHANGES = "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables"
_SQLITE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

Params = Mapping[str, Any]


class Json:
    """A value bound for a JSON column (a bare list or dict is refused, to catch mistakes)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


# --- types -----------------------------------------------------------------------------------


def _to_sqlite(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime refused: {value.isoformat()} has no time zone")
        return value.astimezone(UTC).strftime(_SQLITE_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Json):
        return None if value.value is None else json.dumps(value.value)
    if isinstance(value, list | dict):
        raise TypeError("wrap a value for a JSON column in sql.Json(...)")
    return value


def _to_postgres(value: Any) -> Any:
    if isinstance(value, datetime) and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"naive datetime refused: {value.isoformat()} has no time zone")
    if isinstance(value, Json):
        from psycopg.types.json import Json as PgJson

        return None if value.value is None else PgJson(value.value)
    if isinstance(value, list | dict):
        raise TypeError("wrap a value for a JSON column in sql.Json(...)")
    return value


def _read_datetime(raw: bytes) -> datetime:
    text = raw.decode()
    try:
        value = datetime.strptime(text, _SQLITE_FORMAT)
    except ValueError:
        value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _read_date(raw: bytes) -> date:
    return date.fromisoformat(raw.decode())


def _read_json(raw: bytes) -> Any:
    return json.loads(raw)


def _read_bool(raw: bytes) -> bool:
    return raw not in (b"0", b"")


# Converters are looked up by declared column type (PARSE_DECLTYPES) or by an alias's
# `[TYPE]` (PARSE_COLNAMES); only connections opened here ask for them.
sqlite3.register_converter("DATETIME", _read_datetime)
sqlite3.register_converter("DATE", _read_date)
sqlite3.register_converter("JSON", _read_json)
sqlite3.register_converter("BOOLEAN", _read_bool)


# --- statements ------------------------------------------------------------------------------

_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_PG_CACHE: dict[str, str] = {}


def _expand(sql: str, params: Params | None) -> tuple[str, dict[str, Any]]:
    """Expand tuple parameters (`id IN :ids` → `id IN (:ids_0, :ids_1)`)."""
    if not params:
        return sql, {}
    out: dict[str, Any] = {}
    expanded = False
    for name, value in params.items():
        if isinstance(value, tuple):
            expanded = True
            for index, item in enumerate(value):
                out[f"{name}_{index}"] = item
        else:
            out[name] = value
    if not expanded:
        return sql, out

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        value = params.get(name)
        if not isinstance(value, tuple):
            return match.group(0)
        if not value:
            return "(NULL)"
        return "(" + ", ".join(f":{name}_{i}" for i in range(len(value))) + ")"

    return _NAMED.sub(replace, sql), out


def _pg_sql(sql: str) -> str:
    """`:name` → `%(name)s` for psycopg (a literal `%` doubled; `::type` casts kept)."""
    cached = _PG_CACHE.get(sql)
    if cached is None:
        cached = _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))
        if len(_PG_CACHE) < 2000:
            _PG_CACHE[sql] = cached
    return cached


class Tx:
    """One transaction: run statements, read rows as dicts. Made by `Database.read/write`."""

    def __init__(self, connection: Any, *, sqlite: bool) -> None:
        self.connection = connection
        self.sqlite = sqlite

    def _run(self, sql: str, params: Params | None) -> Any:
        sql, values = _expand(sql, params)
        if self.sqlite:
            bound = {k: _to_sqlite(v) for k, v in values.items()}
            return self.connection.execute(sql, bound)
        bound = {k: _to_postgres(v) for k, v in values.items()}
        cursor = self.connection.cursor()
        cursor.execute(_pg_sql(sql), bound)
        return cursor

    def all(self, sql: str, params: Params | None = None) -> list[dict[str, Any]]:
        """Every row, as dicts keyed by column name (alias types stripped: `due [DATETIME]`
        → `due`)."""
        cursor = self._run(sql, params)
        names = _names(cursor.description)
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def one(self, sql: str, params: Params | None = None) -> dict[str, Any] | None:
        cursor = self._run(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip(_names(cursor.description), row, strict=True))

    def tuples(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._run(sql, params).fetchall()]

    def scalar(self, sql: str, params: Params | None = None) -> Any:
        row = self._run(sql, params).fetchone()
        return None if row is None else row[0]

    def column(self, sql: str, params: Params | None = None) -> list[Any]:
        return [row[0] for row in self._run(sql, params).fetchall()]

    def run(self, sql: str, params: Params | None = None) -> int:
        """Execute a statement; the number of rows it changed."""
        return int(self._run(sql, params).rowcount)

    def insert(self, table: str, values: Params, *, returning: str = "id") -> Any:
        """INSERT one row; its `returning` column (the new id)."""
        columns = ", ".join(_quote(name) for name in values)
        marks = ", ".join(f":{name}" for name in values)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {returning}"
        return self.scalar(sql, values)

    def update(self, table: str, record_id: int, values: Params) -> int:
        """UPDATE the row with this id; the number of rows changed (0: it is gone)."""
        if not values:
            return 0
        sets = ", ".join(f"{_quote(name)} = :{name}" for name in values)
        return self.run(f"UPDATE {table} SET {sets} WHERE id = :_id", {**values, "_id": record_id})


def _names(description: Sequence[Sequence[Any]]) -> list[str]:
    return [str(column[0]).split(" [", 1)[0] for column in description]


_RESERVED = {"column", "order", "user", "group"}


def _quote(name: str) -> str:
    return f'"{name}"' if name in _RESERVED else name


# --- the database ----------------------------------------------------------------------------


class Database:
    """Where the data is (an SQLite file or a PostgreSQL URL) and its transactions.

    Connections are pooled and may be used from any thread (the TUI's workers), one
    transaction at a time each. No global state: front ends and tests make their own.
    """

    def __init__(self, target: str | Path) -> None:
        text = str(target)
        self.url: str | None = None
        self.path: Path | None = None
        if "://" not in text:
            if not text.strip():
                raise StorageError("the database path is empty; give a file path or a URL")
            self.path = Path(text).expanduser().resolve()
            self.is_sqlite = True
        else:
            scheme = text.split("://", 1)[0].lower()
            backend = scheme.split("+", 1)[0]
            if backend == "sqlite":
                location = text.split("://", 1)[1]
                location = location[1:] if location.startswith("/") else location
                if not location or location == ":memory:":
                    raise StorageError(
                        f"{text!r}: an in-memory database would lose everything; give a file"
                    )
                self.path = Path(unquote(location)).expanduser().resolve()
                self.is_sqlite = True
            elif backend in ("postgresql", "postgres"):
                self.url = "postgresql://" + text.split("://", 1)[1]
                self.is_sqlite = False
            else:
                raise StorageError(
                    f"not a database amtui can use: {_hide_password(text)!r} "
                    "(a file path, sqlite:///FILE or postgresql://host/db)"
                )
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        self._watch: Any = None

    @property
    def dialect(self) -> str:
        return "sqlite" if self.is_sqlite else "postgresql"

    @property
    def display(self) -> str:
        """Where the data is, for messages (a URL never shows its password)."""
        if self.path is not None:
            return str(self.path)
        return _hide_password(self.url or "")

    # --- transactions ---------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only snapshot: every statement inside sees the same committed state."""
        with self._transaction(write=False) as tx:
            yield tx

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        with self._transaction(write=True) as tx:
            yield tx

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Tx]:
        with self._guard():
            connection = self._take()
        ok = False
        try:
            with self._guard():
                if self.is_sqlite:
                    connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                tx = Tx(connection, sqlite=self.is_sqlite)
                yield tx
                if self.is_sqlite:
                    connection.execute("COMMIT")
                else:
                    connection.commit()
            ok = True
        finally:
            if not ok:
                self._rollback(connection)
            self._give(connection, healthy=ok or self._usable(connection))

    def _rollback(self, connection: Any) -> None:
        try:
            if self.is_sqlite:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
            else:
                connection.rollback()
        except Exception:  # the connection is dropped below when it is unusable
            return

    def _usable(self, connection: Any) -> bool:
        if self.is_sqlite:
            return not connection.in_transaction
        return not connection.closed

    # --- connections -----------------------------------------------------------------------

    def _take(self) -> Any:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return self._open()

    def _give(self, connection: Any, *, healthy: bool) -> None:
        if healthy:
            with self._lock:
                if len(self._idle) < 4:
                    self._idle.append(connection)
                    return
        connection.close()

    def _open(self) -> Any:
        if self.is_sqlite:
            assert self.path is not None
            return open_sqlite(self.path)
        import psycopg  # only for PostgreSQL

        connection = psycopg.connect(self.url or "", autocommit=False)
        connection.execute("SET TIME ZONE 'UTC'")
        connection.commit()
        return connection

    def raw_connection(self) -> Any:
        """A connection of the pool's kind, outside any transaction (migrations, backups)."""
        with self._guard():
            return self._open()

    def change_token(self) -> int:
        """A number that changes whenever another connection commits.

        SQLite: `PRAGMA data_version` on a connection kept for the purpose. PostgreSQL: the
        database's row-change counters, which backends report when their transactions end
        (within about a second). The TUI polls this to pick up what the CLI wrote.
        """
        with self._guard():
            if not self.is_sqlite:
                with self.read() as tx:
                    return int(tx.scalar(_PG_CHANGES) or 0)
            if self._watch is None:
                self._watch = self._open()
            return int(self._watch.execute("PRAGMA data_version").fetchone()[0])

    def dispose(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as error:
            raise storage_error(str(error), self.display) from None
        except Exception as error:
            if _is_pg_error(error) and not _is_pg_integrity(error):
                raise storage_error(str(error), self.display) from None
            raise


def open_sqlite(path: Path) -> sqlite3.Connection:
    """A connection with amtui's settings; a foreign database is left as it is."""
    connection = sqlite3.connect(
        path,
        timeout=BUSY_TIMEOUT_MS / 1000,
        detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES,
        isolation_level=None,  # amtui issues BEGIN itself
        check_same_thread=False,
    )
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA foreign_keys = ON")
        # WAL is a property of the file and persists. Switch only an empty or amtui file: a
        # foreign database that --db points at by mistake is refused, and must stay untouched.
        if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            ours = connection.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM sqlite_master) OR EXISTS "
                "(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'amtui_schema')"
            ).fetchone()[0]
            if ours:
                connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
    except BaseException:
        connection.close()
        raise
    # SQLite's lower()/LIKE fold ASCII only; search must match "гранель" to "Гранель".
    connection.create_function("amtui_fold", 1, _fold_or_none, deterministic=True)
    return connection


def _fold_or_none(value: object) -> str | None:
    return None if value is None else fold(str(value))


def folded(column: str, dialect: str) -> str:
    """SQL for `column` case-folded in any script (SQLite: amtui's own function)."""
    return f"amtui_fold({column})" if dialect == "sqlite" else f"lower({column})"


def like_pattern(text: str) -> str:
    """A LIKE pattern (escape `\\`) that finds the folded `text` anywhere."""
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def storage_error(detail: str, where: str) -> StorageError:
    """One clear line for a database failure the user can act on."""
    detail = detail.strip() or "unknown error"
    lowered = detail.lower()
    if "locked" in lowered or "busy" in lowered:
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


def _hide_password(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def _is_pg_error(error: BaseException) -> bool:
    return type(error).__module__.startswith("psycopg")


def _is_pg_integrity(error: BaseException) -> bool:
    import psycopg

    return isinstance(error, psycopg.IntegrityError)

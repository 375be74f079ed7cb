"""Storage without an ORM: the stdlib `sqlite3` driver (or psycopg 3 for PostgreSQL) and SQL text.

Why: every shell command used to pay ~300 ms of SQLAlchemy, pydantic and SQLModel imports before
it did anything (bench/RESULTS.md). The schema is still defined once, by the SQLModel classes in
`amtui.core.schema` and the migrations that create it; those are imported only to create or
upgrade a database (and by tests that check the two agree). Everything else reads and writes
through this module, which is the only one that knows how the two drivers differ.

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
- PostgreSQL has no BEGIN IMMEDIATE; its equivalent here is a transaction-scoped advisory lock
  that every amtui write transaction takes first (`pg_advisory_xact_lock`, given up after the
  same 10 s and reported as "locked"). Writers therefore run one after another, as on SQLite,
  and each one's reads (READ COMMITTED: a fresh snapshot per statement) see everything the
  previous writer committed. So "is there a client called X? no: create it" can never race
  another command into a unique-key violation, and a fresh database is created by exactly one
  of several first commands. Reads take no lock; amtui's writes last a few milliseconds. A read
  transaction is REPEATABLE READ: one snapshot throughout, so a page and its counts agree, as
  on SQLite.
- `Tx.savepoint()` nests a unit that rolls back alone (intake writes each mail in one);
  `Tx.insert_many` sends many rows of one table in one driver call.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from amtui.core.errors import InputError, StorageError
from amtui.core.patterns import lazy
from amtui.core.sqltypes import Json as Json
from amtui.core.text import fold, one_line

BUSY_TIMEOUT_MS = 10_000
#: The advisory lock every amtui write transaction holds on PostgreSQL ("amtui" in ASCII).
WRITE_LOCK_KEY = 0x616D747569
#: PostgreSQL: the NOTIFY channel the tables' triggers send to when a transaction commits a
#: change (migration 12); open apps LISTEN on it.
CHANGES_CHANNEL = "amtui_changes"
_URL_EXAMPLES = "a file path, sqlite:///path/to/amtui.db or postgresql+psycopg://user@host/db"
# Compiled on first use (~0.5 M instructions each): a plain file path needs neither.
_SCHEME = lazy(r"([A-Za-z][\w+.-]*)://(.*)", re.DOTALL)
_CONTROL = lazy(r"[\x00-\x1f\x7f]")
_PG_CHANGES = "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables"

Params = Mapping[str, Any]


# --- types -----------------------------------------------------------------------------------


def _to_sqlite(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime refused: {value.isoformat()} has no time zone")
        # The text SQLAlchemy writes, "2026-11-27 15:00:00.000000" (strftime would drop a
        # year's leading zeros; isoformat pads it).
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Json):
        if value.value is None:
            return None
        import json  # ~6.7 M instructions (its regexes); only a JSON column needs it

        return json.dumps(value.value)
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


def _read_datetime(
    raw: bytes, _parse: Callable[[str], datetime] = datetime.fromisoformat
) -> datetime:
    # fromisoformat reads what SQLAlchemy and `_to_sqlite` write ("2026-11-27 15:00:00.000000",
    # with or without the fraction or an offset) ~100x faster than strptime, which was a third
    # of `amtui agenda`'s own time at 100k (and imported _strptime, locale and calendar).
    if len(raw) == 26 and raw[19] == 46 and raw[20:].isdigit():  # 46: ".", ASCII digits after
        # What `_to_sqlite` writes: UTC, no offset. Saying so is 5x faster than a replace().
        return _parse(raw.decode() + "+00:00")
    text = raw.decode()
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _read_date(raw: bytes) -> date:
    return date.fromisoformat(raw.decode())


class _JsonContext:
    """What `json.JSONDecoder()` hands the C scanner: strict strings, no hooks, ints and
    floats as Python reads them (`float` reads NaN and ±Infinity as json's constants do)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = float


try:  # CPython's C accelerator, the scanner `json.loads` itself runs
    from _json import make_scanner as _make_scanner
except ImportError:  # pragma: no cover - other Pythons: json.loads below does it all
    _scan_json: Callable[[str, int], tuple[Any, int]] | None = None
else:
    # typeshed types the context as the scanner itself; any object with these attributes works
    _scan_json = _make_scanner(_JsonContext())  # type: ignore[arg-type]

_JSON_SPACE = " \t\n\r"


def _read_json(raw: bytes) -> Any:
    """`json.loads(raw)`, through the C scanner json uses, without importing `json` (~6.7 M
    instructions of imports and regexes on every agenda that lists a lead with a brief).
    Anything out of the ordinary (a BOM or another encoding, text the scanner refuses, extra
    data) goes to `json.loads`, which decodes it or raises its usual error."""
    if _scan_json is not None and raw[:1] in b"[{" and b"\x00" not in raw:
        try:
            text = raw.decode("utf-8", "surrogatepass")
            value, end = _scan_json(text, 0)
        except (StopIteration, ValueError):
            pass
        else:
            if end == len(text) or not text[end:].strip(_JSON_SPACE):
                return value
    import json  # see _to_sqlite

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
    """Expand tuple parameters (`id IN :ids` → `id IN (:ids_0, :ids_1)`). A tuple of plain
    integers (ids, nothing else can be in one) is written into the SQL as numbers instead:
    binding 200 named parameters cost `task list` ~5 M instructions (SQLite looks each name
    up in a list), and an integer's text cannot be anything but a number."""
    if not params:
        return sql, {}
    out: dict[str, Any] = {}
    expanded = False
    for name, value in params.items():
        if isinstance(value, tuple):
            expanded = True
            if not all(type(item) is int for item in value):
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
        if all(type(item) is int for item in value):
            return "(" + ", ".join(map(str, value)) + ")"
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

    def __init__(self, connection: Any, *, sqlite: bool, write: bool = False) -> None:
        self.connection = connection
        self.sqlite = sqlite
        #: A write transaction (`Database.write`): what it changes is committed at the end.
        self.writing = write
        #: What the record layer (`amtui.core.models`) handed out in a write transaction, to
        #: check before commit that no change to one was left unsaved. A savepoint that rolls
        #: back forgets its own.
        self.tracked: list[Any] = []
        #: Who is writing: the member handle the front end set on the Database (timeline
        #: entries keep it), None on one person's database.
        self.actor: str | None = None
        self._before_commit: list[Callable[[], None]] = []
        self._savepoints = 0
        #: What records this transaction's changes for undo (`amtui.core.journal.Recorder`):
        #: set by `Database.write()`, None in reads and where a write opts out.
        self.journal: Any = None

    @property
    def dialect(self) -> str:
        return "sqlite" if self.sqlite else "postgresql"

    def _run(self, sql: str, params: Params | None) -> Any:
        if self.journal is not None and _WRITES.match(sql):
            # Every change passes here (or insert_many): the journal reads the rows it is
            # about to touch first, so no service can change data without an undo record.
            self.journal.before_statement(self, sql, params)
        return self._execute(sql, params)

    def _execute(self, sql: str, params: Params | None) -> Any:
        sql, values = _expand(sql, params)
        if self.sqlite:
            # Only what the statement names is converted: callers share one dict of values
            # among several statements (the agenda's 30 use one or two of its six), and an
            # instant's text costs ~12 k instructions. SQLite reads a named parameter only
            # where `:name` stands in the text, so a name absent from it is never asked for.
            bound = {k: _to_sqlite(v) for k, v in values.items() if ":" + k in sql}
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

    def insert(self, table: str, values: Params, *, returning: str | None = "id") -> Any:
        """INSERT one row; its `returning` column (the new id), or None without one."""
        columns = ", ".join(_quote(name) for name in values)
        marks = ", ".join(f":{name}" for name in values)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        if returning is None:
            self.run(sql, values)
            return None
        return self.scalar(f"{sql} RETURNING {returning}", values)

    def insert_many(self, table: str, rows: Sequence[Params]) -> int:
        """INSERT many rows with the same columns in one driver call (no ids returned): bulk
        loads, the tags of a card. The number of rows."""
        if not rows:
            return 0
        if self.journal is not None:
            self.journal.before_insert_many(self, table, rows)
        names = list(rows[0])
        columns = ", ".join(_quote(name) for name in names)
        marks = ", ".join(f":{name}" for name in names)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        if self.sqlite:
            self.connection.executemany(
                sql, ({k: _to_sqlite(row[k]) for k in names} for row in rows)
            )
        else:
            cursor = self.connection.cursor()
            cursor.executemany(
                _pg_sql(sql), [{k: _to_postgres(row[k]) for k in names} for row in rows]
            )
        return len(rows)

    def update(self, table: str, record_id: int, values: Params) -> int:
        """UPDATE the row with this id; the number of rows changed (0: it is gone)."""
        if not values:
            return 0
        sets = ", ".join(f"{_quote(name)} = :{name}" for name in values)
        return self.run(f"UPDATE {table} SET {sets} WHERE id = :_id", {**values, "_id": record_id})

    def page(self, limit: int | None, offset: int = 0) -> str:
        """` LIMIT n OFFSET m` for the end of a query (SQLite needs a LIMIT before an OFFSET,
        PostgreSQL refuses a negative one); empty when neither is given."""
        sql = "" if limit is None else f" LIMIT {int(limit)}"
        if offset:
            if limit is None and self.sqlite:
                sql = " LIMIT -1"
            sql += f" OFFSET {int(offset)}"
        return sql

    @contextmanager
    def savepoint(self) -> Iterator[Tx]:
        """A nested unit inside this transaction: an error inside rolls back to where it began
        (and is raised again); the rest of the transaction goes on."""
        self._savepoints += 1
        name = f"amtui_sp{self._savepoints}"
        self.run(f"SAVEPOINT {name}")
        tracked = len(self.tracked)
        mark = self.journal.mark() if self.journal is not None else None
        try:
            yield self
        except BaseException:
            del self.tracked[tracked:]
            if self.journal is not None:
                self.journal.rollback_to(mark)
            self.run(f"ROLLBACK TO SAVEPOINT {name}")
            self.run(f"RELEASE SAVEPOINT {name}")
            raise
        self.run(f"RELEASE SAVEPOINT {name}")

    def before_commit(self, check: Callable[[], None]) -> None:
        """Call `check` just before this transaction commits; if it raises, nothing is
        committed (the record layer checks there that no change was left unsaved)."""
        self._before_commit.append(check)

    def _commit_checks(self) -> None:
        for check in self._before_commit:
            check()


#: Statements that change rows (what the journal must see).
_WRITES = lazy(r"\s*(?:INSERT|UPDATE|DELETE|REPLACE|WITH|MERGE|UPSERT)\b", re.IGNORECASE)


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
        """`target`: a file path, `sqlite:///FILE` or `postgresql[+driver]://…`. Anything else
        (empty, not a URL, another database, an in-memory SQLite) is bad input, refused before
        anything is opened."""
        text = str(target)
        #: psycopg's connection URL (PostgreSQL only).
        self.url: str | None = None
        self.path: Path | None = None
        self._target = text
        if not text.strip():
            raise InputError(f"the database location is empty; give {_URL_EXAMPLES}")
        # Every control character is unprintable: the regex runs only on a text that has one
        # (or another unprintable character, which it lets through).
        if not text.isprintable() and _CONTROL.search(text):
            raise InputError(
                f"the database location {one_line(_hide_password(text))!r} holds a control "
                f"character (a newline?); give {_URL_EXAMPLES}"
            )
        if "://" not in text:
            if text.strip() == ":memory:":  # SQLite's own name for it; never a file here
                raise InputError(
                    "an in-memory database would vanish when the command ends; give a file"
                )
            self.path = _local_path(text)
            self.is_sqlite = True
        else:
            match = _SCHEME.fullmatch(text.strip())
            if match is None:
                raise InputError(
                    f"not a database URL: {one_line(_hide_password(text))!r}; give {_URL_EXAMPLES}"
                )
            scheme, rest = match.groups()
            backend = scheme.split("+", 1)[0].lower()
            if backend == "sqlite":
                location = unquote(rest.split("?", 1)[0])
                location = location[1:] if location.startswith("/") else location
                if not location or location == ":memory:":
                    raise InputError(
                        "an in-memory database would vanish when the command ends; give a file"
                    )
                self.path = _local_path(location)
                self.is_sqlite = True
            elif backend in ("postgresql", "postgres"):
                self.url = "postgresql://" + rest
                self.is_sqlite = False
            else:
                raise InputError(
                    f"cannot keep data in a {one_line(backend)!r} database; give {_URL_EXAMPLES}"
                )
        #: The member handle of whoever writes through this object (set by the front end once
        #: it knows `me` is a member); each timeline entry records it.
        self.actor: str | None = None
        self._idle: list[Any] = []
        #: The journal's reading of the catalogue, by schema version (`amtui.core.journal`).
        self.journal_cache: dict[int, Any] = {}
        self._lock = threading.Lock()
        self._watch: Any = None
        # PostgreSQL change notifications: the LISTEN connection, how many changes by other
        # sessions it heard, and the server pids of our own connections (whose changes the
        # caller knows about already).
        self._listen_lock = threading.Lock()
        self._listener: Any = None
        self._heard = 0
        self._own_pids: dict[int, int] = {}  # id(connection) → its server pid

    @property
    def target(self) -> str:
        """What the database was opened from, password and all (to open it again elsewhere:
        `Database(db.target)`); never for messages (`display`)."""
        return self._target if self.path is None else str(self.path)

    def sqlalchemy_url(self) -> str:
        """The same database as an SQLAlchemy URL, for creating or upgrading the schema (the
        only time amtui loads SQLAlchemy)."""
        if self.path is not None:
            return f"sqlite:///{self.path}"
        return "postgresql+psycopg://" + (self.url or "").split("://", 1)[1]

    @property
    def dialect(self) -> str:
        return "sqlite" if self.is_sqlite else "postgresql"

    @property
    def display(self) -> str:
        """Where the data is, for messages (a URL never shows its password)."""
        if self.path is not None:
            return str(self.path)
        return _hide_password(self._target)

    # --- transactions ---------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only snapshot: every statement inside sees the same committed state."""
        with self._transaction(write=False) as tx:
            yield tx

    @contextmanager
    def write(self, *, journal: bool = True) -> Iterator[Tx]:
        """One write transaction: committed when the block ends, rolled back on any error.
        What it changes is journalled for `amtui undo` in the same transaction
        (`amtui.core.journal`); `journal=False` only for bookkeeping that is not a user's
        change (undo itself, bulk generators)."""
        with self._transaction(write=True, journal=journal) as tx:
            yield tx

    @contextmanager
    def _transaction(self, *, write: bool, journal: bool = False) -> Iterator[Tx]:
        with self._guard():
            connection = self._take()
        ok = False
        try:
            with self._guard():
                if self.is_sqlite:
                    connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                elif write:  # serialise writers (see the module docstring)
                    connection.execute(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
                    connection.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
                else:  # one snapshot for the whole read, as SQLite's deferred BEGIN gives
                    connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                tx = Tx(connection, sqlite=self.is_sqlite, write=write)
                tx.actor = self.actor
                if journal:
                    from amtui.core.journal import start  # ~1 ms; writes only

                    start(self, tx)
                yield tx
                tx._commit_checks()
                if tx.journal is not None:
                    tx.journal.finish(tx)
                if self.is_sqlite:
                    if write:  # rows changed in this transaction reach the search index
                        from amtui.core.search_index import flush_if_pending  # writes only

                        flush_if_pending(connection)
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
        self._close(connection)

    def _close(self, connection: Any) -> None:
        # A later session may get its pid, and its changes are not ours.
        self._own_pids.pop(id(connection), None)
        connection.close()

    def _open(self) -> Any:
        if self.is_sqlite:
            assert self.path is not None
            return open_sqlite(self.path)
        try:
            import psycopg  # only for PostgreSQL
        except ImportError:
            raise StorageError(
                f"cannot use database {self.display}: PostgreSQL needs psycopg "
                "(pip install 'amtui[postgres]')"
            ) from None
        connection = psycopg.connect(self.url or "", autocommit=False)
        connection.execute("SET TIME ZONE 'UTC'")
        connection.commit()
        self._own_pids[id(connection)] = connection.info.backend_pid
        return connection

    def raw_connection(self) -> Any:
        """A connection of the pool's kind, outside any transaction (migrations, backups)."""
        with self._guard():
            return self._open()

    def change_token(self) -> int:
        """A number that changes whenever another connection commits.

        SQLite: `PRAGMA data_version` on a connection kept for the purpose. PostgreSQL: how
        many change notifications (LISTEN on `CHANGES_CHANNEL`, sent by the tables' triggers
        when a transaction commits) came from sessions other than this object's own; a cheap
        look at the socket, no query. Without a listening connection (it failed, or the
        schema predates the triggers), the database's row-change counters, which backends
        report when their transactions end (within about a second). The TUI polls this to
        pick up what the CLI or a colleague wrote.
        """
        with self._guard():
            if not self.is_sqlite:
                heard = self._listen(0.0)
                if heard is not None:
                    return heard
                with self.read() as tx:
                    return int(tx.scalar(_PG_CHANGES) or 0)
            if self._watch is None:
                watch = self._open()
                # Never wait for a lock here (a reader waits only while SQLite recovers a
                # file): the app looks from its UI thread; "locked" means "look again".
                watch.execute("PRAGMA busy_timeout = 0")
                self._watch = watch
            return int(self._watch.execute("PRAGMA data_version").fetchone()[0])

    @property
    def change_token_at_hand(self) -> bool:
        """Whether `change_token()` answers at once, not worth a thread: on SQLite once its
        connection is open (a counter read, ~0.01 ms, that never waits for a lock); never on
        PostgreSQL (a look at a socket that may need a reconnect or a query)."""
        return self.is_sqlite and self._watch is not None

    def wait_for_change(self, token: int, timeout: float) -> bool:
        """Block until `change_token()` differs from `token` (another connection committed
        since it was read), or `timeout` seconds pass; whether it did. PostgreSQL wakes on the
        notification itself; SQLite looks at `data_version` every 20 ms."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if self.is_sqlite:
                current: int | None = self.change_token()
            else:
                with self._guard():
                    current = self._listen(max(0.0, left))
                if current is None:
                    raise StorageError(f"cannot listen for changes on {self.display}")
            if current != token:
                return True
            if left <= 0:
                return False
            if self.is_sqlite:
                time.sleep(min(0.02, left))

    def _listen(self, timeout: float) -> int | None:
        """Count what the LISTEN connection has heard from other sessions, waiting up to
        `timeout` seconds for the first one; None when it cannot listen."""
        import time

        import psycopg

        with self._listen_lock:
            try:
                if self._listener is None:
                    listener = psycopg.connect(self.url or "", autocommit=True)
                    listener.execute(f"LISTEN {CHANGES_CHANNEL}")
                    self._listener = listener
                deadline = time.monotonic() + timeout
                while True:  # until a note from someone else, or the deadline
                    left = max(0.0, deadline - time.monotonic())
                    notes = list(self._listener.notifies(timeout=left, stop_after=1))
                    ours = set(self._own_pids.values())
                    others = sum(1 for note in notes if note.pid not in ours)
                    self._heard += others
                    if others or not notes or left == 0.0:
                        break
                # Whatever else is queued behind it, without waiting.
                rest = self._listener.notifies(timeout=0.0)
                self._heard += sum(1 for note in rest if note.pid not in ours)
            except psycopg.Error:
                self._drop_listener()
                return None
            return self._heard

    def _drop_listener(self) -> None:
        if self._listener is not None:
            with suppress(Exception):  # closing a broken connection: nothing more to do
                self._listener.close()
            self._listener = None

    def dispose(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            self._close(connection)
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        with self._listen_lock:
            self._drop_listener()

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


def _local_path(text: str) -> Path:
    """A database file's absolute path; `~user` naming nobody is bad input, not a crash."""
    try:
        return Path(text).expanduser().resolve()
    except RuntimeError:  # pathlib: "Could not determine home directory."
        user = text.split("/", 1)[0]
        raise InputError(
            f"cannot expand {one_line(user)!r} in the database location: no such user "
            "or home directory; give the full path"
        ) from None


def open_sqlite(path: Path, *, typed: bool = True) -> sqlite3.Connection:
    """A connection with amtui's settings; a foreign database is left as it is. `typed`:
    values come back as Python types (see the module docstring); untyped for SQLAlchemy, which
    converts them itself (migrations)."""
    connection = sqlite3.connect(
        path,
        timeout=BUSY_TIMEOUT_MS / 1000,
        detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES if typed else 0,
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
                _switch_to_wal(connection)
        connection.execute("PRAGMA synchronous = FULL")
    except BaseException:
        connection.close()
        raise
    # SQLite's lower()/LIKE fold ASCII only; search must match "гранель" to "Гранель".
    connection.create_function("amtui_fold", 1, _fold_or_none, deterministic=True)
    return connection


def _switch_to_wal(connection: sqlite3.Connection) -> None:
    """`PRAGMA journal_mode = WAL`, waiting as long as the busy timeout: the switch needs the
    file to itself, and SQLite answers "locked" at once (without its busy handler) while
    another connection reads it, as when several commands start on a new database together."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.001
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error).lower() or time.monotonic() >= deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def _fold_or_none(value: object) -> str | None:
    return None if value is None else fold(str(value))


def folded(column: str, dialect: str) -> str:
    """SQL for `column` as `text.fold` reads it (NFKC, case-folded, trimmed), in any script:
    SQLite calls amtui's own function; PostgreSQL has no casefold, so it lowers the NFKC form
    and folds the two letters where lower() and casefold() differ (ß → ss, final ς → σ)."""
    if dialect == "sqlite":
        return f"amtui_fold({column})"
    lowered = f"lower(normalize({column}, NFKC))"
    return f"btrim(replace(replace({lowered}, 'ß', 'ss'), 'ς', 'σ'))"


def contains_folded(columns: Sequence[str], param: str, dialect: str) -> str:
    """SQL that holds when any of `columns`, case-folded in any script, contains the text
    whose `like_pattern` is bound to `:param` (`гранель` finds "Гранель")."""
    tests = (f"{folded(column, dialect)} LIKE :{param} ESCAPE '\\'" for column in columns)
    return "(" + " OR ".join(tests) + ")"


def like_pattern(text: str) -> str:
    """A LIKE pattern (escape `\\`) that finds the folded `text` anywhere."""
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def storage_error(detail: str, where: str) -> StorageError:
    """One clear line for a database failure the user can act on."""
    detail = detail.strip() or "unknown error"
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


def _hide_password(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or not parts.netloc:  # not a URL Python can split: hide `:…@` anyway
        return re.sub(r"(//[^/:@]*):[^/@]*@", r"\1:***@", url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def is_database_error(error: BaseException | None) -> bool:
    """A failure reported by the database or its driver (either one), as opposed to bad input
    or a bug: what `Database.read/write` turn into a one-line StorageError."""
    return isinstance(error, StorageError | sqlite3.Error) or (
        error is not None and _is_pg_error(error)
    )


def _is_pg_error(error: BaseException) -> bool:
    return type(error).__module__.startswith("psycopg")


def _is_pg_integrity(error: BaseException) -> bool:
    import psycopg

    return isinstance(error, psycopg.IntegrityError)

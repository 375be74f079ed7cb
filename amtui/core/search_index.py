"""The search index on SQLite: the searched text of every record, folded, in an FTS5 table.

Why: `amtui search` used to fold every title, name and note of five tables through a Python
function on each run (1.2 million calls at 100 000 records, ~2 s, twice the time at 0). Here
each record's searched fields are stored already folded (`text.fold`: NFKC, case-folded,
trimmed) in `search_index`, an FTS5 table with the trigram tokenizer, so a search of three or
more characters is an index lookup: a phrase of trigrams matches exactly the rows in which
one field contains the folded text, as the scan did. Shorter text reads the index's stored
folded text (`instr`, no Python per row).

Kept up to date without Python in any trigger, so that other programs (the sqlite3 shell, a
test) can still write the tables: plain-SQL triggers on each searched table note the key of a
row inserted, deleted or changed in a searched field in `search_pending`; every amtui write
transaction on SQLite folds those rows into the index just before it commits (`flush`, called
by `amtui.core.sql`), so after amtui's own writes nothing is pending. What another program
wrote is pending until amtui's next write; `search` checks pending rows directly, so results
never depend on it.

A row's index key (`rowid`) is `id * 8 + kind`. PostgreSQL has no such index: search there
folds in SQL (`sql.contains_folded`), with the same results. A migration that rebuilds a
searched table must call `create_triggers` again (dropping a table drops its triggers);
tests/core/test_search_index.py checks they exist at the latest version.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from amtui.core.text import fold

#: kind → (table, searched columns, in the order of the index's f0…f5).
KINDS: dict[int, tuple[str, tuple[str, ...]]] = {
    1: ("task", ("title", "notes", "assignee")),
    2: ("lead", ("title", "notes", "partner", "contact_name", "contact_email", "external_id")),
    3: ("client", ("name", "notes")),
    4: ("contact", ("name", "email", "phone")),
    5: ("reminder", ("text",)),
}
KIND_OF = {table: kind for kind, (table, _fields) in KINDS.items()}
INDEX = "search_index"
PENDING = "search_pending"
_WIDTH = max(len(fields) for _table, fields in KINDS.values())
_COLUMNS = tuple(f"f{i}" for i in range(_WIDTH))
#: FTS5's own tables behind `search_index` (created and dropped with it).
_SHADOWS = tuple(f"{INDEX}_{suffix}" for suffix in ("data", "idx", "content", "docsize", "config"))
#: Every table this module owns: not data (never exported), not declared in `schema`.
TABLES = (INDEX, PENDING, *_SHADOWS)
#: Below this many characters the trigram index cannot answer; the stored text is read.
MIN_INDEXED = 3


def available() -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (3.34 or later)."""
    try:
        probe = sqlite3.connect(":memory:")
    except sqlite3.Error:  # pragma: no cover
        return False
    try:
        probe.execute(f"CREATE VIRTUAL TABLE probe USING fts5(a, tokenize='{_TOKENIZER}')")
    except sqlite3.Error:
        return False
    finally:
        probe.close()
    return True


_TOKENIZER = "trigram case_sensitive 1"  # the text is folded before it is stored


def create(connection: Any) -> None:
    """Create the index, the pending list and the triggers, and index every existing row.
    `connection`: an sqlite3 connection inside the migration's transaction."""
    connection.execute(
        f"CREATE VIRTUAL TABLE {INDEX} USING fts5({', '.join(_COLUMNS)}, tokenize='{_TOKENIZER}')"
    )
    connection.execute(f"CREATE TABLE {PENDING} (key INTEGER PRIMARY KEY)")
    create_triggers(connection)
    for kind, (table, _fields) in KINDS.items():
        connection.execute(f"INSERT INTO {PENDING} (key) SELECT id * 8 + {kind} FROM {table}")
    flush(connection)


def create_triggers(connection: Any) -> None:
    """The triggers that note changed rows in `search_pending` (again after a table rebuild)."""
    for kind, (table, fields) in KINDS.items():
        note = f"INSERT OR IGNORE INTO {PENDING} (key) VALUES"
        for event, row in (
            ("INSERT", "new"),
            (f"UPDATE OF {', '.join(fields)}", "new"),
            ("DELETE", "old"),
        ):
            name = f"{INDEX}_{table}_{event.split()[0].lower()}"
            connection.execute(f"DROP TRIGGER IF EXISTS {name}")
            connection.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"BEGIN {note} ({row}.id * 8 + {kind}); END"
            )


def flush(connection: sqlite3.Connection) -> int:
    """Fold the pending rows into the index (inside the caller's write transaction); how many.

    Statements go to the driver directly: this is bookkeeping of the same transaction, not a
    change of the user's data."""
    keys = [key for (key,) in connection.execute(f"SELECT key FROM {PENDING}")]
    if not keys:
        return 0
    connection.executemany(f"DELETE FROM {INDEX} WHERE rowid = ?", ((key,) for key in keys))
    pending_kinds = {key & 7 for key in keys}  # `amtui add` touches one table, not five
    for kind, (table, fields) in KINDS.items():
        if kind not in pending_kinds:
            continue
        rows = connection.execute(
            f"SELECT id, {', '.join(fields)} FROM {table} "
            f"WHERE id IN (SELECT key >> 3 FROM {PENDING} WHERE (key & 7) = {kind})"
        )
        names = ", ".join(_COLUMNS[: len(fields)])
        marks = ", ".join("?" * (len(fields) + 1))
        connection.executemany(
            f"INSERT INTO {INDEX} (rowid, {names}) VALUES ({marks})",
            (
                (row[0] * 8 + kind, *(None if v is None else fold(str(v)) for v in row[1:]))
                for row in rows
            ),
        )
    connection.execute(f"DELETE FROM {PENDING}")
    return len(keys)


def flush_if_pending(connection: sqlite3.Connection) -> None:
    """`flush` when rows are pending; nothing on a database without the index (older schema,
    or an SQLite without FTS5's trigram tokenizer)."""
    try:
        pending = connection.execute(f"SELECT 1 FROM {PENDING} LIMIT 1").fetchone()
    except sqlite3.OperationalError as error:
        if f"no such table: {PENDING}" in str(error):
            return
        raise
    if pending is not None:
        flush(connection)


def matching_ids(kind: int, text: str) -> tuple[str, dict[str, Any]]:
    """SQL (a subquery) of the ids of `kind`'s rows in which one searched field contains the
    folded `text`, and its parameters: the index for rows amtui has indexed, the row itself
    (`amtui_fold`) for rows another program changed since amtui last wrote."""
    table, fields = KINDS[kind]
    folded = fold(text)
    params: dict[str, Any] = {"_text": folded}
    if len(folded) >= MIN_INDEXED:
        params["_phrase"] = '"' + folded.replace('"', '""') + '"'
        found = f"{INDEX} MATCH :_phrase"
    else:
        width = len(fields)
        found = "(" + " OR ".join(f"instr({c}, :_text) > 0" for c in _COLUMNS[:width]) + ")"
    in_row = " OR ".join(f"instr(amtui_fold({table}.{f}), :_text) > 0" for f in fields)
    sql = (
        f"SELECT rowid >> 3 FROM {INDEX} WHERE {found} AND (rowid & 7) = {kind} "
        f"AND rowid NOT IN (SELECT key FROM {PENDING}) "
        f"UNION SELECT {table}.id FROM {PENDING} JOIN {table} ON {table}.id = key >> 3 "
        f"WHERE (key & 7) = {kind} AND ({in_row})"
    )
    return sql, params


def exists(tx: Any) -> bool:
    """Whether this SQLite database has the index (a PostgreSQL one never has)."""
    return tx.sqlite and (
        tx.scalar(f"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{INDEX}'")
        is not None
    )

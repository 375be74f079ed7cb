"""The whole database as plain JSON values, and back: `amtui export --format json` / `import json`.

An archive holds every table and every column the database has (read from its catalogue, so a
table added by a later migration is in it without a change here), with the schema version it
was written at. Rows are ordered by primary key and columns by the schema, so the same data
always gives the same archive: importing one into an empty database and exporting again gives
it back byte for byte. The migration history (`amtui_schema`) is not data and stays out.

Values: instants as ISO 8601 in UTC (microseconds kept), dates as ISO dates, JSON columns as
JSON, booleans, integers, floats and text as themselves. On import each value is checked
against its column's type; anything unexpected refuses the whole archive before a row is
written, and the rows go in as one transaction (a constraint that fails rolls it all back).

Reads and writes through `amtui.core.sql`, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from amtui.core import search_index
from amtui.core.errors import InputError
from amtui.core.sqltypes import Json

if TYPE_CHECKING:
    from amtui.core.sql import Database, Tx

FORMAT = "amtui-export"
FORMAT_VERSION = 1
#: Tables that describe the database, or index it, rather than hold data. The undo journal is
#: the history of this database, not data: it holds copies of deleted records, which an export
#: must not bring back, and an import writes its own entry (`amtui.core.journal`). Who was told
#: of which deadline (`notice`) is this database's bookkeeping too.
_NOT_DATA = (
    "amtui_schema",
    "sqlite_sequence",
    "sqlite_stat1",
    "journal",
    "notice",
    *search_index.TABLES,
)

Archive = dict[str, Any]


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # datetime, date, json, bool, int, float, text
    primary: int  # position in the primary key (1-based), 0 when not part of it
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    parents: tuple[str, ...]  # tables its foreign keys point at
    self_references: tuple[str, ...]  # its columns that point at its own rows

    @cached_property  # the undo journal asks for it on every row a write touches
    def key(self) -> tuple[str, ...]:
        primary = sorted((c for c in self.columns if c.primary), key=lambda c: c.primary)
        return tuple(c.name for c in primary) or tuple(c.name for c in self.columns)


# --- the catalogue ---------------------------------------------------------------------------

_SQLITE_KINDS = {
    "DATETIME": "datetime",
    "TIMESTAMP": "datetime",
    "DATE": "date",
    "JSON": "json",
    "BOOLEAN": "bool",
    "INTEGER": "int",
    "BIGINT": "int",
    "SMALLINT": "int",
    "FLOAT": "float",
    "REAL": "float",
    "DOUBLE": "float",
    "NUMERIC": "float",
}
_PG_KINDS = {
    "timestamp with time zone": "datetime",
    "date": "date",
    "json": "json",
    "jsonb": "json",
    "boolean": "bool",
    "integer": "int",
    "bigint": "int",
    "smallint": "int",
    "double precision": "float",
    "real": "float",
    "numeric": "float",
}


def _sqlite_kind(declared: str) -> str:
    name = declared.upper().split("(", 1)[0].strip()
    return _SQLITE_KINDS.get(name, "text")


def read_tables(tx: Tx) -> list[Table]:
    """Every data table of the database, parents before children."""
    tables = _sqlite_tables(tx) if tx.sqlite else _postgres_tables(tx)
    return _in_dependency_order(tables)


def _sqlite_tables(tx: Tx) -> list[Table]:
    names = tx.column(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )
    tables = []
    for name in names:
        if name in _NOT_DATA:
            continue
        info = tx.all(f'PRAGMA table_info("{name}")')
        columns = tuple(
            Column(
                c["name"], _sqlite_kind(c["type"] or ""), c["pk"], not c["notnull"] and not c["pk"]
            )
            for c in info
        )
        keys = tx.all(f'PRAGMA foreign_key_list("{name}")')
        tables.append(_table(name, columns, [(k["table"], k["from"]) for k in keys]))
    return tables


def _postgres_tables(tx: Tx) -> list[Table]:
    # pg_catalog, not information_schema: the same columns, types (format_type spells them as
    # information_schema's data_type does), nullability and key positions, in ~5 ms instead of
    # ~90 (its views join and filter on privileges); the undo journal reads this on every
    # write command.
    rows = tx.all(
        "SELECT c.relname AS table_name, a.attname AS column_name,"
        " format_type(a.atttypid, NULL) AS data_type, NOT a.attnotnull AS nullable,"
        " coalesce(array_position(pk.conkey, a.attnum), 0) AS position"
        " FROM pg_class c"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
        " LEFT JOIN pg_constraint pk ON pk.conrelid = c.oid AND pk.contype = 'p'"
        " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')"
        " ORDER BY c.relname, a.attnum"
    )
    foreign: dict[str, list[tuple[str, str]]] = {}
    for r in postgres_foreign_keys(tx):
        foreign.setdefault(r["table_name"], []).append((r["parent"], r["column_name"]))
    columns: dict[str, list[Column]] = {}
    for r in rows:
        kind = _PG_KINDS.get(r["data_type"], "text")
        columns.setdefault(r["table_name"], []).append(
            Column(r["column_name"], kind, int(r["position"]), bool(r["nullable"]))
        )
    return [
        _table(name, tuple(cols), foreign.get(name, []))
        for name, cols in sorted(columns.items())
        if name not in _NOT_DATA
    ]


#: pg_constraint's `confdeltype` as information_schema spells it.
_PG_DELETE_RULES = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL"}


def postgres_foreign_keys(tx: Tx) -> list[dict[str, Any]]:
    """The foreign keys of the current schema, one row per column: `table_name`,
    `column_name`, `parent`, `target` (the parent's column) and `delete_rule` (CASCADE, SET
    NULL…). Read from pg_catalog: the same rows as information_schema's constraint views,
    which take ~15 ms each, and the undo journal reads these on every write command."""
    rows = tx.all(
        "SELECT child.relname AS table_name, a.attname AS column_name,"
        " parent.relname AS parent, pa.attname AS target, c.confdeltype AS rule"
        " FROM pg_constraint c"
        " JOIN pg_class child ON child.oid = c.conrelid"
        " JOIN pg_class parent ON parent.oid = c.confrelid"
        " CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(child_col, parent_col)"
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.child_col"
        " JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.parent_col"
        " WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace"
        " ORDER BY child.relname, a.attname"
    )
    for row in rows:
        rule = row.pop("rule")
        row["delete_rule"] = _PG_DELETE_RULES.get(rule, "SET DEFAULT" if rule == "d" else rule)
    return rows


def _table(name: str, columns: tuple[Column, ...], keys: list[tuple[str, str]]) -> Table:
    parents = tuple(sorted({target for target, _ in keys if target != name}))
    own = tuple(sorted({column for target, column in keys if target == name}))
    return Table(name, columns, parents, own)


def _in_dependency_order(tables: list[Table]) -> list[Table]:
    by_name = {t.name: t for t in tables}
    ordered: list[Table] = []
    done: set[str] = set()

    def visit(table: Table, path: tuple[str, ...]) -> None:
        if table.name in done or table.name in path:
            return
        for parent in table.parents:
            if parent in by_name:
                visit(by_name[parent], (*path, table.name))
        done.add(table.name)
        ordered.append(table)

    for table in sorted(tables, key=lambda t: t.name):
        visit(table, ())
    return ordered


def schema_version(tx: Tx) -> int:
    return int(tx.scalar("SELECT max(version) FROM amtui_schema") or 0)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- export ----------------------------------------------------------------------------------


def _encode(value: Any, column: Column) -> Any:
    if value is None:
        return None
    if column.kind == "datetime":
        if isinstance(value, str):  # not written by amtui: kept as it is stored
            return value
        return value.astimezone(UTC).isoformat()
    if column.kind == "date":
        return value.isoformat() if isinstance(value, date) else value
    if column.kind == "bool" and isinstance(value, int):
        return bool(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"{column.name} holds {value}, which JSON cannot carry")
    return value


def encode_row(table: Table, row: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """One row (as read) in the archive's JSON-ready values; `partial`: only the columns
    `row` has (a key)."""
    return {c.name: _encode(row[c.name], c) for c in table.columns if not partial or c.name in row}


def table_rows(tx: Tx, table: Table) -> list[dict[str, Any]]:
    """A table's rows as JSON-ready values, by primary key."""
    names = ", ".join(_quote(c.name) for c in table.columns)
    order = ", ".join(_quote(name) for name in table.key)
    rows = tx.tuples(f"SELECT {names} FROM {_quote(table.name)} ORDER BY {order}")
    return [
        {c.name: _encode(v, c) for c, v in zip(table.columns, row, strict=True)} for row in rows
    ]


def export_archive(db: Database) -> Archive:
    """Every table and every field, in one snapshot, as JSON-ready values."""
    with db.read() as tx:
        version = schema_version(tx)
        tables = {table.name: table_rows(tx, table) for table in read_tables(tx)}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": version,
        "tables": tables,
    }


# --- import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    rows: dict[str, int]  # table → rows written

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def check_header(archive: Any, *, expected_schema: int) -> None:
    """The archive's envelope: an amtui export of this format and schema version."""
    if not isinstance(archive, Mapping) or archive.get("format") != FORMAT:
        raise InputError('not an amtui export (its "format" is not "amtui-export")')
    version = archive.get("format_version")
    if version != FORMAT_VERSION:
        newer = isinstance(version, int) and version > FORMAT_VERSION
        raise InputError(
            f"export format {version!r} is {'newer than' if newer else 'not'} the one this "
            f"amtui reads ({FORMAT_VERSION}); "
            + ("upgrade amtui" if newer else "export it again with this amtui")
        )
    schema = archive.get("schema_version")
    if schema != expected_schema:
        if isinstance(schema, int) and schema < expected_schema:
            hint = (
                "open the database it came from with this amtui (which upgrades it) and "
                "export again"
            )
        else:
            hint = "import it with the amtui that wrote it, or upgrade amtui"
        raise InputError(
            f"the export is of database schema {schema!r}, this amtui's is {expected_schema}: "
            f"{hint}"
        )
    if not isinstance(archive.get("tables"), Mapping):
        raise InputError('not an amtui export: "tables" is missing or not an object')


def _decode(value: Any, column: Column, where: str) -> Any:
    if value is None:
        return None
    kind = column.kind

    def wrong(expected: str) -> InputError:
        shown = repr(value)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        return InputError(f"{where}: {column.name} must be {expected}, not {shown}")

    if kind == "datetime":
        if not isinstance(value, str):
            raise wrong("an ISO 8601 date-time")
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            raise wrong("an ISO 8601 date-time") from None
        if instant.tzinfo is None:
            raise wrong("a date-time with its UTC offset")
        return instant
    if kind == "date":
        if not isinstance(value, str):
            raise wrong("an ISO date")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise wrong("an ISO date") from None
    if kind == "bool":
        if not isinstance(value, bool):
            raise wrong("true or false")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or not -(2**63) <= value < 2**63:
            raise wrong("a whole number")
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong("a number")
        return float(value)
    if kind == "json":
        return Json(value)
    if not isinstance(value, str):
        raise wrong("text")
    return value


def decode_rows(
    table: Table, rows: Any, label: str | None = None, *, partial: bool = False
) -> list[dict[str, Any]]:
    """A table's rows from an archive (or a CSV file), checked against its columns; `partial`:
    rows of some of its columns (a key)."""
    label = label or table.name
    if not isinstance(rows, list):
        raise InputError(f"table {label}: rows must be a list")
    names = [c.name for c in table.columns]
    out = []
    for number, row in enumerate(rows, 1):
        where = f"{label} row {number}"
        if not isinstance(row, Mapping):
            raise InputError(f"{where}: a row must be an object")
        if partial:
            out.append(
                {c.name: _decode(row[c.name], c, where) for c in table.columns if c.name in row}
            )
            continue
        if set(row) != set(names):
            missing = sorted(set(names) - set(row))
            extra = sorted(set(row) - set(names))
            problem = f"missing {missing[0]}" if missing else f"unknown column {extra[0]}"
            raise InputError(f"{where}: {problem}")
        out.append({c.name: _decode(row[c.name], c, where) for c in table.columns})
    return out


def _rows_of(archive: Mapping[str, Any], tables: list[Table]) -> dict[str, list[dict[str, Any]]]:
    """Every row of the archive, decoded and checked against the database's columns."""
    given = archive["tables"]
    unknown = sorted(set(given) - {t.name for t in tables})
    if unknown:
        raise InputError(f"the export has a table this database does not: {unknown[0]}")
    return {table.name: decode_rows(table, given.get(table.name, [])) for table in tables}


def count_rows(tx: Tx, tables: list[Table]) -> dict[str, int]:
    return {t.name: int(tx.scalar(f"SELECT count(*) FROM {_quote(t.name)}")) for t in tables}


def import_archive(db: Database, archive: Any) -> ImportSummary:
    """Load an archive into an empty database in one transaction, or refuse it whole."""
    with db.write() as tx:
        check_header(archive, expected_schema=schema_version(tx))
        tables = read_tables(tx)
        present = {name: n for name, n in count_rows(tx, tables).items() if n}
        if present:
            listed = ", ".join(f"{n} {name}" for name, n in sorted(present.items()))
            raise InputError(
                f"the target database is not empty ({listed}); import into a new one, "
                "e.g. amtui --db new.db import json FILE"
            )
        rows = _rows_of(archive, tables)
        write_rows(tx, tables, rows)
        _note(tx, "import json", sum(len(found) for found in rows.values()))
    return ImportSummary({name: len(found) for name, found in rows.items()})


def _note(tx: Tx, action: str, count: int) -> None:
    """Name the change for the undo journal (`amtui.core.journal`, which reads the catalogue
    through this module: told through the transaction, not imported)."""
    if tx.journal is not None:
        tx.journal.note(action, f"{count} rows")


def write_rows(
    tx: Tx,
    tables: list[Table],
    rows: Mapping[str, list[dict[str, Any]]],
    *,
    reset_sequences: bool = True,
) -> None:
    """Insert decoded rows (parents first, rows pointing at their own table linked last);
    a broken constraint refuses them all with one line (the caller's transaction rolls back).
    `reset_sequences`: PostgreSQL's next ids follow the rows written (not for rows put back by
    undo, whose ids were handed out before: a sequence never goes back)."""
    try:
        for table in tables:
            _insert(tx, table, rows.get(table.name, []))
        for table in tables:
            _link_own_rows(tx, table, rows.get(table.name, []))
        if not tx.sqlite and reset_sequences:
            _reset_sequences(tx, tables)
    except Exception as error:
        if not _is_bad_data(error):
            raise
        detail = str(error).strip().splitlines()[0] if str(error).strip() else "a conflict"
        raise InputError(
            f"the rows do not fit this database ({detail}); nothing was imported"
        ) from None


def _insert(tx: Tx, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    names = [c.name for c in table.columns]
    columns = ", ".join(_quote(n) for n in names)
    marks = ", ".join(f":c{i}" for i in range(len(names)))
    sql = f"INSERT INTO {_quote(table.name)} ({columns}) VALUES ({marks})"
    own = set(table.self_references)
    for row in rows:
        # A row may point at one of its own table that comes later: linked once all are in.
        values = {f"c{i}": None if n in own else row[n] for i, n in enumerate(names)}
        tx.run(sql, values)


def _link_own_rows(tx: Tx, table: Table, rows: list[dict[str, Any]]) -> None:
    if not table.self_references:
        return
    key = table.key
    where = " AND ".join(f"{_quote(k)} = :k{i}" for i, k in enumerate(key))
    for column in table.self_references:
        sql = f"UPDATE {_quote(table.name)} SET {_quote(column)} = :v WHERE {where}"
        for row in rows:
            if row[column] is not None:
                tx.run(sql, {"v": row[column], **{f"k{i}": row[k] for i, k in enumerate(key)}})


def _reset_sequences(tx: Tx, tables: list[Table]) -> None:
    """PostgreSQL: the next id after the imported ones (SQLite takes max(id) + 1 itself)."""
    for table in tables:
        if table.key != ("id",):
            continue
        sequence = tx.scalar("SELECT pg_get_serial_sequence(:t, 'id')", {"t": table.name})
        if sequence:
            tx.scalar(
                f"SELECT setval(:s, coalesce((SELECT max(id) FROM {_quote(table.name)}), 0) + 1,"
                " false)",
                {"s": sequence},
            )


def _is_bad_data(error: BaseException) -> bool:
    """A constraint the rows break (a dangling reference, a duplicate key), or a value the
    database cannot hold (PostgreSQL refuses NUL in text): the archive's fault, not storage's."""
    import sqlite3

    if isinstance(error, sqlite3.IntegrityError):
        return True
    if type(error).__module__.startswith("psycopg"):
        import psycopg

        return isinstance(error, psycopg.IntegrityError | psycopg.DataError)
    return False


# --- one kind of record as CSV ---------------------------------------------------------------

#: `--kind` → its table. A task's tags (table task_tag) travel in a `tags` column. Members
#: come first: clients, leads and tasks name their owner by member id.
CSV_KINDS = {
    "members": "member",
    "clients": "client",
    "contacts": "contact",
    "leads": "lead",
    "tasks": "task",
    "reminders": "reminder",
}
TAGS = Column("tags", "text", 0, nullable=False)


def _kind_table(tx: Tx, kind: str) -> tuple[Table, list[Table]]:
    """The table of `kind`, and every table (for the dependency order)."""
    if kind not in CSV_KINDS:
        raise InputError(f"unknown kind {kind!r}: use one of {', '.join(CSV_KINDS)}")
    tables = read_tables(tx)
    table = next(t for t in tables if t.name == CSV_KINDS[kind])
    return table, tables


def kind_columns(db: Database, kind: str) -> list[Column]:
    """The CSV columns of `kind`: its table's, plus `tags` for tasks."""
    with db.read() as tx:
        table, _ = _kind_table(tx, kind)
    return [*table.columns, *((TAGS,) if kind == "tasks" else ())]


def export_kind(db: Database, kind: str) -> tuple[list[Column], list[dict[str, Any]]]:
    """Every record of one kind (its columns and JSON-ready rows), tasks with their tags."""
    with db.read() as tx:
        table, _ = _kind_table(tx, kind)
        rows = table_rows(tx, table)
        columns = list(table.columns)
        if kind == "tasks":
            tags: dict[int, list[str]] = {}
            for task_id, tag in tx.tuples(
                "SELECT task_id, tag FROM task_tag ORDER BY task_id, tag"
            ):
                tags.setdefault(task_id, []).append(tag)
            for row in rows:
                row["tags"] = " ".join(tags.get(row["id"], []))
            columns.append(TAGS)
    return columns, rows


def import_kind(db: Database, kind: str, rows: list[dict[str, Any]]) -> ImportSummary:
    """Records of one kind, with their ids, in one transaction: every row fits (its id is
    free, what it points at exists) or nothing is written."""
    with db.write() as tx:
        table, tables = _kind_table(tx, kind)
        written: dict[str, list[dict[str, Any]]] = {table.name: []}
        if kind == "tasks":
            tag_table = next(t for t in tables if t.name == "task_tag")
            tag_rows = []
            for row in rows:
                text = row.pop("tags", None)
                if not isinstance(text, str):
                    raise InputError("a tasks file needs its tags column (it may be empty)")
                tag_rows += [{"task_id": row.get("id"), "tag": t} for t in text.split()]
            written["task_tag"] = decode_rows(tag_table, tag_rows, "tags")
        written[table.name] = decode_rows(table, rows, kind)
        taken = _taken_keys(tx, table, written[table.name])
        if taken:
            raise InputError(
                f"{kind} row with {', '.join(f'{k}={v}' for k, v in taken.items())} is already "
                "in this database; nothing was imported"
            )
        write_rows(tx, [t for t in tables if t.name in written], written)
        _note(tx, f"import csv {kind}", len(written[table.name]))
    return ImportSummary({name: len(found) for name, found in written.items()})


def _taken_keys(tx: Tx, table: Table, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The key of the first row whose primary key is already used, or {}."""
    if table.key != ("id",):
        return {}
    ids = tuple(row["id"] for row in rows)
    for start in range(0, len(ids), 500):
        found = tx.column(
            f"SELECT id FROM {_quote(table.name)} WHERE id IN :ids ORDER BY id",
            {"ids": ids[start : start + 500]},
        )
        if found:
            return {"id": found[0]}
    return {}


def cell_text(value: Any, column: Column) -> str:
    """A JSON-ready value as the text of a CSV cell (NULL is an empty cell)."""
    if value is None:
        return ""
    if column.kind == "bool":
        return "true" if value else "false"
    if column.kind == "json":
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=False)
    if column.kind == "float":
        return repr(float(value))
    return str(value)


def cell_value(text: str, column: Column, where: str) -> Any:
    """A CSV cell's text as a JSON-ready value for `decode_rows` (the inverse of `cell_text`).
    An empty cell is NULL where the column allows it, else empty text."""
    if text == "" and (column.nullable or column.kind != "text"):
        return None
    if column.kind == "int":
        try:
            return int(text)
        except ValueError:
            return text  # decode_rows names the column and what it needs
    if column.kind == "float":
        try:
            return float(text)
        except ValueError:
            return text
    if column.kind == "bool":
        return {"true": True, "false": False}.get(text, text)
    if column.kind == "json":
        import json

        try:
            return json.loads(text)
        except ValueError:
            raise InputError(f"{where}: {column.name} must be JSON, not {text[:30]!r}") from None
    return text

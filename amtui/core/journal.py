"""The undo journal: every change made through amtui, written in the same transaction as the
change, and `undo`, which takes the latest one back.

How changes are seen: `Database.write()` gives every write transaction a `Recorder`, and
`amtui.core.sql.Tx` shows it each statement that changes rows before running it. The recorder
reads the rows the statement is about to touch (an UPDATE's or DELETE's WHERE clause, and
for a DELETE every row the foreign keys will cascade to or set to NULL), keeping each row's
image from the first time the transaction touched it. Rows a transaction adds are found by
their keys, or as the ids above the table's highest id when it first added one (ids only grow:
tables never reuse them). Just before commit it reads every touched row again and writes one
`journal` row with the net changes, keeping what undo needs and no more (`Change.stored`),
images in the lossless encoding of `amtui.core.archive`: a removed row's image; a changed
row's image before and the columns set; an added row's key and a digest of the row (a bulk
import keeps no second copy of what it wrote). Entries written before the "journal actor"
migration keep whole images before and after; undo reads both. So no service can change
data without an undo record, whatever SQL it runs; a statement the recorder cannot read
raises (a programming error, caught by the tests), it never guesses. Each entry keeps who
made it (`Tx.actor`, the member handle of `me` in team mode).

What a change was is said by the service (`note(tx, "task done", "T12 Send estimate")`);
a change no service described is named after the rows it touched. The entries of one
import that commits in batches share a `Run`, and undo takes the run back whole.

Undo takes back the latest entry (or run) not yet undone, your own when given who you are
(a teammate's later changes stay), in one write transaction, and refuses with one line
(nothing written) when any row it would restore has changed since (a later change, another
process, a teammate: it compares the row as it is now with the entry's image or digest, and
names the later entry and its author when the journal has one) or when a row added since
depends on one it would remove. Columns that only record that a
notification went out (`notified_at`…) are bookkeeping: they neither make a change nor block
an undo.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from amtui.core.archive import (
    Table,
    decode_rows,
    encode_row,
    postgres_foreign_keys,
    read_tables,
    write_rows,
)
from amtui.core.errors import InputError, NotFoundError
from amtui.core.refs import Kind, ref
from amtui.core.sqltypes import Json

if TYPE_CHECKING:
    from amtui.core.sql import Database, Tx

#: Columns that only say a notification went out: not a change of their own, never in the
#: way of an undo (`remind due` sets them every few minutes from cron).
BOOKKEEPING = frozenset(
    {
        "notified_at",
        "response_notified_at",
        "answer_notified_at",
        "soon_notified_at",  # an invoice due soon, told once
        "overdue_notified_at",  # an invoice overdue, told once
    }
)
#: Entries kept; older ones are dropped as new ones are written (a run counts by its first).
KEEP = 1000
#: Tables that are not data the user changes (a notice says who was told of a deadline).
_UNJOURNALLED = frozenset({"journal", "amtui_schema", "notice"})
_CHUNK = 500
_KIND_OF_TABLE = {
    "task": Kind.TASK,
    "lead": Kind.LEAD,
    "client": Kind.CLIENT,
    "reminder": Kind.REMINDER,
    "proposal": Kind.PROPOSAL,
    "invoice": Kind.INVOICE,
}


# --- the catalogue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ForeignKey:
    table: str  # the child
    column: str
    parent: str
    parent_column: str
    on_delete: str  # CASCADE, SET NULL, NO ACTION, RESTRICT…


@dataclass(frozen=True)
class Catalogue:
    tables: tuple[Table, ...]  # parents before children
    by_name: Mapping[str, Table]
    children: Mapping[str, tuple[ForeignKey, ...]]  # parent table → keys pointing at it
    #: The journal says who made each change ("journal actor" migration; a database written through
    #: before its upgrade, as a migration test does, has no such column yet).
    with_actor: bool = True


def _catalogue(db: Database, tx: Tx, *, fresh: bool = False) -> Catalogue | None:
    """The tables and foreign keys, read once per schema version; None on a database without
    a journal (not yet upgraded, or not amtui's: the migrations write those)."""
    journalled = tx.scalar(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal'"
        if tx.sqlite
        else "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename = 'journal'"
    )
    if not journalled:
        return None
    version = int(tx.scalar("SELECT max(version) FROM amtui_schema") or 0)
    found = None if fresh else db.journal_cache.get(version)
    if found is None:
        tables = tuple(t for t in read_tables(tx) if t.name != "journal")
        children: dict[str, list[ForeignKey]] = {}
        # One order on both databases (their catalogues list keys differently), so an entry's
        # row images come out the same on SQLite and PostgreSQL.
        for key in sorted(_foreign_keys(tx, tables), key=lambda k: (k.table, k.column)):
            children.setdefault(key.parent, []).append(key)
        found = Catalogue(
            tables,
            {t.name: t for t in tables},
            {name: tuple(keys) for name, keys in children.items()},
            with_actor=_has_column(tx, "journal", "actor"),
        )
        db.journal_cache[version] = found
    return found


def _has_column(tx: Tx, table: str, column: str) -> bool:
    if tx.sqlite:
        return any(row["name"] == column for row in tx.all(f'PRAGMA table_info("{table}")'))
    return bool(
        tx.scalar(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = :t AND column_name = :c",
            {"t": table, "c": column},
        )
    )


def _by_key(table: Table) -> str:
    """ORDER BY the table's primary key: rows in one order whatever the database."""
    return " ORDER BY " + ", ".join(f'"{name}"' for name in table.key)


def _foreign_keys(tx: Tx, tables: Sequence[Table]) -> list[ForeignKey]:
    if tx.sqlite:
        keys = []
        for table in tables:
            for row in tx.all(f'PRAGMA foreign_key_list("{table.name}")'):
                keys.append(
                    ForeignKey(
                        table.name, row["from"], row["table"], row["to"] or "id", row["on_delete"]
                    )
                )
        return keys
    return [
        ForeignKey(r["table_name"], r["column_name"], r["parent"], r["target"], r["delete_rule"])
        for r in postgres_foreign_keys(tx)
    ]


# --- reading statements ------------------------------------------------------------------------

Key = tuple[Any, ...]


@dataclass(frozen=True)
class Statement:
    verb: str  # INSERT, UPDATE, DELETE
    table: str
    where: str | None = None  # UPDATE / DELETE: the condition (None: every row)
    columns: tuple[str, ...] = ()  # INSERT: the columns given
    values: tuple[str, ...] = ()  # INSERT: each column's value expression
    upsert: bool = False  # INSERT … ON CONFLICT: the row may exist already


_HEAD = re.compile(
    r"\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\"?)([A-Za-z_]\w*)\2\s*", re.IGNORECASE
)
_PARSED: dict[str, Statement] = {}


def _scan(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Each position of `text` outside quotes, its character and the parenthesis depth
    after it."""
    depth, quote = 0, ""
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
            continue
        if char in "'\"":
            quote = char
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        yield index, char, depth


def _top_level(text: str) -> Iterator[tuple[int, str]]:
    """Each position of `text` outside parentheses and quotes, with its character."""
    return ((i, c) for i, c, depth in _scan(text) if depth == 0 and c not in "()")


def _find_word(text: str, word: str, start: int = 0) -> int:
    """Where the SQL keyword `word` first stands outside parentheses and quotes, or -1."""
    pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
    tops = {index for index, _ in _top_level(text)}
    for match in pattern.finditer(text, start):
        if match.start() in tops:
            return match.start()
    return -1


def _group(text: str, start: int) -> tuple[str, int]:
    """The text inside the parentheses that open at `start`, and where they close."""
    for index, char, depth in _scan(text, start):
        if char == ")" and depth == 0:
            return text[start + 1 : index], index
    raise ValueError("unbalanced parentheses")


def _split(text: str) -> tuple[str, ...]:
    cuts = [index for index, char in _top_level(text) if char == ","]
    parts, last = [], 0
    for cut in [*cuts, len(text)]:
        parts.append(text[last:cut].strip().strip('"'))
        last = cut + 1
    return tuple(parts)


def parse_statement(sql: str) -> Statement:
    """What a changing statement touches: its table, and its condition or inserted values."""
    found = _PARSED.get(sql)
    if found is not None:
        return found
    head = _HEAD.match(sql)
    if head is None:
        raise RuntimeError(f"the undo journal cannot read this statement: {sql[:80]!r}")
    verb = head.group(1).split()[0].upper()
    table = head.group(3)
    rest = sql[head.end() :]
    if verb == "INSERT":
        try:
            columns, end = _group(rest, rest.index("("))
            after = rest[end + 1 :].lstrip()
            if after[:6].upper() != "VALUES":
                raise ValueError("not INSERT … VALUES")
            values, end = _group(after, after.index("("))
            if after[end + 1 :].lstrip().startswith(","):
                raise ValueError("several rows in one INSERT")
        except ValueError as error:
            raise RuntimeError(
                f"the undo journal cannot read this INSERT ({error}): {sql[:80]!r}"
            ) from None
        upsert = _find_word(after[end + 1 :], "CONFLICT") >= 0
        statement = Statement(
            verb, table, columns=_split(columns), values=_split(values), upsert=upsert
        )
    else:
        where = _find_word(rest, "WHERE")
        returning = _find_word(rest, "RETURNING")
        end = returning if returning >= 0 else len(rest)
        condition = rest[where + 5 : end].strip() if where >= 0 else None
        statement = Statement(verb, table, where=condition)
    if len(_PARSED) < 2000:
        _PARSED[sql] = statement
    return statement


# --- recording -----------------------------------------------------------------------------


@dataclass
class Run:
    """One run of an import or intake that commits in batches: its entries are one change,
    undone as one. Give each batch's transaction to `join`."""

    action: str
    summary: str = ""
    now: datetime | None = None
    first_id: int | None = None


def join(tx: Tx, run: Run) -> None:
    """Make this transaction's entry part of `run` (a no-op outside a journalled one)."""
    if tx.journal is not None:
        tx.journal.run = run


def note(tx: Tx, action: str, summary: str = "", *, now: datetime | None = None) -> None:
    """Say what this transaction's change is (`task done`, `T12 Send estimate`), for `amtui
    undo --list` and undo's message; `now` is when it happened (the pinned clock in tests).
    A no-op outside a journalled transaction."""
    if tx.journal is not None:
        tx.journal.note(action, summary, now)


def start(db: Database, tx: Tx) -> None:
    """Give a write transaction its recorder (none on a database without a journal table)."""
    catalogue = _catalogue(db, tx)
    if catalogue is not None:
        tx.journal = Recorder(db, catalogue)


class Recorder:
    """The row images of one write transaction (see the module docstring)."""

    def __init__(self, db: Database, catalogue: Catalogue) -> None:
        self.db = db
        self.catalogue = catalogue
        self.action: str | None = None
        self.summary = ""
        self.now: datetime | None = None
        #: table → key → the row before this transaction touched it (None: it did not exist).
        self.before: dict[str, dict[Key, dict[str, Any] | None]] = {}
        self.order: list[tuple[str, Key]] = []
        #: table → the highest id before this transaction first added a row to it.
        self.floor: dict[str, int] = {}
        self.run: Run | None = None

    def note(self, action: str, summary: str, now: datetime | None = None) -> None:
        """See `note`. The last word wins: a service that calls another (winning a lead adds
        tasks) says what the whole change was after the inner one spoke."""
        self.action, self.summary = action, summary
        self.now = now or self.now

    # -- what the transaction does -----------------------------------------------------------

    def before_statement(self, tx: Tx, sql: str, params: Mapping[str, Any] | None) -> None:
        head = _HEAD.match(sql)
        if head is not None and self._skipped(tx, head.group(3)):
            return
        statement = parse_statement(sql)
        table = self._known(tx, statement.table)
        params = params or {}
        if statement.verb == "INSERT":
            given = dict(zip(statement.columns, statement.values, strict=True))
            if all(name in given for name in table.key):
                key = tuple(_value(given[name], params, sql) for name in table.key)
                # A plain INSERT of a key that exists fails: only an upsert may find a row.
                self._touch_keys(tx, table, [key], read=statement.upsert)
            elif table.key == ("id",):
                self._floor(tx, table)
            else:
                raise RuntimeError(f"the undo journal needs the key of rows added to {table.name}")
            return
        where = f" WHERE {statement.where}" if statement.where else ""
        # In key order, as the cascade below reads: PostgreSQL returns rows in storage order,
        # which an update changes, and an entry must be the same on both databases.
        rows = tx.all(f'SELECT * FROM "{table.name}"{where}{_by_key(table)}', params)
        self._touch_rows(table, rows)
        if statement.verb == "DELETE":
            self._cascade(tx, table, rows)

    def before_insert_many(
        self, tx: Tx, table_name: str, rows: Sequence[Mapping[str, Any]]
    ) -> None:
        if self._skipped(tx, table_name):
            return
        table = self._known(tx, table_name)
        if all(name in rows[0] for name in table.key):
            keys = [tuple(row[k] for k in table.key) for row in rows]
            self._touch_keys(tx, table, keys, read=False)
        elif table.key == ("id",):
            self._floor(tx, table)
        else:
            raise RuntimeError(f"the undo journal needs the key of rows added to {table_name}")

    def mark(self) -> int:
        return len(self.order)

    def rollback_to(self, mark: int | None) -> None:
        """A savepoint rolled back: forget what was touched inside it (the floors stay true:
        ids only grow)."""
        if mark is None:
            return
        for table, key in self.order[mark:]:
            self.before[table].pop(key, None)
        del self.order[mark:]

    # -- internals ---------------------------------------------------------------------------

    def _skipped(self, tx: Tx, name: str) -> bool:
        """Not journalled: the journal itself, the schema's history, and a table without a
        primary key (none of amtui's: one a test or another program made), whose rows cannot
        be told apart."""
        if name in _UNJOURNALLED:
            return True
        return not any(column.primary for column in self._known(tx, name).columns)

    def _known(self, tx: Tx, name: str) -> Table:
        """A table, reading the catalogue again for one created since it was read."""
        if name not in self.catalogue.by_name:
            self.catalogue = _catalogue(self.db, tx, fresh=True) or self.catalogue
        return self._table(name)

    def _table(self, name: str) -> Table:
        table = self.catalogue.by_name.get(name)
        if table is None:
            raise RuntimeError(f"the undo journal does not know table {name!r}")
        return table

    def _is_new(self, table: Table, key: Key) -> bool:
        floor = self.floor.get(table.name)
        return floor is not None and table.key == ("id",) and key[0] > floor

    def _touch_rows(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        seen = self.before.setdefault(table.name, {})
        for row in rows:
            key = tuple(row[k] for k in table.key)
            if key in seen:
                continue
            seen[key] = None if self._is_new(table, key) else dict(row)
            self.order.append((table.name, key))

    def _touch_keys(self, tx: Tx, table: Table, keys: Sequence[Key], *, read: bool) -> None:
        """Rows about to be added under these keys (`read`: they may exist already)."""
        seen = self.before.setdefault(table.name, {})
        fresh = [key for key in dict.fromkeys(keys) if key not in seen]
        if not fresh:
            return
        found = _rows_by_key(tx, table, fresh) if read else []
        existing = {tuple(row[k] for k in table.key): row for row in found}
        for key in fresh:
            row = existing.get(key)
            seen[key] = None if row is None or self._is_new(table, key) else dict(row)
            self.order.append((table.name, key))

    def _floor(self, tx: Tx, table: Table) -> None:
        if table.name not in self.floor:
            self.floor[table.name] = int(tx.scalar(f'SELECT max(id) FROM "{table.name}"') or 0)

    def _cascade(self, tx: Tx, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Read the rows a DELETE will reach through foreign keys (CASCADE deletes them,
        SET NULL changes them), recursively, before it runs."""
        for key in self.catalogue.children.get(table.name, ()):
            if key.on_delete.upper() not in ("CASCADE", "SET NULL"):
                continue
            values = tuple(
                {row[key.parent_column] for row in rows if row.get(key.parent_column) is not None}
            )
            if not values:
                continue
            child = self._table(key.table)
            for start_at in range(0, len(values), _CHUNK):
                found = tx.all(
                    f'SELECT * FROM "{child.name}" WHERE "{key.column}" IN :values{_by_key(child)}',
                    {"values": values[start_at : start_at + _CHUNK]},
                )
                self._touch_rows(child, found)
                if key.on_delete.upper() == "CASCADE" and found:
                    self._cascade(tx, child, found)

    # -- commit --------------------------------------------------------------------------------

    def finish(self, tx: Tx) -> None:
        """Write the entry (just before the transaction commits); nothing when no row changed."""
        tx.journal = None  # what follows is the journal's own bookkeeping
        for name, floor in self.floor.items():
            table = self._table(name)
            new = tx.column(
                f'SELECT id FROM "{name}" WHERE id > :floor ORDER BY id', {"floor": floor}
            )
            seen = self.before.setdefault(name, {})
            for row_id in new:
                if (row_id,) not in seen:
                    seen[(row_id,)] = None
                    self.order.append((table.name, (row_id,)))
        changes = self._changes(tx)
        if not changes:
            return
        run = self.run
        now = self.now or (run.now if run else None) or datetime.now(UTC)
        if run is not None:  # a run is named by whoever runs it, not by the services it calls
            action, summary = run.action, run.summary
        elif self.action is not None:
            action, summary = self.action, self.summary
        else:
            action, summary = _guess_action(changes), _guess_summary(changes)
        entry_id = tx.insert(
            "journal",
            {
                "action": action,
                "summary": summary,
                "run_id": run.first_id if run else None,
                "changes": Json([change.stored() for change in changes]),
                "created_at": now,
                **({"actor": tx.actor} if self.catalogue.with_actor else {}),
            },
        )
        if run is not None and run.first_id is None:
            run.first_id = int(entry_id)
            tx.run("UPDATE journal SET run_id = id WHERE id = :id", {"id": entry_id})
        tx.run(
            "DELETE FROM journal WHERE coalesce(run_id, id) <= :oldest",
            {"oldest": int(entry_id) - KEEP},
        )

    def _changes(self, tx: Tx) -> list[Change]:
        """Every row the transaction touched whose image changed: (table, key, before, after),
        images encoded, None where the row did not exist."""
        by_table: dict[str, list[Key]] = {}
        for name, key in self.order:
            by_table.setdefault(name, []).append(key)
        after: dict[str, dict[Key, dict[str, Any]]] = {}
        for name, keys in by_table.items():
            table = self._table(name)
            after[name] = {
                tuple(row[k] for k in table.key): row for row in _rows_by_key(tx, table, keys)
            }
        changes = []
        for name, key in self.order:
            table = self._table(name)
            before_row = self.before[name].get(key)
            after_row = after[name].get(key)
            before = None if before_row is None else encode_row(table, before_row)
            now = None if after_row is None else encode_row(table, after_row)
            if _same(before, now):
                continue
            key_image = encode_row(table, dict(zip(table.key, key, strict=True)), partial=True)
            changes.append(Change(name, key_image, before, now))
        return changes


@dataclass(frozen=True)
class Change:
    """One row's change as the recorder saw it, both images whole."""

    table: str
    key: dict[str, Any]
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def stored(self) -> dict[str, Any]:
        """What the journal keeps: what undo needs, no more. A removed row: its image (to put
        it back). A changed row: its image before and the columns the change set (the image
        after is the two together, so undo can name what changed since). An added row: its
        key and a digest of it (enough to delete it, and to refuse when it changed since);
        a bulk import no longer keeps a second copy of everything it wrote."""
        head: dict[str, Any] = {"table": self.table, "key": self.key}
        if self.before is None:
            assert self.after is not None
            return {**head, "before": None, "digest": digest(self.after)}
        if self.after is None:
            return {**head, "before": self.before, "after": None}
        before = self.before
        changed = {n: v for n, v in self.after.items() if n not in before or before[n] != v}
        return {**head, "before": before, "set": changed}


def digest(image: Mapping[str, Any]) -> str:
    """A fingerprint of an encoded row, bookkeeping aside; a NULL column counts as absent, so
    a column a later schema adds (NULL in old rows) leaves old fingerprints true."""
    kept = {n: v for n, v in image.items() if v is not None and n not in BOOKKEEPING}
    text = json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _expected(change: Mapping[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """What a stored change left: (the row's image, or None) and (its digest, or None); both
    None: the change removed the row. Reads every format the journal has written (whole
    images before and after, before the "journal actor" migration; `set` and `digest` since)."""
    if "digest" in change:
        return None, change["digest"]
    if "set" in change:
        return {**change["before"], **change["set"]}, None
    return change["after"], None


def _value(expression: str, params: Mapping[str, Any], sql: str) -> Any:
    if expression.startswith(":") and expression[1:] in params:
        return params[expression[1:]]
    raise RuntimeError(f"the undo journal cannot read the key value {expression!r} in {sql[:80]!r}")


def _rows_by_key(tx: Tx, table: Table, keys: Sequence[Key]) -> list[dict[str, Any]]:
    """The rows with these keys (one IN query per chunk on the key's first column)."""
    first = table.key[0]
    wanted = set(keys)
    rows: list[dict[str, Any]] = []
    values = tuple(dict.fromkeys(key[0] for key in keys))
    for start_at in range(0, len(values), _CHUNK):
        found = tx.all(
            f'SELECT * FROM "{table.name}" WHERE "{first}" IN :values',
            {"values": values[start_at : start_at + _CHUNK]},
        )
        rows += [row for row in found if tuple(row[k] for k in table.key) in wanted]
    return rows


def _same(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    """Two row images agree, bookkeeping aside."""
    if a is None or b is None:
        return a is b
    return all(a.get(name) == b.get(name) for name in set(a) | set(b) if name not in BOOKKEEPING)


# --- what an entry says ----------------------------------------------------------------------


def describe_row(table: str, key: Mapping[str, Any], image: Mapping[str, Any] | None = None) -> str:
    """A row as a user names it: `T12`, `tag +urgent of T3`, `a timeline entry of L7`."""
    kind = _KIND_OF_TABLE.get(table)
    if kind is not None:
        return ref(kind, key.get("id"))
    image = image or {}
    if table == "task_tag":
        return f"tag +{key.get('tag')} of {ref(Kind.TASK, key.get('task_id'))}"
    owner = next(
        (
            ref(kind_of, image[column])
            for column, kind_of in (
                ("task_id", Kind.TASK),
                ("lead_id", Kind.LEAD),
                ("client_id", Kind.CLIENT),
            )
            if image.get(column) is not None
        ),
        None,
    )
    noun = {
        "activity": "a timeline entry",
        "contact": "a contact",
        "intake_item": "an intake record",
    }.get(table, f"a {table.replace('_', ' ')} row")
    return f"{noun} of {owner}" if owner else noun


def _main_change(changes: Sequence[Change]) -> Change:
    for change in changes:
        if change.table in _KIND_OF_TABLE:
            return change
    return changes[0]


def _guess_action(changes: Sequence[Change]) -> str:
    change = _main_change(changes)
    noun = change.table.replace("_", " ")
    if change.before is None:
        return f"{noun} add"
    if change.after is None:
        return f"{noun} delete"
    return f"{noun} edit"


def _guess_summary(changes: Sequence[Change]) -> str:
    change = _main_change(changes)
    image = change.after or change.before or {}
    name = describe_row(change.table, change.key, image)
    title = image.get("title") or image.get("name") or image.get("text") or ""
    return f"{name} {title}".strip() if isinstance(title, str) else name


# --- reading the journal ---------------------------------------------------------------------


@dataclass
class Entry:
    """One undoable change (a run of an import counts as one), newest first in `entries`."""

    id: int
    action: str
    summary: str
    created_at: datetime
    undone_at: datetime | None
    added: int = 0
    changed: int = 0
    removed: int = 0
    parts: int = 1  # journal rows (a run's batches)
    tables: dict[str, int] = field(default_factory=dict)
    actor: str | None = None  # the member who made it (team mode)
    last_id: int = 0  # its last journal row: what came after it came after this

    @property
    def by(self) -> str:
        """Who made it, for lists: the member handle, or `-` (one person's database)."""
        return self.actor or "-"

    @property
    def ref(self) -> str:
        return f"#{self.id}"

    @property
    def title(self) -> str:
        """What was done: `task done: T12 Send estimate`."""
        return f"{self.action}: {self.summary}" if self.summary else self.action

    @property
    def size(self) -> str:
        """How many rows it touched: `1 added, 2 changed`."""
        parts = [
            f"{count} {word}"
            for count, word in (
                (self.added, "added"),
                (self.changed, "changed"),
                (self.removed, "removed"),
            )
            if count
        ]
        return ", ".join(parts) or "nothing"


def _group_changes(rows: Sequence[Mapping[str, Any]]) -> Entry:
    first = rows[0]
    entry = Entry(
        id=int(first["run_id"] or first["id"]),
        action=first["action"],
        summary=first["summary"],
        created_at=first["created_at"],
        undone_at=rows[-1]["undone_at"],
        parts=len(rows),
        actor=first.get("actor"),
        last_id=int(rows[-1]["id"]),
    )
    for row in rows:
        for change in row["changes"]:
            image, fingerprint = _expected(change)
            if change["before"] is None:
                entry.added += 1
            elif image is None and fingerprint is None:
                entry.removed += 1
            else:
                entry.changed += 1
            entry.tables[change["table"]] = entry.tables.get(change["table"], 0) + 1
    return entry


def _mine(actor: str | None) -> str:
    """The condition on journal rows that keeps `actor`'s changes (everyone's for None)."""
    return "" if actor is None else " AND actor = :actor"


def entries(db: Database, *, limit: int = 20, actor: str | None = None) -> list[Entry]:
    """The latest changes, newest first (undone ones too, marked), a run as one; only those
    `actor` made when given (everyone's for None)."""
    with db.read() as tx:
        groups = tx.column(
            f"SELECT coalesce(run_id, id) AS g FROM journal WHERE 1 = 1{_mine(actor)} "
            f"GROUP BY coalesce(run_id, id) ORDER BY g DESC{tx.page(limit)}",
            {"actor": actor},
        )
        if not groups:
            return []
        rows = tx.all(
            "SELECT * FROM journal WHERE coalesce(run_id, id) IN :groups ORDER BY id",
            {"groups": tuple(groups)},
        )
    by_group: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_group.setdefault(int(row["run_id"] or row["id"]), []).append(row)
    return [_group_changes(by_group[g]) for g in groups]


# --- undo --------------------------------------------------------------------------------------


@dataclass
class Undone:
    entry: Entry


def undo_latest(db: Database, *, now: datetime, actor: str | None = None) -> Undone:
    """Take back the latest change not yet undone (an import run whole), in one transaction:
    the latest that `actor` made when given (a teammate's later changes stay), anyone's for
    None. Refuse with one line, changing nothing, when a row it touched has changed since
    (naming the later change and who made it when the journal has it) or a row added since
    depends on one it would remove."""
    with db.write(journal=False) as tx:
        catalogue = _catalogue_for_undo(db, tx)
        group = tx.scalar(
            f"SELECT coalesce(run_id, id) FROM journal WHERE undone_at IS NULL{_mine(actor)} "
            "ORDER BY id DESC LIMIT 1",
            {"actor": actor},
        )
        if group is None:
            if actor is None:
                raise NotFoundError("nothing to undo (amtui undo --list shows what was undone)")
            raise NotFoundError(
                f"nothing of yours ({actor}) to undo; amtui undo --list --all shows everyone's "
                "changes, amtui undo --all takes back the latest of anyone's"
            )
        rows = tx.all(
            "SELECT * FROM journal WHERE undone_at IS NULL AND coalesce(run_id, id) = :g "
            "ORDER BY id",
            {"g": group},
        )
        entry = _group_changes(rows)
        net = _net([change for row in rows for change in row["changes"]])
        since = Since(tx, entry.last_id, actor)
        what = f"can't undo {entry.ref} ({entry.title})"
        _check_current(tx, catalogue, net, what, since)
        _check_dependents(tx, catalogue, net, what, since)
        _restore(tx, catalogue, net)
        tx.run(
            "UPDATE journal SET undone_at = :now WHERE coalesce(run_id, id) = :g "
            "AND undone_at IS NULL",
            {"now": now, "g": group},
        )
    entry.undone_at = now
    return Undone(entry)


class Since:
    """The journal's entries after the one being undone (read only when a refusal needs
    them): which later change touched a row, and who made it."""

    def __init__(self, tx: Tx, after_id: int, actor: str | None) -> None:
        self.tx, self.after_id, self.actor = tx, after_id, actor
        self._rows: list[dict[str, Any]] | None = None

    def touched(self, table: str, key: Mapping[str, Any]) -> str:
        """` by bob in #15 (task edit: T1 Mine)` for the latest later change to this row
        that is not undone; empty when none did (a program without the journal)."""
        if self._rows is None:
            self._rows = self.tx.all(
                "SELECT id, run_id, action, summary, actor, changes FROM journal "
                "WHERE id > :after AND undone_at IS NULL ORDER BY id DESC",
                {"after": self.after_id},
            )
        wanted = dict(key)
        for row in self._rows:
            if any(c["table"] == table and c["key"] == wanted for c in row["changes"]):
                who = row["actor"]
                by = "" if who is None else " by you" if who == self.actor else f" by {who}"
                title = f"{row['action']}: {row['summary']}" if row["summary"] else row["action"]
                return f"{by} in #{row['run_id'] or row['id']} ({title})"
        return ""


def _catalogue_for_undo(db: Database, tx: Tx) -> Catalogue:
    catalogue = _catalogue(db, tx)
    if catalogue is None:
        raise NotFoundError("nothing to undo: this database keeps no journal yet")
    return catalogue


@dataclass
class _Row:
    """One row's net change in an entry: its key, its image before the first change, and
    what the last change left (an image, or a digest of one; neither: the row is gone)."""

    key: dict[str, Any]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    digest: str | None

    @property
    def gone(self) -> bool:
        """The change left no row here."""
        return self.after is None and self.digest is None

    def matches(self, now: Mapping[str, Any] | None) -> bool:
        """The row as it is now is what the change left (bookkeeping aside)."""
        if self.digest is not None:
            return now is not None and digest(now) == self.digest
        return _same(now, self.after)


_Net = dict[tuple[str, Key], _Row]


def _net(changes: Sequence[Mapping[str, Any]]) -> _Net:
    """Per row: its image before the first change and what the last one left."""
    net: _Net = {}
    for change in changes:
        key = (change["table"], tuple(change["key"].values()))
        after, fingerprint = _expected(change)
        if key in net:
            net[key].after, net[key].digest = after, fingerprint
        else:
            net[key] = _Row(change["key"], change["before"], after, fingerprint)
    return net


def _current(tx: Tx, table: Table, keys: Sequence[Key]) -> dict[Key, dict[str, Any]]:
    """The rows with these (encoded) keys as they are now, encoded, by key."""
    given = [dict(zip(table.key, key, strict=True)) for key in keys]
    decoded = [tuple(row.values()) for row in decode_rows(table, given, partial=True)]
    found = {}
    for row in _rows_by_key(tx, table, decoded):
        image = encode_row(table, row)
        found[tuple(image[k] for k in table.key)] = image
    return found


def _check_current(tx: Tx, catalogue: Catalogue, net: _Net, what: str, since: Since) -> None:
    by_table: dict[str, list[Key]] = {}
    for name, key in net:
        by_table.setdefault(name, []).append(key)
    for name, keys in by_table.items():
        table = catalogue.by_name.get(name)
        if table is None:
            raise InputError(f"{what}: table {name} is no longer in this database")
        current = _current(tx, table, keys)
        for key in keys:
            change = net[(name, key)]
            now = current.get(key)
            if change.matches(now):
                continue
            row = describe_row(name, change.key, change.after or change.before or now)
            if change.gone:
                problem = f"{row} was added again since"
            elif now is None:
                problem = f"{row} was deleted since"
            elif change.after is None:  # only its digest is kept: what changed is not known
                problem = f"{row} was changed since"
            else:
                after = change.after
                fields = sorted(
                    n
                    for n in set(after) | set(now)
                    if n not in BOOKKEEPING and after.get(n) != now.get(n)
                )
                problem = f"{row} was changed since ({', '.join(fields)})"
            problem += since.touched(name, change.key)
            raise InputError(f"{what}: {problem}; nothing was undone")


def _check_dependents(tx: Tx, catalogue: Catalogue, net: _Net, what: str, since: Since) -> None:
    """A row undo would remove must not have gained rows (added since) that point at it."""
    removing: dict[str, set[Key]] = {}
    for (name, key), change in net.items():
        if change.before is None and not change.gone:
            removing.setdefault(name, set()).add(key)
    for name, keys in removing.items():
        table = catalogue.by_name[name]
        for fk in catalogue.children.get(name, ()):
            child = catalogue.by_name.get(fk.table)
            if child is None or table.key != (fk.parent_column,):
                continue
            ids = tuple(
                decode_rows(table, [{fk.parent_column: k[0]}], partial=True)[0][fk.parent_column]
                for k in keys
            )
            for start_at in range(0, len(ids), _CHUNK):
                found = tx.all(
                    f'SELECT * FROM "{child.name}" WHERE "{fk.column}" IN :ids{_by_key(child)}',
                    {"ids": ids[start_at : start_at + _CHUNK]},
                )
                for row in found:
                    image = encode_row(child, row)
                    key = tuple(image[k] for k in child.key)
                    if key in removing.get(child.name, set()):
                        continue
                    parent = describe_row(name, {table.key[0]: image[fk.column]})
                    key_image = {k: image[k] for k in child.key}
                    own = describe_row(child.name, key_image, image)
                    who = since.touched(child.name, key_image)
                    raise InputError(
                        f"{what}: {own} was added since{who} and depends on {parent}; "
                        "nothing was undone"
                    )


def _restore(tx: Tx, catalogue: Catalogue, net: _Net) -> None:
    inserts: dict[str, list[dict[str, Any]]] = {}
    updates: list[tuple[Table, dict[str, Any], dict[str, Any], dict[str, Any] | None]] = []
    deletes: dict[str, list[dict[str, Any]]] = {}
    for (name, _), change in net.items():
        table = catalogue.by_name[name]
        before = change.before
        if before is None and change.gone:
            continue
        if change.gone:
            assert before is not None
            inserts.setdefault(name, []).append(before)
        elif before is None:
            deletes.setdefault(name, []).append(change.key)
        else:
            updates.append((table, change.key, before, change.after))
    decoded = {
        table.name: decode_rows(table, inserts[table.name], f"journal {table.name}")
        for table in catalogue.tables
        if table.name in inserts
    }
    write_rows(
        tx, [t for t in catalogue.tables if t.name in decoded], decoded, reset_sequences=False
    )
    for table, key, before, after in updates:
        current = _current(tx, table, [tuple(key.values())]).get(tuple(key.values()), {})
        if after is None:  # only a digest was kept, and the row matched it: it is as it was
            after = current
        values = {
            name: value
            for name, value in before.items()
            if name not in table.key
            and (name not in BOOKKEEPING or current.get(name) == after.get(name))
        }
        row = decode_rows(table, [{**current, **values}], f"journal {table.name}")[0]
        sets = ", ".join(f'"{name}" = :v_{name}' for name in values)
        where = " AND ".join(f'"{name}" = :k_{name}' for name in table.key)
        tx.run(
            f'UPDATE "{table.name}" SET {sets} WHERE {where}',
            {
                **{f"v_{name}": row[name] for name in values},
                **{f"k_{name}": row[name] for name in table.key},
            },
        )
    for table in reversed(catalogue.tables):  # children first
        rows = decode_rows(
            table, deletes.get(table.name, []), f"journal {table.name}", partial=True
        )
        if len(table.key) == 1:  # one statement per chunk of ids
            (name,) = table.key
            ids = tuple(row[name] for row in rows)
            for start_at in range(0, len(ids), _CHUNK):
                tx.run(
                    f'DELETE FROM "{table.name}" WHERE "{name}" IN :keys',
                    {"keys": ids[start_at : start_at + _CHUNK]},
                )
            continue
        where = " AND ".join(f'"{name}" = :k_{name}' for name in table.key)
        for row in rows:
            tx.run(
                f'DELETE FROM "{table.name}" WHERE {where}',
                {f"k_{name}": row[name] for name in table.key},
            )

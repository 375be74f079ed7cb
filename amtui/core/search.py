"""Search across every kind of record, case-insensitively in any script.

On SQLite the rows come from the search index (`amtui.core.search_index`: folded text in an
FTS5 trigram table), so a search costs about the same at 100 000 records as at none; on
PostgreSQL (or an SQLite without the index) each searched column is folded in SQL. Both find
the same rows: those in which one field, folded (`text.fold`), contains the folded text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from amtui.core import search_index
from amtui.core.errors import InputError
from amtui.core.members import EVERYONE, Scope
from amtui.core.refs import Kind, ref
from amtui.core.sql import Database, Tx, contains_folded, like_pattern
from amtui.core.vocabulary import CLOSED_STAGES


@dataclass(frozen=True)
class SearchHit:
    ref: str
    kind: str  # task, lead, client, contact, reminder
    title: str
    detail: str | None  # what else identifies it: a column, a stage, a client
    open: bool


_CLOSED = ", ".join(f"'{stage}'" for stage in CLOSED_STAGES)


def search(db: Database, text: str, *, limit: int = 20, scope: Scope = EVERYONE) -> list[SearchHit]:
    """Records whose title, name, notes or contact details contain `text`; open ones first.
    `scope`: only one member's tasks, leads, clients and reminders (and nobody's); contacts
    are everyone's."""
    if not text.strip():
        raise InputError("search needs some text to look for")
    params: dict[str, Any] = {"text": like_pattern(text.strip())}
    hits: list[SearchHit] = []
    with db.read() as tx:
        finder = _Finder(tx, text.strip(), params)
        tasks = finder.open_first(
            'id, title, "column", done_at IS NULL AS is_open FROM task',
            "done_at IS NULL",
            limit,
            scope.owned(params),
        )
        for task_id, title, column, is_open in tx.tuples(tasks, params):
            hits.append(SearchHit(ref(Kind.TASK, task_id), "task", title, column, bool(is_open)))
        leads = finder.open_first(
            "id, title, stage FROM lead", f"stage NOT IN ({_CLOSED})", limit, scope.owned(params)
        )
        for lead_id, title, stage in tx.tuples(leads, params):
            hits.append(
                SearchHit(ref(Kind.LEAD, lead_id), "lead", title, stage, stage not in CLOSED_STAGES)
            )
        clients = finder.open_first(
            "id, name, (SELECT handle FROM member WHERE member.id = client.owner_id) AS owner, "
            "archived FROM client",
            "NOT archived",
            limit,
            scope.owned(params, "client.owner_id"),
        )
        for client_id, name, owner, archived in tx.tuples(clients, params):
            hits.append(SearchHit(ref(Kind.CLIENT, client_id), "client", name, owner, not archived))
        contacts = (
            "SELECT client.id, contact.name, client.name FROM contact "
            f"JOIN client ON client.id = contact.client_id WHERE {finder.matches('contact')} "
            "ORDER BY contact.name, contact.id" + tx.page(limit)
        )
        for client_id, name, client_name in tx.tuples(contacts, params):
            hits.append(SearchHit(ref(Kind.CLIENT, client_id), "contact", name, client_name, True))
        reminders = finder.open_first(
            "id, text, kind, done_at IS NULL AS is_open FROM reminder",
            "done_at IS NULL",
            limit,
            scope.reminders(params),
        )
        for reminder_id, title, kind, is_open in tx.tuples(reminders, params):
            hits.append(
                SearchHit(ref(Kind.REMINDER, reminder_id), "reminder", title, kind, bool(is_open))
            )
    return hits


class _Finder:
    """The condition "one searched field contains the text", for each table, by the index
    where there is one (its parameters are added to `params`)."""

    def __init__(self, tx: Tx, text: str, params: dict[str, Any]) -> None:
        self.tx = tx
        self.text = text
        self.params = params
        self.indexed = search_index.exists(tx)

    def matches(self, table: str) -> str:
        kind = search_index.KIND_OF[table]
        if self.indexed:
            subquery, params = search_index.matching_ids(kind, self.text)
            self.params.update(params)
            return f"{table}.id IN ({subquery})"
        fields = search_index.KINDS[kind][1]
        columns = tuple(f"{table}.{field}" for field in fields)
        return contains_folded(columns, "text", self.tx.dialect)

    def open_first(self, columns_from: str, is_open: str, limit: int, kept: str = "1 = 1") -> str:
        """`SELECT columns FROM table` where one searched field contains the text (and `kept`
        holds), open rows first, newest first."""
        table = columns_from.rsplit(" FROM ", 1)[1]
        return (
            f"SELECT {columns_from} WHERE {self.matches(table)} AND {kept} "
            f"ORDER BY CASE WHEN {is_open} THEN 0 ELSE 1 END, id DESC" + self.tx.page(limit)
        )

"""Search across every kind of record, case-insensitively in any script."""

from __future__ import annotations

from dataclasses import dataclass

from amtui.core.errors import InputError
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


def search(db: Database, text: str, *, limit: int = 20) -> list[SearchHit]:
    """Records whose title, name, notes or contact details contain `text`; open ones first."""
    if not text.strip():
        raise InputError("search needs some text to look for")
    params = {"text": like_pattern(text.strip())}
    hits: list[SearchHit] = []
    with db.read() as tx:
        tasks = _open_first(
            tx,
            'id, title, "column", done_at IS NULL AS is_open FROM task',
            ("title", "notes", "assignee"),
            "done_at IS NULL",
            limit,
        )
        for task_id, title, column, is_open in tx.tuples(tasks, params):
            hits.append(SearchHit(ref(Kind.TASK, task_id), "task", title, column, bool(is_open)))
        lead_fields = ("title", "notes", "partner", "contact_name", "contact_email", "external_id")
        leads = _open_first(
            tx, "id, title, stage FROM lead", lead_fields, f"stage NOT IN ({_CLOSED})", limit
        )
        for lead_id, title, stage in tx.tuples(leads, params):
            hits.append(
                SearchHit(ref(Kind.LEAD, lead_id), "lead", title, stage, stage not in CLOSED_STAGES)
            )
        clients = _open_first(
            tx, "id, name, owner, archived FROM client", ("name", "notes"), "NOT archived", limit
        )
        for client_id, name, owner, archived in tx.tuples(clients, params):
            hits.append(SearchHit(ref(Kind.CLIENT, client_id), "client", name, owner, not archived))
        matches = contains_folded(
            ("contact.name", "contact.email", "contact.phone"), "text", tx.dialect
        )
        contacts = (
            "SELECT client.id, contact.name, client.name FROM contact "
            f"JOIN client ON client.id = contact.client_id WHERE {matches} "
            "ORDER BY contact.name, contact.id" + tx.page(limit)
        )
        for client_id, name, client_name in tx.tuples(contacts, params):
            hits.append(SearchHit(ref(Kind.CLIENT, client_id), "contact", name, client_name, True))
        reminders = _open_first(
            tx,
            "id, text, kind, done_at IS NULL AS is_open FROM reminder",
            ("text",),
            "done_at IS NULL",
            limit,
        )
        for reminder_id, title, kind, is_open in tx.tuples(reminders, params):
            hits.append(
                SearchHit(ref(Kind.REMINDER, reminder_id), "reminder", title, kind, bool(is_open))
            )
    return hits


def _open_first(
    tx: Tx, columns_from: str, fields: tuple[str, ...], is_open: str, limit: int
) -> str:
    """`SELECT columns FROM table` where one of `fields` contains `:text`, open rows first,
    newest first."""
    return (
        f"SELECT {columns_from} WHERE {contains_folded(fields, 'text', tx.dialect)} "
        f"ORDER BY CASE WHEN {is_open} THEN 0 ELSE 1 END, id DESC" + tx.page(limit)
    )

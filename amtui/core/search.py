"""Search across every kind of record, case-insensitively in any script."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from amtui.core.db import Database, contains_folded
from amtui.core.errors import InputError
from amtui.core.models import Client, Contact, Lead, Reminder, Task
from amtui.core.refs import Kind, ref
from amtui.core.vocabulary import CLOSED_STAGES

R = TypeVar("R")


@dataclass(frozen=True)
class SearchHit:
    ref: str
    kind: str  # task, lead, client, contact, reminder
    title: str
    detail: str | None  # what else identifies it: a column, a stage, a client
    open: bool


def search(db: Database, text: str, *, limit: int = 20) -> list[SearchHit]:
    """Records whose title, name, notes or contact details contain `text`; open ones first."""
    if not text.strip():
        raise InputError("search needs some text to look for")
    words = text.strip()
    hits: list[SearchHit] = []
    with db.read() as session:
        tasks = select(Task).where(
            sa.or_(*(contains_folded(c, words) for c in (Task.title, Task.notes, Task.assignee)))
        )
        for task in session.exec(_open_first(tasks, col(Task.done_at).is_(None), Task.id, limit)):
            hits.append(
                SearchHit(
                    ref(Kind.TASK, task.id), "task", task.title, task.column, task.done_at is None
                )
            )
        lead_fields = (
            Lead.title,
            Lead.notes,
            Lead.partner,
            Lead.contact_name,
            Lead.contact_email,
            Lead.external_id,
        )
        leads = select(Lead).where(sa.or_(*(contains_folded(c, words) for c in lead_fields)))
        lead_open = col(Lead.stage).not_in(CLOSED_STAGES)
        for lead in session.exec(_open_first(leads, lead_open, Lead.id, limit)):
            hits.append(
                SearchHit(
                    ref(Kind.LEAD, lead.id),
                    "lead",
                    lead.title,
                    lead.stage,
                    lead.stage not in CLOSED_STAGES,
                )
            )
        clients = select(Client).where(
            sa.or_(contains_folded(Client.name, words), contains_folded(Client.notes, words))
        )
        for client in session.exec(
            _open_first(clients, col(Client.archived).is_(False), Client.id, limit)
        ):
            hits.append(
                SearchHit(
                    ref(Kind.CLIENT, client.id),
                    "client",
                    client.name,
                    client.owner,
                    not client.archived,
                )
            )
        contacts = (
            select(Contact, Client)
            .join(Client, col(Contact.client_id) == col(Client.id))
            .where(
                sa.or_(
                    *(
                        contains_folded(c, words)
                        for c in (Contact.name, Contact.email, Contact.phone)
                    )
                )
            )
            .order_by(col(Contact.name))
            .limit(limit)
        )
        for contact, client in session.exec(contacts):
            hits.append(
                SearchHit(ref(Kind.CLIENT, client.id), "contact", contact.name, client.name, True)
            )
        reminders = select(Reminder).where(contains_folded(Reminder.text, words))
        reminder_open = col(Reminder.done_at).is_(None)
        for reminder in session.exec(_open_first(reminders, reminder_open, Reminder.id, limit)):
            hits.append(
                SearchHit(
                    ref(Kind.REMINDER, reminder.id),
                    "reminder",
                    reminder.text,
                    reminder.kind,
                    reminder.done_at is None,
                )
            )
    return hits


def _open_first(
    query: SelectOfScalar[R], is_open: sa.ColumnElement[bool], key: Any, limit: int
) -> SelectOfScalar[R]:
    return query.order_by(sa.case((is_open, 0), else_=1), col(key).desc()).limit(limit)

"""Clients (accounts) and their contacts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from amtui.core.activities import ActivityKind, list_activities, record_activity
from amtui.core.db import Database
from amtui.core.errors import InputError
from amtui.core.kam import RELATIONSHIP_STAGES, kam_quadrant
from amtui.core.lookup import get_client
from amtui.core.models import Activity, Client, Contact, Lead, Task
from amtui.core.text import fold, one_line
from amtui.core.validate import (
    UNSET,
    check_choice,
    check_email,
    check_name,
    check_score,
    check_zone,
)
from amtui.core.vocabulary import CLOSED_STAGES


def check_client_name(name: str) -> str:
    """A new client's name: not empty, one line, and not something that reads as a reference."""
    name = check_name(name, "client name")
    if re.fullmatch(r"[TtLlRrCc]\d+", name):
        raise InputError(
            f"{name!r} reads as a reference, not a client name; use a client's name or C-reference"
        )
    return name


def ensure_client(session: Session, name: str, *, now: datetime) -> tuple[Client, bool]:
    """The client called `name` (any case, any script), created if new; True when created."""
    name = check_client_name(name)
    client = session.exec(select(Client).where(Client.name_key == fold(name))).first()
    if client is not None:
        return client, False
    client = Client(name=name, name_key=fold(name), created_at=now, updated_at=now)
    session.add(client)
    session.flush()
    record_activity(session, client, ActivityKind.CREATED, now=now)
    return client, True


def add_client(
    db: Database,
    name: str,
    *,
    now: datetime,
    timezone: str | None = None,
    owner: str | None = None,
    notes: str = "",
    kam_attractiveness: int | None = None,
    kam_relationship: int | None = None,
    relationship_stage: str = "tactical",
) -> Client:
    """Create a client; a name that exists already (in any case) is refused."""
    name = check_client_name(name)
    zone = check_zone(timezone)
    stage = check_choice(relationship_stage, RELATIONSHIP_STAGES, "relationship stage")
    check_score(kam_attractiveness, "attractiveness")
    check_score(kam_relationship, "relationship strength")
    with db.write() as session:
        existing = session.exec(select(Client).where(Client.name_key == fold(name))).first()
        if existing is not None:
            raise InputError(f"client {one_line(existing.name)!r} exists already as {existing.ref}")
        client = Client(
            name=name,
            name_key=fold(name),
            timezone=zone,
            owner=owner,
            notes=notes,
            kam_attractiveness=kam_attractiveness,
            kam_relationship=kam_relationship,
            relationship_stage=stage,
            created_at=now,
            updated_at=now,
        )
        session.add(client)
        session.flush()
        record_activity(session, client, ActivityKind.CREATED, now=now)
    return client


def edit_client(
    db: Database,
    reference: str,
    *,
    now: datetime,
    name: str | object = UNSET,
    timezone: str | object | None = UNSET,
    owner: str | object | None = UNSET,
    notes: str | object = UNSET,
    kam_attractiveness: int | object | None = UNSET,
    kam_relationship: int | object | None = UNSET,
    relationship_stage: str | object = UNSET,
    archived: bool | object = UNSET,
) -> Client:
    """Change the given fields of a client (by reference or name) in one transaction."""
    changes: dict[str, object] = {}
    if isinstance(name, str):
        changes["name"] = check_client_name(name)
        changes["name_key"] = fold(changes["name"])  # type: ignore[arg-type]
    if timezone is not UNSET:
        changes["timezone"] = check_zone(timezone)  # type: ignore[arg-type]
    if owner is not UNSET:
        changes["owner"] = owner
    if notes is not UNSET:
        changes["notes"] = notes
    if kam_attractiveness is not UNSET:
        changes["kam_attractiveness"] = check_score(kam_attractiveness, "attractiveness")  # type: ignore[arg-type]
    if kam_relationship is not UNSET:
        changes["kam_relationship"] = check_score(kam_relationship, "relationship strength")  # type: ignore[arg-type]
    if isinstance(relationship_stage, str):
        changes["relationship_stage"] = check_choice(
            relationship_stage, RELATIONSHIP_STAGES, "relationship stage"
        )
    if archived is not UNSET:
        changes["archived"] = bool(archived)
    if not changes:
        raise InputError("nothing to change; give at least one field to edit")
    with db.write() as session:
        client = get_client(session, reference)
        if "name_key" in changes and changes["name_key"] != client.name_key:
            clash = session.exec(
                select(Client).where(Client.name_key == changes["name_key"])
            ).first()
            if clash is not None:
                raise InputError(f"another client is called {one_line(clash.name)!r} ({clash.ref})")
        changed = {k: v for k, v in changes.items() if getattr(client, k) != v}
        for key, value in changed.items():
            setattr(client, key, value)
        if changed:
            client.updated_at = now
            fields = sorted(k for k in changed if k != "name_key")
            record_activity(
                session,
                client,
                ActivityKind.EDITED,
                ", ".join(fields),
                now=now,
            )
    return client


@dataclass(frozen=True)
class ClientSummary:
    client: Client
    open_tasks: int
    open_leads: int

    @property
    def quadrant(self) -> str | None:
        return kam_quadrant(self.client.kam_attractiveness, self.client.kam_relationship)


def list_clients(db: Database, *, include_archived: bool = False) -> list[ClientSummary]:
    """Every client by name, with open task and lead counts (three queries, not one per row)."""
    with db.read() as session:
        query = select(Client).order_by(col(Client.name_key))
        if not include_archived:
            query = query.where(col(Client.archived).is_(False))
        clients = list(session.exec(query))
        tasks = _counts(
            session,
            select(Task.client_id, func.count())
            .where(col(Task.done_at).is_(None), col(Task.parent_id).is_(None))
            .group_by(col(Task.client_id)),
        )
        leads = _counts(
            session,
            select(Lead.client_id, func.count())
            .where(col(Lead.stage).not_in(CLOSED_STAGES))
            .group_by(col(Lead.client_id)),
        )
    return [
        ClientSummary(client, tasks.get(client.id or 0, 0), leads.get(client.id or 0, 0))
        for client in clients
    ]


def _counts(session: Session, query: Any) -> dict[int, int]:
    return {key: count for key, count in session.execute(query) if key is not None}


def add_contact(
    db: Database,
    client_reference: str,
    name: str,
    *,
    now: datetime,
    email: str | None = None,
    phone: str | None = None,
    role: str | None = None,
) -> tuple[Contact, Client]:
    """Add a person to a client (by reference or name)."""
    name = check_name(name, "contact name")
    email = check_email(email)
    with db.write() as session:
        client = get_client(session, client_reference)
        contact = Contact(
            client_id=client.id or 0,
            name=name,
            email=email,
            phone=phone,
            role=role,
            created_at=now,
        )
        session.add(contact)
        session.flush()
    return contact, client


def list_contacts(
    db: Database, client_reference: str | None = None
) -> list[tuple[Contact, Client]]:
    """Contacts of one client, or of every client, ordered by client then name."""
    with db.read() as session:
        query = select(Contact, Client).join(Client, col(Contact.client_id) == col(Client.id))
        if client_reference:
            client = get_client(session, client_reference)
            query = query.where(Contact.client_id == client.id)
        query = query.order_by(col(Client.name_key), col(Contact.name))
        return [(contact, client) for contact, client in session.exec(query)]


@dataclass
class ClientDetails:
    client: Client
    contacts: list[Contact]
    open_tasks: list[Task]
    open_leads: list[Lead]
    activities: list[Activity]


def get_client_details(db: Database, reference: str, *, limit: int = 50) -> ClientDetails:
    """A client with its contacts, open work (first `limit` of each) and timeline."""
    with db.read() as session:
        client = get_client(session, reference)
        contacts = session.exec(
            select(Contact).where(Contact.client_id == client.id).order_by(col(Contact.name))
        )
        tasks = session.exec(
            select(Task)
            .where(
                col(Task.client_id) == client.id,
                col(Task.done_at).is_(None),
                col(Task.parent_id).is_(None),
            )
            .order_by(col(Task.id).desc())
            .limit(limit)
        )
        leads = session.exec(
            select(Lead)
            .where(col(Lead.client_id) == client.id, col(Lead.stage).not_in(CLOSED_STAGES))
            .order_by(col(Lead.received_at).desc())
            .limit(limit)
        )
        return ClientDetails(
            client, list(contacts), list(tasks), list(leads), list_activities(session, client)
        )

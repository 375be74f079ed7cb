"""Clients (accounts) and their contacts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from amtui.core import journal
from amtui.core.activities import ActivityKind, list_activities, record_activity
from amtui.core.config import Config
from amtui.core.errors import InputError
from amtui.core.kam import RELATIONSHIP_STAGES, kam_quadrant
from amtui.core.lookup import client_by_key, fetch_any, get_client
from amtui.core.members import EVERYONE, Scope, member_handles, named_owner
from amtui.core.models import (
    Activity,
    Client,
    Contact,
    Lead,
    Proposal,
    Record,
    Reminder,
    Task,
    get,
    insert,
    records,
    save,
)
from amtui.core.sql import Database, Tx
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


def ensure_client(tx: Tx, name: str, *, now: datetime) -> tuple[Client, bool]:
    """The client called `name` (any case, any script), created if new; True when created."""
    name = check_client_name(name)
    client = client_by_key(tx, fold(name))
    if client is not None:
        return client, False
    client = insert(tx, Client(name=name, name_key=fold(name), created_at=now, updated_at=now))
    record_activity(tx, client, ActivityKind.CREATED, now=now)
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
    config: Config | None = None,
) -> Client:
    """Create a client; a name that exists already (in any case) is refused. `owner`: the
    member who owns the account (handle, name, `me` as `config` says, or `none`)."""
    name = check_client_name(name)
    zone = check_zone(timezone)
    stage = check_choice(relationship_stage, RELATIONSHIP_STAGES, "relationship stage")
    check_score(kam_attractiveness, "attractiveness")
    check_score(kam_relationship, "relationship strength")
    with db.write() as tx:
        existing = client_by_key(tx, fold(name))
        if existing is not None:
            raise InputError(f"client {one_line(existing.name)!r} exists already as {existing.ref}")
        found = named_owner(tx, owner, config or Config()) if owner else None
        client = Client(
            name=name,
            name_key=fold(name),
            timezone=zone,
            owner_id=found.id if found else None,
            notes=notes,
            kam_attractiveness=kam_attractiveness,
            kam_relationship=kam_relationship,
            relationship_stage=stage,
            created_at=now,
            updated_at=now,
        )
        insert(tx, client)
        record_activity(tx, client, ActivityKind.CREATED, now=now)
        journal.note(tx, "client add", f"{client.ref} {client.name}", now=now)
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
    locale: str | object | None = UNSET,
    config: Config | None = None,
) -> Client:
    """Change the given fields of a client (by reference or name) in one transaction.
    `locale` is how its documents write money and dates (`ru_RU`; None: the config's);
    `owner` a member (handle, name, `me` as `config` says; None or `none`: nobody)."""
    changes: dict[str, object] = {}
    if isinstance(name, str):
        changes["name"] = check_client_name(name)
        changes["name_key"] = fold(changes["name"])  # type: ignore[arg-type]
    if timezone is not UNSET:
        changes["timezone"] = check_zone(timezone)  # type: ignore[arg-type]
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
    if locale is not UNSET:
        from amtui.core.money_locale import check_locale  # Babel, only when a locale is set

        changes["locale"] = check_locale(locale) if isinstance(locale, str) else None
    if not changes and owner is UNSET:
        raise InputError("nothing to change; give at least one field to edit")
    with db.write() as tx:
        client = get_client(tx, reference)
        if owner is not UNSET:
            found = named_owner(tx, owner, config or Config()) if isinstance(owner, str) else None
            changes["owner_id"] = found.id if found else None
        if "name_key" in changes and changes["name_key"] != client.name_key:
            clash = client_by_key(tx, str(changes["name_key"]))
            if clash is not None:
                raise InputError(f"another client is called {one_line(clash.name)!r} ({clash.ref})")
        changed = {k: v for k, v in changes.items() if getattr(client, k) != v}
        # The timeline names the owners, as a handover's entry does.
        new_owner = changes.get("owner_id")
        new_id = new_owner if isinstance(new_owner, int) else None
        handles = member_handles(tx, {client.owner_id, new_id})
        was = handles.get(client.owner_id, "nobody") if client.owner_id else "nobody"
        owner_text = f"owner {handles.get(new_id, 'nobody') if new_id else 'nobody'} (was {was})"
        for key, value in changed.items():
            setattr(client, key, value)
        if changed:
            client.updated_at = now
            save(tx, client)
            fields = sorted(
                owner_text if k == "owner_id" else k for k in changed if k != "name_key"
            )
            record_activity(
                tx,
                client,
                ActivityKind.EDITED,
                ", ".join(fields),
                now=now,
            )
            journal.note(tx, "client edit", f"{client.ref} {client.name}", now=now)
    return client


@dataclass(frozen=True)
class ClientSummary:
    client: Client
    open_tasks: int
    open_leads: int
    owner: str | None = None  # the owner's handle (team mode)

    @property
    def quadrant(self) -> str | None:
        return kam_quadrant(self.client.kam_attractiveness, self.client.kam_relationship)


def list_clients(
    db: Database, *, include_archived: bool = False, scope: Scope = EVERYONE
) -> list[ClientSummary]:
    """Every client by name, with open task and lead counts (three queries, not one per row);
    with `scope`, one member's accounts (and nobody's) only."""
    with db.read() as tx:
        params: dict[str, object] = {}
        where = [scope.owned(params)] + ([] if include_archived else ["NOT archived"])
        clients = records(
            tx,
            Client,
            f"SELECT * FROM client WHERE {' AND '.join(where)} ORDER BY name_key",
            params,
        )
        owners = member_handles(tx, {client.owner_id for client in clients})
        tasks = _counts(
            tx,
            "SELECT client_id, count(*) FROM task WHERE done_at IS NULL AND parent_id IS NULL "
            "GROUP BY client_id",
        )
        leads = _counts(
            tx,
            "SELECT client_id, count(*) FROM lead WHERE stage NOT IN :closed GROUP BY client_id",
            {"closed": CLOSED_STAGES},
        )
    return [
        ClientSummary(
            client,
            tasks.get(client.id or 0, 0),
            leads.get(client.id or 0, 0),
            owners.get(client.owner_id or 0),
        )
        for client in clients
    ]


def client_of(db: Database, reference: str) -> Client | None:
    """The client a record belongs to, for "open its client" from any record: a lead's or
    an invoice's own, a proposal's lead's, a task's (else its lead's, else its parent
    card's), a reminder's (else what it is about). None when the record has no client yet;
    an unknown reference raises NotFoundError."""
    with db.read() as tx:
        return _client_of(tx, fetch_any(tx, reference))


def _client_of(tx: Tx, record: Record | None) -> Client | None:
    if record is None or isinstance(record, Client):
        return record
    client_id = getattr(record, "client_id", None)
    if client_id is not None:
        return get(tx, Client, client_id)
    if isinstance(record, Proposal):
        return _client_of(tx, get(tx, Lead, record.lead_id))
    if isinstance(record, Task):
        owner = get(tx, Lead, record.lead_id) or get(tx, Task, record.parent_id)
        return _client_of(tx, owner)
    if isinstance(record, Reminder):
        about = get(tx, Lead, record.lead_id) or get(tx, Task, record.task_id)
        return _client_of(tx, about)
    return None  # a lead not linked to a client yet


def _counts(tx: Tx, sql: str, params: dict[str, object] | None = None) -> dict[int, int]:
    return {key: count for key, count in tx.tuples(sql, params) if key is not None}


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
    with db.write() as tx:
        client = get_client(tx, client_reference)
        contact = Contact(
            client_id=client.id or 0,
            name=name,
            email=email,
            phone=phone,
            role=role,
            created_at=now,
        )
        insert(tx, contact)
        journal.note(tx, "contact add", f"{contact.name} at {client.ref} {client.name}", now=now)
    return contact, client


def list_contacts(
    db: Database, client_reference: str | None = None
) -> list[tuple[Contact, Client]]:
    """Contacts of one client, or of every client, ordered by client then name."""
    with db.read() as tx:
        where, params = "", {}
        if client_reference:
            where, params = (
                "WHERE contact.client_id = :client",
                {"client": get_client(tx, client_reference).id},
            )
        contacts = records(
            tx,
            Contact,
            f"SELECT contact.* FROM contact JOIN client ON client.id = contact.client_id {where} "
            "ORDER BY client.name_key, contact.name, contact.id",
            params,
        )
        ids = tuple({contact.client_id for contact in contacts})
        clients = {
            client.id: client
            for client in records(tx, Client, "SELECT * FROM client WHERE id IN :ids", {"ids": ids})
        }
        return [(contact, clients[contact.client_id]) for contact in contacts]


@dataclass
class ClientDetails:
    client: Client
    contacts: list[Contact]
    open_tasks: list[Task]
    open_leads: list[Lead]
    activities: list[Activity]
    owner: str | None = None  # the owner's handle (team mode)


def get_client_details(db: Database, reference: str, *, limit: int = 50) -> ClientDetails:
    """A client with its contacts, open work (first `limit` of each) and timeline."""
    with db.read() as tx:
        client = get_client(tx, reference)
        params = {"client": client.id, "limit": limit, "closed": CLOSED_STAGES}
        contacts = records(
            tx, Contact, "SELECT * FROM contact WHERE client_id = :client ORDER BY name, id", params
        )
        tasks = records(
            tx,
            Task,
            "SELECT * FROM task WHERE client_id = :client AND done_at IS NULL "
            "AND parent_id IS NULL ORDER BY id DESC LIMIT :limit",
            params,
        )
        leads = records(
            tx,
            Lead,
            "SELECT * FROM lead WHERE client_id = :client AND stage NOT IN :closed "
            "ORDER BY received_at DESC, id DESC LIMIT :limit",
            params,
        )
        owner = member_handles(tx, {client.owner_id}).get(client.owner_id or 0)
        return ClientDetails(client, contacts, tasks, leads, list_activities(tx, client), owner)

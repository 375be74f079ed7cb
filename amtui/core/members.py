"""Team mode: members, who owns a lead, a task or a client, and whose records a list shows.

A database without members is one person's: nothing here changes what anyone sees. Once the
team has members, `me` in the config (or AMTUI_ME) names the member running amtui, and lists,
the agenda and `remind due` show that member's records by default (`Scope`). A record nobody
owns yet is everyone's: a new lead waits in everyone's inbox for triage until someone takes it
(`take`) or it is handed to someone (`assign`, `hand_over`). Reminders and invoices follow what
they are about. Each change of owner is one entry on the record's timeline. Members are edited
(`edit_member`; the handle stays) and removed (`remove_member`, refused while they own open
records unless someone takes them over).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

# The writes import the undo journal and the timeline themselves: every read of a member's
# scope (the agenda, the lists) goes without them.
from amtui.core.config import HANDLE, HANDLE_HINT, Config
from amtui.core.errors import AmtuiError, InputError, NotFoundError
from amtui.core.models import (
    CLOSED_STAGES,
    Client,
    Lead,
    Member,
    Task,
    delete,
    first,
    insert,
    records,
    refresh,
    save,
)
from amtui.core.refs import Kind, parse_ref
from amtui.core.sql import Database, Tx
from amtui.core.structs import struct
from amtui.core.text import fold, one_line
from amtui.core.validate import UNSET, check_email, check_name, check_zone

#: What `--owner` (and the app's `O`) reads as everyone's records, and as only what nobody
#: owns yet.
EVERYONE_WORDS = ("all", "team", "everyone")
NOBODY_WORDS = ("none", "unassigned", "nobody")
#: Words `--owner` reads itself; no member may be called one of them.
SCOPE_WORDS = ("me", *EVERYONE_WORDS, *NOBODY_WORDS)


class TakenError(AmtuiError):
    """The record has an owner already (someone else took it first): nothing was changed."""

    exit_code = 1


# --- members ---------------------------------------------------------------------------------


def check_handle(text: str) -> str:
    """A member handle, lower-cased; bad input names what is accepted."""
    handle = (text or "").strip().lower()
    if not HANDLE.fullmatch(handle):
        raise InputError(f"{one_line(text)!r} is not a member handle; use {HANDLE_HINT}")
    if handle in SCOPE_WORDS:
        raise InputError(f"{handle!r} is a word --owner reads itself; choose another handle")
    return handle


def add_member(
    db: Database,
    handle: str,
    name: str,
    *,
    now: datetime,
    email: str | None = None,
    role: str | None = None,
    timezone: str | None = None,
) -> Member:
    """Add a team member; every value is checked before anything is written."""
    from amtui.core import journal

    member = Member(
        handle=check_handle(handle),
        name=check_name(name, "member name"),
        email=check_email(email),
        role=role.strip() if role and role.strip() else None,
        timezone=check_zone(timezone),
        created_at=now,
    )
    with db.write() as tx:
        existing = member_by_handle(tx, member.handle)
        if existing is not None:
            raise InputError(
                f"a member with handle {member.handle!r} exists already ({existing.name})"
            )
        insert(tx, member)
        journal.note(tx, "member add", f"{member.handle} {member.name}", now=now)
    return member


def list_members(db: Database) -> list[Member]:
    """Every member, by handle."""
    with db.read() as tx:
        return records(tx, Member, "SELECT * FROM member ORDER BY handle")


def open_counts(db: Database) -> dict[int, tuple[int, int]]:
    """How many open leads and open tasks (top-level cards) each member owns, by member id."""
    closed = tuple(CLOSED_STAGES)
    with db.read() as tx:
        leads = dict(
            tx.tuples(
                "SELECT owner_id, count(*) FROM lead WHERE owner_id IS NOT NULL "
                "AND stage NOT IN :closed GROUP BY owner_id",
                {"closed": closed},
            )
        )
        tasks = dict(
            tx.tuples(
                "SELECT owner_id, count(*) FROM task WHERE owner_id IS NOT NULL "
                "AND done_at IS NULL AND parent_id IS NULL GROUP BY owner_id"
            )
        )
    return {key: (leads.get(key, 0), tasks.get(key, 0)) for key in {*leads, *tasks}}


def acting_member(db: Database, config: Config) -> str | None:
    """The handle whose changes this front end makes (`Database.actor`): `me`, once it names
    a member of this database; None otherwise (nothing is refused for it)."""
    if config.me is None:
        return None
    with db.read() as tx:
        return config.me if member_by_handle(tx, config.me) is not None else None


def member_by_handle(tx: Tx, handle: str) -> Member | None:
    return first(tx, Member, "SELECT * FROM member WHERE handle = :h", {"h": handle})


def has_members(tx: Tx) -> bool:
    return tx.scalar("SELECT 1 FROM member LIMIT 1") is not None


def me(tx: Tx, config: Config) -> Member:
    """The member running amtui (`me` in the config, or AMTUI_ME)."""
    if config.me is None:
        raise InputError(
            'who you are is not set: put me = "your-handle" in the config, or set AMTUI_ME'
        )
    found = member_by_handle(tx, config.me)
    if found is None:
        raise InputError(
            f"me = {config.me!r} is not a member of this database; "
            "see `amtui member list` (or add yourself with `amtui member add`)"
        )
    return found


def find_member(tx: Tx, text: str, config: Config) -> Member:
    """A member by handle, by full name (any case, any script), or `me`."""
    wanted = (text or "").strip()
    if fold(wanted) == "me":
        return me(tx, config)
    if not wanted:
        raise InputError("no member given; give a handle such as anna, or me")
    found = member_by_handle(tx, wanted.lower())
    if found is not None:
        return found
    for member in records(tx, Member, "SELECT * FROM member ORDER BY id"):
        if fold(member.name) == fold(wanted):
            return member
    raise NotFoundError(f"no member {one_line(wanted)!r}; see `amtui member list`")


def named_owner(tx: Tx, text: str, config: Config) -> Member | None:
    """The owner a user gives a new record (`--owner`, `owner:`): a member (handle, name or
    `me`), or nobody (`none`: None, everyone's to triage). `all` names no one owner."""
    word = fold((text or "").strip())
    if word in NOBODY_WORDS:
        return None
    if word in EVERYONE_WORDS:
        raise InputError(
            f"{one_line(text)!r} names no one owner; give a member's handle, me, or none"
        )
    return find_member(tx, text, config)


def member_handles(tx: Tx, ids: set[int | None]) -> dict[int, str]:
    """Handles of the members with these ids (one query; None ignored)."""
    wanted = tuple(i for i in ids if i is not None)
    if not wanted:
        return {}
    return dict(tx.tuples("SELECT id, handle FROM member WHERE id IN :ids", {"ids": wanted}))


def describe_member(member: Member) -> str:
    """`Anna Berg (anna)`: how messages name a member."""
    return f"{member.name} ({member.handle})"


# --- whose records a list shows ----------------------------------------------------------------


@struct(frozen=True)
class Scope:
    """Whose records a list shows: everyone's (`member` None, `unowned_only` False), one
    member's (and nobody's: those are everyone's), or only nobody's (`--owner none`)."""

    member: Member | None = None
    unowned_only: bool = False
    mine: bool = False  # the member is the one running amtui

    @property
    def everyone(self) -> bool:
        return self.member is None and not self.unowned_only

    @property
    def label(self) -> str:
        """What the scope is, in a word or two (`mine`, `team`, `anna's`, `unassigned`)."""
        if self.unowned_only:
            return "unassigned"
        if self.member is None:
            return "team"
        return "mine" if self.mine else f"{self.member.handle}'s"

    def owned(self, params: dict[str, Any], column: str = "owner_id") -> str:
        """SQL that keeps the leads or tasks of this scope (binds `:scope_owner`)."""
        if self.unowned_only:
            return f"{column} IS NULL"
        if self.member is None:
            return "1 = 1"
        params["scope_owner"] = self.member.id
        return f"({column} = :scope_owner OR {column} IS NULL)"

    def invoices(self, params: dict[str, Any]) -> str:
        """SQL that keeps the invoices of this scope: an invoice is its client's owner's."""
        return self.owned(
            params, "(SELECT client.owner_id FROM client WHERE client.id = invoice.client_id)"
        )

    def reminders(self, params: dict[str, Any], table: str = "reminder") -> str:
        """SQL that keeps the reminders (`table`: the name or alias of the reminder table) of
        this scope: those about a lead, task or client the scope keeps (a reminder about
        nothing is everyone's)."""
        if self.everyone:
            return "1 = 1"
        if self.unowned_only:
            other = "{t}.owner_id IS NOT NULL"
        else:
            params["scope_owner"] = self.member.id if self.member else None
            other = "{t}.owner_id <> :scope_owner"
        # NOT EXISTS, never NOT IN: a NULL lead_id must not turn the test into NULL.
        return " AND ".join(
            f"NOT EXISTS (SELECT 1 FROM {t} WHERE {t}.id = {table}.{t}_id AND {other.format(t=t)})"
            for t in ("lead", "task", "client")
        )


EVERYONE = Scope()


def resolve_scope(db: Database, owner: str | None, config: Config) -> Scope:
    """`--owner NAME|me|all|none`. Without one: the member running amtui once the team has
    members and `me` is set; everyone's otherwise (one person's database)."""
    if owner is None and config.me is None:
        return EVERYONE  # what `scope_in` answers first, without a transaction to ask in
    with db.read() as tx:
        return scope_in(tx, owner, config)


def scope_in(tx: Tx, owner: str | None, config: Config) -> Scope:
    """`resolve_scope` in the caller's transaction."""
    if owner is None:
        if config.me is None or not has_members(tx):
            return EVERYONE
        return Scope(me(tx, config), mine=True)
    word = fold(owner)
    if word in EVERYONE_WORDS:
        return EVERYONE
    if word in NOBODY_WORDS:
        return Scope(unowned_only=True)
    member = find_member(tx, owner, config)
    return Scope(member, mine=member.handle == config.me)


def default_owner(tx: Tx, config: Config) -> int | None:
    """Who owns what the user creates (a task): the member running amtui, if the team has
    members and `me` names one; nobody otherwise."""
    if config.me is None:
        return None
    found = member_by_handle(tx, config.me)
    return found.id if found else None


# --- taking and handing over -------------------------------------------------------------------


@struct
class OwnerChange:
    """What `take`, `assign` and `hand_over` did to one record."""

    ref: str
    title: str
    owner: Member
    previous: Member | None


#: What a member can own.
Owned = Lead | Task | Client


def _owned(tx: Tx, reference: str) -> Lead | Task:
    from amtui.core.lookup import fetch

    found = parse_ref(reference)
    if found.kind is Kind.LEAD:
        return fetch(tx, Lead, found)
    if found.kind is Kind.TASK:
        return fetch(tx, Task, found)
    raise InputError(f"{found} is a {found.kind.noun}; only leads (L7) and tasks (T12) have owners")


def _set_owner(
    tx: Tx,
    record: Owned,
    owner: Member,
    *,
    now: datetime,
    by: Member | None,
    guard_free: bool = False,
) -> OwnerChange:
    """Give `record` to `owner` with one timeline entry. `guard_free`: only if nobody has it
    (the UPDATE itself checks, so of two members taking a lead at once exactly one wins)."""
    from amtui.core.activities import ActivityKind, record_activity

    previous_id = record.owner_id
    table = record.TABLE
    guard = " AND owner_id IS NULL" if guard_free else " AND owner_id IS NOT DISTINCT FROM :prev"
    if tx.sqlite:
        guard = guard.replace("IS NOT DISTINCT FROM", "IS")
    changed = tx.run(
        f"UPDATE {table} SET owner_id = :owner, updated_at = :now WHERE id = :id{guard}",
        {"owner": owner.id, "now": now, "id": record.id, "prev": previous_id},
    )
    refresh(tx, record)
    if changed == 0:  # someone else's write came first
        raise _taken(tx, record)
    previous = first(tx, Member, "SELECT * FROM member WHERE id = :id", {"id": previous_id})
    if by is not None and by.id == owner.id and previous is None:
        text = f"taken by {owner.handle}"
    else:
        text = f"assigned to {owner.handle}" + (f" (was {previous.handle})" if previous else "")
        # Who did it, unless the entry records it anyway (`tx.actor`, shown as `by …`).
        if by is not None and by.id != owner.id and tx.actor != by.handle:
            text += f" by {by.handle}"
    data = {"owner": owner.handle, "previous": previous.handle if previous else None}
    record_activity(tx, record, ActivityKind.ASSIGNED, text, now=now, data=data)
    title = record.name if isinstance(record, Client) else record.title
    return OwnerChange(record.ref, title, owner, previous)


def _taken(tx: Tx, record: Owned) -> TakenError:
    holder = first(tx, Member, "SELECT * FROM member WHERE id = :id", {"id": record.owner_id})
    who = describe_member(holder) if holder else "someone else"
    return TakenError(
        f"{record.ref} belongs to {who} already; ask them, or hand it over with "
        f"`amtui {record.TABLE} assign {record.ref} me`"
    )


def take(db: Database, reference: str, *, now: datetime, config: Config) -> OwnerChange:
    """Take a lead or task nobody owns yet. Someone else's is refused (TakenError, exit 1),
    even when they took it a moment ago from another machine; one's own is nothing to do."""
    from amtui.core import journal

    with db.write() as tx:
        record = _owned(tx, reference)
        mine = me(tx, config)
        if record.owner_id == mine.id:
            raise TakenError(f"{record.ref} is yours already; nothing to do")
        if record.owner_id is not None:
            raise _taken(tx, record)
        journal.note(tx, f"{record.TABLE} take", f"{record.ref} {record.title}", now=now)
        return _set_owner(tx, record, mine, now=now, by=mine, guard_free=True)


def assign(db: Database, reference: str, who: str, *, now: datetime, config: Config) -> OwnerChange:
    """Hand a lead or task to a member (`me` included), whoever had it."""
    from amtui.core import journal

    with db.write() as tx:
        record = _owned(tx, reference)
        owner = find_member(tx, who, config)
        if record.owner_id == owner.id:
            raise TakenError(
                f"{record.ref} belongs to {describe_member(owner)} already; nothing to do"
            )
        by = member_by_handle(tx, config.me) if config.me else None
        summary = f"{record.ref} {record.title} to {owner.handle}"
        journal.note(tx, f"{record.TABLE} assign", summary, now=now)
        return _set_owner(tx, record, owner, now=now, by=by)


def hand_over(
    db: Database, giver: str, receiver: str, *, now: datetime, config: Config
) -> list[OwnerChange]:
    """Hand every open lead, open task and current client of one member to another (a
    holiday, a leaver), in one transaction, with an entry on each record's timeline."""
    from amtui.core import journal

    with db.write() as tx:
        source = find_member(tx, giver, config)
        target = find_member(tx, receiver, config)
        summary = f"open records of {source.handle} to {target.handle}"
        journal.note(tx, "member handover", summary, now=now)
        return _hand_over(tx, source, target, now=now, config=config)


def _open_records(tx: Tx, member: Member) -> list[Owned]:
    """What a member owns that is still open: leads not won or lost, tasks not done,
    clients not archived."""
    params = {"id": member.id, "closed": tuple(CLOSED_STAGES)}
    owned: list[Owned] = []
    owned += records(
        tx,
        Lead,
        "SELECT * FROM lead WHERE owner_id = :id AND stage NOT IN :closed ORDER BY id",
        params,
    )
    owned += records(
        tx, Task, "SELECT * FROM task WHERE owner_id = :id AND done_at IS NULL ORDER BY id", params
    )
    owned += records(
        tx, Client, "SELECT * FROM client WHERE owner_id = :id AND NOT archived ORDER BY id", params
    )
    return owned


def _hand_over(
    tx: Tx, source: Member, target: Member, *, now: datetime, config: Config
) -> list[OwnerChange]:
    if source.id == target.id:
        raise InputError(f"{source.handle} would hand over to themselves; name someone else")
    by = member_by_handle(tx, config.me) if config.me else None
    return [_set_owner(tx, item, target, now=now, by=by) for item in _open_records(tx, source)]


# --- editing and removing members ----------------------------------------------------------------


def edit_member(
    db: Database,
    who: str,
    *,
    now: datetime,
    config: Config,
    name: str | object = UNSET,
    email: str | object | None = UNSET,
    role: str | object | None = UNSET,
    timezone: str | object | None = UNSET,
) -> tuple[Member, list[str]]:
    """Change a member's name, email, role or time zone (None clears all but the name); the
    handle stays, as timelines, configs and cron jobs name the member by it. (member, the
    fields that changed)."""
    changes: dict[str, object] = {}
    if name is not UNSET:
        changes["name"] = check_name(str(name), "member name")
    if email is not UNSET:
        changes["email"] = check_email(email if isinstance(email, str) else None)
    if role is not UNSET:
        changes["role"] = role.strip() or None if isinstance(role, str) else None
    if timezone is not UNSET:
        changes["timezone"] = check_zone(timezone if isinstance(timezone, str) else None)
    if not changes:
        raise InputError("nothing to change; give --name, --email, --role or --tz")
    from amtui.core import journal

    with db.write() as tx:
        member = find_member(tx, who, config)
        changed = [key for key, value in changes.items() if getattr(member, key) != value]
        for key in changed:
            setattr(member, key, changes[key])
        if changed:
            save(tx, member)
            journal.note(tx, "member edit", f"{member.handle} {member.name}", now=now)
    return member, changed


@struct
class Removed:
    """What `remove_member` did: who left, and what was handed to whom."""

    member: Member
    handed: list[OwnerChange]


def check_removal(db: Database, who: str, *, config: Config, handover: str | None = None) -> Member:
    """What `remove_member` would refuse, refused now (before a front end asks to confirm);
    the member it would remove."""
    with db.read() as tx:
        return _removal(tx, who, config, handover)[0]


def _removal(
    tx: Tx, who: str, config: Config, handover: str | None
) -> tuple[Member, Member | None]:
    member = find_member(tx, who, config)
    target = find_member(tx, handover, config) if handover is not None else None
    if target is not None and target.id == member.id:
        raise InputError(f"{member.handle} would hand over to themselves; name someone else")
    owned = _open_records(tx, member)
    if owned and target is None:
        refs = ", ".join(item.ref for item in owned[:5]) + (" …" if len(owned) > 5 else "")
        raise InputError(
            f"{member.handle} owns {len(owned)} open records ({refs}); hand them over "
            f"with --handover MEMBER, or hand them over first (amtui member handover)"
        )
    return member, target


def remove_member(
    db: Database, who: str, *, now: datetime, config: Config, handover: str | None = None
) -> Removed:
    """Remove a member. While they own open records (leads, tasks, clients) it is refused
    unless `handover` names who takes them over, in the same transaction; their closed
    records become nobody's. One journal entry: `amtui undo` brings the member back with
    every record as it was."""
    from amtui.core import journal, notices

    with db.write() as tx:
        member, target = _removal(tx, who, config, handover)
        handed = _hand_over(tx, member, target, now=now, config=config) if target else []
        notices.forget_member(tx, member.id or 0)
        delete(tx, member)
        summary = f"{member.handle} {member.name}" + (f" (to {target.handle})" if target else "")
        journal.note(tx, "member rm", summary, now=now)
    return Removed(member, handed)

"""The data model (DESIGN §4) as plain records: what every service reads, writes and returns.

Each record is a `struct` (`amtui.core.structs`: what a dataclass does, without compiling
code per class at import) with exactly the columns of its table (same names, same order, same
Python types; tests/core/test_schema.py holds them to the SQLModel declaration in
`amtui.core.schema` and to the database the migrations build). The table definitions live
there, imported only to create or upgrade a database; this module costs no more than the
standard library, so a quick-add never loads an ORM.

Reading and writing, inside a transaction of `amtui.core.sql` (`with db.write() as tx:`):
- `get(tx, Task, 12)`, `records(tx, Task, "SELECT * FROM task WHERE …", params)`, `first(…)`
  build records from rows (`Task.from_row(row)`);
- `insert(tx, record)` stores a new one and sets its id;
- change fields as plain attributes, then `save(tx, record)`: one UPDATE of exactly the fields
  that changed since the record was read or last saved (`unsaved(record)` names them);
- `delete(tx, record)`; the database's foreign keys cascade to what hangs off it.
A record read in a write transaction and changed but never saved is a bug that would lose a
write: the transaction refuses to commit it (RuntimeError), so tests catch it.

The vocabulary (stages, channels, kinds, priorities and the SQL that names waiting leads) lives
in `amtui.core.vocabulary` and is re-exported here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from amtui.core.refs import Kind, ref
from amtui.core.sql import Json
from amtui.core.structs import field, from_rows, from_values, struct, struct_fields

# The vocabulary is defined once, in `amtui.core.vocabulary`; re-exported here.
from amtui.core.vocabulary import CLOSED_STAGES as CLOSED_STAGES
from amtui.core.vocabulary import LEAD_ANSWER_PENDING_SQL as LEAD_ANSWER_PENDING_SQL
from amtui.core.vocabulary import LEAD_WAITING_SQL as LEAD_WAITING_SQL
from amtui.core.vocabulary import OPEN_STAGES as OPEN_STAGES
from amtui.core.vocabulary import PRIORITY_RANK as PRIORITY_RANK
from amtui.core.vocabulary import STAGES as STAGES
from amtui.core.vocabulary import Channel as Channel
from amtui.core.vocabulary import Priority as Priority
from amtui.core.vocabulary import ReminderKind as ReminderKind
from amtui.core.vocabulary import Source as Source
from amtui.core.vocabulary import Stage as Stage

if TYPE_CHECKING:
    from collections.abc import Mapping

    from amtui.core.sql import Params, Tx

#: When an open reminder is next due: the snooze wins over the original time. The literal text
#: of the partial index `ix_reminder_open_effective`, so that SQLite uses it.
REMINDER_DUE_SQL = "coalesce(snoozed_until, due_at)"

R = TypeVar("R", bound="Record")


class Record:
    """What every record shares: its table, how it is read from a row, what was stored."""

    #: The table's name; `KEY` its primary key columns.
    TABLE: ClassVar[str]
    KEY: ClassVar[tuple[str, ...]] = ("id",)
    #: Columns holding JSON (bound through `sql.Json`, compared by value).
    JSON_FIELDS: ClassVar[tuple[str, ...]] = ()
    # The stored values, as last read or written in a write transaction (None: not known).
    _stored: dict[str, Any] | None = None

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The columns, in the table's order."""
        return struct_fields(cls)

    @classmethod
    def from_row(cls: type[R], row: Mapping[str, Any]) -> R:
        """The record of one row (`SELECT *` of its table)."""
        return from_values(cls, row)

    def values(self) -> dict[str, Any]:
        """Every column's value, by name."""
        return {name: getattr(self, name) for name in self.field_names()}


def _snapshot(record: Record) -> dict[str, Any]:
    values = record.values()
    if record.JSON_FIELDS:
        import copy  # ~0.8 M instructions; only a write transaction keeps snapshots

        for name in record.JSON_FIELDS:
            values[name] = copy.deepcopy(values[name])
    return values


def _bind(record: Record, values: dict[str, Any]) -> dict[str, Any]:
    for name in record.JSON_FIELDS:
        if name in values:
            values[name] = Json(values[name])
    return values


def _track(tx: Tx, record: R) -> R:
    """Remember what `record` holds now, so `save` writes only what changes, and check before
    the transaction commits that nothing changed unsaved."""
    if tx.writing:
        record._stored = _snapshot(record)
        if not tx.tracked:
            tx.before_commit(lambda: _check_saved(tx))
        tx.tracked.append(record)
    return record


def _check_saved(tx: Tx) -> None:
    for record in tx.tracked:
        left = unsaved(record)
        if left:
            raise RuntimeError(
                f"{type(record).__name__} {_describe(record)}: changes to {', '.join(left)} "
                "were never saved (amtui.core.models.save); nothing was committed"
            )


def _describe(record: Record) -> str:
    return ", ".join(f"{name}={getattr(record, name)!r}" for name in record.KEY)


# --- reading ---------------------------------------------------------------------------------


def get(tx: Tx, model: type[R], record_id: int | None) -> R | None:
    """The record with this id, or None."""
    if record_id is None:
        return None
    row = tx.one(f"SELECT * FROM {model.TABLE} WHERE id = :id", {"id": record_id})
    return None if row is None else _track(tx, model.from_row(row))


def records(tx: Tx, model: type[R], sql: str, params: Params | None = None) -> list[R]:
    """The records a query returns (`SELECT * FROM task WHERE …`, or `SELECT task.* …`)."""
    found = from_rows(model, tx.all(sql, params))
    if tx.writing:
        for record in found:
            _track(tx, record)
    return found


def first(tx: Tx, model: type[R], sql: str, params: Params | None = None) -> R | None:
    """The first record a query returns, or None."""
    row = tx.one(sql, params)
    return None if row is None else _track(tx, model.from_row(row))


def refresh(tx: Tx, record: Record) -> None:
    """Read a stored record's row again into the same object (after an UPDATE of many rows)."""
    where = " AND ".join(f"{name} = :{name}" for name in record.KEY)
    row = tx.one(
        f"SELECT * FROM {record.TABLE} WHERE {where}", {k: getattr(record, k) for k in record.KEY}
    )
    if row is None:
        raise LookupError(f"{type(record).__name__} {_describe(record)} is gone")
    for name, value in row.items():
        setattr(record, name, value)
    if tx.writing:
        record._stored = _snapshot(record)


# --- writing ---------------------------------------------------------------------------------


def insert(tx: Tx, record: R) -> R:
    """Store a new record; it gets its id (tables with one)."""
    values = record.values()
    has_id = "id" in values
    if has_id and values["id"] is None:
        del values["id"]
    new_id = tx.insert(record.TABLE, _bind(record, values), returning="id" if has_id else None)
    if has_id and record.id is None:  # type: ignore[attr-defined]
        record.id = new_id  # type: ignore[attr-defined]
    return _track(tx, record)


def unsaved(record: Record) -> list[str]:
    """The fields changed since the record was last read or written in a write transaction
    (every field when that is not known)."""
    stored = record._stored
    if stored is None:
        return [name for name in record.field_names() if name not in record.KEY]
    return [
        name
        for name in record.field_names()
        if name not in record.KEY and getattr(record, name) != stored[name]
    ]


def save(tx: Tx, record: Record) -> list[str]:
    """Write the fields of a stored record that changed (one UPDATE; none when nothing did);
    their names."""
    changed = unsaved(record)
    if changed:
        values = _bind(record, {name: getattr(record, name) for name in changed})
        where = " AND ".join(f"{name} = :_key_{name}" for name in record.KEY)
        sets = ", ".join(f'"{name}" = :{name}' for name in values)
        keys = {f"_key_{name}": getattr(record, name) for name in record.KEY}
        tx.run(f"UPDATE {record.TABLE} SET {sets} WHERE {where}", {**values, **keys})
    if tx.writing:
        record._stored = _snapshot(record)
    return changed


def delete(tx: Tx, record: Record) -> None:
    """Delete a stored record (its children go by the foreign keys' ON DELETE)."""
    where = " AND ".join(f"{name} = :{name}" for name in record.KEY)
    tx.run(f"DELETE FROM {record.TABLE} WHERE {where}", {k: getattr(record, k) for k in record.KEY})
    record._stored = None
    tx.tracked[:] = [other for other in tx.tracked if other is not record]


# --- the records -----------------------------------------------------------------------------


@struct(kw_only=True)
class Client(Record):
    TABLE: ClassVar[str] = "client"

    id: int | None = None
    name: str
    name_key: str  # text.fold(name): unique in any script and case
    timezone: str | None = None
    kam_attractiveness: int | None = None  # 1–5
    kam_relationship: int | None = None  # 1–5
    relationship_stage: str = "tactical"
    notes: str = ""
    archived: bool = False
    created_at: datetime
    updated_at: datetime
    locale: str | None = None  # how its documents write money and dates (ru_RU)
    owner_id: int | None = None  # the member who owns the account (team mode)

    @property
    def ref(self) -> str:
        """The short reference that names this record everywhere (`C12`)."""
        return ref(Kind.CLIENT, self.id)


@struct(kw_only=True)
class Contact(Record):
    TABLE: ClassVar[str] = "contact"

    id: int | None = None
    client_id: int
    name: str
    email: str | None = None
    phone: str | None = None
    role: str | None = None
    created_at: datetime


@struct(kw_only=True)
class Member(Record):
    """A person on the team; see `amtui.core.schema.Member` and `amtui.core.members`."""

    TABLE: ClassVar[str] = "member"

    id: int | None = None
    handle: str
    name: str
    email: str | None = None
    role: str | None = None
    timezone: str | None = None
    created_at: datetime

    @property
    def ref(self) -> str:
        """How commands name a member: the handle (`anna`)."""
        return self.handle


@struct(kw_only=True)
class Lead(Record):
    TABLE: ClassVar[str] = "lead"
    JSON_FIELDS: ClassVar[tuple[str, ...]] = ("brief",)

    id: int | None = None
    title: str
    source: str = Source.CLIENT.value
    partner: str | None = None
    channel: str = Channel.EMAIL.value
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    client_id: int | None = None
    stage: str = Stage.NEW.value
    lost_reason: str | None = None
    value_minor: int | None = None  # minor units of `currency` (hundredths without one)
    currency: str | None = None
    timezone: str | None = None
    received_at: datetime
    first_response_at: datetime | None = None
    # The substantive answer: due one working day after arrival in the client's zone (or when
    # the manager promised it); stored so the agenda can find due answers through an index.
    answer_due_at: datetime | None = None
    answered_at: datetime | None = None
    cold_at: datetime | None = None  # the follow-up ladder ran out without a reply
    response_notified_at: datetime | None = None  # `remind due` told the user, once
    answer_notified_at: datetime | None = None
    brief: list[dict[str, str]] = field(default_factory=list)
    external_id: str | None = None
    notes: str = ""
    closed_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    owner_id: int | None = None  # the member who has it; None: nobody's yet (triage)

    @property
    def ref(self) -> str:
        """The short reference that names this record everywhere (`L12`)."""
        return ref(Kind.LEAD, self.id)


@struct(kw_only=True)
class Task(Record):
    TABLE: ClassVar[str] = "task"

    id: int | None = None
    title: str
    notes: str = ""
    client_id: int | None = None
    lead_id: int | None = None
    parent_id: int | None = None
    column: str
    position: int = 0
    due_date: date | None = None  # all-day deadline, in the user's calendar
    due_at: datetime | None = None  # timed deadline
    priority: str = Priority.NORMAL.value
    assignee: str | None = None
    estimate_hours: float | None = None
    done_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    recur: str | None = None  # `+1m`, `2w`: see amtui.core.recurrence
    series_id: int | None = None  # the first task of its series
    owner_id: int | None = None  # the member who does it; None: nobody in particular

    @property
    def due(self) -> date | datetime | None:
        return Task.due_from(self.due_at, self.due_date)

    @staticmethod
    def due_from(due_at: datetime | None, due_date: date | None) -> date | datetime | None:
        """A task's deadline from its two columns (the agenda reads only those, and the
        record of what it shows): the instant of a timed task, else its day."""
        return due_at or due_date

    @property
    def ref(self) -> str:
        """The short reference that names this record everywhere (`T12`)."""
        return ref(Kind.TASK, self.id)


@struct(kw_only=True)
class TaskTag(Record):
    TABLE: ClassVar[str] = "task_tag"
    KEY: ClassVar[tuple[str, ...]] = ("task_id", "tag")

    task_id: int
    tag: str


@struct(kw_only=True)
class Reminder(Record):
    TABLE: ClassVar[str] = "reminder"

    id: int | None = None
    text: str
    kind: str = ReminderKind.CUSTOM.value
    step: int | None = None  # follow-up ladder step, 1-based
    due_at: datetime
    snoozed_until: datetime | None = None
    lead_id: int | None = None
    client_id: int | None = None
    task_id: int | None = None
    done_at: datetime | None = None
    notified_at: datetime | None = None
    created_at: datetime

    @property
    def effective_due(self) -> datetime:
        """When the reminder is next due: the snooze wins over the original time."""
        return self.snoozed_until or self.due_at

    @property
    def ref(self) -> str:
        """The short reference that names this record everywhere (`R12`)."""
        return ref(Kind.REMINDER, self.id)


@struct(kw_only=True)
class Activity(Record):
    TABLE: ClassVar[str] = "activity"
    JSON_FIELDS: ClassVar[tuple[str, ...]] = ("data",)

    id: int | None = None
    kind: str
    text: str = ""
    data: dict[str, Any] | None = None
    lead_id: int | None = None
    client_id: int | None = None
    task_id: int | None = None
    occurred_at: datetime
    created_at: datetime
    actor: str | None = None  # the handle of the member who did it (team mode)


@struct(kw_only=True)
class IntakeItem(Record):
    """One thing intake has read (a mail, a form row, another tool's record), by its
    de-duplication key; see `amtui.core.schema.IntakeItem`."""

    TABLE: ClassVar[str] = "intake_item"

    id: int | None = None
    key: str
    kind: str
    direction: str = "in"
    outcome: str
    lead_id: int | None = None
    origin: str = ""
    occurred_at: datetime
    imported_at: datetime


@struct(kw_only=True)
class ImapState(Record):
    """Where the last IMAP sync of a folder stopped; see `amtui.core.schema.ImapState`."""

    TABLE: ClassVar[str] = "imap_state"
    KEY: ClassVar[tuple[str, ...]] = ("account", "folder")

    account: str
    folder: str
    uidvalidity: int
    last_uid: int
    synced_at: datetime


@struct(kw_only=True)
class Notice(Record):
    """A member was told of a deadline; see `amtui.core.schema.Notice`."""

    TABLE: ClassVar[str] = "notice"
    KEY: ClassVar[tuple[str, ...]] = ("kind", "subject_id", "member_id")

    kind: str
    subject_id: int
    member_id: int
    notified_at: datetime


@struct(kw_only=True)
class JournalEntry(Record):
    """One change made through amtui, with the row images that undo it; see
    `amtui.core.schema.Journal` and `amtui.core.journal`."""

    TABLE: ClassVar[str] = "journal"
    JSON_FIELDS: ClassVar[tuple[str, ...]] = ("changes",)

    id: int | None = None
    action: str
    summary: str = ""
    run_id: int | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)
    created_at: datetime
    undone_at: datetime | None = None
    actor: str | None = None  # the handle of the member who made the change (team mode)


@struct(kw_only=True)
class Proposal(Record):
    """One version of a costed proposal of a lead; see `amtui.core.schema.Proposal`."""

    TABLE: ClassVar[str] = "proposal"

    id: int | None = None
    lead_id: int
    version: int
    title: str
    status: str = "draft"
    valid_until: date | None = None
    intro: str = ""
    notes: str = ""
    sent_at: datetime | None = None
    created_at: datetime
    updated_at: datetime

    @property
    def ref(self) -> str:
        """The short reference that names this record everywhere (`P12`)."""
        return ref(Kind.PROPOSAL, self.id)

    @property
    def number(self) -> str:
        """What the client reads: the lead and the version, `L7-v2`."""
        return f"{ref(Kind.LEAD, self.lead_id)}-v{self.version}"


@struct(kw_only=True)
class ProposalItem(Record):
    TABLE: ClassVar[str] = "proposal_item"

    id: int | None = None
    proposal_id: int
    position: int
    stage: str
    who: str
    description: str = ""
    centihours: int
    rate_minor: int
    currency: str


@struct(kw_only=True)
class Invoice(Record):
    """An invoice of a client; see `amtui.core.schema.Invoice`."""

    TABLE: ClassVar[str] = "invoice"

    id: int | None = None
    client_id: int
    lead_id: int | None = None
    proposal_id: int | None = None
    number: str | None = None
    status: str = "draft"
    currency: str
    amount_minor: int
    issued_on: date | None = None
    due_on: date | None = None
    notes: str = ""
    soon_notified_at: datetime | None = None
    overdue_notified_at: datetime | None = None
    created_at: datetime
    updated_at: datetime

    @property
    def ref(self) -> str:
        """The short reference that names this record everywhere (`I12`)."""
        return ref(Kind.INVOICE, self.id)


@struct(kw_only=True)
class InvoiceLine(Record):
    TABLE: ClassVar[str] = "invoice_line"

    id: int | None = None
    invoice_id: int
    position: int
    description: str
    amount_minor: int


@struct(kw_only=True)
class Payment(Record):
    TABLE: ClassVar[str] = "payment"

    id: int | None = None
    invoice_id: int
    amount_minor: int
    paid_on: date
    reference: str = ""
    created_at: datetime


#: Every record, by table (the schema test walks these).
RECORDS: tuple[type[Record], ...] = (
    Member,
    Client,
    Contact,
    Lead,
    Task,
    TaskTag,
    Reminder,
    Activity,
    IntakeItem,
    ImapState,
    Notice,
    JournalEntry,
    Proposal,
    ProposalItem,
    Invoice,
    InvoiceLine,
    Payment,
)

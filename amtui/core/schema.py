"""The declared schema (DESIGN §4): the SQLModel table classes, read by the migrations and tests.

Imported only to create or upgrade a database (`amtui.core.migrations`) and by the tests that
hold the three descriptions of the data together: these tables, the database the migrations
build, and the plain records of `amtui.core.models` that every command reads and writes
through `amtui.core.sql` (tests/core/test_schema.py). Nothing else imports this module: loading
SQLModel, pydantic and SQLAlchemy costs ~200 ms, which no shell command should pay.

Instants are stored as aware UTC (`UTCDateTime` refuses naive values at the boundary); a task's
all-day due is a plain `date`. Money is kept in minor units (cents) so SQLite never rounds it.
Partial indexes carry their SQLite predicate here; the migrations also give PostgreSQL its own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from amtui.core.vocabulary import (
    LEAD_ANSWER_PENDING_SQL,
    LEAD_WAITING_SQL,
    Channel,
    Priority,
    ReminderKind,
    Source,
    Stage,
)

#: SQLite hands out the id of the newest row again once it is deleted, unless the table is
#: AUTOINCREMENT (PostgreSQL's sequences never do): `R3` must name one reminder for the life of
#: the database, in scripts and notes too. Every table with an id says so (migration 6).
NEVER_REUSE_IDS: dict[str, Any] = {"sqlite_autoincrement": True}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware instant, stored as UTC; a naive datetime is refused, never guessed."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime refused: {value.isoformat()} has no time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _instant(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def _fk(target: str, ondelete: Literal["CASCADE", "SET NULL"], *, nullable: bool = True) -> Any:
    return Field(
        default=None,
        sa_column_kwargs={"nullable": nullable},
        sa_type=sa.Integer,
        foreign_key=target,
        ondelete=ondelete,
        index=True,
    )


class Client(SQLModel, table=True):
    __tablename__ = "client"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(unique=True)  # text.fold(name): unique in any script and case
    timezone: str | None = None
    kam_attractiveness: int | None = None  # 1–5
    kam_relationship: int | None = None  # 1–5
    relationship_stage: str = "tactical"
    notes: str = ""
    archived: bool = False
    created_at: datetime = _instant(nullable=False)
    updated_at: datetime = _instant(nullable=False)
    locale: str | None = None  # how its documents write money and dates: ru_RU, de_DE (migration 9)
    owner_id: int | None = _fk("member.id", "SET NULL")  # the account's owner (migration 15)


class Contact(SQLModel, table=True):
    __tablename__ = "contact"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = _fk("client.id", "CASCADE", nullable=False)
    name: str
    email: str | None = None
    phone: str | None = None
    role: str | None = None
    created_at: datetime = _instant(nullable=False)


class Member(SQLModel, table=True):
    """A person on the team (team mode): leads and tasks name one as their owner."""

    __tablename__ = "member"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    handle: str = Field(unique=True)  # lower-case, e.g. "anna": what commands and `me` name
    name: str
    email: str | None = None
    role: str | None = None
    timezone: str | None = None
    created_at: datetime = _instant(nullable=False)


class Lead(SQLModel, table=True):
    __tablename__ = "lead"
    __table_args__ = (
        # Leads still waiting for a first touch: the agenda and the inbox read these first.
        sa.Index(
            "ix_lead_waiting",
            "received_at",
            sqlite_where=sa.text(LEAD_WAITING_SQL),
        ),
        sa.Index(
            "ix_lead_answer_due",
            "answer_due_at",
            sqlite_where=sa.text(LEAD_ANSWER_PENDING_SQL),
        ),
        # The pipeline's won and lost of the last days: a range, not every lead ever closed.
        sa.Index("ix_lead_stage_closed", "stage", "closed_at"),
        NEVER_REUSE_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str
    source: str = Source.CLIENT.value
    partner: str | None = None
    channel: str = Channel.EMAIL.value
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    client_id: int | None = _fk("client.id", "SET NULL")
    stage: str = Field(default=Stage.NEW.value, index=True)
    lost_reason: str | None = None
    # Minor units of `currency` (hundredths without one), as proposals and invoices keep money.
    value_minor: int | None = Field(default=None, sa_type=sa.BigInteger)
    currency: str | None = None
    timezone: str | None = None
    received_at: datetime = _instant(nullable=False)
    first_response_at: datetime | None = _instant()
    # The substantive answer: due one working day after arrival in the client's zone (or when
    # the manager promised it); stored so the agenda can find due answers through an index.
    answer_due_at: datetime | None = _instant()
    answered_at: datetime | None = _instant()
    cold_at: datetime | None = _instant()  # the follow-up ladder ran out without a reply
    response_notified_at: datetime | None = _instant()  # `remind due` told the user, once
    answer_notified_at: datetime | None = _instant()
    brief: list[dict[str, str]] = Field(default_factory=list, sa_type=sa.JSON)
    external_id: str | None = Field(default=None, unique=True)
    notes: str = ""
    closed_at: datetime | None = _instant()
    created_at: datetime = _instant(nullable=False)
    updated_at: datetime = _instant(nullable=False)
    owner_id: int | None = _fk("member.id", "SET NULL")  # None: nobody's yet (triage)


class Task(SQLModel, table=True):
    __tablename__ = "task"
    __table_args__ = (
        sa.Index("ix_task_board", "parent_id", "column", "position"),
        # A column's open cards counted from the index alone (and listed in hand order).
        sa.Index("ix_task_open_board", "parent_id", "column", "done_at", "position"),
        sa.Index(
            "ix_task_done",
            "column",
            "done_at",
            sqlite_where=sa.text("parent_id IS NULL AND done_at IS NOT NULL"),
        ),
        sa.Index(
            "ix_task_open_due_at",
            "due_at",
            sqlite_where=sa.text("done_at IS NULL AND due_at IS NOT NULL"),
        ),
        sa.Index(
            "ix_task_open_due_date",
            "due_date",
            sqlite_where=sa.text("done_at IS NULL AND due_date IS NOT NULL"),
        ),
        NEVER_REUSE_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str
    notes: str = ""
    client_id: int | None = _fk("client.id", "SET NULL")
    lead_id: int | None = _fk("lead.id", "SET NULL")
    parent_id: int | None = Field(
        default=None, sa_type=sa.Integer, foreign_key="task.id", ondelete="CASCADE"
    )
    column: str
    position: int = 0
    due_date: date | None = None  # all-day deadline, in the user's calendar
    due_at: datetime | None = _instant()  # timed deadline
    priority: str = Priority.NORMAL.value
    assignee: str | None = None
    estimate_hours: float | None = None
    done_at: datetime | None = _instant()
    created_at: datetime = _instant(nullable=False)
    updated_at: datetime = _instant(nullable=False)
    # A recurring task (migration 8): its rule (`+1m` from the due date, `2w` from when it is
    # done; `amtui.core.recurrence`), and the id of its series' first task, which every
    # occurrence shares (no foreign key: the series outlives a deleted first task).
    recur: str | None = None
    series_id: int | None = None
    owner_id: int | None = _fk("member.id", "SET NULL")  # who does it on the team


class TaskTag(SQLModel, table=True):
    __tablename__ = "task_tag"

    task_id: int = Field(
        sa_type=sa.Integer, foreign_key="task.id", ondelete="CASCADE", primary_key=True
    )
    tag: str = Field(primary_key=True, index=True)


class Reminder(SQLModel, table=True):
    __tablename__ = "reminder"
    __table_args__ = (
        sa.Index(
            "ix_reminder_open_due",
            "due_at",
            sqlite_where=sa.text("done_at IS NULL"),
        ),
        # When an open reminder is next due (the snooze wins): what the agenda and
        # `remind due` filter and sort on.
        sa.Index(
            "ix_reminder_open_effective",
            sa.text("coalesce(snoozed_until, due_at)"),
            sqlite_where=sa.text("done_at IS NULL"),
        ),
        NEVER_REUSE_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    text: str
    kind: str = ReminderKind.CUSTOM.value
    step: int | None = None  # follow-up ladder step, 1-based
    due_at: datetime = _instant(nullable=False)
    snoozed_until: datetime | None = _instant()
    lead_id: int | None = _fk("lead.id", "CASCADE")
    client_id: int | None = _fk("client.id", "CASCADE")
    task_id: int | None = _fk("task.id", "CASCADE")
    done_at: datetime | None = _instant()
    notified_at: datetime | None = _instant()
    created_at: datetime = _instant(nullable=False)


class Activity(SQLModel, table=True):
    __tablename__ = "activity"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    text: str = ""
    data: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    lead_id: int | None = _fk("lead.id", "CASCADE")
    client_id: int | None = _fk("client.id", "CASCADE")
    task_id: int | None = _fk("task.id", "CASCADE")
    occurred_at: datetime = _instant(nullable=False)
    created_at: datetime = _instant(nullable=False)
    actor: str | None = None  # the handle of the member who did it (team mode)


class IntakeItem(SQLModel, table=True):
    """One thing intake has read (a mail, a form row), by its de-duplication key, so that
    reading the same mailbox or export again adds nothing. Mail keyed by its Message-ID also
    threads replies: a mail whose In-Reply-To/References names a key here belongs to its lead."""

    __tablename__ = "intake_item"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    # A Message-ID as `<id@host>`, `mail-sha256:…` for mail without one, `form:…` for a row.
    key: str = Field(unique=True)
    kind: str  # "mail" or "form"
    direction: str = "in"  # "in" from a client or partner; "out" from the user (threading)
    outcome: str  # "lead" (created one), "reply" (logged on one), "sent", "skipped"
    # The lead it made or joined; kept (as NULL) when the lead is deleted, so a deleted lead
    # is not imported again.
    lead_id: int | None = _fk("lead.id", "SET NULL")
    origin: str = ""  # where it was read: a file, `imap:ACCOUNT/FOLDER`, a form export
    occurred_at: datetime = _instant(nullable=False)
    imported_at: datetime = _instant(nullable=False)


class ImapState(SQLModel, table=True):
    """Where the last IMAP sync of a folder stopped: a re-run fetches only UIDs above
    `last_uid`, and a changed UIDVALIDITY (the server renumbered the folder) starts over,
    with the keys above keeping it from adding anything twice."""

    __tablename__ = "imap_state"

    account: str = Field(primary_key=True)
    folder: str = Field(primary_key=True)
    uidvalidity: int
    last_uid: int
    synced_at: datetime = _instant(nullable=False)


class Notice(SQLModel, table=True):
    """A member was told of a deadline (`amtui.core.notices`): by `remind due` or a toast."""

    __tablename__ = "notice"

    kind: str = Field(primary_key=True)  # reminder, first-response, answer, invoice-…
    subject_id: int = Field(primary_key=True)  # the reminder's, lead's or invoice's id
    member_id: int = Field(primary_key=True, index=True)  # 0: not a member (`NOT_A_MEMBER`)
    notified_at: datetime = _instant(nullable=False)


class Journal(SQLModel, table=True):
    """One change made through amtui, written in the same transaction as the change, so that
    `amtui undo` can take it back: what was done (`action`, `summary`) and every row it added,
    changed or removed, before and after, in the lossless encoding of `amtui.core.archive`
    (`changes`: a list of `{table, key, before, after}`). The entries of one run of an import
    that commits in batches share `run_id` (the first entry's id)."""

    __tablename__ = "journal"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    action: str
    summary: str = ""
    run_id: int | None = Field(default=None, index=True)
    changes: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    created_at: datetime = _instant(nullable=False)
    undone_at: datetime | None = _instant()
    actor: str | None = None  # the handle of the member who made the change (team mode)


def _money() -> Any:
    """An amount in minor units: BIGINT, since PostgreSQL's INTEGER stops at 21 474 836.47."""
    return Field(sa_type=sa.BigInteger, nullable=False)


class Proposal(SQLModel, table=True):
    """One version of a costed proposal of a lead (`L7-v2`); its lines are `ProposalItem`s."""

    __tablename__ = "proposal"
    __table_args__ = (sa.UniqueConstraint("lead_id", "version"), NEVER_REUSE_IDS)

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = _fk("lead.id", "CASCADE", nullable=False)
    version: int
    title: str
    status: str = "draft"  # draft, sent (its lines are then frozen), accepted, declined
    valid_until: date | None = None
    intro: str = ""
    notes: str = ""
    sent_at: datetime | None = _instant()
    created_at: datetime = _instant(nullable=False)
    updated_at: datetime = _instant(nullable=False)


class ProposalItem(SQLModel, table=True):
    __tablename__ = "proposal_item"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = _fk("proposal.id", "CASCADE", nullable=False)
    position: int
    stage: str
    who: str  # a person or a role
    description: str = ""
    centihours: int  # hours × 100
    rate_minor: int = _money()  # per hour, minor units of `currency`
    currency: str


class Invoice(SQLModel, table=True):
    """An invoice of a client. Paid, partly paid and overdue are derived from its payments
    (`amtui.core.invoicing`), never stored; `number` is given when it is issued."""

    __tablename__ = "invoice"
    __table_args__ = (
        sa.Index("ix_invoice_open_due", "due_on", sqlite_where=sa.text("status = 'issued'")),
        NEVER_REUSE_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    # A client's invoices are part of its books: deleting a client with invoices is refused.
    client_id: int = Field(sa_type=sa.Integer, foreign_key="client.id", index=True, nullable=False)
    lead_id: int | None = _fk("lead.id", "SET NULL")
    proposal_id: int | None = _fk("proposal.id", "SET NULL")
    number: str | None = Field(default=None, unique=True)
    status: str = "draft"  # draft, issued, void
    currency: str
    amount_minor: int = _money()  # the sum of its lines
    issued_on: date | None = None
    due_on: date | None = None
    notes: str = ""
    # `remind due` tells the user once when it falls due soon and once when it is overdue.
    soon_notified_at: datetime | None = _instant()
    overdue_notified_at: datetime | None = _instant()
    created_at: datetime = _instant(nullable=False)
    updated_at: datetime = _instant(nullable=False)


class InvoiceLine(SQLModel, table=True):
    __tablename__ = "invoice_line"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = _fk("invoice.id", "CASCADE", nullable=False)
    position: int
    description: str
    amount_minor: int = _money()


class Payment(SQLModel, table=True):
    """A payment received against an invoice, in its currency; never more than it owes."""

    __tablename__ = "payment"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = _fk("invoice.id", "CASCADE", nullable=False)
    amount_minor: int = _money()
    paid_on: date
    reference: str = ""  # a bank reference, "cash"…
    created_at: datetime = _instant(nullable=False)


class SchemaVersion(SQLModel, table=True):
    """One row per applied migration: the upgrade history of this database file."""

    __tablename__ = "amtui_schema"

    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    name: str
    applied_at: datetime = _instant(nullable=False)

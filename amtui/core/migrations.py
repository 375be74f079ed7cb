"""The versioned schema: an ordered list of migrations, each recorded in `amtui_schema`.

Why not Alembic's script directory: amtui is a desktop tool whose database is created on first
use and must be checked on every command. Reading one row from `amtui_schema` costs well under a
millisecond; loading an Alembic environment costs ~240 ms of imports. So the *bookkeeping* is
ours (a list, a table, a refusal of newer files), while each migration step is written with
Alembic's `Operations`, which emits portable DDL and rebuilds SQLite tables in batch mode.
Alembic and SQLAlchemy are imported only when a database actually needs creating or upgrading
(hence the `import sqlalchemy as sa` inside each step): the check every command runs is two
small queries through `amtui.core.sql`, and the upgrade builds an SQLAlchemy engine for the
same target only then.

Rules for a new migration: append a function, never edit an old one; on SQLite they run with
foreign keys off (a table rebuild with them on would cascade deletes into child tables), in one
transaction, after a backup copy of the file; `PRAGMA foreign_key_check` must pass before commit.
A new table also calls `notify_changes(op, table)`, so open apps on PostgreSQL hear of changes.
"""

from __future__ import annotations

import sqlite3
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from amtui.core.errors import StorageError
from amtui.core.sql import (
    CHANGES_CHANNEL,
    WRITE_LOCK_KEY,
    Database,
    Tx,
    open_sqlite,
    storage_error,
)
from amtui.core.structs import struct

if TYPE_CHECKING:
    import sqlalchemy as sa
    from alembic.operations import Operations


def _instant(name: str, nullable: bool = True) -> sa.Column[datetime]:
    import sqlalchemy as sa

    from amtui.core.schema import UTCDateTime

    return sa.Column(name, UTCDateTime(), nullable=nullable)


def _fk_column(name: str, target: str, ondelete: str, nullable: bool = True) -> sa.Column[int]:
    import sqlalchemy as sa

    return sa.Column(
        name, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable
    )


def _v1_initial(op: Operations) -> None:
    """Clients, contacts, leads, tasks (with tags), reminders and activities."""
    import sqlalchemy as sa

    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False, unique=True),
        sa.Column("timezone", sa.String()),
        sa.Column("owner", sa.String()),
        sa.Column("kam_attractiveness", sa.Integer()),
        sa.Column("kam_relationship", sa.Integer()),
        sa.Column("relationship_stage", sa.String(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        _instant("created_at", False),
        _instant("updated_at", False),
    )
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk_column("client_id", "client.id", "CASCADE", nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("email", sa.String()),
        sa.Column("phone", sa.String()),
        sa.Column("role", sa.String()),
        _instant("created_at", False),
    )
    op.create_index("ix_contact_client_id", "contact", ["client_id"])
    op.create_table(
        "lead",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("partner", sa.String()),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("contact_name", sa.String()),
        sa.Column("contact_email", sa.String()),
        sa.Column("contact_phone", sa.String()),
        _fk_column("client_id", "client.id", "SET NULL"),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("lost_reason", sa.String()),
        sa.Column("value_cents", sa.Integer()),
        sa.Column("currency", sa.String()),
        sa.Column("timezone", sa.String()),
        _instant("received_at", False),
        _instant("first_response_at"),
        sa.Column("brief", sa.JSON(), nullable=False),
        sa.Column("external_id", sa.String(), unique=True),
        sa.Column("notes", sa.String(), nullable=False),
        _instant("closed_at"),
        _instant("created_at", False),
        _instant("updated_at", False),
    )
    op.create_index("ix_lead_client_id", "lead", ["client_id"])
    op.create_index("ix_lead_stage", "lead", ["stage"])
    waiting = "first_response_at IS NULL AND stage NOT IN ('won', 'lost')"
    op.create_index(
        "ix_lead_waiting",
        "lead",
        ["received_at"],
        sqlite_where=sa.text(waiting),
        postgresql_where=sa.text(waiting),
    )
    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        _fk_column("client_id", "client.id", "SET NULL"),
        _fk_column("lead_id", "lead.id", "SET NULL"),
        _fk_column("parent_id", "task.id", "CASCADE"),
        sa.Column("column", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date()),
        _instant("due_at"),
        sa.Column("priority", sa.String(), nullable=False),
        sa.Column("assignee", sa.String()),
        sa.Column("estimate_hours", sa.Float()),
        _instant("done_at"),
        _instant("created_at", False),
        _instant("updated_at", False),
    )
    op.create_index("ix_task_client_id", "task", ["client_id"])
    op.create_index("ix_task_lead_id", "task", ["lead_id"])
    op.create_index("ix_task_board", "task", ["parent_id", "column", "position"])
    for column in ("due_at", "due_date"):
        where = f"done_at IS NULL AND {column} IS NOT NULL"
        op.create_index(
            f"ix_task_open_{column}",
            "task",
            [column],
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )
    op.create_table(
        "task_tag",
        _fk_column("task_id", "task.id", "CASCADE", nullable=False),
        sa.Column("tag", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("task_id", "tag"),
    )
    op.create_index("ix_task_tag_tag", "task_tag", ["tag"])
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("step", sa.Integer()),
        _instant("due_at", False),
        _instant("snoozed_until"),
        _fk_column("lead_id", "lead.id", "CASCADE"),
        _fk_column("client_id", "client.id", "CASCADE"),
        _fk_column("task_id", "task.id", "CASCADE"),
        _instant("done_at"),
        _instant("notified_at"),
        _instant("created_at", False),
    )
    for column in ("lead_id", "client_id", "task_id"):
        op.create_index(f"ix_reminder_{column}", "reminder", [column])
    op.create_index(
        "ix_reminder_open_due",
        "reminder",
        ["due_at"],
        sqlite_where=sa.text("done_at IS NULL"),
        postgresql_where=sa.text("done_at IS NULL"),
    )
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("data", sa.JSON()),
        _fk_column("lead_id", "lead.id", "CASCADE"),
        _fk_column("client_id", "client.id", "CASCADE"),
        _fk_column("task_id", "task.id", "CASCADE"),
        _instant("occurred_at", False),
        _instant("created_at", False),
    )
    for column in ("lead_id", "client_id", "task_id"):
        op.create_index(f"ix_activity_{column}", "activity", [column])


def _v2_lead_workflow(op: Operations) -> None:
    """Lead workflow: the answer deadline, cold leads, and once-only SLA notifications."""
    import sqlalchemy as sa

    with op.batch_alter_table("lead") as batch:
        for column in (
            "answer_due_at",
            "answered_at",
            "cold_at",
            "response_notified_at",
            "answer_notified_at",
        ):
            batch.add_column(_instant(column))
    pending = "answered_at IS NULL AND stage NOT IN ('won', 'lost')"
    op.create_index(
        "ix_lead_answer_due",
        "lead",
        ["answer_due_at"],
        sqlite_where=sa.text(pending),
        postgresql_where=sa.text(pending),
    )
    _backfill_answer_due(op.get_bind())


def _backfill_answer_due(conn: sa.Connection) -> None:
    """Existing leads get the one-working-day answer deadline (default hours, their zone)."""
    from zoneinfo import ZoneInfo

    import sqlalchemy as sa

    from amtui.core.sla import WorkingHours, answer_due

    lead = sa.table(
        "lead",
        sa.column("id", sa.Integer()),
        sa.column("received_at", _instant("received_at").type),
        sa.column("timezone", sa.String()),
        sa.column("client_id", sa.Integer()),
        sa.column("answer_due_at", _instant("answer_due_at").type),
    )
    client = sa.table("client", sa.column("id", sa.Integer()), sa.column("timezone", sa.String()))
    rows = conn.execute(
        sa.select(lead.c.id, lead.c.received_at, lead.c.timezone, client.c.timezone).outerjoin(
            client, client.c.id == lead.c.client_id
        )
    ).all()
    hours = WorkingHours()
    for lead_id, received_at, lead_zone, client_zone in rows:
        zone = ZoneInfo(lead_zone or client_zone or "UTC")
        due = answer_due(received_at, zone, hours)
        conn.execute(sa.update(lead).where(lead.c.id == lead_id).values(answer_due_at=due))


def _v3_reminder_effective_due(op: Operations) -> None:
    """Index when an open reminder is next due (snooze first), so the agenda seeks, not scans."""
    import sqlalchemy as sa

    op.create_index(
        "ix_reminder_open_effective",
        "reminder",
        [sa.text("coalesce(snoozed_until, due_at)")],
        sqlite_where=sa.text("done_at IS NULL"),
        postgresql_where=sa.text("done_at IS NULL"),
    )


def _v4_recent_done_cards(op: Operations) -> None:
    """Index finished cards by column and time, so the board's Done column (recent cards
    only) is counted and listed without walking every card ever finished."""
    import sqlalchemy as sa

    done = "parent_id IS NULL AND done_at IS NOT NULL"
    op.create_index(
        "ix_task_done",
        "task",
        ["column", "done_at"],
        sqlite_where=sa.text(done),
        postgresql_where=sa.text(done),
    )


def _v5_intake_state(op: Operations) -> None:
    """Intake: what has been read (mail by Message-ID or content hash, form rows by their id),
    the lead each belongs to, and each IMAP folder's UIDVALIDITY and last UID."""
    import sqlalchemy as sa

    op.create_table(
        "intake_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(), nullable=False, unique=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        _fk_column("lead_id", "lead.id", "SET NULL"),
        sa.Column("origin", sa.String(), nullable=False),
        _instant("occurred_at", False),
        _instant("imported_at", False),
    )
    op.create_index("ix_intake_item_lead_id", "intake_item", ["lead_id"])
    op.create_table(
        "imap_state",
        sa.Column("account", sa.String(), nullable=False),
        sa.Column("folder", sa.String(), nullable=False),
        sa.Column("uidvalidity", sa.Integer(), nullable=False),
        sa.Column("last_uid", sa.Integer(), nullable=False),
        _instant("synced_at", False),
        sa.PrimaryKeyConstraint("account", "folder"),
    )


#: Every table with an id (all but task_tag and imap_state).
_ID_TABLES = ("client", "contact", "lead", "task", "reminder", "activity", "intake_item")


def _v6_ids_never_reused(op: Operations) -> None:
    """SQLite: an id is never handed out again once its row is deleted (AUTOINCREMENT), as
    PostgreSQL's sequences never do, so `R3` names one reminder for the life of the database.
    Each table is rebuilt with its rows, keys and indexes; the next id follows the highest
    ever used. PostgreSQL: nothing to do."""
    import sqlalchemy as sa

    if op.get_bind().dialect.name != "sqlite":
        return
    with warnings.catch_warnings():
        # Said of ix_reminder_open_effective, which is made again below.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        for table in _ID_TABLES:
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass
    # SQLite cannot reflect an expression index, so the rebuild left this one behind.
    op.execute("DROP INDEX IF EXISTS ix_reminder_open_effective")
    op.create_index(
        "ix_reminder_open_effective",
        "reminder",
        [sa.text("coalesce(snoozed_until, due_at)")],
        sqlite_where=sa.text("done_at IS NULL"),
    )


def _v7_journal(op: Operations) -> None:
    """The undo journal: one row per change made through amtui, with the row images it
    needs to take the change back (`amtui undo`)."""
    import sqlalchemy as sa

    op.create_table(
        "journal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        _instant("created_at", False),
        _instant("undone_at"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_journal_run_id", "journal", ["run_id"])


def _v8_recurring_tasks(op: Operations) -> None:
    """Recurring tasks: a task's repeat rule and the series its occurrences share."""
    import sqlalchemy as sa

    op.add_column("task", sa.Column("recur", sa.String(), nullable=True))
    op.add_column("task", sa.Column("series_id", sa.Integer(), nullable=True))


def _v9_money(op: Operations) -> None:
    """Money (issue 10): proposals of leads with their line items, invoices of clients with
    their lines and payments, and the locale a client's documents are written in. Amounts are
    BIGINT minor units."""
    import sqlalchemy as sa

    with op.batch_alter_table("client") as batch:
        batch.add_column(sa.Column("locale", sa.String()))
    autoincrement = {"sqlite_autoincrement": True}
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk_column("lead_id", "lead.id", "CASCADE", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("valid_until", sa.Date()),
        sa.Column("intro", sa.String(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        _instant("sent_at"),
        _instant("created_at", False),
        _instant("updated_at", False),
        sa.UniqueConstraint("lead_id", "version"),
        **autoincrement,
    )
    op.create_index("ix_proposal_lead_id", "proposal", ["lead_id"])
    op.create_table(
        "proposal_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk_column("proposal_id", "proposal.id", "CASCADE", nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("who", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("centihours", sa.Integer(), nullable=False),
        sa.Column("rate_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        **autoincrement,
    )
    op.create_index("ix_proposal_item_proposal_id", "proposal_item", ["proposal_id"])
    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id"), nullable=False),
        _fk_column("lead_id", "lead.id", "SET NULL"),
        _fk_column("proposal_id", "proposal.id", "SET NULL"),
        sa.Column("number", sa.String(), unique=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("issued_on", sa.Date()),
        sa.Column("due_on", sa.Date()),
        sa.Column("notes", sa.String(), nullable=False),
        _instant("soon_notified_at"),
        _instant("overdue_notified_at"),
        _instant("created_at", False),
        _instant("updated_at", False),
        **autoincrement,
    )
    for column in ("client_id", "lead_id", "proposal_id"):
        op.create_index(f"ix_invoice_{column}", "invoice", [column])
    issued = "status = 'issued'"
    op.create_index(
        "ix_invoice_open_due",
        "invoice",
        ["due_on"],
        sqlite_where=sa.text(issued),
        postgresql_where=sa.text(issued),
    )
    op.create_table(
        "invoice_line",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk_column("invoice_id", "invoice.id", "CASCADE", nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        **autoincrement,
    )
    op.create_index("ix_invoice_line_invoice_id", "invoice_line", ["invoice_id"])
    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk_column("invoice_id", "invoice.id", "CASCADE", nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(), nullable=False),
        _instant("created_at", False),
        **autoincrement,
    )
    op.create_index("ix_payment_invoice_id", "payment", ["invoice_id"])


def _v10_search_index(op: Operations) -> None:
    """SQLite: the search index (`amtui.core.search_index`: the folded text of every task,
    lead, client, contact and reminder in an FTS5 trigram table, kept current by triggers and
    amtui's write transactions), built from the rows already there. PostgreSQL, or an SQLite
    without FTS5's trigram tokenizer: nothing; search folds in SQL there."""
    from amtui.core import search_index

    if op.get_bind().dialect.name != "sqlite" or not search_index.available():
        return
    driver = op.get_bind().connection.driver_connection
    assert driver is not None
    search_index.create(driver)


def _v11_team_members(op: Operations) -> None:
    """Team mode: members (handle, name, email, role, time zone) and the owner of each lead and
    task (NULL: nobody's yet, visible to everyone). Reminders follow what they are about."""
    import sqlalchemy as sa

    op.create_table(
        "member",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("handle", sa.String(), nullable=False, unique=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("email", sa.String()),
        sa.Column("role", sa.String()),
        sa.Column("timezone", sa.String()),
        _instant("created_at", False),
        sqlite_autoincrement=True,
    )
    for table in ("lead", "task"):
        # SQLite: a rebuild (its ALTER TABLE would write the foreign key inline, where
        # SQLAlchemy cannot read its ON DELETE back); the rows, keys, partial indexes and
        # AUTOINCREMENT are kept. PostgreSQL adds the column in place.
        with op.batch_alter_table(table, table_kwargs={"sqlite_autoincrement": True}) as batch:
            batch.add_column(sa.Column("owner_id", sa.Integer()))
            batch.create_foreign_key(
                f"fk_{table}_owner_id", "member", ["owner_id"], ["id"], ondelete="SET NULL"
            )
        op.create_index(f"ix_{table}_owner_id", table, ["owner_id"])
    _restore_search_triggers(op)


def _restore_search_triggers(op: Operations) -> None:
    """SQLite: a table rebuild drops the search index's triggers on it; make them again."""
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    from amtui.core import search_index

    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (search_index.INDEX,)
    ).scalar()
    if found:
        driver = conn.connection.driver_connection
        assert driver is not None
        search_index.create_triggers(driver)


def _v13_who_did_it(op: Operations) -> None:
    """Each timeline entry keeps who made the change (the member handle of `me`, NULL alone):
    who created a lead, client or task and who last changed it are its entries' `actor`."""
    import sqlalchemy as sa

    with op.batch_alter_table("activity") as batch:
        batch.add_column(sa.Column("actor", sa.String()))


def _v14_notices_per_member(op: Operations) -> None:
    """Being told of a deadline is per member (`amtui.core.notices`): one row per deadline
    kind, record and member told. What `remind due` reported before counts as told to every
    member there is now (and to whoever runs amtui without being one), so the upgrade reports
    nothing twice; a member added later hears of what is still due and theirs (or nobody's)."""
    import sqlalchemy as sa

    from amtui.core.notices import KINDS, NOT_A_MEMBER

    op.create_table(
        "notice",
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        _instant("notified_at", False),
        sa.PrimaryKeyConstraint("kind", "subject_id", "member_id"),
    )
    op.create_index("ix_notice_member_id", "notice", ["member_id"])
    everyone = f"SELECT id FROM member UNION ALL SELECT {NOT_A_MEMBER}"
    for kind, (table, column) in KINDS.items():
        op.execute(
            "INSERT INTO notice (kind, subject_id, member_id, notified_at) "
            f"SELECT '{kind}', t.id, m.id, t.{column} FROM {table} t CROSS JOIN ({everyone}) m "
            f"WHERE t.{column} IS NOT NULL"
        )
    notify_changes(op, "notice")


def _v15_lead_value_minor(op: Operations) -> None:
    """A lead's value in its currency's minor unit, BIGINT, as proposals and invoices keep
    money (it was hundredths of the major unit in INTEGER whatever the currency): 1 000 JPY
    stored as 100000 becomes 1000, 1.250 KWD stored as 125 becomes 1250; two-decimal
    currencies, unknown codes and values without a currency keep their number."""
    import sqlalchemy as sa

    from amtui.core.currencies import EXPONENTS

    # SQLite: a rebuild (ALTER TABLE cannot change a declared type), keeping the rows, keys,
    # partial indexes and AUTOINCREMENT; PostgreSQL renames and widens the column in place.
    with op.batch_alter_table("lead", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.alter_column(
            "value_cents",
            new_column_name="value_minor",
            type_=sa.BigInteger(),
            existing_type=sa.Integer(),
            existing_nullable=True,
        )
    _restore_search_triggers(op)
    by_exponent: dict[int, list[str]] = {}
    for code, digits in EXPONENTS.items():
        if digits != 2:
            by_exponent.setdefault(digits, []).append(code)
    for digits, codes in sorted(by_exponent.items()):
        if digits > 2:
            scaled = f"value_minor * {10 ** (digits - 2)}"
        else:  # fewer decimals: rounded half up (the values are never negative)
            step = 10 ** (2 - digits)
            scaled = f"(value_minor + {step // 2}) / {step}"
        op.get_bind().execute(
            sa.text(
                f"UPDATE lead SET value_minor = {scaled} "
                "WHERE value_minor IS NOT NULL AND currency IN :codes"
            ).bindparams(sa.bindparam("codes", expanding=True)),
            {"codes": sorted(codes)},
        )


def _v16_journal_actor(op: Operations) -> None:
    """Each undo journal entry keeps who made the change (the member handle of `me`, NULL
    alone), so that `amtui undo` takes back your own latest change, not a teammate's."""
    import sqlalchemy as sa

    with op.batch_alter_table("journal") as batch:
        batch.add_column(sa.Column("actor", sa.String()))


def _v17_client_owners_are_members(op: Operations) -> None:
    """A client's owner is a member (`client.owner_id`), no longer free text. The text names a
    member when it is their handle or full name (any case, any script); text that names no
    member is kept at the end of the client's notes (`Owner before team members: …`), where
    `amtui show` and the app show it, and the client is left without an owner."""
    import sqlalchemy as sa

    from amtui.core.text import fold

    conn = op.get_bind()
    members = conn.exec_driver_sql("SELECT id, handle, name FROM member ORDER BY id").all()
    by_word: dict[str, int] = {}
    for member_id, _handle, name in members:
        by_word.setdefault(fold(name), member_id)
    for member_id, handle, _name in members:  # a handle wins over another member's full name
        by_word[fold(handle)] = member_id
    owners: dict[int, int] = {}
    client = sa.table(
        "client",
        sa.column("id", sa.Integer()),
        sa.column("owner", sa.String()),
        sa.column("notes", sa.String()),
    )
    rows = conn.execute(
        sa.select(client.c.id, client.c.owner, client.c.notes).where(client.c.owner.is_not(None))
    ).all()
    for client_id, text, notes in rows:
        if not text.strip():
            continue
        found = by_word.get(fold(text.strip()))
        if found is not None:
            owners[client_id] = found
            continue
        kept = f"Owner before team members: {text.strip()}"
        notes = f"{notes.rstrip()}\n\n{kept}" if notes and notes.strip() else kept
        conn.execute(sa.update(client).where(client.c.id == client_id).values(notes=notes))
    # SQLite: a rebuild, as for the lead's and task's owners (migration 11).
    with op.batch_alter_table("client", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer()))
        batch.create_foreign_key(
            "fk_client_owner_id", "member", ["owner_id"], ["id"], ondelete="SET NULL"
        )
        batch.drop_column("owner")
    op.create_index("ix_client_owner_id", "client", ["owner_id"])
    owned = sa.table("client", sa.column("id", sa.Integer()), sa.column("owner_id", sa.Integer()))
    for client_id, member_id in owners.items():
        conn.execute(sa.update(owned).where(owned.c.id == client_id).values(owner_id=member_id))
    _restore_search_triggers(op)


def _v18_open_board_index(op: Operations) -> None:
    """Index top-level cards by column and whether they are done, so the board counts each
    column's open cards from the index alone instead of reading every card's row (at 100 000
    records: ~0.6 ms for the four open columns instead of ~24, on every reload)."""
    op.create_index("ix_task_open_board", "task", ["parent_id", "column", "done_at", "position"])


def _v19_pipeline_closed_index(op: Operations) -> None:
    """Index leads by stage and when they closed, so the pipeline board (its counts, totals
    and first cards) reads the won and lost of the last `closed_days` as a range instead of
    every lead ever won or lost (at 100 000 leads: ~5 ms instead of ~35 for the totals)."""
    op.create_index("ix_lead_stage_closed", "lead", ["stage", "closed_at"])


def notify_changes(op: Operations, table: str) -> None:
    """PostgreSQL: tell every listening app when a statement changed `table` (after commit,
    once per transaction however many rows: `Database.change_token`). A migration that adds a
    table calls this for it; SQLite needs nothing (apps read `PRAGMA data_version`)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"CREATE TRIGGER amtui_notify_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION amtui_notify_change()"
    )


def _v12_change_notifications(op: Operations) -> None:
    """PostgreSQL: a trigger on every table sends a NOTIFY on `amtui_changes` (delivered when
    the transaction commits), so an open app refreshes at once instead of waiting for the
    statistics counters it polled before. SQLite: nothing to do."""
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION amtui_notify_change() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN PERFORM pg_notify('{CHANGES_CHANNEL}', TG_TABLE_NAME); RETURN NULL; END $$"
    )
    tables = conn.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename <> 'amtui_schema' ORDER BY tablename"
    ).scalars()
    for table in list(tables):
        notify_changes(op, table)


Migration = Callable[["Operations"], None]

#: The upgrade path, oldest first. Version N is MIGRATIONS[N - 1].
MIGRATIONS: list[tuple[str, Migration]] = [
    ("initial", _v1_initial),
    ("lead workflow", _v2_lead_workflow),
    ("reminder due index", _v3_reminder_effective_due),
    ("recent done cards index", _v4_recent_done_cards),
    ("intake state", _v5_intake_state),
    ("ids never reused", _v6_ids_never_reused),
    ("undo journal", _v7_journal),
    ("recurring tasks", _v8_recurring_tasks),
    ("money", _v9_money),
    ("search index", _v10_search_index),
    ("team members", _v11_team_members),
    ("change notifications", _v12_change_notifications),
    ("who did it", _v13_who_did_it),
    ("notices per member", _v14_notices_per_member),
    ("lead values in minor units", _v15_lead_value_minor),
    ("journal actor", _v16_journal_actor),
    ("client owners are members", _v17_client_owners_are_members),
    ("open board cards index", _v18_open_board_index),
    ("pipeline closed leads index", _v19_pipeline_closed_index),
]

LATEST = len(MIGRATIONS)


@struct(frozen=True)
class SchemaReport:
    """What `ensure_schema` did: nothing, created the schema, or upgraded it (with a backup)."""

    from_version: int
    to_version: int
    backup: Path | None = None

    @property
    def changed(self) -> bool:
        return self.from_version != self.to_version


class NewerSchemaError(StorageError):
    """The database was written by a newer amtui; it is left untouched."""


_FOREIGN_HINT = "and is not an amtui database; point --db at a new or amtui file"


def read_version(tx: Tx) -> int:
    """The schema version of the database (0 when it holds no amtui schema yet); a database
    holding other programs' tables is refused."""
    if tx.sqlite:
        tables = "SELECT name FROM sqlite_master WHERE type = 'table'"
        ours = f"{tables} AND name = 'amtui_schema'"
        others = f"{tables} AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    else:
        tables = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ours = f"{tables} AND tablename = 'amtui_schema'"
        others = f"{tables} ORDER BY tablename"
    if tx.scalar(ours) is None:
        foreign = tx.column(others)
        if foreign:
            raise StorageError(
                f"this database already holds other tables ({', '.join(foreign[:3])}…) "
                + _FOREIGN_HINT
            )
        return 0
    return int(tx.scalar("SELECT max(version) FROM amtui_schema") or 0)


def ensure_schema(db: Database, *, target: int = LATEST) -> SchemaReport:
    """Create or upgrade the schema to `target`; refuse a database from a newer amtui.

    The common case (already current) is two small queries, and no SQLAlchemy.
    """
    with db.read() as tx:
        current = read_version(tx)
    _refuse_newer(db, current)
    if current >= target:
        return SchemaReport(current, current)
    return _upgrade(db, target)


def _refuse_newer(db: Database, version: int) -> None:
    if version > LATEST:
        raise NewerSchemaError(
            f"database {db.display} has schema version {version}, but this amtui knows only up "
            f"to {LATEST}: it was written by a newer amtui. Upgrade amtui; the "
            f"{'file' if db.is_sqlite else 'database'} was not changed"
        )


#: How long a command waits for another to finish creating or upgrading the schema (the
#: first use of a new database by several commands at once; an upgrade of a big database):
#: longer than a write's BUSY_TIMEOUT_MS, since the schema is needed before anything else.
SCHEMA_WAIT_MS = 60_000


@contextmanager
def _engine(db: Database) -> Iterator[sa.Engine]:
    """An SQLAlchemy engine on the same database, with amtui's connection settings, whose
    transactions take the write lock up front (SQLite: BEGIN IMMEDIATE; PostgreSQL: the
    advisory lock every amtui writer takes). Only for creating or upgrading the schema."""
    import sqlalchemy as sa

    if db.path is not None:
        path = db.path
        # Untyped rows (SQLAlchemy converts values itself); the same pragmas and fold function.
        engine = sa.create_engine(
            db.sqlalchemy_url(),
            creator=lambda: open_sqlite(path, typed=False),
            poolclass=sa.pool.NullPool,
        )
    else:
        engine = sa.create_engine(db.sqlalchemy_url(), poolclass=sa.pool.NullPool)

    def begin(conn: sa.Connection) -> None:
        if db.is_sqlite:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {SCHEMA_WAIT_MS}")
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {SCHEMA_WAIT_MS}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")

    sa.event.listen(engine, "begin", begin)
    try:
        yield engine
    except sa.exc.DBAPIError as error:
        detail = str(error.orig) if error.orig is not None else str(error)
        raise storage_error(detail, db.display) from None
    finally:
        engine.dispose()


def _sa_version(conn: sa.Connection) -> int:
    """`read_version` on an SQLAlchemy connection (inside the upgrade's transaction)."""
    import sqlalchemy as sa

    inspector = sa.inspect(conn)
    if not inspector.has_table("amtui_schema"):
        foreign = sorted(name for name in inspector.get_table_names() if name != "sqlite_sequence")
        if foreign:
            raise StorageError(
                f"this database already holds other tables ({', '.join(foreign[:3])}…) "
                + _FOREIGN_HINT
            )
        return 0
    return int(conn.exec_driver_sql("SELECT max(version) FROM amtui_schema").scalar() or 0)


def _upgrade(db: Database, target: int) -> SchemaReport:
    import sqlalchemy as sa
    from alembic.operations import Operations  # ~240 ms with its imports: only when migrating
    from alembic.runtime.migration import MigrationContext

    backup: Path | None = None
    with _engine(db) as engine, engine.connect() as conn:
        if db.is_sqlite:
            # Must be set outside a transaction (hence on the driver connection, which
            # SQLAlchemy does not autobegin); the connection is closed afterwards.
            _set_foreign_keys(conn, on=False)
        try:
            with conn.begin():
                current = _sa_version(conn)  # again, now under the write lock
                _refuse_newer(db, current)
                if current >= target:
                    return SchemaReport(current, current)
                if current > 0 and db.path is not None:
                    backup = _backup(db.path, current)
                operations = Operations(MigrationContext.configure(conn))
                if current == 0:
                    _version_table().create(conn)
                for version in range(current + 1, target + 1):
                    name, step = MIGRATIONS[version - 1]
                    step(operations)
                    conn.execute(
                        sa.insert(_version_table()).values(
                            version=version, name=name, applied_at=datetime.now(UTC)
                        )
                    )
                if db.is_sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StorageError(
                            f"upgrade of {db.display} stopped: it would break "
                            f"{len(broken)} references; the file was not changed"
                        )
        finally:
            if db.is_sqlite:
                _set_foreign_keys(conn, on=True)
    return SchemaReport(current, target, backup)


def _set_foreign_keys(conn: sa.Connection, *, on: bool) -> None:
    driver = conn.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def _version_table() -> Any:
    from amtui.core.schema import SchemaVersion

    return SchemaVersion.__table__  # type: ignore[attr-defined]


def _backup(path: Path, version: int) -> Path:
    """Copy the database file (consistently, through SQLite's backup API) before an upgrade."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    source = sqlite3.connect(path)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    return target

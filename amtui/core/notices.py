"""Who has been told of which deadline: `remind due` and the app's toasts tell each member once.

One `notice` row says that a member was told of one deadline: its kind (`reminder`,
`first-response`, `answer`, `invoice-due-soon`, `invoice-overdue`), the id of its record, and
when. Being told is per member, not per team: a deadline nobody owns yet is reported to every
member whose `remind due` sees it (once each), and one member's `--owner all` run never uses up
the owner's notification. Whoever runs amtui without being a member (one person's database, a
shared cron job without `me`) is member 0 here (`NOT_A_MEMBER`).

A deadline that moves (a snoozed or re-timed reminder, a promised answer, an invoice's new due
day) is forgotten (`forget`), so everyone is told again. The record's own `*_notified_at`
column keeps when anyone was first told (what `amtui show` prints). Telling someone is not a
change: the table is not journalled (`undo` never takes a notification back) and not exported.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from amtui.core.config import Config
from amtui.core.models import Record
from amtui.core.sql import Tx

#: Who was told, when the one running amtui is not a member of the database.
NOT_A_MEMBER = 0

#: Each kind of deadline: the table of its record, and the column saying when anyone was told.
KINDS: dict[str, tuple[str, str]] = {
    "reminder": ("reminder", "notified_at"),
    "first-response": ("lead", "response_notified_at"),
    "answer": ("lead", "answer_notified_at"),
    "invoice-due-soon": ("invoice", "soon_notified_at"),
    "invoice-overdue": ("invoice", "overdue_notified_at"),
}
_KIND_OF_COLUMN = {columns: kind for kind, columns in KINDS.items()}


def recipient(tx: Tx, config: Config) -> int:
    """Who is told by this run: the member `me` names, or `NOT_A_MEMBER`."""
    if config.me is None:
        return NOT_A_MEMBER
    found = tx.scalar("SELECT id FROM member WHERE handle = :h", {"h": config.me})
    return int(found) if found is not None else NOT_A_MEMBER


def claim(
    tx: Tx,
    kind: str,
    condition: str,
    params: Mapping[str, object],
    *,
    told: int,
    now: datetime,
) -> list[int]:
    """The ids of the records of `kind` where `condition` holds and member `told` was not
    told yet; records that they are told now. Runs in the caller's write transaction, so two
    runs for one member never both claim a deadline (the write lock orders them)."""
    table, column = KINDS[kind]
    # `+id`: ordered after the search, not by reading the table in id order. SQLite chose
    # the latter (no statistics), a scan of every lead (~15 ms at 100k, each of two claims,
    # every 15 s in the app) where the partial indexes of `condition` find the few open ones.
    ids: list[int] = tx.column(
        f"SELECT id FROM {table} WHERE ({condition}) AND NOT EXISTS (SELECT 1 FROM notice "
        f"WHERE notice.kind = :notice_kind AND notice.subject_id = {table}.id "
        "AND notice.member_id = :notice_member) ORDER BY +id",
        {**params, "notice_kind": kind, "notice_member": told},
    )
    if not ids:
        return ids
    tx.insert_many(
        "notice",
        [{"kind": kind, "subject_id": i, "member_id": told, "notified_at": now} for i in ids],
    )
    tx.run(
        f"UPDATE {table} SET {column} = :now WHERE id IN :ids AND {column} IS NULL",
        {"now": now, "ids": tuple(ids)},
    )
    return ids


def forget(tx: Tx, record: Record, *columns: str) -> None:
    """The deadline moved: nobody has been told of it yet (the caller saves `record`)."""
    kinds = []
    for column in columns:
        setattr(record, column, None)
        kinds.append(_KIND_OF_COLUMN[(record.TABLE, column)])
    tx.run(
        "DELETE FROM notice WHERE kind IN :kinds AND subject_id = :id",
        {"kinds": tuple(kinds), "id": getattr(record, "id")},  # noqa: B009 (a Record has no id)
    )


def forget_member(tx: Tx, member_id: int) -> None:
    """A member leaves: what they were told goes with them."""
    tx.run("DELETE FROM notice WHERE member_id = :m", {"m": member_id})


def prune(tx: Tx) -> None:
    """Drop what was said about records since deleted (ids are never handed out again, so a
    stale row misleads nobody; this only keeps the table small)."""
    for table in sorted({table for table, _ in KINDS.values()}):
        kinds = tuple(kind for kind, (t, _) in KINDS.items() if t == table)
        tx.run(
            f"DELETE FROM notice WHERE kind IN :kinds AND NOT EXISTS "
            f"(SELECT 1 FROM {table} WHERE {table}.id = notice.subject_id)",
            {"kinds": kinds},
        )

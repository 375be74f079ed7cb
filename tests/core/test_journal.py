"""The undo journal (issue 11): every change made through amtui is written with the change and
can be taken back, whole, by `undo_latest`; a change that the database no longer matches is
refused, with one line, and nothing is written. On SQLite and PostgreSQL (the `db` fixture)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from amtui.core import journal
from amtui.core.archive import export_archive, import_archive, import_kind
from amtui.core.clients import add_client, add_contact, edit_client
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.drafts import TaskPatch
from amtui.core.errors import InputError, NotFoundError
from amtui.core.leads import LeadDraft, add_lead, delete_lead, edit_lead
from amtui.core.notify import collect_due
from amtui.core.pipeline import (
    change_stage,
    log_lead,
    lose_lead,
    respond_lead,
    win_lead,
)
from amtui.core.reminders import (
    add_reminder,
    complete_reminder,
    delete_reminder,
    edit_reminder,
    snooze_reminder,
)
from amtui.core.tasks import (
    complete_task,
    delete_task,
    edit_task,
    move_task,
    reopen_task,
    reorder_task,
)
from amtui.core.tool_import import ImportedLead, ImportedTask, ToolImport
from tests.core.conftest import QuickAdd


def snapshot(db: Database) -> dict[str, Any]:
    """Every table as an export has it: what a user could notice."""
    return export_archive(db)["tables"]


def undo(db: Database, now: datetime) -> journal.Undone:
    return journal.undo_latest(db, now=now)


@pytest.fixture
def seeded(db: Database, quick: QuickAdd, config: Config, now: datetime) -> Database:
    quick("Send estimate due:fri client:Granel +urgent @copywriter")
    quick("Draft brief parent:T1")
    add_lead(db, LeadDraft(title="SEO audit", client="Granel"), now=now, config=config)
    add_reminder(db, "Call Anna", "tomorrow 10:00", now=now, config=config, about="L1")
    quick("Other card")  # T3, on top of T1
    return db


def changes(db: Database, config: Config, now: datetime) -> dict[str, Callable[[], Any]]:
    later = now + timedelta(minutes=5)
    return {
        "task edit": lambda: edit_task(
            db,
            "T1",
            TaskPatch(title="Send the estimate", add_tags=["money"], remove_tags=["urgent"]),
            now=later,
            config=config,
        ),
        "task move": lambda: move_task(db, "T1", "In progress", now=later, config=config),
        "task done (with its subtask)": lambda: complete_task(db, "T1", now=later, config=config),
        "task delete (with subtask, tags, reminders, timeline)": lambda: delete_task(db, "T1"),
        "task reorder": lambda: reorder_task(db, "T3", 1, now=later),
        "lead respond": lambda: respond_lead(db, "L1", now=later, config=config),
        "lead stage (starts the ladder)": lambda: change_stage(
            db, "L1", "proposal-sent", now=later, config=config
        ),
        "lead log": lambda: log_lead(db, "L1", "call", "Talked", now=later, config=config),
        "lead win (adds starter tasks)": lambda: win_lead(db, "L1", now=later, config=config),
        "lead lose": lambda: lose_lead(db, "L1", "price", now=later),
        "lead edit": lambda: edit_lead(db, "L1", now=later, config=config, title="SEO, 3 sites"),
        "lead delete": lambda: delete_lead(db, "L1"),
        "reminder snooze": lambda: snooze_reminder(db, "R1", "+2h", now=later, config=config),
        "reminder done": lambda: complete_reminder(db, "R1", now=later, config=config),
        "reminder edit": lambda: edit_reminder(db, "R1", now=later, config=config, text="Call"),
        "reminder delete": lambda: delete_reminder(db, "R1"),
        "client edit": lambda: edit_client(db, "C1", now=later, timezone="Asia/Tokyo"),
        "client add": lambda: add_client(db, "Kettle Studio", now=later),
        "contact add": lambda: add_contact(db, "C1", "Anna", now=later, email="a@granel.example"),
    }


NAMES = [
    "task edit",
    "task move",
    "task done (with its subtask)",
    "task delete (with subtask, tags, reminders, timeline)",
    "task reorder",
    "lead respond",
    "lead stage (starts the ladder)",
    "lead log",
    "lead win (adds starter tasks)",
    "lead lose",
    "lead edit",
    "lead delete",
    "reminder snooze",
    "reminder done",
    "reminder edit",
    "reminder delete",
    "client edit",
    "client add",
    "contact add",
]


@pytest.mark.parametrize("name", NAMES)
def test_every_kind_of_change_is_undone_exactly(
    seeded: Database, config: Config, now: datetime, name: str
) -> None:
    before = snapshot(seeded)
    changes(seeded, config, now)[name]()
    assert snapshot(seeded) != before
    done = undo(seeded, now + timedelta(minutes=6))
    assert snapshot(seeded) == before
    assert done.entry.undone_at is not None
    listed = journal.entries(seeded)
    assert listed[0].undone_at is not None and listed[1].undone_at is None


def test_undo_walks_back_through_history_and_then_has_nothing_to_do(
    db: Database, quick: QuickAdd, config: Config, now: datetime
) -> None:
    empty = snapshot(db)
    quick("One client:Granel")
    one = snapshot(db)
    complete_task(db, "T1", now=now, config=config)
    reopen_task(db, "T1", now=now, config=config)
    assert [e.action for e in journal.entries(db)] == ["task reopen", "task done", "task add"]
    undo(db, now)
    undone = undo(db, now)
    assert undone.entry.action == "task done"
    assert snapshot(db) == one
    assert undo(db, now).entry.summary == "T1 One"
    assert snapshot(db) == empty
    with pytest.raises(NotFoundError, match="nothing to undo"):
        undo(db, now)


def test_a_deleted_task_comes_back_with_the_same_reference_and_everything_on_it(
    seeded: Database, now: datetime
) -> None:
    add_reminder_about_task = snapshot(seeded)
    delete_task(seeded, "T1")
    undo(seeded, now)
    assert snapshot(seeded) == add_reminder_about_task
    # ids are never handed out again: the next task is T3, not T1
    with seeded.read() as tx:
        assert sorted(tx.column("SELECT id FROM task")) == [1, 2, 3]


def test_a_row_changed_outside_amtui_since_refuses_the_undo(
    seeded: Database, config: Config, now: datetime
) -> None:
    edit_task(seeded, "T1", TaskPatch(title="Renamed"), now=now, config=config)
    other = Database(seeded.target)  # another program, its own connection
    try:
        with other.write(journal=False) as tx:
            tx.run("UPDATE task SET priority = 'urgent' WHERE id = 1")
    finally:
        other.dispose()
    state = snapshot(seeded)
    with pytest.raises(InputError) as refused:
        undo(seeded, now)
    message = str(refused.value)
    assert "T1 was changed since (priority)" in message and "nothing was undone" in message
    assert "\n" not in message
    assert snapshot(seeded) == state
    assert journal.entries(seeded)[0].undone_at is None


def test_a_deleted_row_cannot_be_restored_over_and_an_added_dependent_blocks(
    seeded: Database, quick: QuickAdd, config: Config, now: datetime
) -> None:
    quick("Another")  # T4
    with seeded.write(journal=False) as tx:  # a subtask added by a program without a journal
        tx.run(
            'INSERT INTO task (title, notes, parent_id, "column", position, priority, '
            "created_at, updated_at) VALUES ('Sub', '', 4, 'To do', 0, 'normal', :n, :n)",
            {"n": now},
        )
    with pytest.raises(InputError, match=r"T5 was added since and depends on T4"):
        undo(seeded, now)
    with seeded.write(journal=False) as tx:
        tx.run("DELETE FROM task WHERE id IN (4, 5)")
    with pytest.raises(InputError, match="T4 was deleted since"):
        undo(seeded, now)


def test_notification_bookkeeping_is_no_change_and_does_not_block_undo(
    seeded: Database, config: Config, now: datetime
) -> None:
    snooze_reminder(seeded, "R1", "+2h", now=now, config=config)
    entries = len(journal.entries(seeded))
    due = collect_due(seeded, now=now + timedelta(days=2), config=config)
    assert due  # the reminder (and the lead) were claimed
    assert len(journal.entries(seeded)) == entries  # claiming is not a change to undo
    undone = undo(seeded, now)
    assert undone.entry.action == "remind snooze"
    with seeded.read() as tx:
        row = tx.one("SELECT snoozed_until, notified_at FROM reminder WHERE id = 1")
    assert row is not None and row["snoozed_until"] is None
    assert row["notified_at"] is not None  # reported since: it stays reported


def test_another_process_change_is_the_latest_and_is_undone_first(
    seeded: Database, config: Config, now: datetime
) -> None:
    other = Database(seeded.target)
    try:
        edit_task(seeded, "T1", TaskPatch(title="Mine"), now=now, config=config)
        edit_task(other, "T1", TaskPatch(priority="high"), now=now, config=config)
        assert undo(seeded, now).entry.title == "task edit: T1 Mine"
        with seeded.read() as tx:
            assert tx.one("SELECT title, priority FROM task WHERE id = 1") == {
                "title": "Mine",
                "priority": "normal",
            }
        assert undo(other, now).entry.summary == "T1 Mine"
    finally:
        other.dispose()


def test_undo_and_a_concurrent_edit_never_interleave(
    seeded: Database, config: Config, now: datetime
) -> None:
    """Two connections at once: the undo and an edit run one after the other, whichever goes
    first, and the database ends in one of the two consistent states."""
    edit_task(seeded, "T1", TaskPatch(title="Edited"), now=now, config=config)
    other = Database(seeded.target)
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def edit() -> None:
        barrier.wait()
        try:
            edit_task(other, "T2", TaskPatch(title="Sub edited"), now=now, config=config)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    thread = threading.Thread(target=edit)
    thread.start()
    barrier.wait()
    try:
        undone = undo(seeded, now)
    finally:
        thread.join()
        other.dispose()
    assert not errors
    with seeded.read() as tx:
        titles = dict(tx.tuples("SELECT id, title FROM task ORDER BY id"))
    if undone.entry.summary == "T1 Edited":  # the undo went first
        assert titles == {1: "Send estimate", 2: "Sub edited", 3: "Other card"}
    else:  # the edit went first and was the latest change
        assert undone.entry.summary == "T2 Sub edited"
        assert titles == {1: "Edited", 2: "Draft brief", 3: "Other card"}


def test_an_import_run_is_one_change_even_over_several_batches(
    db: Database, config: Config, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    import amtui.core.intake_store as intake_store

    empty = snapshot(db)
    monkeypatch.setattr(intake_store, "BATCH_SECONDS", -1.0)  # a new batch for every item
    with ToolImport(db, now=now, config=config, summary="taskwarrior tasks.json") as run:
        for number in range(3):
            run.receive_task(
                ImportedTask(key=f"tw:{number}", title=f"Task {number}", origin="x", client="Acme")
            )
        run.receive_lead(ImportedLead(key="kommo:1", title="Deal", origin="y"))
    with db.read() as tx:
        assert tx.scalar("SELECT count(DISTINCT id) FROM journal") >= 4
    (entry,) = journal.entries(db)
    assert (entry.action, entry.summary, entry.parts) == (
        "import",
        "taskwarrior tasks.json",
        tx_count(db),
    )
    undo(db, now)
    assert snapshot(db) == empty


def tx_count(db: Database) -> int:
    with db.read() as tx:
        return int(tx.scalar("SELECT count(*) FROM journal"))


def test_a_json_restore_and_a_csv_import_are_undone_whole(
    seeded: Database, tmp_path: Any, now: datetime
) -> None:
    archive = export_archive(seeded)
    target = Database(tmp_path / "restore.db") if seeded.is_sqlite else None
    if target is None:
        pytest.skip("a second database on PostgreSQL is the parity suite's")
    from amtui.core.migrations import ensure_schema

    ensure_schema(target)
    try:
        import_archive(target, archive)
        assert export_archive(target) == archive  # the journal is not data: not exported
        (entry,) = journal.entries(target)
        assert entry.action == "import json"
        undo(target, now)
        assert all(not rows for rows in export_archive(target)["tables"].values())
        rows = [
            {**row, "name": "Imported", "name_key": "imported", "id": 9}
            for row in archive["tables"]["client"]
        ]
        import_kind(seeded, "clients", rows)
        assert journal.entries(seeded)[0].action == "import csv clients"
        undo(seeded, now)
        assert snapshot(seeded) == export_archive(seeded)["tables"]
        with seeded.read() as tx:
            assert tx.scalar("SELECT count(*) FROM client WHERE id = 9") == 0
    finally:
        target.dispose()


def test_a_refused_change_writes_no_entry(seeded: Database, config: Config, now: datetime) -> None:
    complete_task(seeded, "T1", now=now, config=config)
    count = tx_count(seeded)
    with pytest.raises(InputError, match="already done"):
        complete_task(seeded, "T1", now=now, config=config)
    with pytest.raises(InputError):
        move_task(seeded, "T1", "Done", now=now, config=config)
    assert tx_count(seeded) == count


def test_the_journal_keeps_a_bounded_history(
    db: Database, quick: QuickAdd, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal, "KEEP", 3)
    for number in range(6):
        quick(f"Task {number}")
    assert [e.summary for e in journal.entries(db)] == ["T6 Task 5", "T5 Task 4", "T4 Task 3"]


@pytest.mark.parametrize(
    ("sql", "table", "where"),
    [
        (
            "UPDATE task SET done_at = :now WHERE parent_id = :id AND done_at IS NULL",
            "task",
            "parent_id = :id AND done_at IS NULL",
        ),
        ("UPDATE lead SET x = :now WHERE a AND (b OR c) RETURNING id", "lead", "a AND (b OR c)"),
        ('DELETE FROM "task" WHERE "id" = :k_id', "task", '"id" = :k_id'),
        (
            "UPDATE task SET position = (SELECT max(p) FROM t WHERE q) WHERE id = 1",
            "task",
            "id = 1",
        ),
        ("DELETE FROM task_tag", "task_tag", None),
    ],
)
def test_statements_are_read_for_their_table_and_condition(
    sql: str, table: str, where: str | None
) -> None:
    statement = journal.parse_statement(sql)
    assert (statement.table, statement.where) == (table, where)


def test_an_insert_is_read_for_its_columns_and_a_statement_it_cannot_read_raises() -> None:
    statement = journal.parse_statement(
        "INSERT INTO imap_state (account, folder) VALUES (:a, coalesce(:f, 'x')) "
        "ON CONFLICT (account, folder) DO UPDATE SET last_uid = 1"
    )
    assert statement.columns == ("account", "folder")
    assert statement.values == (":a", "coalesce(:f, 'x')")
    with pytest.raises(RuntimeError, match="cannot read"):
        journal.parse_statement("WITH x AS (SELECT 1) UPDATE task SET title = 'a'")


def test_row_images_are_kept_in_key_order_whatever_the_storage_order(
    db: Database, quick: QuickAdd
) -> None:
    """An entry lists the rows a statement touched by key, not in the order the database
    happens to store them (on PostgreSQL an updated row moves to the end of its table), so the
    same change is journalled the same way on SQLite and PostgreSQL and in every copy."""
    for title in ("One", "Two", "Three"):
        quick(title)
    with db.write() as tx:
        tx.run("UPDATE task SET notes = 'first edit' WHERE id = 1")  # its row now stored last
    with db.write() as tx:
        tx.run("UPDATE task SET priority = 'high' WHERE id > 0")
        touched = [key for table, key in tx.journal.order if table == "task"]
        tx.run("DELETE FROM task WHERE id > 0")
        deleted = [key for table, key in tx.journal.order if table == "task"]
    assert touched == [(1,), (2,), (3,)]
    assert deleted == [(1,), (2,), (3,)]

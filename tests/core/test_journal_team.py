"""The undo journal in team mode and its stored format (issue 11, leftovers): `undo` takes
back *your* latest change on a shared database, and refuses, naming the teammate, when they
changed the same row since; an added row is kept as its key and a digest, a changed one as its
image before and the columns set; entries written before the "journal actor" migration (whole
images) still undo. On SQLite and PostgreSQL (the `db` fixture) except the old file, which is
SQLite's."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from amtui.core import journal
from amtui.core.archive import export_archive, import_archive
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.drafts import TaskPatch, draft_from_text
from amtui.core.errors import InputError, NotFoundError
from amtui.core.members import add_member
from amtui.core.migrations import LATEST, ensure_schema
from amtui.core.notify import collect_due
from amtui.core.reminders import add_reminder
from amtui.core.tasks import add_task, edit_task
from tests.core.conftest import QuickAdd

OLD_FILE = Path(__file__).parent / "data" / "journal_v13.db.gz"


def as_member(db: Database, handle: str) -> Database:
    """Another connection to the same database, writing as `handle` (a teammate's amtui)."""
    other = Database(db.target)
    other.actor = handle
    return other


@pytest.fixture
def team(db: Database, quick: QuickAdd, now: datetime) -> Iterator[tuple[Database, Database]]:
    """Anna's and Ben's amtui on one database holding T1 and T2 (made by nobody)."""
    add_member(db, "anna", "Anna Berg", now=now)
    add_member(db, "ben", "Ben Ode", now=now)
    quick("Send estimate client:Granel +urgent")
    quick("Call Granel")
    anna, ben = as_member(db, "anna"), as_member(db, "ben")
    try:
        yield anna, ben
    finally:
        anna.dispose()
        ben.dispose()


def behind_amtuis_back(db: Database, sql: str) -> None:
    """A change by another program, which keeps no journal."""
    with db.write(journal=False) as tx:
        tx.run(sql)


def titles(db: Database) -> dict[int, str]:
    with db.read() as tx:
        return dict(tx.tuples("SELECT id, title FROM task ORDER BY id"))


def stored(db: Database) -> list[dict[str, Any]]:
    """The latest journal row's changes as stored."""
    with db.read() as tx:
        return list(tx.scalar("SELECT changes FROM journal ORDER BY id DESC LIMIT 1"))


def test_undo_takes_back_your_own_latest_change_not_a_teammates(
    db: Database, team: tuple[Database, Database], config: Config, now: datetime
) -> None:
    anna, ben = team
    edit_task(anna, "T1", TaskPatch(title="Anna's estimate"), now=now, config=config)
    edit_task(ben, "T2", TaskPatch(title="Ben's call"), now=now, config=config)
    mine = journal.entries(db, actor="anna")
    assert [(e.title, e.actor) for e in mine] == [("task edit: T1 Anna's estimate", "anna")]
    assert [e.actor for e in journal.entries(db)][:2] == ["ben", "anna"]  # everyone's

    undone = journal.undo_latest(anna, now=now, actor="anna")
    assert undone.entry.summary == "T1 Anna's estimate"
    assert titles(db) == {1: "Send estimate", 2: "Ben's call"}  # Ben's change stays
    with pytest.raises(NotFoundError, match=r"nothing of yours \(anna\) to undo; .*--all"):
        journal.undo_latest(anna, now=now, actor="anna")
    # Without a `me` (actor None): the latest change of anyone, as on one person's database.
    assert journal.undo_latest(db, now=now).entry.summary == "T2 Ben's call"
    assert titles(db) == {1: "Send estimate", 2: "Call Granel"}


def test_a_teammates_later_change_to_the_same_row_refuses_naming_them(
    db: Database, team: tuple[Database, Database], config: Config, now: datetime
) -> None:
    anna, ben = team
    edit_task(anna, "T1", TaskPatch(title="Anna's estimate"), now=now, config=config)
    (entry,) = journal.entries(db, actor="anna")
    later = now + timedelta(minutes=3)
    edit_task(ben, "T1", TaskPatch(priority="high"), now=later, config=config)
    bens = journal.entries(db, actor="ben")[0]
    with pytest.raises(InputError) as refused:
        journal.undo_latest(anna, now=later, actor="anna")
    message = str(refused.value)
    assert message == (
        f"can't undo #{entry.id} (task edit: T1 Anna's estimate): T1 was changed since "
        f"(priority, updated_at) by ben in #{bens.id} (task edit: T1 Anna's estimate); "
        "nothing was undone"
    )
    assert titles(db)[1] == "Anna's estimate"
    assert journal.entries(db, actor="anna")[0].undone_at is None
    # Once Ben takes his back, Anna's undoes.
    journal.undo_latest(ben, now=later, actor="ben")
    journal.undo_latest(anna, now=later, actor="anna")
    assert titles(db)[1] == "Send estimate"


def test_a_row_a_teammate_added_under_yours_blocks_and_is_named(
    db: Database, team: tuple[Database, Database], config: Config, now: datetime
) -> None:
    anna, ben = team
    add_task(anna, draft_from_text("Brief", now=now, config=config), now=now, config=config)
    add_task(ben, draft_from_text("Sub parent:T3", now=now, config=config), now=now, config=config)
    with pytest.raises(InputError) as refused:
        journal.undo_latest(anna, now=now, actor="anna")
    assert "T4 was added since by ben in #" in str(refused.value)
    assert "(task add: T4 Sub) and depends on T3; nothing was undone" in str(refused.value)


def test_an_added_row_is_kept_as_its_key_and_a_digest_and_a_change_as_what_it_set(
    db: Database, quick: QuickAdd, config: Config, now: datetime
) -> None:
    quick("Send estimate +urgent")
    added = stored(db)
    assert {c["table"] for c in added} == {"task", "task_tag", "activity"}
    for change in added:
        assert set(change) == {"table", "key", "before", "digest"} and change["before"] is None
    edit_task(db, "T1", TaskPatch(title="Renamed"), now=now + timedelta(hours=1), config=config)
    (task_change,) = [c for c in stored(db) if c["table"] == "task"]
    assert task_change["before"]["title"] == "Send estimate"
    assert set(task_change["set"]) == {"title", "updated_at"}  # not the whole row again
    # Undo still names the fields changed since, from the image before and what was set.
    behind_amtuis_back(db, "UPDATE task SET notes = 'elsewhere' WHERE id = 1")
    with pytest.raises(InputError, match=r"T1 was changed since \(notes\); nothing was undone"):
        journal.undo_latest(db, now=now)
    behind_amtuis_back(db, "UPDATE task SET notes = '' WHERE id = 1")
    journal.undo_latest(db, now=now)
    assert titles(db) == {1: "Send estimate"}


def test_an_added_row_changed_since_refuses_and_bookkeeping_does_not(
    db: Database, quick: QuickAdd, config: Config, now: datetime
) -> None:
    quick("Send estimate")
    behind_amtuis_back(db, "UPDATE task SET priority = 'high' WHERE id = 1")
    with pytest.raises(InputError, match=r"T1 was changed since; nothing was undone"):
        journal.undo_latest(db, now=now)
    behind_amtuis_back(db, "UPDATE task SET priority = 'normal' WHERE id = 1")
    add_reminder(db, "Call Anna", "tomorrow 10:00", now=now, config=config, about="T1")
    assert collect_due(db, now=now + timedelta(days=2), config=config)  # notified_at set
    assert journal.undo_latest(db, now=now).entry.action == "remind add"
    assert journal.undo_latest(db, now=now).entry.action == "task add"
    assert titles(db) == {}


def test_a_bulk_import_keeps_a_digest_per_row_and_undoes_whole(
    db: Database, quick: QuickAdd, tmp_path: Path, now: datetime
) -> None:
    quick("Send estimate due:fri client:Granel +urgent @copywriter")
    quick("Draft brief parent:T1")
    archive = export_archive(db)
    if not db.is_sqlite:
        pytest.skip("a second database on PostgreSQL is the parity suite's")
    target = Database(tmp_path / "restore.db")
    ensure_schema(target)
    try:
        import_archive(target, archive)
        rows = sum(len(found) for found in archive["tables"].values())
        changes = stored(target)
        assert len(changes) == rows
        assert all(set(c) == {"table", "key", "before", "digest"} for c in changes)
        # The entry holds keys and digests, not a second copy of the data.
        assert len(json.dumps(changes)) < len(json.dumps(archive["tables"])) / 2
        journal.undo_latest(target, now=now)
        assert all(not found for found in export_archive(target)["tables"].values())
    finally:
        target.dispose()


@pytest.fixture
def old_file(tmp_path: Path) -> Iterator[Database]:
    """A database written by amtui at schema 13 (main at 5b720dd), whose journal keeps whole
    images: `add "Send estimate client:Granel +urgent"`, `add "Draft brief parent:T1"`, `task
    edit T1 "Send the estimate"`, `add "Other card"`, `task rm T3 --yes`, `import
    taskwarrior` of two tasks (T4, T5)."""
    path = tmp_path / "old.db"
    with gzip.open(OLD_FILE) as packed, path.open("wb") as out:
        shutil.copyfileobj(packed, out)
    database = Database(path)
    try:
        yield database
    finally:
        database.dispose()


def test_entries_written_before_the_compact_format_still_undo(
    old_file: Database, now: datetime
) -> None:
    report = ensure_schema(old_file)
    assert (report.from_version, report.to_version) == (13, LATEST)
    listed = journal.entries(old_file)
    assert [(e.action, e.size, e.actor) for e in listed] == [
        ("import", "6 added", None),
        ("task delete", "2 removed", None),
        ("task add", "2 added", None),
        ("task edit", "1 added, 1 changed", None),
        ("task add", "2 added", None),
        ("task add", "5 added", None),
    ]
    behind_amtuis_back(old_file, "UPDATE task SET title = 'Brief v2' WHERE id = 2")
    assert journal.undo_latest(old_file, now=now).entry.action == "import"
    assert journal.undo_latest(old_file, now=now).entry.action == "task delete"
    assert titles(old_file) == {1: "Send the estimate", 2: "Brief v2", 3: "Other card"}
    assert journal.undo_latest(old_file, now=now).entry.summary == "T3 Other card"
    assert journal.undo_latest(old_file, now=now).entry.action == "task edit"
    assert titles(old_file) == {1: "Send estimate", 2: "Brief v2"}
    with pytest.raises(InputError, match=r"T2 was changed since \(title\); nothing was undone"):
        journal.undo_latest(old_file, now=now)

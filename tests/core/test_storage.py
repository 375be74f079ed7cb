"""Storage (DESIGN §3): connection pragmas, aware UTC instants, locking and concurrent writers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import amtui.core.sql as sql_module
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.drafts import TaskDraft
from amtui.core.errors import InputError, StorageError
from amtui.core.migrations import ensure_schema
from amtui.core.models import Reminder, Task, get, insert, records
from amtui.core.sql import Tx
from amtui.core.task_queries import list_tasks
from amtui.core.tasks import add_task
from tests.conftest import sqlite_only
from tests.storage import settled_change_token


def pragmas(tx: Tx) -> dict[str, object]:
    return {
        name: tx.scalar(f"PRAGMA {name}")
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    }


@sqlite_only
def test_every_connection_gets_the_pragmas(db: Database) -> None:
    expected = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
    with db.read() as tx:
        got = pragmas(tx)
    assert {k: got[k] for k in expected} == expected  # synchronous 2 is FULL
    assert int(got["busy_timeout"]) >= 5000  # type: ignore[call-overload]
    with db.write() as tx:
        got = pragmas(tx)
    assert got["foreign_keys"] == 1 and got["synchronous"] == 2


def test_a_new_file_is_created_in_wal_mode(tmp_path: Path) -> None:
    database = Database(tmp_path / "sub" / ".." / "new.db")
    ensure_schema(database)
    database.dispose()
    assert database.path == (tmp_path / "new.db")
    raw = sqlite3.connect(tmp_path / "new.db")
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


@sqlite_only
def test_write_transactions_take_the_lock_up_front(db: Database) -> None:
    """BEGIN IMMEDIATE: a transaction that reads and then writes can't lose the race half-way."""
    assert db.path is not None
    other = sqlite3.connect(db.path, timeout=0, isolation_level=None)
    try:
        with db.read() as tx:
            records(tx, Task, "SELECT * FROM task")
            other.execute("BEGIN IMMEDIATE")  # readers never block a writer
            other.execute("ROLLBACK")
        with db.write() as tx:
            records(tx, Task, "SELECT * FROM task")  # only a read so far, yet the lock is held
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


# --- instants --------------------------------------------------------------------------------


def test_naive_datetimes_are_refused_at_the_boundary(db: Database, now: datetime) -> None:
    naive = datetime(2026, 11, 25, 10, 0)
    refused = pytest.raises(ValueError, match="naive datetime refused")
    with refused, db.write() as tx:
        insert(tx, Task(title="t", column="To do", created_at=naive, updated_at=now))
    refused = pytest.raises(ValueError, match="naive datetime refused")
    with refused, db.read() as tx:
        records(tx, Task, "SELECT * FROM task WHERE due_at < :t", {"t": naive})
    with db.read() as tx:
        assert records(tx, Task, "SELECT * FROM task") == []


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")),
        datetime(2026, 11, 25, 14, 30, 15, 123456, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Berlin")),  # just after the gap
        datetime(2026, 11, 25, 23, 0, tzinfo=ZoneInfo("America/Los_Angeles")),  # next UTC day
    ],
)
def test_instants_round_trip_as_aware_utc(db: Database, now: datetime, moment: datetime) -> None:
    with db.write() as tx:
        reminder = insert(tx, Reminder(text="r", due_at=moment, created_at=now))
        reminder_id = reminder.id
    with db.read() as tx:
        stored = get(tx, Reminder, reminder_id)
        assert stored is not None
    assert stored.due_at == moment
    assert stored.due_at.tzinfo is UTC
    if db.path is not None:  # SQLite keeps UTC text, as SQLAlchemy wrote it
        raw_db = sqlite3.connect(db.path)
        try:
            (raw,) = raw_db.execute(
                "SELECT due_at FROM reminder WHERE id = ?", (reminder_id,)
            ).fetchone()
        finally:
            raw_db.close()
        assert str(raw).startswith(moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"))


@given(st.datetimes(timezones=st.timezones()))
def test_any_aware_instant_round_trips_through_sqlite_text(moment: datetime) -> None:
    stored = sql_module._to_sqlite(moment)
    assert isinstance(stored, str)  # naive UTC text, as SQLAlchemy wrote it
    back = sql_module._read_datetime(stored.encode())
    # Compared in UTC: Python never calls a repeated (DST fold) wall time equal across zones.
    assert back == moment.astimezone(UTC)
    assert back.tzinfo is UTC


@given(st.datetimes(timezones=st.timezones()))
def test_the_schema_type_stores_instants_as_the_storage_layer_does(moment: datetime) -> None:
    """Files written through SQLAlchemy (`schema.UTCDateTime`, older amtui versions, the
    migrations' backfill) and through `amtui.core.sql` hold the same text."""
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from amtui.core.schema import UTCDateTime

    dialect = sqlite_dialect.dialect()
    bound = UTCDateTime().process_bind_param(moment, dialect)
    text = sqlite_dialect.DATETIME().bind_processor(dialect)(bound)  # type: ignore[misc]
    assert text == sql_module._to_sqlite(moment)


# --- errors the user sees --------------------------------------------------------------------


@sqlite_only
def test_a_locked_database_is_a_one_line_storage_error(
    db: Database, config: Config, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert db.path is not None
    monkeypatch.setattr(sql_module, "BUSY_TIMEOUT_MS", 200)
    waiting = Database(db.path)  # new connections pick up the short timeout
    holder = sqlite3.connect(db.path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        with pytest.raises(StorageError) as info:
            add_task(waiting, TaskDraft("Blocked", client="Newco"), now=now, config=config)
        assert time.monotonic() - started >= 0.15  # it did wait for the other writer
        message = str(info.value)
        assert info.value.exit_code == 3
        assert "locked" in message and str(db.path) in message
        assert "\n" not in message
        assert list_tasks(waiting, config=config) == []  # reading still works meanwhile
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    add_task(waiting, TaskDraft("Now it works"), now=now, config=config)
    waiting.dispose()


@pytest.mark.parametrize(
    "content", [b"hello, this is a text file\n" * 20, b"hi", b"SQLite format 3\x00" + b"\xff" * 200]
)
def test_a_file_that_is_not_sqlite_is_a_storage_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    database = Database(path)
    with pytest.raises(StorageError) as info:
        ensure_schema(database)
    assert info.value.exit_code == 3
    assert "\n" not in str(info.value)
    assert str(path) in str(info.value)
    assert path.read_bytes() == content


def test_a_path_in_a_missing_directory_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="cannot open") as info:
        ensure_schema(Database(tmp_path / "missing" / "amtui.db"))
    assert info.value.exit_code == 3
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize(
    "url", ["bogus://somewhere/db", "http://example.com/db", "mysql://h/db", "://x", "  "]
)
def test_an_unusable_url_is_bad_input(url: str) -> None:
    with pytest.raises(InputError) as info:
        Database(url)
    assert info.value.exit_code == 2


def test_paths_and_urls(tmp_path: Path) -> None:
    assert Database(tmp_path / "a.db").path == tmp_path / "a.db"
    assert Database("~/x.db").path == Path("~/x.db").expanduser().resolve()
    assert Database(f"sqlite:///{tmp_path}/b.db").path == tmp_path / "b.db"
    url = Database("postgresql+psycopg://me:secret@db.example/amtui")
    assert not url.is_sqlite and url.path is None
    assert "secret" not in url.display
    assert url.target == "postgresql+psycopg://me:secret@db.example/amtui"  # to open it again


def test_change_token_moves_when_another_connection_commits(
    db: Database, config: Config, now: datetime
) -> None:
    before = settled_change_token(db)
    assert db.change_token() == before  # polling itself changes nothing
    other = Database(db.target)
    add_task(other, TaskDraft("From the CLI"), now=now, config=config)
    other.dispose()
    for _ in range(50):  # PostgreSQL's counters arrive within about a second
        if db.change_token() != before:
            break
        time.sleep(0.05)
    assert db.change_token() != before


# --- two processes ---------------------------------------------------------------------------

WORKER = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime
    from pathlib import Path

    from amtui.core.config import load_config
    from amtui.core.db import Database
    from amtui.core.drafts import TaskDraft
    from amtui.core.tasks import add_task

    path, go, name = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    db, config = Database(path), load_config()
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    print("ready", flush=True)
    deadline = time.monotonic() + 30
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.002)
    started = time.time()
    for i in range(50):
        add_task(db, TaskDraft(f"{name} {i}", client="Shared"), now=now, config=config)
    print("done", started, time.time(), flush=True)
    db.dispose()
    """
)


@sqlite_only
@pytest.mark.processes
def test_two_processes_writing_at_once_both_succeed(db: Database, tmp_path: Path) -> None:
    assert db.path is not None
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db.path), str(go), name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("cli", "tui")
    ]
    try:
        for worker in workers:  # both are imported and connected before either writes
            assert worker.stdout is not None
            assert worker.stdout.readline().strip() == "ready"
        go.touch()
        results = [worker.communicate(timeout=60) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    spans = []
    for worker, (out, err) in zip(workers, results, strict=True):
        assert worker.returncode == 0, err
        word, started, ended = out.split()
        assert word == "done"
        spans.append((float(started), float(ended)))
    (a_start, a_end), (b_start, b_end) = spans
    assert a_start < b_end and b_start < a_end, "the writers did not overlap"
    with db.read() as tx:
        tasks = records(tx, Task, "SELECT * FROM task")
        clients = tx.scalar("SELECT count(*) FROM client")
    assert len(tasks) == 100
    assert {t.title for t in tasks} == {f"{n} {i}" for n in ("cli", "tui") for i in range(50)}
    assert clients == 1  # "Shared" was created once, not once per process
    # Each add read the top of the column and wrote above it under one lock: no duplicates.
    assert sorted(t.position for t in tasks) == list(range(-99, 1))

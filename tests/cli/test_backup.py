"""`amtui db backup`: consistent copies while another process writes, and never an overwrite."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, count
from tests.conftest import only_on_sqlite

#: A second process committing clients as fast as it can until told to stop (bounded: 60 s).
WRITER = textwrap.dedent(
    """
    import sqlite3, sys, time
    path, stop = sys.argv[1], sys.argv[2]
    conn = sqlite3.connect(path, timeout=10, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 10000")
    deadline = time.monotonic() + 60
    n = 0
    print("writing", flush=True)
    while time.monotonic() < deadline:
        try:
            open(stop).close()
            break
        except FileNotFoundError:
            pass
        n += 1
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO client (name, name_key, relationship_stage, notes, archived,"
            " created_at, updated_at) VALUES (?, ?, 'tactical', ?, 0, '2026-11-25 09:00:00.000000',"
            " '2026-11-25 09:00:00.000000')",
            (f"Writer {n}", f"writer {n}", "x" * 2000),
        )
        conn.execute("COMMIT")
    print(n, flush=True)
    """
)


@only_on_sqlite("a backup through SQLite's backup API; PostgreSQL's is pg_dump (tested below)")
def test_backups_taken_during_writes_are_whole(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    cli.ok("add", "Send estimate client:Granel")
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
    try:
        backups = []
        for number in range(4):
            before = count(db_path, "client")
            target = tmp_path / f"b{number}.db"
            out = cli.ok("db", "backup", str(target))
            after = count(db_path, "client")
            assert out.startswith(f"Backed up {db_path} to {target} (")
            backups.append((target, before, after))
            time.sleep(0.05)  # let the writer commit between backups; not a wait for a result
    finally:
        stop.touch()
        written = int(writer.communicate(timeout=60)[0].strip())
    assert written > 0
    for target, before, after in backups:
        conn = sqlite3.connect(target)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
            clients = conn.execute("SELECT count(*) FROM client").fetchone()[0]
            assert before <= clients <= after  # one snapshot, somewhere in between
            names = {r[0] for r in conn.execute("SELECT name FROM client WHERE name LIKE 'W%'")}
            assert names == {f"Writer {n}" for n in range(1, clients)}  # no gaps: whole commits
        finally:
            conn.close()
        assert not Path(f"{target}-wal").exists()
    # A backup is an amtui database: it opens and shows the same records.
    first = backups[0][0]
    assert "Send estimate" in cli.ok("--db", str(first), "task", "list")


@only_on_sqlite("backup files next to the database file")
def test_the_default_name_and_a_directory_and_no_overwrite(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    cli.ok("add", "Something")
    out = cli.ok("db", "backup")
    made = db_path.with_name("amtui-backup-20261125-090000.db")  # the pinned clock, UTC
    assert out.startswith(f"Backed up {db_path} to {made} (") and made.exists()
    folder = tmp_path / "backups"
    folder.mkdir()
    cli.ok("db", "backup", str(folder))
    assert (folder / made.name).exists()
    before = made.read_bytes()
    message = cli.fails(2, "db", "backup")
    assert message == f"amtui: {made} already exists; amtui never overwrites a backup"
    assert made.read_bytes() == before
    assert "never overwrites" in cli.fails(2, "db", "backup", str(db_path))
    assert "does not exist" in cli.fails(2, "db", "backup", str(tmp_path / "no" / "x.db"))
    assert not list(tmp_path.rglob(".*.tmp"))


def test_nothing_to_back_up_and_postgresql(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    assert "nothing to back up" in cli.fails(1, "--db", str(missing), "db", "backup")
    assert not missing.exists()
    message = cli.fails(
        2, "--db", "postgresql+psycopg://me:secret@db.example/amtui", "db", "backup"
    )
    assert "pg_dump" in message and "secret" not in message


@pytest.mark.parametrize("name", ["amtui.db", "data.sqlite"])
def test_backup_names_keep_the_suffix(tmp_path: Path, name: str) -> None:
    from datetime import UTC, datetime

    from amtui.core.backup import backup_target

    target = backup_target(tmp_path / name, None, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    stem, suffix = name.split(".")
    assert target == tmp_path / f"{stem}-backup-20260102-030405.{suffix}"

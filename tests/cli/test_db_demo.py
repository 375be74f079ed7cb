"""`amtui db path` (where the data is) and `amtui demo [--path]` (a separate demo database)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, Target, count, digest, exists, make_empty, query
from tests.conftest import NOW, ON_POSTGRES, only_on_sqlite

# --- db path -------------------------------------------------------------------------------------


def test_db_path_from_amtui_db(cli: Cli, store: Target) -> None:
    make_empty(store)
    shown = cli.ok("db", "path")
    if ON_POSTGRES:  # the URL, its password hidden
        assert isinstance(store, str) and ":amtui_ci@" not in shown
        assert shown.split("@")[1] == store.split("@")[1] + "\n"
    else:
        assert shown == f"{store}\n"
    assert not exists(store)  # saying where the data is creates nothing


def test_db_option_wins(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    assert cli.ok("--db", str(other), "db", "path") == f"{other}\n"
    cli.ok("--db", str(other), "add", "Card")
    assert count(other, "task") == 1


def test_db_path_from_the_config(
    cli: Cli, isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AMTUI_DB")
    monkeypatch.setenv("HOME", str(tmp_path))
    (isolated / "config.toml").write_text(
        'timezone = "Europe/Berlin"\ndb = "~/work/amtui.db"\n', encoding="utf-8"
    )
    assert cli.ok("db", "path") == f"{tmp_path / 'work' / 'amtui.db'}\n"
    cli.ok("add", "Card")
    assert count(tmp_path / "work" / "amtui.db", "task") == 1
    # AMTUI_DB beats the config, --db beats both.
    monkeypatch.setenv("AMTUI_DB", str(tmp_path / "env.db"))
    assert cli.ok("db", "path") == f"{tmp_path / 'env.db'}\n"
    assert cli.ok("--db", str(tmp_path / "opt.db"), "db", "path") == f"{tmp_path / 'opt.db'}\n"


def test_db_path_default_is_in_the_data_directory(
    cli: Cli, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AMTUI_DB")
    expected = isolated / "data" / "amtui" / "amtui.db"  # XDG_DATA_HOME points into tmp
    assert cli.ok("db", "path") == f"{expected}\n"
    cli.ok("add", "Card")
    assert count(expected, "task") == 1


def test_db_path_accepts_a_url_and_hides_its_password(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMTUI_DB", f"sqlite:///{tmp_path / 'url.db'}")
    assert cli.ok("db", "path") == f"{tmp_path / 'url.db'}\n"
    cli.ok("add", "Card")
    assert count(tmp_path / "url.db", "task") == 1
    out = cli.ok("--db", "postgresql+psycopg://amy:s3cret@db.example/amtui", "db", "path")
    assert "s3cret" not in out
    assert out == "postgresql+psycopg://amy:***@db.example/amtui\n"


def test_db_path_relative_is_resolved(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.ok("--db", "rel.db", "db", "path") == f"{tmp_path / 'rel.db'}\n"


# --- demo ----------------------------------------------------------------------------------------


def test_demo_creates_a_separate_database(cli: Cli, isolated: Path, store: Target) -> None:
    before = digest(store)
    out = cli.ok("demo")
    demo = isolated / "data" / "amtui" / "demo.db"
    assert out.splitlines()[0] == f"Demo database ready: {demo}"
    assert f"amtui --db {demo} agenda" in out
    summary = re.search(r"(\d+) clients, (\d+) leads, (\d+) tasks, (\d+) reminders", out)
    assert summary is not None
    clients, leads, tasks, reminders = (int(n) for n in summary.groups())
    assert count(demo, "client") == clients
    assert count(demo, "lead") == leads
    assert count(demo, "task") == tasks
    assert count(demo, "reminder") == reminders
    assert digest(store) == before  # the user's own data is untouched


def test_demo_week_is_relative_to_now(cli: Cli, tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    cli.ok("demo", "--path", str(demo))
    agenda = cli.json("--db", str(demo), "agenda")
    assert agenda["date"] == "2026-11-25"
    for section in ("overdue", "today", "waiting_leads", "reminders", "upcoming"):
        assert agenda[section]["total"] > 0, section
    waiting = agenda["waiting_leads"]["items"]
    assert any(not item["overdue"] for item in waiting)  # a 15-minute clock still running
    assert all(item["lead"]["first_response_at"] is None for item in waiting)
    for item in agenda["overdue"]["items"]:
        assert item["overdue"] is True
        assert item["due"][:10] <= "2026-11-25"
        if "T" in item["due"]:
            assert datetime.fromisoformat(item["due"]) < NOW
    for item in agenda["today"]["items"]:
        assert item["due"][:10] == "2026-11-25"
    for item in agenda["upcoming"]["items"]:
        assert "2026-11-25" < item["due"][:10] <= "2026-12-02"
    assert cli.json("--db", str(demo), "lead", "list", "--waiting")
    assert len(cli.json("--db", str(demo), "client", "list")) >= 5
    assert cli.json("--db", str(demo), "search", "гранель")


def test_demo_refresh_replaces_only_a_demo(cli: Cli, tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    cli.ok("demo", "--path", str(demo))
    tasks = count(demo, "task")
    cli.ok("--db", str(demo), "add", "My experiment")
    assert count(demo, "task") == tasks + 1
    out = cli.ok("demo", "--path", str(demo))
    assert out.startswith(f"Demo database ready: {demo}")
    assert count(demo, "task") == tasks  # fresh again
    assert query(demo, "SELECT count(*) FROM task WHERE title = 'My experiment'") == [(0,)]


@only_on_sqlite("`demo --path` takes a file, here the user's own")
def test_demo_refuses_to_overwrite_real_data(cli: Cli, db_path: Path) -> None:
    cli.ok("add", "Real work")
    before = digest(db_path)
    message = cli.fails(2, "demo", "--path", str(db_path))
    assert "not an amtui demo database" in message
    assert digest(db_path) == before
    assert cli.json("task", "list")[0]["title"] == "Real work"


def test_demo_refuses_to_overwrite_any_other_file(cli: Cli, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("precious\n", encoding="utf-8")
    assert "not an amtui demo database" in cli.fails(2, "demo", "--path", str(notes))
    assert notes.read_text(encoding="utf-8") == "precious\n"
    folder = tmp_path / "folder"
    folder.mkdir()
    cli.fails(2, "demo", "--path", str(folder))
    assert folder.is_dir()


# --- an older database is upgraded, after a backup ----------------------------------------------


def test_older_database_is_upgraded_with_a_backup(cli: Cli, store: Target) -> None:
    """An SQLite file is copied first (PostgreSQL's backups are pg_dump's business)."""
    from amtui.core.db import Database
    from amtui.core.migrations import LATEST, ensure_schema

    make_empty(store)
    if isinstance(store, Path):
        store.parent.mkdir(parents=True, exist_ok=True)
    old = Database(store)
    try:
        ensure_schema(old, target=1)
    finally:
        old.dispose()
    result = cli("add", "Card")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Added T1: Card")
    [line] = result.stderr.splitlines()
    if isinstance(store, Path):
        assert line.startswith(f"amtui: upgraded database schema 1 → {LATEST} (backup: ")
        [backup] = store.parent.glob("amtui.db.v1-*.bak")
        assert str(backup) in line
        assert query(backup, "SELECT max(version) FROM amtui_schema") == [(1,)]
    else:
        assert line == f"amtui: upgraded database schema 1 → {LATEST}"
    assert query(store, "SELECT max(version) FROM amtui_schema") == [(LATEST,)]
    again = cli("task", "list")
    assert again.exit_code == 0 and again.stderr == ""  # upgraded once

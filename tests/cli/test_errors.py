"""Errors: exit codes 1 (not found), 2 (bad input), 3 (storage), one line, never a traceback,
and bad input writes nothing (README, "Exit codes"; DESIGN §6)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.cli.conftest import (
    Cli,
    Target,
    build_template,
    count,
    digest,
    exists,
    make_empty,
    use_template,
)
from tests.conftest import only_on_sqlite

#: Commands that read or write data; each must refuse a database it cannot use.
DATA_COMMANDS = [
    ["add", "Send estimate client:Fresh"],
    ["task", "list"],
    ["task", "show", "T1"],
    ["task", "edit", "T1", "+x"],
    ["task", "done", "T1"],
    ["task", "move", "T1", "review"],
    ["task", "rm", "T1", "--yes"],
    ["lead", "add", "Website"],
    ["lead", "list"],
    ["lead", "show", "L1"],
    ["lead", "rm", "L1", "--yes"],
    ["client", "add", "Fresh"],
    ["client", "list"],
    ["client", "edit", "C1", "--owner", "x"],
    ["contact", "add", "C1", "Anna"],
    ["contact", "list"],
    ["remind", "add", "Call", "--at", "tomorrow"],
    ["remind", "list"],
    ["remind", "done", "R1"],
    ["agenda"],
    ["agenda", "--format", "json"],
    ["show", "L1"],
    ["search", "estimate"],
    ["remind", "snooze", "R1", "+1h"],
    ["remind", "due"],
    ["lead", "respond", "L1"],
    ["lead", "stage", "L1", "briefed"],
    ["lead", "log", "L1", "call", "Talked"],
    ["lead", "win", "L1"],
    ["lead", "lose", "L1", "--reason", "price"],
    ["followups"],
    ["report"],
]


def build_filled(cli: Cli) -> None:
    cli.ok("add", "Estimate client:Granel")
    cli.ok("lead", "add", "Website", "--client", "Granel")
    cli.ok("remind", "add", "Call", "--at", "tomorrow 10:00", "--about", "L1")


@pytest.fixture(scope="module")
def filled_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build_filled)


@pytest.fixture
def filled(cli: Cli, store: Target, filled_template: Path) -> Target:
    """T1 for Granel (C1), lead L1 for Granel, reminder R1 about L1."""
    use_template(filled_template, store)
    return store


def assert_nothing_written(cli: Cli, store: Target, before: str) -> None:
    assert digest(store) == before
    if isinstance(store, Path):  # no schema upgrade began (it backs the file up first)
        assert not list(store.parent.glob("*.bak"))


# --- 2: bad dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["add", "Call due:frii client:Fresh"],
        ["add", "Call", "--due", "frii", "--client", "Fresh"],
        ["task", "edit", "T1", "due:frii", "client:Fresh"],
        ["task", "edit", "T1", "--due", "frii", "--client", "Fresh"],
        ["lead", "add", "Website", "--received", "frii", "--client", "Fresh"],
        ["lead", "edit", "L1", "--received", "frii", "--client", "Fresh"],
        ["remind", "add", "Call", "--at", "frii", "--about", "L1"],
        ["agenda", "--date", "frii"],
    ],
)
def test_bad_date(cli: Cli, filled: Target, args: list[str]) -> None:
    before = digest(filled)
    message = cli.fails(2, *args)
    assert message.startswith("amtui: can't read 'frii' as a date")
    assert "accepted: 2026-12-01" in message and "tomorrow" in message and "+3d" in message
    assert_nothing_written(cli, filled, before)
    assert [c["name"] for c in cli.json("client", "list")] == ["Granel"]


# --- 2: malformed tokens and values --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("Call due:", "due: needs a value"),
        ("Call due: tomorrow", "due: needs a value"),
        ("Call pri:zzz", "unknown priority 'zzz'"),
        ("Call pri:", "pri: needs a value"),
        ("Call col:nope", "unknown column 'nope'"),
        ("Call col:o", "unknown column 'o'"),
        ("Call est:zz", "not an estimate"),
        ("Call est:0", "sensible estimate"),
        ('Call client:""', "client: needs a value"),
        ('Call client:"Open quote', "closing"),
        ("Call lead:X7", "not a reference"),
        ("Call due:fri due:sat", "given twice"),
        ("Call @anna @bob", "more than one @assignee"),
        ("due:fri", "title cannot be empty"),
        ("Two\nlines", "one line"),
    ],
)
def test_malformed_token_writes_nothing(cli: Cli, filled: Target, text: str, needle: str) -> None:
    before = digest(filled)
    message = cli.fails(2, "add", f"{text} client:Fresh" if "client:" not in text else text)
    assert needle in message
    assert_nothing_written(cli, filled, before)
    assert count(filled, "task") == 1
    assert [c["name"] for c in cli.json("client", "list")] == ["Granel"]


@pytest.mark.parametrize(
    "args",
    [
        ["task", "done", "L7"],
        ["task", "show", "C1"],
        ["task", "edit", "R1", "x"],
        ["task", "rm", "L1", "--yes"],
        ["task", "reopen", "L1"],
        ["add", "Call parent:L1"],
        ["add", "Call lead:T1"],
        ["add", "Call", "--parent", "C1"],
        ["lead", "show", "T1"],
        ["lead", "edit", "C1", "--title", "x"],
        ["remind", "done", "L1"],
    ],
)
def test_wrong_kind_of_reference(cli: Cli, filled: Target, args: list[str]) -> None:
    before = digest(filled)
    message = cli.fails(2, *args)
    assert "is needed here" in message
    assert_nothing_written(cli, filled, before)


# --- 1: unknown references -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["task", "show", "T99"], "amtui: no task T99"),
        (["task", "done", "99"], "amtui: no task T99"),
        (["task", "edit", "T99", "x"], "amtui: no task T99"),
        (["task", "move", "T99", "review"], "amtui: no task T99"),
        (["task", "rm", "T99", "--yes"], "amtui: no task T99"),
        (["lead", "show", "L99"], "amtui: no lead L99"),
        (["client", "show", "C99"], "amtui: no client C99"),
        (["remind", "done", "R99"], "amtui: no reminder R99"),
        (["show", "R99"], "amtui: no reminder R99"),
        (["add", "Call parent:T99 client:Fresh"], "amtui: no task T99"),
        (["add", "Call lead:L99 client:Fresh"], "amtui: no lead L99"),
        (["add", "Call client:C99"], "amtui: no client C99"),
        (["remind", "add", "Call", "--at", "tomorrow", "--about", "T99"], "amtui: no task T99"),
    ],
)
def test_unknown_reference(cli: Cli, filled: Target, args: list[str], message: str) -> None:
    before = digest(filled)
    assert cli.fails(1, *args) == message
    assert_nothing_written(cli, filled, before)
    assert [c["name"] for c in cli.json("client", "list")] == ["Granel"]


# --- 2: destructive commands off a terminal ------------------------------------------------------


@pytest.mark.parametrize("noun", ["task", "lead"])
def test_rm_without_yes_when_stdin_is_not_a_terminal(cli: Cli, filled: Target, noun: str) -> None:
    before = digest(filled)
    ref = "T1" if noun == "task" else "L1"
    message = cli.fails(2, noun, "rm", ref, input="y\n")
    assert "add --yes when not on a terminal" in message
    assert_nothing_written(cli, filled, before)
    assert count(filled, noun) == 1


# --- 2: usage errors and a bad config ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["nosuch"], "No such command 'nosuch'"),
        (["--bogus"], "No such option: --bogus"),
        (["task"], "Missing command"),
        (["add"], "Missing argument"),
        (["task", "list", "--limit", "x"], "--limit"),
        (["agenda", "--days", "-1"], "--days"),
        (["lead", "list", "--format", "xml"], "--format"),
        (["task", "edit", "T1", "--titel", "x"], "--titel"),
    ],
)
def test_usage_errors_are_one_line(cli: Cli, args: list[str], needle: str) -> None:
    message = cli.fails(2, *args)
    assert needle in message
    assert "--help" in message


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        ('timezone = "Europe/Berlin"\ncolour = "red"\n', "unknown setting colour"),
        ('timezone = "Mars/Base"\n', "not an IANA zone"),
        ("timezone = \n", "not valid TOML"),
        ('[board]\ncolumns = ["Only"]\n', "at least two"),
    ],
)
def test_bad_config_file(cli: Cli, isolated: Path, store: Target, config: str, needle: str) -> None:
    make_empty(store)
    (isolated / "config.toml").write_text(config, encoding="utf-8")
    for args in (["add", "Card"], ["agenda"], ["task", "list"]):
        assert needle in cli.fails(2, *args)
    assert not exists(store)


# --- 3: storage problems -------------------------------------------------------------------------


def make_newer(store: Target) -> None:
    from amtui.core.db import Database

    database = Database(store)
    try:
        with database.write(journal=False) as tx:
            tx.run(
                "INSERT INTO amtui_schema (version, name, applied_at) "
                "VALUES (999, 'from the future', :at)",
                {"at": datetime(2030, 1, 1, tzinfo=UTC)},
            )
    finally:
        database.dispose()


@pytest.mark.parametrize("args", DATA_COMMANDS, ids=" ".join)
def test_newer_schema_is_refused_untouched(cli: Cli, filled: Target, args: list[str]) -> None:
    make_newer(filled)
    before = digest(filled)
    message = cli.fails(3, *args)
    assert "schema version 999" in message and "newer amtui" in message
    where = "file" if isinstance(filled, Path) else "database"  # PostgreSQL has no file
    assert message.endswith(f"; the {where} was not changed")
    assert_nothing_written(cli, filled, before)


def test_newer_schema_still_says_where_the_data_is(cli: Cli, filled: Target) -> None:
    from amtui.core.db import Database

    make_newer(filled)
    assert cli.ok("db", "path") == f"{Database(filled).display}\n"


@only_on_sqlite("a file that is not SQLite's")
@pytest.mark.parametrize("args", DATA_COMMANDS[:3] + DATA_COMMANDS[-4:], ids=" ".join)
def test_not_a_database_file(cli: Cli, db_path: Path, args: list[str]) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db_path.write_bytes(b"This is a text file, not SQLite.\n" * 200)
    before = digest(db_path)
    message = cli.fails(3, *args)
    assert "not a readable amtui database" in message
    assert digest(db_path) == before


@only_on_sqlite("a directory where the file should be")
def test_database_path_is_a_directory(cli: Cli, db_path: Path) -> None:
    db_path.mkdir(parents=True)
    assert "cannot open database" in cli.fails(3, "task", "list")
    assert "cannot open database" in cli.fails(3, "add", "Card")


@only_on_sqlite("another program's SQLite file")
def test_another_programs_sqlite_database(cli: Cli, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    before = digest(db_path)
    assert "not an amtui database" in cli.fails(3, "add", "Card")
    assert "not an amtui database" in cli.fails(3, "agenda")
    assert digest(db_path) == before


def test_locked_database(cli: Cli, filled: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    import amtui.core.sql

    monkeypatch.setattr(amtui.core.sql, "BUSY_TIMEOUT_MS", 50)
    with write_lock_held(filled):
        assert "locked by another program" in cli.fails(3, "add", "Card")
        assert "locked by another program" in cli.fails(3, "task", "done", "T1")
        # Readers are never blocked by a writer (SQLite: WAL).
        assert [t["ref"] for t in cli.json("task", "list")] == ["T1"]
        cli.ok("agenda")
    cli.ok("task", "done", "T1")


@contextmanager
def write_lock_held(store: Target) -> Iterator[None]:
    """Another program in the middle of a write transaction: SQLite's write lock, or on
    PostgreSQL the advisory lock every amtui writer takes first."""
    if isinstance(store, Path):
        writer = sqlite3.connect(store, isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")
            yield
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        return
    import psycopg

    from amtui.core.db import WRITE_LOCK_KEY, Database

    url = Database(store).url
    assert url is not None
    with psycopg.connect(url) as writer:  # a transaction until the block ends
        writer.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        yield
        writer.rollback()


# --- text that is not UTF-8 ----------------------------------------------------------------------


def test_argument_that_is_not_utf8(tmp_path: Path) -> None:
    """A raw C1 byte from the shell (`printf '\\x9b'`) is undecodable: exit 2, one line."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    title = b"Evil \x9b[31mred"
    result = subprocess.run(
        [sys.executable, "-m", "amtui", "add", title],
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.decode("utf-8", "replace").splitlines()
    assert len(lines) == 1 and lines[0].startswith("amtui: "), lines
    assert b"\x9b" not in result.stderr and b"\x1b" not in result.stderr
    assert b"Traceback" not in result.stderr
    store = os.environ["AMTUI_DB"]
    assert not exists(store) or count(store, "task") == 0

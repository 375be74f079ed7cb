"""CLI tests run the real Typer app in-process with the clock pinned to NOW.

`cli(...)` returns Typer's Result (stdout and stderr kept apart); `cli.ok(...)` asserts exit 0
and returns stdout; `cli.json(...)` adds `--format json` and parses it; `cli.fails(code, ...)`
asserts the exit code and the error contract of DESIGN §6: one line on stderr starting with
"amtui:", nothing on stdout, never a traceback.

Where the data is: AMTUI_DB names an SQLite file in the test's directory (created by the first
command), or with AMTUI_TEST_DB=postgresql the AMTUI_TEST_POSTGRES database, reset to a new
database's state before each test (tests/pgdb.py). The `store` fixture is that place (a `Path`
or a URL); `query`, `count`, `digest`, `exists` and `use_template` take either. Tests about
SQLite files themselves use `db_path` and are marked `only_on_sqlite(reason)`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import NOW, ON_POSTGRES, copy_database, migrated_template, postgres_url

#: Any escape or control sequence introducer: CSI/OSC/… (7-bit and C1 forms) and raw ESC.
ANSI = re.compile("[\x1b\x9b\x9d]")
#: Characters that must never reach a terminal raw (DESIGN §8).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_no_traceback(result: Any) -> None:
    exception = result.exception
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    assert "Traceback" not in result.stdout
    assert "Traceback" not in result.stderr


@functools.cache
def click_command() -> Any:
    """The Click command tree of `amtui`, built once and whole (`load_all`): Typer rebuilds it
    on every invoke, and a real run builds only the command it runs (tests/cli/test_lazy.py)."""
    import typer

    from amtui.cli.main import app

    command = typer.main.get_command(app)
    command.load_all()
    return command


def create_from_template(monkeypatch: pytest.MonkeyPatch, template: Path) -> None:
    """A command that creates a new SQLite database gets a copy of `template` (made by the
    same `ensure_schema`) instead of running every migration again: the same file, a tenth of
    a second of CPU and several fsyncs less in each of a thousand tests. An existing file, an
    older schema and PostgreSQL go through `ensure_schema` as ever, and the real creation is
    tested in tests/core/test_migrations.py and by every test that runs amtui in a process."""
    from amtui.core import migrations

    ensure_schema = migrations.ensure_schema

    def from_template(database: Any, *, target: int = migrations.LATEST) -> Any:
        path = database.path
        if path is not None and target == migrations.LATEST and not path.exists():
            copy_database(template, path)
        return ensure_schema(database, target=target)

    monkeypatch.setattr(migrations, "ensure_schema", from_template)


class Cli:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, template: Path) -> None:
        import typer.testing

        self.runner = CliRunner()
        monkeypatch.setattr(typer.testing, "_get_command", lambda _app: click_command())
        create_from_template(monkeypatch, template)

    def __call__(self, *args: str, input: str | None = None) -> Any:
        from amtui.cli.main import app

        result = self.runner.invoke(app, list(args), input=input)
        assert_no_traceback(result)
        return result

    def ok(self, *args: str) -> str:
        result = self(*args)
        assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
        assert not ANSI.search(result.stdout), result.stdout
        return result.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--format", "json"))

    def fails(self, code: int, *args: str, input: str | None = None) -> str:
        """Run a command that must fail with `code`; return its one-line message."""
        result = self(*args, input=input)
        assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
        assert result.stdout == "", result.stdout
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("amtui: "), lines[0]
        assert not UNSAFE.search(lines[0]), lines[0]
        return lines[0]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, schema_template: Path) -> Cli:
    from amtui.cli.context import Runtime

    monkeypatch.setattr(Runtime, "now", NOW)
    return Cli(monkeypatch, schema_template)


#: Where a test's data is: an SQLite file, or a PostgreSQL URL (AMTUI_TEST_DB=postgresql).
Target = Path | str


@pytest.fixture(autouse=True)
def cli_database(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL, point AMTUI_DB at the test database, reset to a new database's state."""
    if ON_POSTGRES:
        from tests.pgdb import postgres_database

        url = postgres_url()
        postgres_database(url).reset()
        monkeypatch.setenv("AMTUI_DB", url)


@pytest.fixture
def db_path(isolated: Path) -> Path:
    """The SQLite file of a test about files (created by the first command that opens it),
    where AMTUI_DB points. Such a test is marked `only_on_sqlite(reason)`; any other test uses
    `store`, which is this file or the PostgreSQL database."""
    if ON_POSTGRES:
        pytest.fail("db_path is an SQLite file: use `store`, or mark the test only_on_sqlite")
    return isolated / "amtui.db"


@pytest.fixture
def store(isolated: Path) -> Target:
    """Where the commands keep this test's data (AMTUI_DB): the SQLite file `db_path`, created
    by the first command, or the PostgreSQL test database's URL."""
    return postgres_url() if ON_POSTGRES else isolated / "amtui.db"


def _postgres(target: Target) -> Any:
    """The `PostgresTestDatabase` behind `target`, or None for an SQLite file."""
    if isinstance(target, Path) or not target.startswith(("postgresql", "postgres:")):
        return None
    from tests.pgdb import postgres_database

    return postgres_database(target)


def _file(target: Target) -> Path:
    from amtui.core.db import Database

    path = Database(target).path
    assert path is not None
    return path


#: Templates built on PostgreSQL: their rows, by the path `build_template` returned.
_SNAPSHOTS: dict[Path, Any] = {}


def build_template(
    factory: pytest.TempPathFactory, build: Callable[[Cli], None], name: str = "template"
) -> Path:
    """Build a database once (per module) through the CLI, in the same isolated setting as
    the `isolated` and `cli` fixtures; tests start from a copy (`use_template`). Every CLI
    write syncs to disk, so a fixture of fifteen writes per test would dominate the suite.
    On PostgreSQL the template is built in the test database and its rows are kept; the path
    returned names them."""
    from amtui.cli.context import Runtime

    home = factory.mktemp(name)
    config = home / "config.toml"
    config.write_text('timezone = "Europe/Berlin"\n', encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AMTUI_CONFIG", str(config))
        patch.setenv("AMTUI_DB", str(home / "amtui.db"))
        patch.setenv("XDG_DATA_HOME", str(home / "data"))
        patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
        patch.delenv("NO_COLOR", raising=False)
        patch.setattr(Runtime, "now", NOW)
        if ON_POSTGRES:
            from tests.pgdb import postgres_database

            database = postgres_database(postgres_url())
            database.reset()
            patch.setenv("AMTUI_DB", database.url)
            build(Cli(patch, migrated_template(factory)))
            _SNAPSHOTS[home / "amtui.db"] = database.snapshot()
        else:
            build(Cli(patch, migrated_template(factory)))
    return home / "amtui.db"


def use_template(template: Path, target: Target) -> None:
    """Start a test from a copy of a template database (`build_template`)."""
    database = _postgres(target)
    if database is not None:
        database.restore(_SNAPSHOTS[template])
        return
    if template in _SNAPSHOTS:
        raise AssertionError(
            "this template was built on PostgreSQL: use the test's database (`store`), or mark "
            "the test only_on_sqlite"
        )
    copy_database(template, _file(target))


def make_empty(target: Target) -> None:
    """Make the test's database one amtui has never opened: on PostgreSQL, drop its schema (the
    next test's reset creates it again); an SQLite file is absent until a command makes it."""
    database = _postgres(target)
    if database is not None:
        database.wipe()
    else:
        assert not _file(target).exists()


def exists(target: Target) -> bool:
    """amtui has created its database there (an SQLite file; a schema on PostgreSQL)."""
    database = _postgres(target)
    return _file(target).exists() if database is None else not database.is_empty()


def query(target: Target, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Read the database behind the CLI's back: plain sqlite3, or psycopg (`?` marks a
    parameter either way)."""
    database = _postgres(target)
    if database is not None:
        return database.query(sql, *params)  # type: ignore[no-any-return]
    conn = sqlite3.connect(_file(target))
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def records(target: Target, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows as dicts through amtui's storage layer (`:name` parameters): values come back with
    the same Python types on both databases (aware UTC datetimes, dates, parsed JSON)."""
    from amtui.core.db import Database

    database = Database(target)
    try:
        with database.read() as tx:
            return tx.all(sql, params)
    finally:
        database.dispose()


def change_behind_amtuis_back(
    target: Target, sql: str, params: dict[str, Any] | None = None
) -> None:
    """Write as another program would: one transaction, no undo journal entry."""
    from amtui.core.db import Database

    database = Database(target)
    try:
        with database.write(journal=False) as tx:
            tx.run(sql, params)
    finally:
        database.dispose()


def count(target: Target, table: str) -> int:
    return int(query(target, f"SELECT count(*) FROM {table}")[0][0])


def digest(target: Target) -> str:
    """A checksum of a database, to prove a command changed nothing: of an SQLite file and
    its WAL (an empty WAL is no change), or of every row on PostgreSQL."""
    database = _postgres(target)
    if database is not None:
        return database.digest()  # type: ignore[no-any-return]
    parts = []
    path = _file(target)
    for suffix in ("", "-wal"):
        file = Path(f"{path}{suffix}")
        data = file.read_bytes() if file.exists() else b""
        parts.append(hashlib.sha256(data).hexdigest() if data else "-")
    return "/".join(parts)


# --- the README is the user manual: tests read the documented shapes from it ---------------------

README = Path(__file__).resolve().parents[2] / "README.md"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def _top_level_names(text: str) -> list[str]:
    """Backticked names outside parentheses: `ref`, `client` (`{ref, name}`) → ref, client."""
    previous = None
    while previous != text:
        previous, text = text, re.sub(r"\([^()]*\)", "", text)
    return re.findall(r"`(\w+)`", text)


def documented_agenda() -> dict[str, Any]:
    """The agenda JSON as the README documents it: top-level keys, sections, item keys."""
    text = readme()
    section = text[text.index("#### Agenda JSON") :]
    block = section[
        section.index("```json") + 7 : section.index("```", section.index("```json") + 7)
    ]
    top = re.findall(r'^\s*"(\w+)":', block, flags=re.MULTILINE)
    sections = re.findall(r'^\s*"(\w+)":\s*\{"total"', block, flags=re.MULTILINE)
    prose = " ".join(section[section.index("Every `ITEM`") :].split())
    item_text = prose[: prose.index("under its type's key:")]
    common_text, _, lead_text = item_text.partition("for a lead")
    records = {}
    for kind in ("task", "lead", "reminder"):
        start = prose.index(f"- `{kind}`:")
        end = prose.find(". ", start)
        records[kind] = _top_level_names(prose[start:end])[1:]
    return {
        "top": top,
        "sections": sections,
        "item": [name for name in _top_level_names(common_text) if name != "ITEM"],
        "lead_item": _top_level_names(lead_text),
        "records": records,
    }

"""CLI tests run the real Typer app in-process with the clock pinned to NOW.

`cli(...)` returns Typer's Result (stdout and stderr kept apart); `cli.ok(...)` asserts exit 0
and returns stdout; `cli.json(...)` adds `--format json` and parses it; `cli.fails(code, ...)`
asserts the exit code and the error contract of DESIGN §6: one line on stderr starting with
"amtui:", nothing on stdout, never a traceback.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import NOW, copy_database, migrated_template

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


@pytest.fixture
def db_path(isolated: Path) -> Path:
    """The file AMTUI_DB points at (created by the first command that opens it)."""
    return Path(os.environ["AMTUI_DB"])


def build_template(
    factory: pytest.TempPathFactory, build: Callable[[Cli], None], name: str = "template"
) -> Path:
    """Build a database once (per module) through the CLI, in the same isolated setting as
    the `isolated` and `cli` fixtures; tests start from a copy (`use_template`). Every CLI
    write syncs to disk, so a fixture of fifteen writes per test would dominate the suite."""
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
        build(Cli(patch, migrated_template(factory)))
    return home / "amtui.db"


#: Start a test from a copy of a template database.
use_template = copy_database


def query(path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Read the database behind the CLI's back with plain sqlite3."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def count(path: Path, table: str) -> int:
    return int(query(path, f"SELECT count(*) FROM {table}")[0][0])


def digest(path: Path) -> str:
    """A checksum of a database file and its WAL (an empty WAL is no change), to prove a
    command changed nothing."""
    parts = []
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

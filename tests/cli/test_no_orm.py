"""The hot commands and the app never load an ORM (issue 9): on an existing, current database,
`add`, `agenda`, `remind due`, `lead add`, `lead list --waiting`, `task done`, `task list`,
`search` and `show`, and the full-screen app through its first screen and a write, finish
with none of sqlalchemy, sqlmodel or pydantic in `sys.modules`; those the fast path runs
(`amtui.cli.fast`: `add`, `agenda`, `remind due`, `task done`) load neither Typer nor Click
either, and the agenda loads nothing only writes need (the undo journal, quick-add's parser,
dateutil), nor `dataclasses` with `inspect`. Each runs in a fresh interpreter; what was loaded
is read at exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from amtui.cli.fast import parse
from amtui.core.clients import add_client
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.drafts import draft_from_text
from amtui.core.invoices import issue_invoice, new_invoice
from amtui.core.leads import LeadDraft, add_lead
from amtui.core.migrations import ensure_schema
from amtui.core.reminders import add_reminder
from amtui.core.tasks import add_task
from tests.cli.conftest import Cli, Target, build_template, use_template
from tests.conftest import NOW, ON_POSTGRES

ROOT = Path(__file__).resolve().parents[2]
ORM = ("sqlalchemy", "sqlmodel", "pydantic")
#: What the fast path never loads.
ARGUMENT_PARSERS = ("typer", "click")
#: What the agenda, a read, does not load (writes, quick-add's parser, ladder steps' months;
#: `dataclasses`, which imports `inspect`: its records are `amtui.core.structs` classes).
NOT_FOR_READS = ("amtui.core.journal", "amtui.core.drafts", "dateutil", "dataclasses", "inspect")

HOT = [
    ["add", "Send estimate due:fri 15:00 client:Granel +urgent @copywriter"],
    ["agenda"],
    ["agenda", "--format", "json"],
    ["remind", "due"],
    ["remind", "due", "--format", "json"],
    ["lead", "add", "Landing page for spring sale", "--partner", "Studio North"],
    ["lead", "list", "--waiting"],
    ["task", "done", "T1"],
    ["task", "list"],
    ["search", "granel"],
    ["show", "L1"],
]


def build(cli: Cli) -> None:
    """A little of everything, written through the core in this process (the children only
    open the database)."""
    config = Config()
    db = Database(os.environ["AMTUI_DB"])
    try:
        ensure_schema(db)
        add_client(db, "Granel", now=NOW, timezone="Europe/Berlin")
        for text in ("Brief call client:Granel due:today", "Storyboard +video col:backlog"):
            add_task(db, draft_from_text(text, now=NOW, config=config), now=NOW, config=config)
        add_lead(db, LeadDraft("Website", client="Granel"), now=NOW, config=config)
        add_reminder(db, "Call Anna", "today 08:00", now=NOW, config=config, about="L1")
        # Overdue from 15 November on, so in every agenda and `remind due` after it: the
        # JSON shape of an invoice must not bring Typer in (`amtui.cli.money_json`).
        lines = [("Design", "4 000")]
        invoice = new_invoice(db, "Granel", now=NOW, config=config, lines=lines, currency="EUR")
        issue_invoice(db, invoice.ref, now=NOW, config=config, issued_on=date(2026, 11, 1))
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build, "no-orm")


@pytest.fixture
def current(template: Path, store: Target) -> Target:
    """A database at the latest schema, with a little of everything."""
    use_template(template, store)
    return store


def loaded_by(code: str, database: Target) -> dict[str, object]:
    """Run `code` in a fresh interpreter (this checkout first on the path); it prints JSON."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), AMTUI_DB=str(database), NO_COLOR="1")
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_reporting(code: str, database: Target, report: Path) -> tuple[int, dict[str, object]]:
    """Run `code` (an amtui command line that writes what it loaded to $REPORT at exit) in a
    fresh interpreter; its exit status and the report."""
    env = dict(
        os.environ, PYTHONPATH=str(ROOT), AMTUI_DB=str(database), NO_COLOR="1", REPORT=str(report)
    )
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result.returncode, json.loads(report.read_text(encoding="utf-8"))


@pytest.mark.parametrize("args", HOT, ids=" ".join)
def test_hot_commands_load_no_orm(current: Target, args: list[str], tmp_path: Path) -> None:
    code = f"""
        import atexit, json, os, sys

        def report() -> None:  # at exit: amtui may end the process itself (os._exit after atexit)
            loaded = sorted(m for m in {ORM!r} if m in sys.modules)
            parsers = sorted(
                m for m in sys.modules if m.split(".")[0] in {ARGUMENT_PARSERS!r} or ".click" in m
            )
            with open(os.environ["REPORT"], "w") as out:
                spared = sorted(m for m in {NOT_FOR_READS!r} if m in sys.modules)
                json.dump({{"loaded": loaded, "parsers": parsers, "spared": spared}}, out)

        atexit.register(report)
        sys.argv = ["amtui", *{args!r}]
        from amtui.cli.main import run
        run()
    """
    status, found = run_reporting(code, current, tmp_path / "report.json")
    assert status in (0, 1)  # 1: `remind due` with nothing new
    assert found["loaded"] == [], f"amtui {' '.join(args)} loaded {found['loaded']}"
    if parse(args) is not None:  # the fast path: no Typer, no Click
        assert found["parsers"] == [], f"amtui {' '.join(args)} loaded {found['parsers']}"
    else:
        assert "typer" in found["parsers"]  # the report is real
    if args[0] == "agenda" and not ON_POSTGRES:  # psycopg itself imports dataclasses
        assert found["spared"] == [], f"amtui {' '.join(args)} loaded {found['spared']}"


def test_the_fast_path_takes_the_commands_it_should() -> None:
    fast = [args for args in HOT if parse(args) is not None]
    assert fast == [HOT[0], ["agenda"], ["agenda", "--format", "json"], ["remind", "due"],
                    ["remind", "due", "--format", "json"], ["task", "done", "T1"]]  # fmt: skip


def test_the_app_loads_no_orm_through_its_first_screen_and_a_write(current: Target) -> None:
    code = """
        import asyncio, json, os, sys
        from datetime import UTC, datetime
        from amtui.core.config import Config
        from amtui.core.db import Database
        from amtui.tui.app import AmtuiApp
        from tests.tui.conftest import press, settle

        db = Database(os.environ["AMTUI_DB"])
        now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
        app = AmtuiApp(db, Config(), clock=lambda: now, due_seconds=None)

        async def main() -> list[object]:
            async with app.run_test(size=(120, 40)) as pilot:
                await settle(pilot)  # the first screen, loaded in a worker
                await press(pilot, "2")  # the board
                shown = pilot.app.screen.query_one("#board").current_ref
                await press(pilot, "L")  # move the card one column right: a write
                with db.read() as tx:
                    moved = tx.scalar("SELECT count(*) FROM activity WHERE kind = 'moved'")
            return [shown, moved]

        shown = asyncio.run(main())
        loaded = sorted(m for m in ("sqlalchemy", "sqlmodel", "pydantic") if m in sys.modules)
        print(json.dumps({"loaded": loaded, "shown": shown}))
    """
    found = loaded_by(code, current)
    assert found["loaded"] == []
    shown, moved = found["shown"]  # type: ignore[misc]
    assert shown and moved == 1  # the first screen had a card selected, and L moved it

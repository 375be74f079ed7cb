"""`amtui import taskwarrior`: a real `task export`, written by Taskwarrior itself.

Taskwarrior (Debian's `taskwarrior`, MIT; `.ci/run` installs it) runs here in a temporary
TASKDATA with an empty TASKRC, in Berlin time like the tests' config, so its `due:2026-12-01`
is local midnight: an all-day deadline. Skipped, saying why, where `task` is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Cli, Target, count, digest, exists, records

TASK = shutil.which("task")
pytestmark = pytest.mark.skipif(TASK is None, reason="Taskwarrior (`task`) is not installed")


class Taskwarrior:
    def __init__(self, home: Path) -> None:
        home.mkdir()
        (home / "taskrc").write_text("", encoding="utf-8")
        self.env = {
            **os.environ,
            "TASKRC": str(home / "taskrc"),
            "TASKDATA": str(home / "data"),
            "TZ": "Europe/Berlin",
        }

    def __call__(self, *args: str) -> str:
        assert TASK is not None
        result = subprocess.run(
            [
                TASK,
                "rc.verbose=nothing",
                "rc.confirmation=no",
                "rc.recurrence.confirmation=no",
                *args,
            ],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


@pytest.fixture
def export(tmp_path: Path) -> Path:
    task = Taskwarrior(tmp_path / "tw")
    task(
        "add",
        "Send estimate",
        "project:Granel.Website",
        "+urgent",
        "+seo",
        "due:2026-12-01",
        "priority:H",
    )
    task("add", "Call Anna back", "due:2026-12-02T15:30", "priority:L")
    task("add", "Old brief")
    task("add", "Dropped idea", "project:Kettle")
    task("add", "Later", "wait:2026-12-20")
    task("add", "Weekly report", "due:2026-12-04", "recur:weekly")
    task("/Send estimate/", "annotate", "Asked Anna; she agrees, see mail")
    task("/Old brief/", "done")
    task("/Dropped idea/", "delete")
    task("list")  # makes the pending instance of the recurring task
    path = tmp_path / "export.json"
    path.write_text(task("export"), encoding="utf-8")
    return path


def tasks_of(store: Target) -> dict[str, dict[str, Any]]:
    tasks = records(
        store, "SELECT t.*, c.name AS client FROM task t LEFT JOIN client c ON c.id = t.client_id"
    )
    tags = records(store, "SELECT task_id, tag FROM task_tag ORDER BY tag")
    for task in tasks:
        task["tags"] = " ".join(row["tag"] for row in tags if row["task_id"] == task["id"])
    return {task["title"]: task for task in tasks}


def stamp(value: str) -> datetime:
    """Taskwarrior's `20261125T090000Z` as an instant."""
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def test_a_real_export_becomes_tasks_and_a_second_import_adds_nothing(
    cli: Cli, store: Target, export: Path
) -> None:
    exported = {t["description"]: t for t in json.loads(export.read_text(encoding="utf-8"))}
    out = cli.ok("import", "taskwarrior", str(export), "--dry-run")
    assert out.splitlines()[-1] == (
        "dry run, nothing written: would add 5 new tasks, 0 already seen, 2 skipped"
    )
    assert not exists(store) or count(store, "task") == 0
    out = cli.ok("import", "taskwarrior", str(export))
    assert "skipped: Dropped idea (deleted in Taskwarrior)" in out
    assert (
        "skipped: Weekly report (a recurrence template; its next occurrence is imported as a "
        "recurring task)" in out
    )
    assert "new task T1: Send estimate (new client Granel)" in out
    assert out.splitlines()[-1] == "5 new tasks, 0 already seen, 2 skipped"
    tasks = tasks_of(store)
    assert set(tasks) == {"Send estimate", "Call Anna back", "Old brief", "Later", "Weekly report"}
    estimate = tasks["Send estimate"]
    assert estimate["client"] == "Granel" and estimate["tags"] == "seo urgent"
    assert estimate["priority"] == "high"
    assert estimate["due_date"] == date(2026, 12, 1) and estimate["due_at"] is None  # all day
    assert "Taskwarrior project: Granel.Website" in estimate["notes"]
    assert "Asked Anna; she agrees, see mail" in estimate["notes"]
    assert estimate["created_at"] == stamp(exported["Send estimate"]["entry"])
    call = tasks["Call Anna back"]
    assert call["due_at"] == datetime(2026, 12, 2, 14, 30, tzinfo=UTC)
    assert call["priority"] == "low"
    done = tasks["Old brief"]
    assert done["done_at"] == stamp(exported["Old brief"]["end"]) and done["column"] == "Done"
    assert (
        tasks["Later"]["done_at"] is None and "Waiting until 2026-12-20" in tasks["Later"]["notes"]
    )
    weekly = tasks["Weekly report"]
    assert (weekly["due_date"], weekly["recur"]) == (date(2026, 12, 4), "+1w")  # a fixed schedule
    before = digest(store)
    again = cli("import", "taskwarrior", str(export))
    assert again.exit_code == 1  # nothing new: nothing to do
    assert again.stdout.splitlines()[-1] == "0 new tasks, 5 already seen, 2 skipped"
    assert digest(store) == before


def test_a_deleted_task_is_not_imported_again(cli: Cli, store: Target, export: Path) -> None:
    cli.ok("import", "taskwarrior", str(export))
    cli.ok("task", "rm", "T1", "--yes")
    assert cli("import", "taskwarrior", str(export)).exit_code == 1
    assert "Send estimate" not in tasks_of(store)


def test_the_old_one_object_per_line_shape_and_stdin(cli: Cli, store: Target, export: Path) -> None:
    lines = "\n".join(json.dumps(t) for t in json.loads(export.read_text(encoding="utf-8")))
    result = cli("import", "taskwarrior", "-", "--dry-run", input=lines)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].endswith(
        "would add 5 new tasks, 0 already seen, 2 skipped"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "is not a Taskwarrior export"),
        ('{"a": 1}', "task 1 is not a Taskwarrior task (no uuid)"),
        (
            '[{"uuid": "u", "description": "x", "status": "pending", "entry": "yesterday"}]',
            "entry 'yesterday' is not a Taskwarrior date",
        ),
        (
            '[{"uuid": "u", "description": "x", "status": "hidden", "entry": "20261125T090000Z"}]',
            "unknown status 'hidden'",
        ),
    ],
)
def test_what_is_not_an_export_is_refused_whole(
    cli: Cli, store: Target, tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    error = cli.fails(2, "import", "taskwarrior", str(bad))
    assert message in error
    assert not exists(store) or count(store, "task") == 0

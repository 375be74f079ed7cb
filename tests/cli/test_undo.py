"""`amtui undo` and `amtui undo --list` (issue 11): what a user sees, and the exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, Target, change_behind_amtuis_back, count

ROOT = Path(__file__).resolve().parents[2]


def test_undo_takes_back_a_delete_and_says_what_it_undid(cli: Cli, store: Target) -> None:
    cli.ok("add", "Send estimate due:fri client:Granel +urgent")
    cli.ok("add", "Draft brief parent:T1")
    assert cli.ok("task", "rm", "T1", "--yes") == "Deleted T1: Send estimate and its 1 subtask(s)\n"
    assert count(store, "task") == 0
    out = cli.ok("undo")
    assert out == "Undid #3 task delete: T1 Send estimate (5 removed)\n"
    assert [t["ref"] for t in cli.json("task", "list")] == ["T1"]
    shown = cli.json("show", "T1")
    assert shown["tags"] == ["urgent"] and shown["subtasks"] == {"done": 0, "total": 1}


def test_undo_list_shows_the_latest_changes_newest_first(cli: Cli) -> None:
    cli.ok("add", "One")
    cli.ok("task", "done", "T1")
    cli.ok("undo")
    text = cli.ok("undo", "--list")
    lines = text.splitlines()
    assert lines[0].split() == ["#", "WHEN", "CHANGE", "ROWS"]
    assert "#2" in lines[1] and "task done: T1 One" in lines[1] and "undone" in lines[1]
    assert "#1" in lines[2] and "task add: T1 One" in lines[2] and "undone" not in lines[2]
    listed = cli.json("undo", "--list")
    assert [(e["id"], e["action"], e["undone_at"] is not None) for e in listed] == [
        (2, "task done", True),
        (1, "task add", False),
    ]
    assert listed[1]["at"] == "2026-11-25T10:00:00+01:00"  # the pinned clock, in your zone
    assert (listed[1]["added"], listed[1]["changed"], listed[1]["removed"]) == (2, 0, 0)


def test_nothing_to_undo_exits_1_and_a_refusal_exits_2_writing_nothing(
    cli: Cli, store: Target
) -> None:
    assert "nothing to undo" in cli.fails(1, "undo")
    cli.ok("add", "One")
    cli.ok("task", "edit", "T1", "Renamed")
    change_behind_amtuis_back(store, "UPDATE task SET priority = 'high' WHERE id = 1")
    message = cli.fails(2, "undo")
    assert message == (
        "amtui: can't undo #2 (task edit: T1 Renamed): T1 was changed since (priority); "
        "nothing was undone"
    )
    assert cli.json("show", "T1")["title"] == "Renamed"


def test_an_import_is_undone_as_one_change(cli: Cli, tmp_path: Path) -> None:
    export = tmp_path / "tasks.json"
    export.write_text(
        '[{"uuid": "a1", "description": "Write copy", "status": "pending", '
        '"entry": "20261120T090000Z", "project": "Granel"},'
        '{"uuid": "b2", "description": "Call", "status": "pending", "entry": "20261120T090000Z"}]',
        encoding="utf-8",
    )
    cli.ok("import", "taskwarrior", str(export))
    assert len(cli.json("task", "list")) == 2
    assert cli.ok("undo").startswith(f"Undid #1 import: taskwarrior {export} (")
    assert cli.json("task", "list") == []
    assert cli.json("client", "list") == []


@pytest.fixture
def team(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Anna (me) and Ben, members of the database."""
    cli.ok("member", "add", "anna", "Anna Berg")
    cli.ok("member", "add", "ben", "Ben Ode")
    monkeypatch.setenv("AMTUI_ME", "anna")
    return cli


def test_in_team_mode_undo_is_yours_and_all_takes_anyones(
    team: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = team
    cli.ok("add", "Anna's card")
    monkeypatch.setenv("AMTUI_ME", "ben")
    cli.ok("add", "Ben's card")
    monkeypatch.setenv("AMTUI_ME", "anna")
    mine = cli.json("undo", "--list")
    assert [(e["summary"], e["by"]) for e in mine] == [("T1 Anna's card", "anna")]
    everyone = cli.ok("undo", "--list", "--all").splitlines()
    assert everyone[0].split() == ["#", "WHEN", "BY", "CHANGE", "ROWS"]
    assert everyone[1].split()[:6] == ["#4", "today", "10:00", "ben", "task", "add:"]
    assert everyone[2].split()[:4] == ["#3", "today", "10:00", "anna"]
    assert everyone[3].split()[:4] == ["#2", "today", "10:00", "-"]  # before anyone was `me`
    assert cli.ok("undo") == "Undid #3 task add: T1 Anna's card (2 added)\n"
    assert [t["ref"] for t in cli.json("task", "list", "--owner", "all")] == ["T2"]
    message = cli.fails(1, "undo")
    assert message.startswith("amtui: nothing of yours (anna) to undo; ")
    assert cli.ok("undo", "--all") == "Undid #4 task add: T2 Ben's card by ben (2 added)\n"


def test_undo_refuses_when_a_teammate_changed_the_row_since_in_another_process(
    team: Cli,
) -> None:
    cli = team
    cli.ok("add", "Send estimate")
    cli.ok("task", "edit", "T1", "Send the estimate")
    ben = subprocess.run(  # Ben's amtui, a process of its own, on the same database
        [sys.executable, "-m", "amtui", "task", "edit", "T1", "--pri", "high"],
        env=dict(os.environ, AMTUI_ME="ben", PYTHONPATH=str(ROOT), NO_COLOR="1"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ben.returncode == 0, ben.stderr
    assert cli.fails(2, "undo") == (
        "amtui: can't undo #4 (task edit: T1 Send the estimate): T1 was changed since "
        "(priority, updated_at) by ben in #5 (task edit: T1 Send the estimate); "
        "nothing was undone"
    )
    assert cli.json("show", "T1")["title"] == "Send the estimate"

"""`amtui undo` and `amtui undo --list` (issue 11): what a user sees, and the exit codes."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Cli, Target, change_behind_amtuis_back, count


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

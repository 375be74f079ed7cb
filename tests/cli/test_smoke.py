"""The command surface: every command has help with an example, every command is in the README
(STYLE), and `amtui --help` starts without the heavy libraries."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Cli, click_command, readme


def test_quick_add_prints_reference_and_creates_client(cli: Cli) -> None:
    out = cli.ok("add", "Send estimate due:fri 15:00 client:Granel +urgent @copywriter")
    assert out.startswith("Added T1: Send estimate")
    assert "New client Granel (C1) was created." in out
    [task] = cli.json("task", "list")
    assert task["due"] == "2026-11-27T15:00:00+01:00"
    assert task["tags"] == ["urgent"]
    assert task["assignee"] == "copywriter"
    assert task["client"] == {"ref": "C1", "name": "Granel"}


def commands(group: Any = None, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every leaf command as its path of names: ('add',), ('task', 'list'), …"""
    group = group or click_command()
    found = []
    for name, command in sorted(group.commands.items()):
        if getattr(command, "commands", None):
            found += commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


def groups() -> dict[str, list[str]]:
    root = click_command()
    return {
        name: sorted(command.commands)
        for name, command in root.commands.items()
        if getattr(command, "commands", None)
    }


def test_the_command_tree_is_what_the_brief_covers() -> None:
    found = set(commands())
    for expected in [
        ("add",), ("agenda",), ("show",), ("search",), ("demo",), ("db", "path"),
        *[("task", n) for n in ("add", "list", "show", "edit", "done", "reopen", "move", "rm")],
        *[("lead", n) for n in ("add", "list", "show", "edit", "rm")],
        *[("client", n) for n in ("add", "list", "show", "edit")],
        ("contact", "add"), ("contact", "list"),
        ("remind", "add"), ("remind", "list"), ("remind", "done"),
    ]:  # fmt: skip
        assert expected in found, expected


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_every_command_has_help_with_an_example(cli: Cli, path: tuple[str, ...]) -> None:
    out = cli.ok(*path, "--help")
    assert out.startswith(f"Usage: amtui {' '.join(path)} ")
    examples = [line.strip() for line in out.splitlines() if "Example:" in line]
    assert examples, out
    example = examples[0].split()
    assert example[:2] == ["Example:", "amtui"], examples[0]
    named = path if path != ("task", "add") else ("add",)  # `amtui add` is the short form
    assert all(word in example for word in named), examples[0]


@pytest.mark.parametrize("name", sorted(groups()))
def test_every_group_has_help(cli: Cli, name: str) -> None:
    out = cli.ok(name, "--help")
    assert "Commands:" in out
    for sub in groups()[name]:
        assert re.search(rf"^\s+{re.escape(sub)}\s", out, flags=re.MULTILINE), sub


def readme_commands() -> str:
    """The README's command table."""
    text = readme()
    start = text.index("### Commands")
    return text[start : text.index("\n\n", text.index("| Command |", start))]


@pytest.mark.parametrize("name", sorted(click_command().commands))
def test_every_top_level_command_is_in_the_readme(name: str) -> None:
    assert f"`amtui {name}" in readme_commands(), name


@pytest.mark.parametrize("group", sorted(groups()))
def test_every_subcommand_is_in_the_readme(group: str) -> None:
    table = readme_commands()
    listed: set[str] = set()
    for match in re.finditer(rf"`amtui {group} ([a-z|\\-]+)", table):
        listed |= set(match.group(1).replace("\\", "").split("|"))
    assert set(groups()[group]) <= listed, set(groups()[group]) - listed


def test_every_readme_command_exists() -> None:
    table = readme_commands()
    names = set(re.findall(r"`amtui ([a-z]+)", table))
    assert names <= set(click_command().commands), names - set(click_command().commands)


def test_version(cli: Cli) -> None:
    from amtui import __version__

    assert cli.ok("--version") == f"amtui {__version__}\n"


# --- startup cost: `--help` never imports the database or TUI stack ------------------------------

HEAVY = ("sqlmodel", "sqlalchemy", "textual", "alembic")


def imported_modules(stderr: str) -> set[str]:
    """Module names from `python -X importtime` output."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def run_help(argv: list[str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("Usage: amtui"), result.stdout
    return result


def test_python_m_amtui_help_is_light() -> None:
    result = run_help([sys.executable, "-m", "amtui", "--help"])
    modules = imported_modules(result.stderr)
    assert "amtui.cli.main" in modules  # the profile is real
    heavy = {m for m in modules if m.split(".")[0] in HEAVY}
    assert not heavy, sorted(heavy)[:10]


def test_console_script_help_is_light() -> None:
    script = Path(sys.executable).with_name("amtui")
    if not script.exists():
        pytest.skip("the amtui console script is not installed next to this Python")
    result = run_help([str(script), "--help"])
    modules = imported_modules(result.stderr)
    assert "amtui.cli.main" in modules
    heavy = {m for m in modules if m.split(".")[0] in HEAVY}
    assert not heavy, sorted(heavy)[:10]


def test_subcommand_help_is_light_too() -> None:
    result = run_help([sys.executable, "-m", "amtui", "add", "--help"])
    assert not {m for m in imported_modules(result.stderr) if m.split(".")[0] in HEAVY}


def test_commands_never_import_textual() -> None:
    """DESIGN §2: the CLI imports textual only in the command that opens the TUI."""
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from amtui.cli.main import app\n"
        "r = CliRunner()\n"
        "for args in (['add', 'x client:Y due:fri'], ['agenda'], ['task', 'list'],"
        " ['search', 'x'], ['show', 'T1']):\n"
        "    assert r.invoke(app, args).exit_code == 0, args\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"

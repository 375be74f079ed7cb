"""The pydantic-free coercion of parameter values (`amtui.cli.coercion`) gives what Typer's own
pydantic adapters give, value for value and message for message, for every parameter of every
command; and a command line of plain values never imports pydantic through Typer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer._click import Context
from typer._click.exceptions import BadParameter, UsageError
from typer._coercion import build_runtime_param

from amtui.cli.coercion import LightRuntimeParam
from tests.cli.conftest import click_command

#: Values as a command line (or a default) brings them, plain and odd.
STRINGS = [
    "", "0", "7", "007", "-0", "-5", "+5", " 12 ", "1_000", "12.0", "1e3", "0x10", "١٢",
    "99999999999999999999", "-99999999999999999999", "3660", "3661", "65535", "65536",
    "text", "TEXT", "Json", "md", "xml", "csv", "a/", "~/x", ".", "/nonexistent/x",
    "a\udcffb", "ünï", "T12", "fri 15:00",
]  # fmt: skip
EXTRA: list[Any] = [None, 0, 5, -1, 10**9, True, False, 1.5]


def parameters() -> list[tuple[str, Any, Any]]:
    """(id, command, parameter) of every Typer parameter in the tree."""
    found = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        for param in command.params:
            if hasattr(param, "type_descriptor"):
                found.append((" ".join(path) + f" {param.name}", command, param))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    walk(click_command(), ("amtui",))
    return found


PARAMETERS = parameters()


def outcome(runtime: Any, value: Any, param: Any, ctx: Context) -> tuple[str, Any]:
    try:
        result = runtime.coerce(value, param=param, ctx=ctx)
    except (BadParameter, UsageError) as error:
        return "error", (type(error).__name__, error.format_message())
    return "value", (type(result), result)


def test_every_parameter_of_a_plain_type_is_fast() -> None:
    light = [p for _, _, p in PARAMETERS if isinstance(p._runtime_param, LightRuntimeParam)]
    assert len(light) == len(PARAMETERS), [
        name for name, _, p in PARAMETERS if not isinstance(p._runtime_param, LightRuntimeParam)
    ]


@pytest.mark.parametrize(("name", "command", "param"), PARAMETERS, ids=[p[0] for p in PARAMETERS])
def test_fast_coercion_equals_typers(name: str, command: Any, param: Any, tmp_path: Path) -> None:
    light = param._runtime_param
    assert isinstance(light, LightRuntimeParam)
    full = build_runtime_param(param.type_descriptor)
    ctx = Context(command, info_name=name)
    values: list[Any] = [*STRINGS, *EXTRA, str(tmp_path), str(tmp_path / "missing.db")]
    multiple = param.multiple or param.nargs == -1
    if multiple:
        values = [(), *((v,) for v in values), ("a", "b"), ["1", "x"], ("7", "8")]
    for value in values:
        assert outcome(light, value, param, ctx) == outcome(full, value, param, ctx), value


def test_plain_command_lines_never_import_pydantic_through_typer(tmp_path: Path) -> None:
    """Help, the version and usage errors read no database, so nothing else brings pydantic.
    (The database commands' whole import set is checked in test_lazy.py.)"""
    env = dict(os.environ, AMTUI_DB=str(tmp_path / "a.db"), PYTHONPROFILEIMPORTTIME="1")
    for argv, code in (
        (["--help"], 0),
        (["--version"], 0),
        (["task", "list", "--help"], 0),
        (["agenda", "--days", "3", "--format", "JSON", "--help"], 0),
        (["task", "lis"], 2),
        (["lead", "list", "--bogus"], 2),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "amtui", *argv], env=env, capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
        assert result.returncode == code, result.stderr[-2000:]
        modules = {
            line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if "|" in line
        }
        assert "amtui.cli.main" in modules
        assert not {
            m for m in modules if m.split(".")[0] == "pydantic" or m == "typer._adapters"
        }, argv

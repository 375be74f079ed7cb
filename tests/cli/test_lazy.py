"""Lazy command loading (`amtui.cli.lazy`): `amtui --help` and command-name completion read the
static table in `amtui.cli.main.COMMANDS`, which must say what the real commands say; a command
line imports only the module of the noun it names and builds only the command it runs; and a
command built that way is the command Typer would have built."""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer._click import Context, HelpFormatter
from typer.core import TyperGroup
from typer.testing import CliRunner

import amtui.cli
from amtui.cli.fast import parse
from amtui.cli.lazy import LazyGroup, LightCommand
from amtui.cli.root import COMMANDS, app
from tests.cli.conftest import Cli, Target, build_template, click_command, use_template

#: The modules the table points into: a command line imports at most the one it names.
NOUN_MODULES = sorted({entry.module for entry in COMMANDS} - {"amtui.cli.root"})


def fresh_root() -> Any:
    """The root group as a real run builds it: nothing below it built yet."""
    return typer.main.get_command(app)


def eager_root() -> Any:
    """What Typer builds when every command is registered up front (amtui before lazy
    loading): the reference each lazily built command is compared with."""
    eager = typer.Typer(
        name="amtui",
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    eager.callback()(app.registered_callback.callback)  # type: ignore[union-attr]
    for entry in COMMANDS:
        target = getattr(importlib.import_module(entry.module), entry.attribute)
        if isinstance(target, typer.Typer):
            eager.add_typer(target, name=entry.name)
        else:
            eager.command(entry.name)(target)
    return typer.main.get_command(eager)


def leaves(group: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            found += leaves(command, (*path, name))
        else:
            found.append(((*path, name), command))
    return found


# --- the static table says what the commands say -------------------------------------------------


@pytest.mark.parametrize("entry", COMMANDS, ids=lambda entry: entry.name)
def test_each_row_is_its_commands_own_help(entry: Any) -> None:
    command = click_command().commands[entry.name]
    assert entry.summary == command.get_short_help_str(limit=10**6)
    for limit in range(10, 160, 3):  # what `amtui --help` shows at any terminal width
        from typer._click.utils import make_default_short_help

        assert make_default_short_help(entry.summary, limit) == command.get_short_help_str(limit)


@pytest.mark.parametrize("width", [40, 60, 80, 100, 132, 200])
def test_help_lists_what_typers_group_lists(width: int) -> None:
    loaded = click_command()
    ctx = Context(loaded, info_name="amtui")
    listed, reference = HelpFormatter(width=width), HelpFormatter(width=width)
    fresh_root().format_commands(ctx, listed)
    TyperGroup.format_commands(loaded, ctx, reference)
    assert listed.getvalue() == reference.getvalue()
    assert "search" in listed.getvalue()


@pytest.mark.parametrize("incomplete", ["", "t", "a", "re", "im", "zz", "--"])
def test_completing_a_command_name_reads_the_table(incomplete: str) -> None:
    loaded = click_command()
    ctx = Context(loaded, info_name="amtui")
    got = fresh_root().shell_complete(ctx, incomplete)
    expected = TyperGroup.shell_complete(loaded, ctx, incomplete)
    assert [(i.value, i.help) for i in got] == [(i.value, i.help) for i in expected]


def test_the_table_and_the_modules_agree() -> None:
    """Every noun's Typer app in amtui.cli is listed (a new one cannot be forgotten), and every
    row names something that exists."""
    listed = {(entry.module, entry.attribute) for entry in COMMANDS}
    for info in pkgutil.iter_modules(amtui.cli.__path__):
        module = importlib.import_module(f"amtui.cli.{info.name}")
        for attribute, value in vars(module).items():
            if isinstance(value, typer.Typer) and value is not app:
                assert (module.__name__, attribute) in listed, f"{module.__name__}.{attribute}"
    assert len({entry.name for entry in COMMANDS}) == len(COMMANDS)
    for entry in COMMANDS:
        assert callable(getattr(importlib.import_module(entry.module), entry.attribute))


def test_a_lazily_built_command_is_the_command_typer_builds() -> None:
    """Same help page, same parameters (names, flags, types, defaults) for every command."""
    root = fresh_root()
    root.load_all()
    lazy, eager = dict(leaves(root)), dict(leaves(eager_root()))
    assert sorted(lazy) == sorted(eager)
    for path, command in lazy.items():
        reference = eager[path]
        assert type(command) is LightCommand or isinstance(reference, type(command))

        def describe(cmd: Any) -> list[Any]:
            return [
                (p.name, p.opts, p.secondary_opts, repr(p.default), p.required, p.multiple,
                 p.nargs, getattr(p, "type_descriptor", None) and p.type_descriptor.annotation)
                for p in cmd.params
            ]  # fmt: skip

        assert describe(command) == describe(reference), path
        assert command.help == reference.help and command.context_settings == (
            reference.context_settings
        ), path
        parent = Context(root, info_name="amtui", **root.context_settings)
        assert command.get_help(Context(command, info_name=path[-1], parent=parent)) == (
            reference.get_help(Context(reference, info_name=path[-1], parent=parent))
        ), path


def test_a_command_line_builds_only_what_it_runs() -> None:
    root = fresh_root()
    ctx = root.make_context("amtui", ["task", "done", "T1"])
    name, noun, rest = root.resolve_command(ctx, ["task", "done", "T1"])
    assert (name, rest) == ("task", ["done", "T1"])
    assert isinstance(noun, LazyGroup)
    sub = noun.make_context("task", rest, parent=ctx)
    assert noun.resolve_command(sub, rest)[0] == "done"
    assert list(root.commands) == ["task"]
    assert list(noun.commands) == ["done"]


def test_unknown_commands_still_get_a_hint(isolated: Path) -> None:
    """The "Did you mean" hint comes from every name, built or not (a fresh, lazy tree)."""
    runner = CliRunner()
    for argv, hint in (
        (["agend"], "Did you mean 'agenda'?"),
        (["task", "lis"], "Did you mean 'list'?"),
        (["remind", "snoze"], "Did you mean 'snooze'?"),
    ):
        result = runner.invoke(app, argv)
        assert result.exit_code == 2
        assert hint in result.stderr, result.stderr


# --- in a real process: what a command line imports ----------------------------------------------


def imported(argv: list[str], db: Target, config: Path) -> tuple[int, set[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMTUI_")}
    env.update(AMTUI_DB=str(db), AMTUI_CONFIG=str(config), PYTHONPROFILEIMPORTTIME="1")
    env.pop("NO_COLOR", None)  # colour is off because stdout is a pipe, not because of this
    result = subprocess.run(
        [sys.executable, "-m", "amtui", *argv], env=env, capture_output=True, text=True,
        timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    modules = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "amtui.cli.main" in modules, result.stderr[-2000:]
    return result.returncode, modules


def build(cli: Cli) -> None:
    cli.ok("add", "Send estimate due:fri 15:00 client:Granel +urgent @copywriter")  # T1, C1
    cli.ok("lead", "add", "Website", "--client", "Granel")  # L1: waiting for a first answer
    cli.ok("remind", "add", "Call", "--at", "2026-11-20 10:00", "--about", "L1")  # R1, due


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build)


HOT = [
    ["add", "Call back due:fri 15:00 client:Granel +x @copywriter"],
    ["agenda"],
    ["agenda", "--format", "json"],
    ["remind", "due"],
    ["lead", "add", "Landing page", "--partner", "Studio North", "--channel", "phone"],
    ["lead", "list", "--waiting"],
    ["task", "done", "T1"],
    ["search", "Granel"],
    ["task", "list"],
]


@pytest.mark.parametrize("argv", HOT, ids=" ".join)
def test_a_hot_command_imports_its_noun_only_and_no_ui(
    argv: list[str], template: Path, tmp_path: Path, store: Target
) -> None:
    config = tmp_path / "config.toml"
    use_template(template, store)
    config.write_text('timezone = "Europe/Berlin"\n', encoding="utf-8")
    code, modules = imported(argv, store, config)
    assert code == 0
    entry = next(e for e in COMMANDS if e.name == argv[0])
    nouns = {m for m in NOUN_MODULES if m in modules}
    if parse(argv) is not None:  # the fast path (amtui.cli.fast): no noun module, no Typer
        assert nouns == set() and "typer" not in modules
    else:
        assert nouns == {entry.module}
    unwanted = {"textual", "rich", "typer._adapters", "typer.rich_utils", "amtui.tui", "amtui.io"}
    assert not {m for m in modules if m in unwanted or m.split(".")[0] in unwanted}
    assert not {m for m in modules if m.startswith(("amtui.tui.", "amtui.io."))}


def test_help_imports_no_noun_module(tmp_path: Path) -> None:
    code, modules = imported(["--help"], tmp_path / "a.db", tmp_path / "none.toml")
    assert code == 0
    assert not {m for m in NOUN_MODULES if m in modules}
    assert not {m for m in modules if m.split(".")[0] in ("rich", "pydantic", "sqlalchemy")}
    assert not (tmp_path / "a.db").exists()


def test_a_nouns_help_imports_that_noun_only(tmp_path: Path) -> None:
    code, modules = imported(["lead", "--help"], tmp_path / "a.db", tmp_path / "none.toml")
    assert code == 0
    assert {m for m in NOUN_MODULES if m in modules} == {"amtui.cli.leads"}

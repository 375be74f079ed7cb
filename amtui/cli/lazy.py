"""Command groups that build their commands only when a command line reaches them.

Typer turns every registered function into a Click command before it parses anything: for
amtui's ~56 commands that meant importing every noun module and evaluating ~1,200 string
annotations (`inspect.signature` + `typing.get_type_hints`) on every run, ~60 ms of a 150 ms
`amtui agenda`. Here the root group lists its commands from a static table (`Entry`: name,
module, attribute, one-line help) and imports a noun's module only when the command line names
it; a noun's group (`NounGroup`) builds only the command that runs. `amtui --help` and the
completion of command names read the table alone; `tests/cli/test_lazy.py` holds the table
equal to the real commands.

Commands are built by Typer's own builders (`typer.main.get_command_from_info`,
`get_group_from_info`), one at a time, so a lazily built command is the command Typer would
have built. These are Typer internals, checked against the Typer range in pyproject.toml by
the tests; each built command's parameters then get pydantic-free coercion
(`amtui.cli.coercion`).
"""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info, get_command_name, get_group_from_info
from typer.models import CommandInfo, TyperInfo

from amtui.cli.coercion import lighten, lighten_param

try:  # Typer ≥ 0.25 vendors Click
    from typer._click import Command, Context, HelpFormatter
    from typer._click.exceptions import UsageError
    from typer._click.shell_completion import CompletionItem
    from typer._click.utils import make_default_short_help
except ImportError:  # pragma: no cover
    from click import Command, Context, HelpFormatter  # type: ignore[assignment]
    from click.exceptions import UsageError  # type: ignore[assignment]
    from click.shell_completion import CompletionItem  # type: ignore[assignment]
    from click.utils import make_default_short_help


@dataclass(frozen=True)
class Entry:
    """A top-level command as `amtui --help` lists it, and where its code lives: `attribute`
    of `module` is a function (a command) or a `typer.Typer` (a noun's group)."""

    name: str
    module: str
    attribute: str
    #: The help's first sentence, as `amtui --help` shows it (Click shortens it to the width).
    summary: str


class LightCommand(TyperCommand):
    """Typer's command whose `--help` option, made on first use, is coerced without pydantic
    too (every option is coerced on every run, `--help` included)."""

    def get_help_option(self, ctx: Context) -> Any:
        return _light_help(super().get_help_option(ctx))


def _light_help(option: Any) -> Any:
    if option is not None:
        lighten_param(option)
    return option


class LazyGroup(TyperGroup):
    """A group that builds each sub-command on first use (`build`), caches it in `commands`,
    and otherwise behaves as Typer's group: same listing order, same "Did you mean" hints."""

    def get_help_option(self, ctx: Context) -> Any:
        return _light_help(super().get_help_option(ctx))

    def names(self) -> list[str]:  # pragma: no cover - subclasses say
        raise NotImplementedError

    def build(self, name: str) -> Command | None:  # pragma: no cover - subclasses say
        raise NotImplementedError

    def list_commands(self, ctx: Context) -> list[str]:
        return self.names()

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in self.names():
            command = self.build(cmd_name)
            if command is not None:
                self.commands[cmd_name] = command
        return command

    def load_all(self) -> None:
        """Build every command below this group (tests and documentation walk the tree)."""
        lighten(self)
        for name in self.names():
            command = self.get_command(None, name)  # type: ignore[arg-type]
            if isinstance(command, LazyGroup):
                command.load_all()

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        # TyperGroup's, with the names from `names()`: its hint reads `self.commands`, which
        # holds only what has been built.
        try:
            return self._click_resolve_command(ctx, args)
        except UsageError as error:
            if self.suggest_commands and args:
                matches = get_close_matches(args[0], self.names())
                if matches:
                    suggestions = ", ".join(f"{m!r}" for m in matches)
                    error.message = f"{error.message.rstrip('.')}. Did you mean {suggestions}?"
            raise


class RootGroup(LazyGroup):
    """The top-level group: its commands come from `table`; listing them (help, completion)
    imports nothing."""

    table: ClassVar[Sequence[Entry]] = ()
    #: What `typer.Typer(pretty_exceptions_short=…)` passes to the commands it builds.
    pretty_exceptions_short: ClassVar[bool] = True

    def names(self) -> list[str]:
        return [entry.name for entry in self.table]

    def entry(self, name: str) -> Entry | None:
        return next((entry for entry in self.table if entry.name == name), None)

    def build(self, name: str) -> Command | None:
        entry = self.entry(name)
        if entry is None:
            return None
        # __import__, not importlib.import_module: -X importtime sees only the former.
        __import__(entry.module)
        target = getattr(sys.modules[entry.module], entry.attribute)
        if isinstance(target, typer.Typer):
            return build_group(target, entry.name, self)
        return build_command(_command_info(entry.name, target), self)

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        """TyperGroup's listing, from the table: the same rows without building a command."""
        if not self.table:
            return
        limit = formatter.width - 6 - max(len(entry.name) for entry in self.table)
        rows = [(entry.name, make_default_short_help(entry.summary, limit)) for entry in self.table]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def shell_complete(self, ctx: Context, incomplete: str) -> list[CompletionItem]:
        """Command names with their one-line help (from the table), then options."""
        results = [
            CompletionItem(entry.name, help=make_default_short_help(entry.summary))
            for entry in self.table
            if entry.name.startswith(incomplete)
        ]
        results.extend(Command.shell_complete(self, ctx, incomplete))
        return results

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        lighten(self)  # the root's own options (--db, --version, completion)
        return super().make_context(*args, **kwargs)

    def _main_shell_completion(
        self, ctx_args: Any, prog_name: str, complete_var: Any = None
    ) -> None:
        var = complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        if os.environ.get(var):  # a Tab in the shell: help rendered without typer.rich_utils
            from amtui.cli.completion import use_light_rendering

            use_light_rendering()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)


class NounGroup(LazyGroup):
    """A noun's group (`amtui task …`): its commands are Typer's registrations, built one at
    a time by name."""

    registrations: dict[str, CommandInfo]
    root: RootGroup

    def names(self) -> list[str]:
        return list(self.registrations)

    def build(self, name: str) -> Command | None:
        info = self.registrations.get(name)
        return None if info is None else build_command(info, self.root)


def _command_info(name: str, callback: Any) -> CommandInfo:
    """The registration `app.command(name)(callback)` would make (Typer's own defaults)."""
    scratch = typer.Typer()
    scratch.command(name)(callback)
    return scratch.registered_commands[0]


def build_command(info: CommandInfo, root: RootGroup) -> Command:
    if info.cls in (None, TyperCommand):  # Typer's default: its own class
        info = copy.copy(info)
        info.cls = LightCommand
    command = get_command_from_info(
        info,
        pretty_exceptions_short=root.pretty_exceptions_short,
        rich_markup_mode=root.rich_markup_mode,
    )
    lighten(command)
    return command


def build_group(sub: typer.Typer, name: str, root: RootGroup) -> NounGroup:
    """The group `app.add_typer(sub, name=name)` would make, without building its commands."""
    if sub.registered_groups:  # pragma: no cover - amtui's nouns have no nested groups
        raise TypeError(f"{name}: nested groups are not built lazily")
    bare = typer.Typer()
    bare.info = sub.info
    bare.registered_callback = sub.registered_callback
    group = get_group_from_info(
        TyperInfo(bare, name=name, cls=NounGroup),
        pretty_exceptions_short=root.pretty_exceptions_short,
        rich_markup_mode=root.rich_markup_mode,
        suggest_commands=root.suggest_commands,
    )
    assert isinstance(group, NounGroup)
    group.registrations = {
        info.name or get_command_name(info.callback.__name__): info  # type: ignore[union-attr]
        for info in sub.registered_commands
    }
    group.root = root
    lighten(group)
    return group

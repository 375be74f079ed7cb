"""The fast path: the hot commands, written the usual way, run without importing Typer.

Typer and its vendored Click cost a hot command ~25–30 ms of imports, building the command
and parsing (bench/RESULTS.md), more than the agenda's own work at 100 000 records. This
module reads a command line against the declarations in `amtui.cli.hot` (`Hot`: the command's
words, its options and arguments, the body that runs it) and runs the body itself; anything it
is not sure of, it hands back to Typer untouched (`parse` returns None), so every message and
exit code of a refused command line stays Typer's:

- `amtui [--db DB] WORDS [OPTIONS] [ARGUMENTS]`, options and arguments in any order, as Click
  reads them: `--name VALUE`, `--name=VALUE`, `-x VALUE`, a flag `--quiet` / `-q`, a repeated
  option (the last one wins, or every one for a repeatable option);
- never: `--help`/`-h`, `--version`, an option of another command, a short option with its
  value attached (`-fjson`) or grouped flags (`-qf`), `--`, a lone `-`, an option's value or
  an argument that starts with `-`, a missing value or argument, a value Typer would refuse
  (an integer that is not plain digits or is out of range, a choice that is not one), shell
  completion (`_AMTUI_COMPLETE`).

Each declaration is held equal to its Typer command's parameters by tests/cli/test_fast.py
(names, flags, types, bounds, defaults), which also runs a set of command lines, good and bad,
through both paths and compares stdout, stderr and the exit code byte for byte.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

from amtui.core.patterns import lazy
from amtui.core.structs import struct

#: An integer as a command line usually writes one (Typer's coercion says the same for these:
#: `amtui.cli.coercion`); anything else (`+5`, ` 12 `, `1_000`, other scripts' digits, huge
#: numbers) is Typer's to read or refuse.
PLAIN_INT = lazy(r"-?[0-9]{1,18}")

#: The environment variable of Typer's shell completion (`amtui.cli.lazy.RootGroup`).
COMPLETE_VAR = "_AMTUI_COMPLETE"


# Structs (`amtui.core.structs`), neither dataclasses nor named tuples: a frozen dataclass
# compiles six methods when this module is imported, and a `typing.NamedTuple` compiles each
# string annotation (a ForwardRef); every command line imports this module (`--help` too).


@struct(frozen=True)
class Option:
    """One option of a hot command, as its Typer command declares it (`name` is the Python
    parameter's name, `flags` its long and short spellings)."""

    name: str
    flags: tuple[str, ...]
    #: str, int, bool (a flag that takes no value) or an Enum (a case-insensitive choice).
    type: type = str
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    multiple: bool = False

    def read(self, raw: str) -> tuple[bool, Any]:
        """(True, value) as Typer would pass it, or (False, None): Typer must read it."""
        if self.type is str:
            return True, raw
        if self.type is int:
            if not PLAIN_INT.fullmatch(raw):
                return False, None
            number = int(raw)
            if (self.minimum is not None and number < self.minimum) or (
                self.maximum is not None and number > self.maximum
            ):
                return False, None
            return True, number
        if issubclass(self.type, Enum) and raw.isascii():
            wanted = raw.casefold()
            for member in self.type:
                if str(member.value).casefold() == wanted:
                    return True, member
        return False, None


@struct(frozen=True)
class Argument:
    """The positional arguments of a hot command: one or more words (Typer's `list[str]`)."""

    name: str


@struct(frozen=True)
class Hot:
    """A hot command: the words that name it, its options and arguments, and its body
    (`module:function`, called with a `Runtime` and the parameters by name; it returns the
    exit code, or None for 0)."""

    words: tuple[tuple[str, ...], ...]
    body: str
    options: tuple[Option, ...] = ()
    argument: Argument | None = None

    def spelled(self, flag: str) -> Option | None:
        """The option `flag` spells (`--format`, `-f`), if this command has it."""
        return next((option for option in self.options if flag in option.flags), None)


@struct(frozen=True)
class Call:
    """A command line the fast path runs: the command, `--db`, and the body's parameters."""

    hot: Hot
    db: str | None
    values: dict[str, Any]


def _looks_like_option(token: str) -> bool:
    return token.startswith("-")


def parse(argv: Sequence[str], commands: Sequence[Hot] | None = None) -> Call | None:
    """The call `argv` makes, or None when Typer must read it."""
    if os.environ.get(COMPLETE_VAR):
        return None
    args = list(argv)
    db = None
    while args and _looks_like_option(args[0]):  # the root's options: --db only
        token = args.pop(0)
        if token.startswith("--db="):
            db = token[len("--db=") :]
        elif token == "--db" and args and not _looks_like_option(args[0]):
            db = args.pop(0)
        else:
            return None  # `--help`, `--version`, …: decided before loading any declaration
    if not args or args == ["tui"]:
        # The app: from a terminal, straight to it (Typer and its app cost ~30–50 ms of the
        # first frame); off one, Typer prints the help or says why it cannot open.
        return Call(APP, db, {}) if on_terminal() else None
    if commands is None:
        from amtui.cli.hot import HOT

        commands = HOT
    hot, rest = _command(args, commands)
    if hot is None:
        return None
    values: dict[str, Any] = {
        option.name: [] if option.multiple else option.default for option in hot.options
    }
    words: list[str] = []
    while rest:
        token = rest.pop(0)
        if not _looks_like_option(token):
            words.append(token)
            continue
        name, equals, attached = token.partition("=") if token.startswith("--") else (token, "", "")
        option = hot.spelled(name)
        if option is None:
            return None
        if option.type is bool:
            if equals:
                return None
            values[option.name] = True
            continue
        if equals:
            raw = attached
        elif rest and not _looks_like_option(rest[0]):
            raw = rest.pop(0)
        else:
            return None
        ok, value = option.read(raw)
        if not ok:
            return None
        if option.multiple:
            values[option.name].append(value)
        else:
            values[option.name] = value
    if hot.argument is None:
        if words:
            return None
    elif not words:
        return None
    else:
        values[hot.argument.name] = words
    for option in hot.options:
        if option.multiple and not values[option.name]:
            values[option.name] = option.default
    return Call(hot, db, values)


#: `amtui` with no command (or `amtui tui`) on a terminal: the full-screen app, as the Typer
#: app's root callback and `tui` command open it (`amtui.cli.app`).
APP = Hot(((), ("tui",)), "amtui.cli.app:open_app")


def on_terminal() -> bool:
    """stdin and stdout are both a terminal (where the app can run)."""
    from amtui.cli.output import is_terminal

    return is_terminal(sys.stdin) and is_terminal(sys.stdout)


def _command(args: list[str], commands: Sequence[Hot]) -> tuple[Hot | None, list[str]]:
    for hot in commands:
        for words in hot.words:
            if tuple(args[: len(words)]) == words:
                return hot, args[len(words) :]
    return None, args


def dispatch(argv: Sequence[str]) -> int | None:
    """Run `argv` on the fast path and return its exit code, or None: Typer must run it."""
    call = parse(argv)
    if call is None:
        return None
    if call.hot is APP:  # runs for as long as the user likes: its collector is its own
        return execute(call)
    # A hot command is short and bounded (one day's agenda, one write): the cycles it leaves
    # are freed when the process ends. The cyclic collector would walk every object its
    # imports made, several times over: ~35 M instructions, 9% of `amtui agenda` at 100k.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return execute(call)
    finally:
        if collecting:  # run in-process (the tests): as it was
            gc.enable()


def execute(call: Call) -> int:
    """Run a parsed call as the Typer app runs a command: the Runtime closed at the end,
    AmtuiError as one line and its exit code, Ctrl+C as 130, a closed pipe as 1."""
    from amtui.cli.context import Runtime
    from amtui.core.errors import AmtuiError

    runtime = Runtime(db_option=call.db)
    try:
        try:
            return _body(call.hot)(runtime, **call.values) or 0
        except AmtuiError as error:
            from amtui.cli.output import report

            return report(error)
        finally:
            runtime.close()
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # What Click does for EPIPE: further flushes are silenced, and the exit status is 1.
        sys.stdout = _Pacified(sys.stdout)
        sys.stderr = _Pacified(sys.stderr)
        return 1


def _body(hot: Hot) -> Callable[..., int | None]:
    module, _, function = hot.body.partition(":")
    __import__(module)
    body: Callable[..., int | None] = getattr(sys.modules[module], function)
    return body


class _Pacified:
    """Click's `PacifyFlushWrapper`: a stream whose flush ignores a closed pipe."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped

    def flush(self) -> None:
        try:
            self.wrapped.flush()
        except OSError as error:
            import errno

            if error.errno != errno.EPIPE:
                raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)

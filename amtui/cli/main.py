"""The `amtui` entry point (the console script and `python -m amtui`).

A command line goes to the fast path first (`amtui.cli.fast`): the hot commands written the
usual way (`amtui agenda`, `amtui add …`, `amtui remind due`, `amtui task done T12`) run there
without importing Typer. Everything else — any other command, `--help`, an option or a value
the fast path does not know, a usage error — goes to the Typer app (`amtui.cli.root`), so
its messages and exit codes are Typer's. Both paths run the same command bodies
(`amtui.cli.hot`) and report errors the same way (tests/cli/test_fast.py compares them).

`app`, `COMMANDS` and the rest of `amtui.cli.root` can still be imported from here; they are
loaded on first use.
"""

from __future__ import annotations

import sys
from typing import Any


def run(*, fast_exit: bool = True, fast_path: bool = True) -> None:
    """Console-script entry point (also under `python -m amtui`). It ends the process when the
    command is done (`amtui.cli.process.exit_now`) unless `fast_exit` is False, when it raises
    SystemExit as Typer does. `fast_path=False` sends every command line to Typer (the tests
    compare the two)."""
    try:
        arguments = sys.argv[1:]
        for argument in arguments:
            _check_decodable(argument)
        if fast_path:
            from amtui.cli.fast import dispatch

            code = dispatch(arguments)
            if code is not None:
                raise SystemExit(code)
        from amtui.cli.root import app

        app(prog_name="amtui")
    except SystemExit as done:
        if fast_exit:
            from amtui.cli.process import exit_now

            exit_now(done.code)
        raise


def _check_decodable(argument: str) -> None:
    """Refuse an argument that is not UTF-8 (Python keeps its bytes as lone surrogates, which
    no database or terminal accepts): one line and exit 2 instead of a traceback."""
    try:
        argument.encode("utf-8")
    except UnicodeEncodeError:
        from amtui.core.text import one_line

        raw = argument.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        print(
            f"amtui: argument '{one_line(raw)}' is not valid UTF-8 text; "
            "check the encoding of your terminal or script",
            file=sys.stderr,
        )
        raise SystemExit(2) from None


def __getattr__(name: str) -> Any:
    """`from amtui.cli.main import app` (and the rest of the Typer app) still works."""
    if name.startswith("__"):
        raise AttributeError(name)
    from amtui.cli import root

    try:
        return getattr(root, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None

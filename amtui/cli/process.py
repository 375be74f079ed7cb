"""How an `amtui` process ends: at once, when nothing is left to do.

After a command, CPython's shutdown tears down every module and object one by one: 14–30% of
a short command's process (bench/RESULTS.md, "shutdown"), ~16 ms for Typer's modules alone
and ~100 ms with SQLAlchemy's, work whose only result is freed memory the kernel frees anyway.
`exit_now` does what shutdown does that anyone can notice — runs the atexit handlers (logging,
temporary directories, …) and flushes stdout and stderr — and then ends the process with
`os._exit`. It declines (and Python shuts down as usual) whenever that might not be the same:
a thread other than the main one still running, the full-screen app having run, a flush
that fails (a closed pipe: Python's own handling reports it exactly as before), or an exit
status that is not a number.

Everything amtui writes goes through `with` blocks or SQLite (each write a committed
transaction, the connection closed by the command's Runtime before this runs), so no file is
left for shutdown to flush; tests/cli/test_process_exit.py checks outputs and statuses.
"""

from __future__ import annotations

import os
import sys


def exit_now(code: object) -> None:
    """End the process with `code` (a SystemExit code) now, or return if that is not safe."""
    if code is None:
        code = 0
    if not isinstance(code, int) or not -(2**31) <= code < 2**31 or "textual" in sys.modules:
        return
    threading = sys.modules.get("threading")
    if threading is not None and any(
        thread.is_alive() and not thread.daemon and thread is not threading.main_thread()
        for thread in threading.enumerate()
    ):
        return  # shutdown would wait for it
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return  # a closed or broken stream: let Python report it as it always has
    import atexit

    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):  # whatever a handler printed
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return
    os._exit(code)

"""Writing output files whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from amtui.core.errors import InputError


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Let `write` fill a temporary file next to `path`, then rename it over `path`.

    If `write` raises, the temporary file is removed and `path` is untouched (a reader never
    sees half a document, and a failed render leaves no file behind). A directory that does
    not exist or cannot be written is an InputError naming it.
    """
    directory = path.parent
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise InputError(f"cannot write in {directory}: {error.strerror or error}") from None
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        # mkstemp creates 0600; give the file the mode a plain open() would have.
        umask = os.umask(0o022)
        os.umask(umask)
        temporary.chmod(0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    """`data` into `path`, whole or not at all (exports, the calendar file): a reader (a
    calendar, a cron job) never sees half a file. A directory or an unwritable place is an
    InputError naming it."""
    path = path.expanduser()
    if path.is_dir():
        raise InputError(f"cannot write {path}: it is a directory; give a file name")
    try:
        write_atomically(path, lambda temporary: temporary.write_bytes(data))
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror or error}") from None

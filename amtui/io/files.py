"""Writing output files whole or not at all."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from amtui.core.errors import InputError


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Let `write` fill a temporary file next to `path`, then rename it over `path`.

    If `write` raises, the temporary file is removed and `path` is untouched (a reader never
    sees half a document, and a failed render leaves no file behind). A directory that does
    not exist or cannot be written is an InputError naming it.

    A symbolic link keeps pointing where it did: the file it names is replaced, never the link
    (a calendar file linked into a synced folder stays linked). A file that already exists
    keeps its permissions (a private `chmod 600` export stays private). What is not a regular
    file (`/dev/stdout`, a terminal, a named pipe) cannot be renamed over: the document is
    made aside and then written into it, so `-o /dev/stdout` prints it.
    """
    try:
        existing: os.stat_result | None = path.stat()  # follows links
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror or error}") from None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise InputError(f"cannot write {path}: it is a directory; give a file name")
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        _write_through(path, write)
        return
    # The file a link (or a chain of links) names; a dangling link's target is created.
    target = Path(os.path.realpath(path))
    directory = target.parent
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise InputError(f"cannot write in {directory}: {error.strerror or error}") from None
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        if existing is not None:
            mode = stat.S_IMODE(existing.st_mode)
        else:  # mkstemp creates 0600; give the file the mode a plain open() would have.
            umask = os.umask(0o022)
            os.umask(umask)
            mode = 0o666 & ~umask
        temporary.chmod(mode)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write_through(path: Path, write: Callable[[Path], object]) -> None:
    """A device or pipe: render into a private scratch file, then copy it in."""
    with tempfile.TemporaryDirectory(prefix="amtui-") as scratch:
        temporary = Path(scratch) / (path.name or "output")
        write(temporary)
        try:
            with temporary.open("rb") as source, path.open("wb") as sink:
                shutil.copyfileobj(source, sink)
        except OSError as error:
            raise InputError(f"cannot write {path}: {error.strerror or error}") from None


#: The most an input file (an export, a form, a vCard, one mail) may hold: far above any real
#: one, and a bound on what a stream (`<(…)`, a pipe) can make amtui hold in memory.
MAX_INPUT_BYTES = 1 << 30


def read_input_file(path: Path, shown: str | None = None) -> bytes:
    """The bytes of a file given to import: a regular file or a pipe (`<(curl …)`, `/dev/stdin`).

    A device (`/dev/zero`, `/dev/urandom`, a terminal) would be read forever, and a directory
    is not a file: both are refused with one line (InputError), as are a missing or unreadable
    file and anything larger than MAX_INPUT_BYTES."""
    shown = shown or str(path)
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"{shown} is a directory; give a file")
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            raise InputError(f"{shown} is a device, not a file; give a file (or a pipe)")
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"cannot read {shown}: no such file") from None
    except OSError as error:
        raise InputError(f"cannot read {shown}: {error.strerror or error}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{shown} is larger than {MAX_INPUT_BYTES >> 20} MiB; split it")
    return data


def write_bytes(path: Path, data: bytes) -> None:
    """`data` into `path`, whole or not at all (exports, the calendar file): a reader (a
    calendar, a cron job) never sees half a file. A directory or an unwritable place is an
    InputError naming it."""
    path = path.expanduser()
    try:
        write_atomically(path, lambda temporary: temporary.write_bytes(data))
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror or error}") from None

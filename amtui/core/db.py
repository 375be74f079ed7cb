"""Storage (DESIGN §3): one `Database` per front end, built from a path or a URL.

`Database` is `amtui.core.sql.Database`: the stdlib `sqlite3` driver (or psycopg 3 for
PostgreSQL) with amtui's settings. Every SQLite connection runs in WAL mode with
synchronous=FULL, foreign keys on and a 10 s busy timeout; `Database.write()` opens with
`BEGIN IMMEDIATE`, taking the write lock up front, so a transaction that reads and then writes
can never fail half-way because another process (the TUI, a cron job) committed in between.
On PostgreSQL every write transaction first takes one advisory lock (`pg_advisory_xact_lock`)
with the same timeout, so writers run one after another there too. Reads never block writers.
See `amtui.core.sql` for the rest (types, errors, change tokens, savepoints).

This module adds what only a file has: `check_sqlite_location` refuses a place SQLite cannot
keep amtui's data before SQLite touches it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from amtui.core.errors import StorageError
from amtui.core.sql import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from amtui.core.sql import WRITE_LOCK_KEY as WRITE_LOCK_KEY
from amtui.core.sql import Database as Database
from amtui.core.sql import Tx as Tx


def check_sqlite_location(path: Path, *, create_directory: bool = False) -> None:
    """Refuse a place SQLite cannot keep amtui's data, before SQLite touches it: a directory, a
    FIFO (opening it would block), a device such as /dev/null (it would swallow every write),
    or a new file in a directory that does not exist (a typo in --db must not create data
    somewhere unexpected) or cannot be written. `create_directory` is for amtui's own default
    location, whose directory is created on first use."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:  # a file where a directory should be, a loop of links…
        raise StorageError(f"cannot open database {path}: {error.strerror}") from None
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise StorageError(
                f"cannot open database {path}: it is a directory; give the path of a file"
            )
        if not stat.S_ISREG(mode):
            raise StorageError(
                f"cannot open database {path}: it is not a regular file (a device, FIFO or "
                "socket); give the path of a file"
            )
        return
    directory = path.parent
    if not directory.is_dir():
        if create_directory and not directory.exists():
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StorageError(f"cannot create {directory}: {error.strerror}") from None
            return
        raise StorageError(
            f"cannot create database {path}: the directory {directory} does not exist"
        )
    if not os.access(directory, os.W_OK | os.X_OK):
        raise StorageError(
            f"cannot create database {path}: the directory {directory} is not writable"
        )

"""`amtui db backup`: a consistent copy of an SQLite database, taken while it is in use.

SQLite's online backup API copies the pages of one read snapshot, so the copy is the database
as it was at one commit even while the app or a cron job writes (in WAL mode writers are not
blocked meanwhile). The copy is made in a temporary file beside the target, checked
(`PRAGMA integrity_check`), switched to a self-contained rollback journal (one file, no -wal
beside it), synced, and only then given its name; an existing file is never overwritten.
PostgreSQL has its own tool for this (pg_dump).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from amtui.core.errors import InputError, NotFoundError, StorageError
from amtui.core.sql import BUSY_TIMEOUT_MS, storage_error


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int  # bytes


def backup_name(database: Path, now: datetime) -> str:
    """`amtui-backup-20261125-090000.db`: sorts by time; `find -name 'amtui-backup-*'`."""
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{database.stem}-backup-{stamp}{database.suffix or '.db'}"


def backup_target(database: Path, target: Path | None, now: datetime) -> Path:
    """Where a backup goes: `target`, a file in `target` when it is a directory, or a
    timestamped file beside the database."""
    if target is None:
        return database.with_name(backup_name(database, now))
    target = target.expanduser()
    if target.is_dir():
        return target / backup_name(database, now)
    return target


def backup_sqlite(database: Path, target: Path) -> Backup:
    """Copy `database` to `target` consistently; refuse to overwrite anything."""
    if not database.exists():
        raise NotFoundError(f"there is no database at {database} yet: nothing to back up")
    if target.exists() or target.is_symlink():
        raise InputError(f"{target} already exists; amtui never overwrites a backup")
    if not target.parent.is_dir():
        raise InputError(f"cannot write {target}: directory {target.parent} does not exist")
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        _copy(database, temporary)
        try:
            os.link(temporary, target)  # fails if the name was taken meanwhile: no overwrite
        except FileExistsError:
            raise InputError(f"{target} already exists; amtui never overwrites a backup") from None
        except OSError as error:
            raise InputError(f"cannot write {target}: {error.strerror or error}") from None
    finally:
        temporary.unlink(missing_ok=True)
    return Backup(target, target.stat().st_size)


def _copy(database: Path, temporary: Path) -> None:
    try:
        source = sqlite3.connect(database, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise storage_error(str(error), str(database)) from None
    try:
        try:
            copy = sqlite3.connect(temporary)
        except sqlite3.Error as error:
            raise InputError(f"cannot write {temporary.parent}: {error}") from None
        try:
            # All pages in one step: one read snapshot of the source, however busy it is.
            source.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode = DELETE")
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise StorageError(f"the copy of {database} does not check out ({check})")
        except sqlite3.Error as error:
            raise storage_error(str(error), str(database)) from None
        finally:
            copy.close()
    finally:
        source.close()
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())

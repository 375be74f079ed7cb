"""What the undo journal costs (issue 11): one write, and a JSON restore with its undo.

Usage (from the repository root):

    python bench/journal.py                       # 300 quick-adds + 300 done, journal on/off
    python bench/journal.py --restore bench/data/bench-10k.json   # import json, then undo

The first part times the same service calls (`add_task`, `complete_task`) with the journal
on and off (`Database.write(journal=False)`), in one process, on SQLite files in bench/data/.
The second imports an `amtui export` into a new database through the real `import_archive`
(one transaction, one journal entry), then takes it back with `undo_latest`, and reports the
times and the file sizes. Make the export with `python bench/generate.py … --scale 10k` and
`amtui --db … export --out …`.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from amtui.core.config import load_config
from amtui.core.db import Database
from amtui.core.migrations import ensure_schema

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)


def fresh(name: str) -> Database:
    DATA.mkdir(exist_ok=True)
    path = DATA / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = Database(path)
    ensure_schema(db)
    return db


@contextmanager
def journal_off(enabled: bool) -> Iterator[None]:
    """Every write without the journal, as a database from before it would be written."""
    if enabled:
        yield
        return
    original = Database.write

    def write(self: Database, *, journal: bool = True) -> Any:
        return original(self, journal=False)

    Database.write = write  # type: ignore[method-assign]
    try:
        yield
    finally:
        Database.write = original  # type: ignore[method-assign]


def timed(run: Callable[[], Any]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def writes(count: int, journal: bool) -> float:
    from amtui.core.drafts import draft_from_text
    from amtui.core.tasks import add_task, complete_task

    config = load_config()
    db = fresh(f"journal-writes-{'on' if journal else 'off'}.db")

    def run() -> None:
        for number in range(count):
            draft = draft_from_text(
                f"Task {number} due:fri client:Granel +x", now=NOW, config=config
            )
            add_task(db, draft, now=NOW, config=config)
        for number in range(1, count + 1):
            complete_task(db, f"T{number}", now=NOW, config=config)

    with journal_off(journal):
        elapsed = timed(run)
    db.dispose()
    return elapsed / (2 * count) * 1000


def restore(export: Path, journal: bool) -> None:
    from amtui.core.archive import import_archive
    from amtui.core.journal import undo_latest

    archive = json.loads(export.read_text(encoding="utf-8"))
    rows = sum(len(found) for found in archive["tables"].values())
    db = fresh(f"journal-restore-{'on' if journal else 'off'}.db")
    with journal_off(journal):
        took = timed(lambda: import_archive(db, archive))
    assert db.path is not None
    size = db.path.stat().st_size + Path(f"{db.path}-wal").stat().st_size
    line = f"journal {'on ' if journal else 'off'}: import json {rows} rows {took:.1f} s"
    if journal:
        undo = timed(lambda: undo_latest(db, now=NOW))
        line += f", undo {undo:.1f} s"
    print(f"{line}, file {size / 1e6:.0f} MB")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=300, help="quick-adds (and as many dones)")
    parser.add_argument("--restore", type=Path, help="an amtui JSON export to import and undo")
    args = parser.parse_args()
    for journal in (False, True, False, True):
        per = writes(args.writes, journal)
        print(f"journal {'on ' if journal else 'off'}: {per:.2f} ms per write (add or done)")
    if args.restore:
        restore(args.restore, journal=False)
        restore(args.restore, journal=True)


if __name__ == "__main__":
    main()

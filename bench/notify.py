"""How soon an open app on PostgreSQL learns of another session's commit (issue 12).

    python bench/notify.py postgresql://user:pass@localhost/scratch --runs 30

The database is WIPED (a fresh schema) and filled with the demo team. Each run one session
assigns a lead (`amtui.core.members.assign`, as `amtui lead assign` does) and the clock runs
until the watching side sees it:

- notify: `Database.change_token` through LISTEN/NOTIFY (what the app uses now), woken by
  `wait_for_change`;
- counters: the row-change counters of `pg_stat_user_tables` (what the app polled before, and
  its fallback when it cannot listen), read every 10 ms.

The app looks at the token every 0.5 s (`POLL_SECONDS`), so on screen add up to 0.5 s and one
reload to the first figure.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from datetime import UTC, datetime

from common import CHECKOUT

sys.path.insert(0, str(CHECKOUT))

from amtui.core.config import load_config
from amtui.core.db import Database
from amtui.core.leads import LeadDraft, add_lead
from amtui.core.members import add_member, assign
from amtui.core.migrations import ensure_schema
from amtui.core.sql import _PG_CHANGES
from tests.conftest import wipe_postgres


def counters(db: Database) -> int:
    with db.read() as tx:
        return int(tx.scalar(_PG_CHANGES) or 0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="a PostgreSQL database this may wipe")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)

    wipe_postgres(args.url)
    writer, watcher = Database(args.url), Database(args.url)
    now = datetime.now(UTC)
    config = dataclasses.replace(load_config(), me="anna")
    ensure_schema(writer)
    add_member(writer, "anna", "Anna", now=now)
    add_member(writer, "ben", "Ben", now=now)
    ref = add_lead(writer, LeadDraft("Contested"), now=now, config=config).lead.ref
    notify: list[float] = []
    polled: list[float] = []
    try:
        for run in range(args.runs):
            who = ("anna", "ben")[run % 2]
            token = watcher.change_token()
            time.sleep(1.5)  # let the previous run's counters arrive before the baseline
            baseline = counters(watcher)
            assign(writer, ref, who, now=now, config=config)
            committed = time.perf_counter()
            if not watcher.wait_for_change(token, timeout=10):
                raise SystemExit("no notification within 10 s: are the triggers there?")
            notify.append(time.perf_counter() - committed)
            while counters(watcher) == baseline:
                if time.perf_counter() - committed > 10:
                    raise SystemExit("the counters did not move within 10 s")
                time.sleep(0.01)
            polled.append(time.perf_counter() - committed)
    finally:
        writer.dispose()
        watcher.dispose()

    def row(name: str, values: list[float]) -> str:
        ms = sorted(v * 1000 for v in values)
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        return f"| {name} | {statistics.median(ms):.1f} ms | {p95:.1f} ms | {ms[-1]:.1f} ms |"

    print(f"{args.runs} runs, from the assigning transaction's commit to the watcher seeing it")
    print("| watcher | median | p95 | max |")
    print("|---|---:|---:|---:|")
    print(row("LISTEN/NOTIFY (now)", notify))
    print(row("pg_stat counters, polled every 10 ms (before; the fallback)", polled))


if __name__ == "__main__":
    main()

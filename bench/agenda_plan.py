"""Which SQL `build_agenda` (and the quick-add path) runs, how long each statement takes, and
SQLite's EXPLAIN QUERY PLAN for it, on benchmark databases.

Statements are captured from `amtui.core.sql.Tx` while the real `build_agenda` runs in-process
(warm: the connection open, SQLite's statement cache filled once), then each is explained with
the exact parameters it ran with. A plan line `SCAN <table>` without an index is a full-table
scan; `SCAN <table> USING INDEX <partial index>` walks only that partial index (the open rows);
`USE TEMP B-TREE` means a sort the index order did not give.

The quick-add statements come from `create_task` inside a write transaction that is rolled
back, so the database is left unchanged.

Examples:
    python bench/agenda_plan.py                                   # run-0.db and run-100k.db
    python bench/agenda_plan.py bench/data/run-100k.db --profile  # plus cProfile of the agenda
    python bench/agenda_plan.py --write                           # update bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
RESULTS = BENCH / "RESULTS.md"
START, END = "<!-- agenda_plan:start -->", "<!-- agenda_plan:end -->"
QUICK_ADD = "Bench task due:fri 15:00 client:Bench +x"


@dataclass
class Statement:
    sql: str
    params: Any
    seconds: float
    plan: list[str] = field(default_factory=list)

    @property
    def short(self) -> str:
        text = re.sub(r"\s+", " ", self.sql).strip()
        text = re.sub(r"SELECT (?!count).*? FROM", "SELECT … FROM", text, count=1)
        return text if len(text) <= 160 else text[:157] + "…"

    @property
    def full_scans(self) -> list[str]:
        return [line for line in self.plan if re.search(r"\bSCAN \w+$", line)]

    @property
    def flags(self) -> str:
        marks = []
        if self.full_scans:
            marks.append("**FULL SCAN**")
        if any("SCAN" in line and "USING" in line for line in self.plan):
            marks.append("index walk")
        if any("TEMP B-TREE" in line for line in self.plan):
            marks.append("temp sort")
        return ", ".join(marks) or "index search"


@contextlib.contextmanager
def capture() -> Iterator[list[Statement]]:
    """Record every statement a transaction runs, as SQLite gets it (tuples expanded, values
    converted), with its wall time."""
    from amtui.core import sql

    captured: list[Statement] = []
    original = sql.Tx._run

    def run(self: Any, statement: str, params: Any) -> Any:
        started = time.perf_counter()
        cursor = original(self, statement, params)
        elapsed = time.perf_counter() - started
        expanded, values = sql._expand(statement, params)
        bound = {name: sql._to_sqlite(value) for name, value in values.items()}
        captured.append(Statement(expanded, bound, elapsed))
        return cursor

    sql.Tx._run = run  # type: ignore[method-assign]
    try:
        yield captured
    finally:
        sql.Tx._run = original  # type: ignore[method-assign]


def explain(path: Path, statements: list[Statement]) -> None:
    from amtui.core.sql import open_sqlite

    raw = open_sqlite(path, typed=False)
    try:
        for statement in statements:
            if not statement.sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
                continue
            rows = raw.execute(f"EXPLAIN QUERY PLAN {statement.sql}", statement.params)
            statement.plan = [row[3] for row in rows.fetchall()]
    finally:
        raw.close()


@dataclass
class DbReport:
    path: Path
    cold_ms: float
    agenda_ms: list[float]
    agenda: list[Statement]
    add: list[Statement]
    profile: str = ""


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def examine(path: Path, config_path: Path, repeat: int, profile: bool) -> DbReport:
    from amtui.core.agenda import build_agenda
    from amtui.core.config import load_config
    from amtui.core.db import Database
    from amtui.core.drafts import draft_from_text
    from amtui.core.tasks import create_task

    config = load_config(config_path)
    db = Database(path)
    now = datetime.now(UTC)

    def run() -> object:
        return build_agenda(db, now=now, config=config)

    # The first call pays what every CLI process pays: the connection, SQLite's schema parse.
    cold = timed(run, 1)[0]
    samples = timed(run, repeat)
    with capture() as agenda_sql:
        run()
    explain(path, agenda_sql)

    class Rollback(Exception):
        pass

    with capture() as add_sql, contextlib.suppress(Rollback), db.write() as tx:
        draft = draft_from_text(QUICK_ADD, now=now, config=config)
        create_task(tx, draft, now=now, config=config)
        raise Rollback
    explain(path, add_sql)

    text = ""
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeat):
            run()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(30)
        text = out.getvalue()
    db.dispose()
    return DbReport(path, cold, samples, agenda_sql, add_sql, text)


def statement_table(report: DbReport, statements: list[Statement]) -> list[str]:
    lines = [
        "| # | ms | statement | plan | verdict |",
        "|---:|---:|---|---|---|",
    ]
    for number, statement in enumerate(statements, 1):
        plan = "; ".join(statement.plan) or "—"
        verdict = statement.flags if statement.plan else "—"
        short = statement.short.replace("|", "\\|")
        lines.append(
            f"| {number} | {statement.seconds * 1000:.2f} | `{short}` | {plan} | {verdict} |"
        )
    return lines


def render(reports: list[DbReport], command_line: str) -> str:
    lines = [
        f"### Agenda SQL and query plans, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `{command_line}`",
        "",
        "In-process `build_agenda`, ms (first call on a new `Database`: its first connection and "
        "SQLite's schema parse; then warm calls): "
        + "; ".join(
            f"{r.path.name} first {r.cold_ms:.1f}, "
            f"warm median {statistics.median(r.agenda_ms):.1f} "
            f"(min {min(r.agenda_ms):.1f}, max {max(r.agenda_ms):.1f}, n={len(r.agenda_ms)}), "
            f"{len(r.agenda)} statements, "
            f"{sum(s.seconds for s in r.agenda) * 1000:.1f} ms in SQLite+driver"
            for r in reports
        ),
        "",
    ]
    for report in reports:
        if not report.agenda:
            continue
        scans = [s for s in report.agenda + report.add if s.full_scans]
        lines += [
            f"#### {report.path.name}: `build_agenda` statements",
            "",
            *statement_table(report, report.agenda),
            "",
            f"#### {report.path.name}: quick-add `{QUICK_ADD}` (rolled back)",
            "",
            *statement_table(report, report.add),
            "",
            f"Full-table scans on {report.path.name}: "
            + (", ".join(f"`{s.short}`" for s in scans) if scans else "none"),
            "",
        ]
        if report.profile:
            lines += [
                f"<details><summary>cProfile of build_agenda on {report.path.name}</summary>",
                "",
                "```",
                report.profile.strip(),
                "```",
                "</details>",
                "",
            ]
    return "\n".join(lines) + "\n"


def update_results(section: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    block = f"{START}\n{section}{END}"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Capture, time and EXPLAIN the agenda's SQL on benchmark databases.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "databases",
        nargs="*",
        type=Path,
        default=[DATA / "run-0.db", DATA / "run-100k.db"],
        help="databases made by run_cli.py or generate.py",
    )
    parser.add_argument("--config", type=Path, default=DATA / "config.toml")
    parser.add_argument("--repeat", type=int, default=20, help="timed build_agenda calls")
    parser.add_argument("--profile", action="store_true", help="cProfile the largest database")
    parser.add_argument("--write", action="store_true", help=f"update {RESULTS.name}")
    args = parser.parse_args(argv)
    for path in args.databases:
        if not path.exists():
            raise SystemExit(f"{path} does not exist: run bench/run_cli.py or generate.py first")
    if not args.config.exists():
        args.config.parent.mkdir(parents=True, exist_ok=True)
        args.config.write_text('timezone = "Europe/Berlin"\n')
    reports = [
        examine(path, args.config, args.repeat, args.profile and index == len(args.databases) - 1)
        for index, path in enumerate(args.databases)
    ]
    shown = sys.argv[1:] if argv is None else argv
    text = render(
        reports, "python bench/agenda_plan.py" + ("" if not shown else " " + " ".join(shown))
    )
    print(text)
    if args.write:
        update_results(text)
        print(f"updated {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

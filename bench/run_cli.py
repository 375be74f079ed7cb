"""Time whole `amtui` processes (fresh interpreter each run) at several database sizes.

For each scale (0, 10k, 100k tasks *and* leads) a database is generated with
`bench/generate.py` into bench/data/, then copied twice: one copy for the read-only commands
and one for `amtui add` (which writes). Runs are interleaved (round by round, scale by scale) so
that machine noise hits every scale alike; the ratios agenda@largest / agenda@0 therefore come
from the same run. `AMTUI_DB` and `AMTUI_CONFIG` always point into bench/data/.

Also checked: `python -X importtime -m amtui --help` must not import sqlmodel or textual, and
`amtui agenda` must not import textual.

Examples:
    python bench/run_cli.py                       # 0, 10k, 100k; 5 runs after 1 warm-up
    python bench/run_cli.py --runs 9 --write      # and update bench/RESULTS.md
    python bench/run_cli.py --scales 0,10k --reuse
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # bench/ is not a package: its own directory is on the path
    DATA,
    RESULTS,
    amtui_env,
    generate_command,
    git_state,
    load_average,
    remove_database,
    replace_section,
    write_config,
)
from common import machine as common_machine

START, END = "<!-- run_cli:start -->", "<!-- run_cli:end -->"
TARGET_RATIO = 1.5
FORBIDDEN_FOR_HELP = ("sqlmodel", "textual")
WATCHED = ("sqlmodel", "sqlalchemy", "textual", "rich", "alembic", "pydantic", "typer")


@dataclass(frozen=True)
class Command:
    label: str
    args: tuple[str, ...]
    writes: bool = False


COMMANDS = (
    Command("add", ("add", "Bench task due:fri 15:00 client:Bench +x"), writes=True),
    Command("agenda", ("agenda",)),
    Command("agenda --format json", ("agenda", "--format", "json")),
    Command("--help", ("--help",)),
)


@dataclass
class Timing:
    samples: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def cell(self) -> str:
        lo, hi = min(self.samples), max(self.samples)
        return f"{self.median * 1000:.0f} ({lo * 1000:.0f}–{hi * 1000:.0f})"


@dataclass
class ScaleData:
    name: str
    base: Path
    read_db: Path
    write_db: Path
    generated: str = ""


#: Where child processes keep their bytecode (None: as the caller's environment says).
PYCACHE_PREFIX: list[Path] = []


def bench_env(db: Path, config: Path) -> dict[str, str]:
    """The child's environment: bench data only, bytecode in PYCACHE_PREFIX if set."""
    return amtui_env(db, config, PYCACHE_PREFIX[0] if PYCACHE_PREFIX else None)


def prepare(scales: list[str], args: argparse.Namespace) -> list[ScaleData]:
    """Generate (or reuse) one base database per scale and make fresh working copies."""
    prepared = []
    for name in scales:
        base = args.data_dir / f"base-{name}.db"
        item = ScaleData(
            name, base, args.data_dir / f"run-{name}.db", args.data_dir / f"add-{name}.db"
        )
        if not (args.reuse and base.exists()):
            command = generate_command(base, name, args.seed)
            print(f"generating {name}: {shlex.join(command[1:])}", file=sys.stderr, flush=True)
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"generate.py failed for {name}:\n{done.stderr}")
            item.generated = done.stdout.strip()
        else:
            item.generated = f"{base}: reused"
        for copy in (item.read_db, item.write_db):
            remove_database(copy)
            shutil.copyfile(base, copy)
        prepared.append(item)
    return prepared


def run_once(amtui: str, command: Command, db: Path, config: Path) -> tuple[float, int, float]:
    """Wall time of one fresh process, its peak RSS in KiB and its CPU time (from wait4)."""
    env = bench_env(db, config)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen([amtui, *command.args], env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            err.seek(0)
            raise SystemExit(
                f"`amtui {shlex.join(command.args)}` failed on {db} "
                f"(exit {process.returncode}):\n{err.read().decode(errors='replace')}"
            )
    return elapsed, int(usage.ru_maxrss), usage.ru_utime + usage.ru_stime


def measure(
    scales: list[ScaleData], amtui: str, config: Path, runs: int, warmup: int
) -> dict[tuple[str, str], Timing]:
    timings: dict[tuple[str, str], Timing] = {}
    for _ in range(warmup):
        for command in COMMANDS:
            for scale in scales:
                run_once(amtui, command, db_for(scale, command), config)
    for round_no in range(runs):
        print(f"round {round_no + 1}/{runs}", file=sys.stderr, flush=True)
        for command in COMMANDS:
            # Rotate the scale order each round so no scale always runs first after a switch.
            order = scales[round_no % len(scales) :] + scales[: round_no % len(scales)]
            for scale in order:
                elapsed, rss, cpu = run_once(amtui, command, db_for(scale, command), config)
                timing = timings.setdefault((command.label, scale.name), Timing())
                timing.samples.append(elapsed)
                timing.rss_kb.append(rss)
                timing.cpu.append(cpu)
    return timings


def db_for(scale: ScaleData, command: Command) -> Path:
    return scale.write_db if command.writes else scale.read_db


def interpreter_floor(runs: int) -> Timing:
    """`python -c pass`: the part of every row that no amtui change can remove."""
    timing = Timing()
    for index in range(runs + 1):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        if index:  # the first is a warm-up
            timing.samples.append(time.perf_counter() - started)
    return timing


@dataclass
class ImportReport:
    label: str
    total_us: int  # every top-level import of the process
    present: list[str]
    forbidden: list[str]
    top: list[tuple[str, int]]


def import_report(
    label: str, args: list[str], env: dict[str, str], forbidden: tuple[str, ...]
) -> ImportReport:
    """Run `python -X importtime -m amtui ARGS` three times; keep the fastest."""
    best: ImportReport | None = None
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "amtui", *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        roots: set[str] = set()
        top_level: list[tuple[str, int]] = []
        for line in done.stderr.splitlines():
            match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( +)(\S+)", line)
            if not match:
                continue
            cumulative, indent, name = int(match.group(2)), len(match.group(3)), match.group(4)
            roots.add(name.split(".")[0])
            if indent == 1:
                top_level.append((name, cumulative))
        report = ImportReport(
            label,
            sum(us for _, us in top_level),
            [name for name in WATCHED if name in roots],
            [name for name in forbidden if name in roots],
            sorted(top_level, key=lambda item: -item[1])[:5],
        )
        if best is None or report.total_us < best.total_us:
            best = report
    assert best is not None
    return best


def agenda_totals(amtui: str, db: Path, config: Path) -> dict[str, int]:
    done = subprocess.run(
        [amtui, "agenda", "--format", "json"],
        env=bench_env(db, config),
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(done.stdout)
    return {key: value["total"] for key, value in data.items() if isinstance(value, dict)}


def row_counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = ("client", "lead", "task", "task_tag", "reminder", "activity")
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        conn.close()


def machine() -> dict[str, str]:
    # The version from the package metadata: importing SQLAlchemy would add ~20 MiB to this
    # process, and a child's wait4 peak RSS is never below its parent's.
    info = common_machine()
    load = info.popitem()
    return {**info, "SQLAlchemy": metadata.version("sqlalchemy"), load[0]: load[1]}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def render(
    args: argparse.Namespace,
    scales: list[ScaleData],
    timings: dict[tuple[str, str], Timing],
    floor: Timing,
    imports: list[ImportReport],
    totals: dict[str, dict[str, int]],
    counts: dict[str, dict[str, int]],
    info: dict[str, str],
    git: str,
) -> str:
    names = [scale.name for scale in scales]
    lines = [
        f"### CLI timings, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `{args.command_line}`  ",
        f"Code: {git}  ",
        "Bytecode: "
        + (
            f"private cache `PYTHONPYCACHEPREFIX={PYCACHE_PREFIX[0]}`  "
            if PYCACHE_PREFIX
            else "caller's settings  "
        ),
        "Machine: " + "; ".join(f"{key} {value}" for key, value in info.items()),
        "",
        f"Whole-process wall time in ms: median (min–max) of {args.runs} runs after "
        f"{args.warmup} warm-up; scales are N tasks (cards, subtasks extra) and N leads.",
        "",
        "| command | " + " | ".join(f"{name}" for name in names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for command in COMMANDS:
        cells = [timings[(command.label, name)].cell() for name in names]
        lines.append(
            f"| `amtui {' '.join(shlex.quote(a) for a in command.args)}` | "
            + " | ".join(cells)
            + " |"
        )
    lines.append(f"| `python -c pass` (floor) | {floor.cell()} |" + " |" * (len(names) - 1))
    lines.append("")
    lines.append(
        "CPU time (user + system) per process in ms, median — less sensitive than wall time "
        "to other load on the machine:"
    )
    lines.append("")
    lines.append("| command | " + " | ".join(names) + " |")
    lines.append("|---|" + "---:|" * len(names))
    for command in COMMANDS:
        cells = [ms(statistics.median(timings[(command.label, name)].cpu)) for name in names]
        lines.append(f"| `{command.label}` | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Peak RSS per process in MiB (median over the timed runs, from `wait4`):")
    lines.append("")
    lines.append("| command | " + " | ".join(names) + " |")
    lines.append("|---|" + "---:|" * len(names))
    for command in COMMANDS:
        cells = [
            f"{statistics.median(timings[(command.label, name)].rss_kb) / 1024:.0f}"
            for name in names
        ]
        lines.append(f"| `{command.label}` | " + " | ".join(cells) + " |")
    lines.append("")
    if "0" in names and len(names) > 1:
        big = names[-1]
        lines.append(f"Ratios {big} / 0 in this run (target ≤ {TARGET_RATIO}×):")
        lines.append("")
        for label in ("agenda", "agenda --format json", "add"):
            small, large = timings[(label, "0")], timings[(label, big)]
            ratio = large.median / small.median
            best = min(large.samples) / min(small.samples)
            cpu = statistics.median(large.cpu) / statistics.median(small.cpu)
            verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
            lines.append(
                f"- `{label}`: {ratio:.2f}× by median wall time, {best:.2f}× by min, "
                f"{cpu:.2f}× by median CPU time "
                f"({(large.median - small.median) * 1000:+.0f} ms wall) — {verdict}"
            )
        lines.append("")
    lines.append("Rows per database and the agenda's section totals (`agenda --format json`):")
    lines.append("")
    keys = list(next(iter(counts.values())).keys()) if counts else []
    sections = list(next(iter(totals.values())).keys()) if totals else []
    lines.append("| scale | " + " | ".join([*keys, *sections]) + " |")
    lines.append("|---|" + "---:|" * (len(keys) + len(sections)))
    for name in names:
        values = [f"{counts[name][k]:,}" for k in keys] + [str(totals[name][s]) for s in sections]
        lines.append(f"| {name} | " + " | ".join(values) + " |")
    lines.append("")
    lines.append("Generation: " + "; ".join(f"`{scale.generated}`" for scale in scales))
    lines.append("")
    lines.append(
        "Imports (`python -X importtime -m amtui …` on the empty database, fastest of 3; "
        "total = all top-level imports of the process):"
    )
    lines.append("")
    for report in imports:
        verdict = f"**imports {', '.join(report.forbidden)}**" if report.forbidden else "clean"
        heavy = ", ".join(report.present) or "none of the watched packages"
        top = ", ".join(f"{name} {us / 1000:.0f}" for name, us in report.top)
        lines.append(
            f"- `amtui {report.label}`: {report.total_us / 1000:.0f} ms of imports; loads "
            f"{heavy}; forbidden-import check: {verdict}. Largest (ms, cumulative): {top}"
        )
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time whole amtui CLI processes at 0, 10k and 100k records.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--scales", default="0,10k,100k", help="comma-separated; 0 must come first")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command and scale")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=DATA)
    parser.add_argument("--reuse", action="store_true", help="reuse existing base-*.db files")
    parser.add_argument(
        "--amtui",
        default=str(Path(sys.executable).with_name("amtui")),
        help="the console script to time",
    )
    parser.add_argument(
        "--system-bytecode",
        action="store_true",
        help="do not give children a private PYTHONPYCACHEPREFIX (keep the caller's settings)",
    )
    parser.add_argument("--write", action="store_true", help=f"update {RESULTS.name}")
    args = parser.parse_args(argv)
    args.command_line = "python bench/run_cli.py" + (
        " " + shlex.join(argv if argv is not None else sys.argv[1:])
        if (argv if argv is not None else sys.argv[1:])
        else ""
    )
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be ≥ 1 and --warmup ≥ 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = [name.strip() for name in args.scales.split(",") if name.strip()]
    for name in names:
        if not re.fullmatch(r"\d+k?", name):
            raise SystemExit(f"--scales: {name!r} is not like 0, 10k or 100k")
    if not shutil.which(args.amtui):
        raise SystemExit(f"no amtui console script at {args.amtui}")
    info = machine()
    if not args.system_bytecode:
        PYCACHE_PREFIX[:] = [args.data_dir / "pycache"]
    config = args.data_dir / "config.toml"
    write_config(config)
    scales = prepare(names, args)
    floor = interpreter_floor(args.runs)
    timings = measure(scales, args.amtui, config, args.runs, args.warmup)
    help_env = bench_env(scales[0].read_db, config)
    imports = [
        import_report("--help", ["--help"], help_env, FORBIDDEN_FOR_HELP),
        import_report("agenda", ["agenda"], help_env, ("textual",)),
        import_report(
            "agenda --format json", ["agenda", "--format", "json"], help_env, ("textual",)
        ),
    ]
    totals = {s.name: agenda_totals(args.amtui, s.read_db, config) for s in scales}
    counts = {s.name: row_counts(s.base) for s in scales}
    info["load average (at end)"] = load_average()
    text = render(args, scales, timings, floor, imports, totals, counts, info, git_state())
    print(text)
    if args.write:
        replace_section(START, END, text, "## CLI timings")
        print(f"updated {RESULTS}", file=sys.stderr)
    failed = [r.label for r in imports if r.forbidden]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Where an `amtui` command's time goes: process phases, imports by package, and a cProfile.

For one command (the arguments after `--`):

1. Phases of a whole fresh process, median of `--runs`: interpreter start-up (spawn until the
   first line of a tiny wrapper runs), importing `amtui.cli.main` (what the console script
   imports), the command itself (`run()`, including the modules it imports lazily), and the
   rest until the process is reaped (the console script ends it with
   `amtui.cli.process.exit_now`; where that declines, interpreter shutdown: garbage, atexit,
   …). `python -c pass` is shown as the floor.
2. `python -X importtime <console script> ARGS` (fastest of `--runs`): the self time of every
   module summed by package (sqlalchemy, pydantic with pydantic_core, sqlmodel, typer and the
   click it vendors, rich, dateutil, textual, amtui, the standard library, other), which of
   them were imported at start-up and which lazily during the command, the chain of imports
   through which each heavy package first arrived, and the slowest single modules.
3. cProfile of `run()` alone, with the modules it imports lazily imported beforehand (they are
   in 2.), so that it shows the command's own work (argument parsing, SQL, ORM, output): time
   grouped by package, and the top functions by cumulative and by own time.

`--summary` instead runs the phases and the import breakdown for every hot command of issue 9
and prints one table (`--write` puts it in bench/RESULTS.md).

Every run sees the same database: a copy of `--db FILE` or of bench/data/base-SCALE.db
(`--scale`, generated like run_cli.py's if missing), made again whenever a run has written to
it, so commands that write can be profiled again and again. Children get the bench config
and a private bytecode cache, as in run_cli.py.

Examples:
    python bench/profile_cli.py -- add "Send estimate due:fri 15:00 client:Bench +x"
    python bench/profile_cli.py --scale 100k --top 40 -- agenda --format json
    python bench/profile_cli.py --summary --scale 100k --write
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import re
import shlex
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # bench/ is not a package: its own directory is on the path
    BENCH_TZ,
    CHECKOUT,
    DATA,
    amtui_env,
    client_name,
    copy_synced,
    generate_command,
    git_state,
    load_average,
    machine,
    open_card,
    replace_section,
    write_config,
)

START, END = "<!-- profile_cli:start -->", "<!-- profile_cli:end -->"

#: Packages named in the breakdown, in this order; everything else is stdlib or "other".
PACKAGES = (
    "sqlalchemy",
    "pydantic",
    "sqlmodel",
    "typer",
    "click",
    "rich",
    "dateutil",
    "textual",
    "platformdirs",
    "typing_extensions",
    "annotated_types",
    "amtui",
)
#: Heavy packages whose import chain is shown ("how did it get here?").
HEAVY = ("sqlalchemy", "pydantic", "sqlmodel", "typer", "rich", "dateutil", "textual")

#: The hot commands of issue 9 (`--summary`), as vs_taskwarrior.py runs them: `{client}` is
#: C1's name (an existing client: a new name makes the quick-add read every client's name),
#: `{done}` an open card of the database.
SUMMARY = (
    ("add", 'Bench task due:fri 15:00 client:"{client}" +x @copywriter'),
    ("agenda",),
    ("agenda", "--format", "json"),
    ("remind", "due"),
    (
        "lead",
        "add",
        "Landing page for spring sale",
        "--partner",
        "Studio North",
        "--channel",
        "phone",
    ),
    ("lead", "list", "--waiting"),
    ("task", "done", "{done}"),
    ("search", "гранель"),
    ("task", "list"),
    ("--help",),
)

# The child: as little as possible before the first clock reading, then what the console
# script does. argv: fd to report on, cProfile output ("" for none), modules to import before
# profiling (comma-separated: the command's lazy imports), the command's arguments.
CHILD = r"""
import os, sys, time
t0 = time.time()
fd, prof, preload = int(sys.argv[1]), sys.argv[2], sys.argv[3]
sys.argv[:] = ["amtui", *sys.argv[4:]]
from amtui.cli.main import run
for name in filter(None, preload.split(",")):
    try:
        __import__(name)
    except ImportError:
        pass
t1 = time.time()
profiler = None
if prof:
    import cProfile
    profiler = cProfile.Profile()
    profiler.enable()
code = status = 0
try:
    run(fast_exit=False)
except SystemExit as exit:
    status = exit.code
    code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
t2 = time.time()
if profiler is not None:
    profiler.disable()
    profiler.dump_stats(prof)
os.write(fd, f"{t0} {t1} {t2} {code}".encode())
os.close(fd)
from amtui.cli.process import exit_now  # how the console script's process ends

exit_now(status)
sys.exit(code)
"""


@dataclass
class Phases:
    startup: list[float] = field(default_factory=list)
    imports: list[float] = field(default_factory=list)
    command: list[float] = field(default_factory=list)
    shutdown: list[float] = field(default_factory=list)
    total: list[float] = field(default_factory=list)
    exit_codes: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class ImportLine:
    self_us: int
    cumulative_us: int
    depth: int
    name: str


@dataclass
class Context:
    amtui: str
    base: Path
    config: Path
    pycache: Path | None
    work: Path  # a temporary directory: the database copy, profiles, the child's cwd
    copied: tuple[int, int] | None = None  # (mtime_ns, size) of the copy as made

    def fresh_env(self) -> dict[str, str]:
        """The child's environment, on a copy of the base that no earlier run has changed
        (copied again only after a run wrote to it: copying 170 MB is not free)."""
        db = self.work / "profile.db"
        wal = Path(f"{db}-wal")
        if (
            self.copied is None
            or not db.exists()
            or (db.stat().st_mtime_ns, db.stat().st_size) != self.copied
            or (wal.exists() and wal.stat().st_size > 0)
        ):
            copy_synced(self.base, db)
            self.copied = (db.stat().st_mtime_ns, db.stat().st_size)
        return {**amtui_env(db, self.config, self.pycache), "TZ": BENCH_TZ}


def run_child(
    ctx: Context, args: list[str], profile: Path | None, preload: tuple[str, ...] = ()
) -> tuple[float, ...]:
    """One process through the wrapper: (startup, imports, command, shutdown, total, exit)."""
    env = ctx.fresh_env()
    read_end, write_end = os.pipe()
    command = [sys.executable, "-c", CHILD, str(write_end), str(profile or ""), ",".join(preload)]
    command += args
    with tempfile.TemporaryFile() as out:
        spawned = time.time()
        process = subprocess.Popen(
            command,
            env=env,
            cwd=ctx.work,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            pass_fds=(write_end,),
        )
        os.close(write_end)
        os.wait4(process.pid, 0)
        reaped = time.time()
        with os.fdopen(read_end, "rb") as pipe:
            report = pipe.read().decode()
        if not report:
            out.seek(0)
            raise SystemExit(
                f"`amtui {shlex.join(args)}` died before it finished:\n"
                + out.read()[-2000:].decode(errors="replace")
            )
    t0, t1, t2, code = report.split()
    start, imported, ran = float(t0), float(t1), float(t2)
    return (
        start - spawned,
        imported - start,
        ran - imported,
        reaped - ran,
        reaped - spawned,
        float(code),
    )


def phases(ctx: Context, args: list[str], runs: int) -> Phases:
    result = Phases()
    run_child(ctx, args, None)  # warm-up (and bytecode cache)
    for _ in range(runs):
        startup, imports, command, shutdown, total, code = run_child(ctx, args, None)
        result.startup.append(startup)
        result.imports.append(imports)
        result.command.append(command)
        result.shutdown.append(shutdown)
        result.total.append(total)
        result.exit_codes.add(int(code))
    return result


def floor(runs: int) -> float:
    samples = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples[1:])


# --- imports -------------------------------------------------------------------------------


def import_lines(ctx: Context, args: list[str], runs: int) -> list[ImportLine]:
    """`-X importtime` of the console script; the run with the least import time."""
    best: list[ImportLine] = []
    for _ in range(max(1, runs)):
        env = ctx.fresh_env()
        done = subprocess.run(
            [sys.executable, "-X", "importtime", ctx.amtui, *args],
            env=env,
            cwd=ctx.work,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        lines = []
        for line in done.stderr.splitlines():
            match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( +)(\S+)", line)
            if match:
                depth = (len(match.group(3)) - 1) // 2
                lines.append(
                    ImportLine(int(match.group(1)), int(match.group(2)), depth, match.group(4))
                )
        if not best or sum(x.self_us for x in lines) < sum(x.self_us for x in best):
            best = lines
    return best


STDLIB = set(sys.stdlib_module_names)


def package_of(module: str) -> str:
    root = module.split(".")[0]
    if module.startswith("typer._click"):
        return "click"
    if root == "pydantic_core":  # pydantic's engine: counted with it
        return "pydantic"
    if root in PACKAGES:
        return root
    if root.lstrip("_") in STDLIB or root in STDLIB or root in sys.builtin_module_names:
        return "stdlib"
    return "other"


def by_package(lines: list[ImportLine]) -> dict[str, tuple[int, int]]:
    """Package → (self µs summed, modules)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        entry = totals[package_of(line.name)]
        entry[0] += line.self_us
        entry[1] += 1
    return {name: (us, count) for name, (us, count) in totals.items()}


def parents(lines: list[ImportLine]) -> list[int | None]:
    """Index of each line's importer: importtime prints a module after its imports."""
    result: list[int | None] = [None] * len(lines)
    pending: list[int] = []  # indexes waiting for their parent, deepest last
    for index, line in enumerate(lines):
        while pending and lines[pending[-1]].depth > line.depth:
            result[pending.pop()] = index
        pending.append(index)
    return result


def chain(lines: list[ImportLine], owner: list[int | None], index: int) -> list[str]:
    names = []
    at: int | None = index
    while at is not None:
        names.append(lines[at].name)
        at = owner[at]
    return names[::-1]


def split_by_phase(lines: list[ImportLine]) -> tuple[list[ImportLine], list[ImportLine]]:
    """(imported up to and including `amtui.cli.main`, imported later: lazily, by the command)."""
    owner = parents(lines)
    cut = next((i for i, line in enumerate(lines) if line.name == "amtui.cli.main"), None)
    if cut is None:
        return lines, []
    early: list[ImportLine] = []
    late: list[ImportLine] = []
    for index, line in enumerate(lines):
        root = index
        while owner[root] is not None:
            root = owner[root]  # type: ignore[assignment]
        (early if root <= cut else late).append(line)
    return early, late


def import_report(lines: list[ImportLine], top: int) -> list[str]:
    owner = parents(lines)
    early, late = split_by_phase(lines)
    total = sum(line.self_us for line in lines) or 1
    packages = by_package(lines)
    at_start, lazily = by_package(early), by_package(late)
    out = [
        f"Imports: {total / 1000:.0f} ms in {len(lines)} modules (self time summed; "
        "`-X importtime`, fastest run). *at start-up* = imported on the way to "
        "`amtui.cli.main`; *lazily* = imported while the command ran.",
        "",
        "| package | ms | share | modules | at start-up, ms | lazily, ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, (us, count) in sorted(packages.items(), key=lambda item: -item[1][0]):
        early_us, late_us = at_start.get(name, (0, 0))[0], lazily.get(name, (0, 0))[0]
        out.append(
            f"| {name} | {us / 1000:.1f} | {100 * us / total:.0f}% | {count} | "
            f"{early_us / 1000:.1f} | {late_us / 1000:.1f} |"
        )
    out += ["", "How each heavy package first arrived (importer → … → package):", ""]
    for package in HEAVY:
        first = next((i for i, x in enumerate(lines) if package_of(x.name) == package), None)
        if first is None:
            continue
        path = chain(lines, owner, first)
        # Show the chain up to the package's first module, whose own subtree follows it.
        cut = next(i for i, name in enumerate(path) if package_of(name) == package)
        out.append(f"- {package}: " + " → ".join(path[: cut + 1]))
    out += ["", f"Slowest modules by self time (top {top}):", ""]
    out += ["| module | self ms | cumulative ms |", "|---|---:|---:|"]
    for line in sorted(lines, key=lambda x: -x.self_us)[:top]:
        out.append(f"| {line.name} | {line.self_us / 1000:.1f} | {line.cumulative_us / 1000:.1f} |")
    return out


# --- cProfile ------------------------------------------------------------------------------

SITE = sysconfig.get_paths()["purelib"]
STDLIB_DIR = sysconfig.get_paths()["stdlib"]
ROOT = str(CHECKOUT)


def short(path: str) -> str:
    """A profiled file relative to site-packages or the checkout; the stdlib as `stdlib/…`."""
    for prefix in (SITE + "/", ROOT + "/"):
        if path.startswith(prefix):
            return path[len(prefix) :]
    if path.startswith(STDLIB_DIR + "/"):
        return "stdlib/" + path[len(STDLIB_DIR) + 1 :]
    return path


def profile_package(path: str) -> str:
    """The package a profiled function belongs to, from its file."""
    if path == "~":
        return "C functions (sqlite3, builtins)"
    if path.startswith("<frozen importlib"):
        return "import machinery (lazy imports)"
    if path.startswith("<"):
        return "stdlib"
    shown = short(path)
    if shown.startswith("stdlib/"):
        return "stdlib"
    return package_of(shown.split("/")[0].removesuffix(".py"))


def profile_report(stats_file: Path, top: int) -> list[str]:
    stats = pstats.Stats(str(stats_file), stream=io.StringIO())
    entries = stats.stats  # type: ignore[attr-defined]
    total = max((cum for (_, _, _, cum, _) in entries.values()), default=0.0) or 1e-9
    own: dict[str, float] = defaultdict(float)
    for (path, _line, _name), (_cc, _nc, tottime, _cum, _callers) in entries.items():
        own[profile_package(path)] += tottime
    out = [
        f"cProfile of `run()` with the command's lazy imports done beforehand (they are in the "
        f"import table above): {total * 1000:.0f} ms under the profiler, which inflates "
        "Python-heavy code more than C. Own time by package:",
        "",
        "| package | ms | share |",
        "|---|---:|---:|",
    ]
    tot_own = sum(own.values()) or 1e-9
    for name, seconds in sorted(own.items(), key=lambda item: -item[1]):
        out.append(f"| {name} | {seconds * 1000:.1f} | {100 * seconds / tot_own:.0f}% |")
    for order in ("cumulative", "tottime"):
        out += ["", f"Top {top} functions by {order} time:", "", "```"]
        rows = sorted(
            entries.items(), key=lambda item: -item[1][3 if order == "cumulative" else 2]
        )[:top]
        out.append(f"{'ncalls':>9} {'tottime':>8} {'cumtime':>8}  function")
        for (path, line, name), (cc, nc, tottime, cum, _callers) in rows:
            calls = f"{nc}/{cc}" if nc != cc else str(nc)
            where = f"{short(path)}:{line}({name})" if line else f"{path}({name})"
            out.append(f"{calls:>9} {tottime * 1000:8.1f} {cum * 1000:8.1f}  {where}")
        out.append("```")
    return out


# --- reports -------------------------------------------------------------------------------


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f}"


def phase_report(result: Phases, floor_s: float, args: list[str]) -> list[str]:
    total = statistics.median(result.total)
    rows = [
        ("interpreter start-up (spawn → first line)", result.startup),
        ("import amtui.cli.main", result.imports),
        ("the command: run(), lazy imports included", result.command),
        ("shutdown (run() returned → reaped)", result.shutdown),
    ]
    out = [
        f"Phases of `amtui {shlex.join(args)}`, median of {len(result.total)} runs "
        f"(exit {', '.join(map(str, sorted(result.exit_codes)))}); `python -c pass` takes "
        f"{floor_s * 1000:.0f} ms here:",
        "",
        "| phase | ms | share |",
        "|---|---:|---:|",
    ]
    for label, values in rows:
        out.append(f"| {label} | {ms(values)} | {100 * statistics.median(values) / total:.0f}% |")
    out.append(f"| **whole process** | **{total * 1000:.0f}** | |")
    return out


def summary(ctx: Context, runs: int, done_ref: str, client: str) -> list[str]:
    packages = ("sqlalchemy", "pydantic", "sqlmodel", "typer", "click", "rich", "dateutil")
    head = (
        "| command | total | start-up | imports | command | shutdown | imports (-X importtime) "
        "| " + " | ".join(packages) + " | amtui | stdlib | rest |"
    )
    out = [head, "|---|" + "---:|" * (7 + len(packages) + 3)]
    for template in SUMMARY:
        args = [arg.replace("{done}", done_ref).replace("{client}", client) for arg in template]
        print(f"profiling amtui {shlex.join(args)} …", file=sys.stderr, flush=True)
        result = phases(ctx, args, runs)
        lines = import_lines(ctx, args, runs)
        groups = by_package(lines)
        total = sum(line.self_us for line in lines)
        named = [groups.get(name, (0, 0))[0] for name in (*packages, "amtui", "stdlib")]
        rest = total - sum(named)
        cells = [f"{us / 1000:.0f}" for us in named]
        out.append(
            f"| `{shlex.join(args)}` | {ms(result.total)} | {ms(result.startup)} | "
            f"{ms(result.imports)} | {ms(result.command)} | {ms(result.shutdown)} | "
            f"{total / 1000:.0f} | " + " | ".join(cells) + f" | {rest / 1000:.0f} |"
        )
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Where an amtui command's time goes: phases, imports by package, cProfile.",
        usage="%(prog)s [options] (--summary | -- ARGS...)",
    )
    parser.add_argument("--db", type=Path, help="database to copy (default: --scale's)")
    parser.add_argument("--scale", default="0", help="bench/data/base-SCALE.db (0, 10k, 100k)")
    parser.add_argument("--seed", type=int, default=1, help="for generating a missing base")
    parser.add_argument("--runs", type=int, default=5, help="processes per measurement")
    parser.add_argument("--top", type=int, default=25, help="rows of the top lists")
    parser.add_argument("--summary", action="store_true", help="every hot command, one table")
    parser.add_argument("--write", action="store_true", help="with --summary: update RESULTS.md")
    parser.add_argument(
        "--amtui", default=str(Path(sys.executable).with_name("amtui")), help="console script"
    )
    parser.add_argument(
        "--system-bytecode", action="store_true", help="no private PYTHONPYCACHEPREFIX"
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then amtui's arguments")
    args = parser.parse_args(argv)
    if args.command and args.command[0] == "--":
        args.command = args.command[1:]
    if bool(args.command) == args.summary:
        parser.error("give either --summary or `-- ARGS…` (the amtui command to profile)")
    if args.write and not args.summary:
        parser.error("--write goes with --summary")
    if args.runs < 1 or args.top < 1:
        parser.error("--runs and --top must be ≥ 1")
    given = argv if argv is not None else sys.argv[1:]
    args.command_line = "python bench/profile_cli.py " + shlex.join(given)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path(args.amtui).exists():
        print(f"profile_cli.py: no amtui console script at {args.amtui}", file=sys.stderr)
        return 2
    base: Path = args.db or DATA / f"base-{args.scale}.db"
    if not base.exists():
        if args.db:
            print(f"profile_cli.py: no database at {base}", file=sys.stderr)
            return 2
        print(f"generating {base} …", file=sys.stderr, flush=True)
        subprocess.run(generate_command(base, args.scale, args.seed), check=True)
    config = DATA / "config.toml"
    if not config.exists():
        write_config(config)
    pycache = None if args.system_bytecode else DATA / "pycache"
    with tempfile.TemporaryDirectory(prefix="amtui-profile-") as tmp:
        ctx = Context(args.amtui, base, config, pycache, Path(tmp))
        info = machine()
        if args.summary:
            table = summary(ctx, args.runs, open_card(base), client_name(base))
            text = "\n".join(
                [
                    f"Command: `{args.command_line}` on `{base.name}`  ",
                    f"Code: {git_state()}  ",
                    "Machine: "
                    + "; ".join(f"{k} {v}" for k, v in info.items())
                    + f"; load average (at end) {load_average()}",
                    "",
                    f"Milliseconds, median of {args.runs} processes (phases) and the fastest "
                    "`-X importtime` run (imports by package, self time summed; click = the "
                    "copy Typer vendors). start-up = spawn → first line of Python; imports = "
                    "`import amtui.cli.main`; command = `run()`, lazy imports included; "
                    "shutdown = run() returned → process reaped. `python -c pass`: "
                    f"{floor(args.runs) * 1000:.0f} ms.",
                    "",
                    *table,
                ]
            )
            print(text)
            if args.write:
                replace_section(START, END, text, "## Where a command's time goes")
                print("updated bench/RESULTS.md", file=sys.stderr)
            return 0
        command: list[str] = args.command
        out = phase_report(phases(ctx, command, args.runs), floor(args.runs), command)
        lines = import_lines(ctx, command, args.runs)
        out += ["", *import_report(lines, args.top)]
        stats_file = Path(tmp) / "run.prof"
        _early, late = split_by_phase(lines)
        run_child(ctx, command, stats_file, tuple(x.name for x in late if x.depth == 0))
        out += ["", *profile_report(stats_file, args.top)]
        print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

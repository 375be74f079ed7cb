"""amtui beside Taskwarrior: every ratio of issue 9's target table, measured in one run.

Data. `bench/generate.py` makes the amtui databases (0, 10k and 100k tasks *and* leads, N/5
reminders, N/50 clients) with one `--seed` and one `--now`, and, from the same seed, `now` and
counts, the Taskwarrior import file of the *same task rows* (cards and subtasks, done or open,
due dates, tags, client → project, assignee → UDA, notes → annotation; see
`generate.taskwarrior_tasks`), which `task import` loads into a TASKDATA of its own (10k by
default, `--tw-scale`). Subtasks are plain tasks in the card's project: as dependencies
(`--tw-depends`) they make every Taskwarrior command read all completed tasks, ~5× slower at
10k, which would flatter amtui. Then
`amtui remind due` is run once on every amtui database, so that the timed `remind due` sees
what cron leaves behind (everything reported before, only what fell due since).

Taskwarrior gets a taskrc of its own (written next to its data, never ~/.taskrc):
`gc=off` and `recurrence=off`, so that no run moves completed tasks out of pending.data,
renumbers, or creates recurring instances that another run does not (the data has no recurring
tasks and the import leaves nothing to collect, so this only removes the chance of drift and,
if anything, makes Taskwarrior faster); `hooks=off` (none installed), `news.version` set (no
"run task news" nag), `confirmation=off`, `color=off`, `defaultwidth=120`, and the UDA
`assignee`. Verbosity is Taskwarrior's default minus `override` (the "TASKRC override" notice,
an artifact of the bench's own taskrc), so `task add … project:X` prints `Created task N.` and
"Project X is N% complete (…)", as it does for any user. That summary reads every task of the
project, completed ones included: it is most of `task add` at 10k. Without it `task add`
takes about what `python -c pass` takes, a reference no Python program can meet, so the
target rows use Taskwarrior as it comes; a row for information times the quick-add against
`task add` without the summary. (Issue 9's "amtui add is 6–9× task add" lies between the two
on this data; the issue does not say which configuration or mix of done tasks it used.)
Both run with TZ=Europe/Berlin, which is also the bench config's zone.

Timing. Whole fresh processes (amtui's console script, `task`, `python -c pass`), wall time from
spawn to reaped, CPU time and peak RSS from `wait4`. Every row of the table is a pair (amtui
command, reference) run back to back, A B or B A alternately, with the pairs in a rotating
order, after a warm-up round, `--runs` times: machine noise hits both sides of a ratio alike.
A command that writes runs on a working copy restored (and fsynced) from the base before each
run, untimed, for amtui and Taskwarrior alike, so every run does the same work. Children get a
private bytecode cache (as in run_cli.py). Exit codes are checked on every run.

The app's rows come from bench/run_tui.py on the same 0 and 100k databases (first frame, peak
memory, key presses, idle CPU over `--idle-seconds`); `--no-tui` skips them.

Refuses with one line and exit status 2 when Taskwarrior (`task`) is not installed
(Debian/Ubuntu: `apt-get install taskwarrior`).

Examples:
    python bench/vs_taskwarrior.py                    # 9 runs, then the TUI rows
    python bench/vs_taskwarrior.py --runs 15 --write  # and update bench/RESULTS.md
    python bench/vs_taskwarrior.py --reuse --no-tui --runs 5
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # bench/ is not a package: its own directory is on the path
    BENCH,
    BENCH_TZ,
    CHECKOUT,
    DATA,
    Run,
    amtui_env,
    client_name,
    copy_synced,
    generate_command,
    git_state,
    load_average,
    machine,
    open_card,
    read_section,
    replace_section,
    run_timed,
    scale_size,
    write_config,
)
from generate import checkpoint, tw_project

#: Taskwarrior's default verbosity minus `project` and `override` (the information row).
LEAN_VERBOSE = "affected,blank,context,edit,header,footnote,label,new-id,special,sync,recur"
START, END = "<!-- vs_taskwarrior:start -->", "<!-- vs_taskwarrior:end -->"
DATA_MARK = "<!-- vs_taskwarrior:data "
AMTUI_SCALES = ("0", "10k", "100k")
TASKRC = """\
# Taskwarrior config for bench/vs_taskwarrior.py (TASKDATA comes from the environment)
confirmation=off
color=off
hooks=off
gc=off
recurrence=off
news.version=2.6.0
defaultwidth=120
# The default minus `override` (see the module docstring)
verbose=affected,blank,context,edit,header,footnote,label,new-id,project,special,sync,recur
uda.assignee.type=string
uda.assignee.label=Who
"""


@dataclass(frozen=True)
class Target:
    """One command on one data set."""

    system: str  # amtui, task or python
    scale: str  # "" for commands that read no data
    args: tuple[str, ...]
    writes: bool = False
    ok: frozenset[int] = frozenset({0})

    @property
    def key(self) -> str:
        return f"{self.system} {shlex.join(self.args)} @{self.scale or '-'}"

    def shown(self) -> str:
        where = f" at {self.scale}" if self.scale else ""
        return f"`{self.system} {shlex.join(self.args)}`{where}"


@dataclass(frozen=True)
class Pair:
    """A row of the table: `a` (amtui) measured beside `b` (its reference)."""

    label: str
    a: Target
    b: Target
    target: float | None  # the ratio a/b to meet (None: shown for information)
    must: float | None = None
    note: str = ""


@dataclass
class Samples:
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> list[float]:
        return [run.wall for run in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu(self) -> float:
        return statistics.median(run.cpu for run in self.runs)

    def cell(self) -> str:
        wall = self.wall
        return f"{self.median * 1000:.0f} ({min(wall) * 1000:.0f}–{max(wall) * 1000:.0f})"


@dataclass
class Setup:
    """Paths and parameters of one prepared bench."""

    data: Path
    config: Path
    taskrc: Path
    now: str
    seed: int
    amtui: str
    task: str
    pycache: Path | None
    client: str = ""
    done_ref: str = ""
    generated: dict[str, str] = field(default_factory=dict)

    def base(self, target: Target) -> Path:
        if target.system == "task":
            return self.data / f"tw-base-{target.scale}"
        return self.data / f"base-{target.scale}.db"

    def working(self, target: Target) -> Path:
        kind = "write" if target.writes else "read"
        if target.system == "task":
            return self.data / f"tw-{kind}-{target.scale}"
        return self.data / f"{kind}-{target.scale}.db"

    def argv(self, target: Target) -> list[str]:
        if target.system == "amtui":
            return [self.amtui, *target.args]
        if target.system == "task":
            return [self.task, *target.args]
        return [sys.executable, *target.args]

    def env(self, target: Target) -> dict[str, str]:
        """Both tools read the clock in the bench zone; each sees only its bench data."""
        if target.system == "task":
            env = amtui_env(self.data / "none.db", self.config, None)
            env.update(TASKRC=str(self.taskrc), TASKDATA=str(self.working(target)))
        else:
            db = self.working(target) if target.scale else self.data / "base-0.db"
            env = amtui_env(db, self.config, self.pycache)
        return {**env, "TZ": BENCH_TZ}


def amtui(scale: str, *args: str, writes: bool = False, ok: tuple[int, ...] = (0,)) -> Target:
    return Target("amtui", scale, args, writes, frozenset(ok))


def task(scale: str, *args: str, writes: bool = False, ok: tuple[int, ...] = (0,)) -> Target:
    return Target("task", scale, args, writes, frozenset(ok))


def pairs_for(setup: Setup, tw_scale: str, search: str) -> list[Pair]:
    """The rows of issue 9's target table, in its order."""
    quick = f'Bench task due:fri 15:00 client:"{setup.client}" +x @copywriter'
    words = ("Bench", "task", "due:fri+15h", f"project:{tw_project(setup.client)}", "+x")
    task_add = task(tw_scale, "add", *words, "assignee:copywriter", writes=True)
    lean = f"rc.verbose={LEAN_VERBOSE}"
    task_add_lean = task(tw_scale, lean, "add", *words, "assignee:copywriter", writes=True)
    # `task list` exits 1 when nothing matches; the warm-up reports how many it listed.
    task_today = task(tw_scale, "list", "due:today", ok=(0, 1))
    lead = ("lead", "add", "Landing page for spring sale", "--partner", "Studio North")
    rows = [
        Pair(f"quick-add at {s}", amtui(s, "add", quick, writes=True), task_add, 1.0, 1.5)
        for s in ("10k", "100k")
    ]
    rows.append(
        Pair(
            "quick-add at 10k vs `task add` without its project summary (information)",
            rows[0].a,
            task_add_lean,
            None,
            note="—",
        )
    )
    rows += [
        Pair("agenda (text) at 100k", amtui("100k", "agenda"), task_today, 0.5),
        Pair(
            "agenda (json) at 100k",
            amtui("100k", "agenda", "--format", "json"),
            task_today,
            0.5,
        ),
        Pair(
            "remind due at 100k (cron)",
            amtui("100k", "remind", "due", writes=True, ok=(0, 1)),
            task_add,
            1.5,
        ),
        Pair(
            "lead add at 100k",
            amtui("100k", *lead, "--channel", "phone", writes=True),
            task_add,
            1.5,
        ),
        Pair(
            "lead list --waiting at 100k", amtui("100k", "lead", "list", "--waiting"), task_add, 1.5
        ),
        Pair(
            f"task done {setup.done_ref} at 100k",
            amtui("100k", "task", "done", setup.done_ref, writes=True),
            task_add,
            1.5,
        ),
        Pair(
            "--help (vs the interpreter)",
            Target("amtui", "", ("--help",)),
            Target("python", "", ("-c", "pass")),
            None,
            note="target: as before or better (see below)",
        ),
        Pair(
            f"search {search} at 100k vs 0",
            amtui("100k", "search", search, ok=(0, 1)),
            amtui("0", "search", search, ok=(0, 1)),
            1.1,
        ),
        Pair(
            "task list at 100k vs 0", amtui("100k", "task", "list"), amtui("0", "task", "list"), 1.1
        ),
    ]
    return rows


# --- preparation ---------------------------------------------------------------------------


def refuse(message: str) -> int:
    print(f"vs_taskwarrior.py: {message}", file=sys.stderr)
    return 2


def prepare(args: argparse.Namespace, setup: Setup, tw_scales: list[str]) -> None:
    """Generate (or reuse) the bases, bring amtui's to the state cron leaves, copy them."""
    meta_path = setup.data / "meta.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    wanted = {
        "seed": setup.seed,
        "amtui": list(AMTUI_SCALES),
        "task": tw_scales,
        "depends": args.tw_depends,
    }
    bases = [setup.data / f"base-{s}.db" for s in AMTUI_SCALES]
    bases += [setup.data / f"tw-base-{s}" for s in tw_scales]
    same = all(meta.get(k) == v for k, v in wanted.items())
    if args.reuse and same and all(path.exists() for path in bases):
        setup.now = meta["now"]
        setup.generated = meta["generated"]
        print(f"reusing the bench data made for now={setup.now}", file=sys.stderr)
        return finish_prepare(setup, tw_scales)
    setup.generated = {}
    for scale in AMTUI_SCALES:
        base = setup.data / f"base-{scale}.db"
        command = generate_command(base, scale, setup.seed, setup.now)
        setup.generated[scale] = checked(command, f"generating amtui {scale}")
    for scale in tw_scales:
        export = setup.data / f"tw-{scale}.json"
        command = generate_command(Path("unused"), scale, setup.seed, setup.now)
        command[2:3] = ["--taskwarrior", str(export), *(["--depends"] if args.tw_depends else [])]
        setup.generated[f"task {scale}"] = checked(command, f"exporting Taskwarrior {scale}")
        base = setup.data / f"tw-base-{scale}"
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        env = setup.env(task(scale))
        env["TASKDATA"] = str(base)
        print(f"task import ({scale}) …", file=sys.stderr, flush=True)
        done = subprocess.run(
            [setup.task, "import", str(export)], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"`task import` failed:\n{done.stderr[-2000:]}")
        count = subprocess.run(
            [setup.task, "count"], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        expected = len(json.loads(export.read_text(encoding="utf-8")))
        pending = subprocess.run(
            [setup.task, "count", "status:pending"], env=env, capture_output=True, text=True
        ).stdout.strip()
        if int(count or 0) != expected:
            raise SystemExit(f"Taskwarrior holds {count} tasks after importing {expected}")
        setup.generated[f"task {scale}"] += f"; imported: {count} tasks, {pending} pending"
    meta_path.write_text(json.dumps({**wanted, "now": setup.now, "generated": setup.generated}))
    finish_prepare(setup, tw_scales)


def finish_prepare(setup: Setup, tw_scales: list[str]) -> None:
    for scale in AMTUI_SCALES:
        base = setup.data / f"base-{scale}.db"
        setup.generated[scale] = (
            setup.generated[scale].split("; then")[0] + "; then " + cron(setup, base)
        )
        copy_synced(base, setup.data / f"read-{scale}.db")
    for scale in tw_scales:
        copy_synced(setup.data / f"tw-base-{scale}", setup.data / f"tw-read-{scale}")
    setup.client = first_client(setup.data / "base-10k.db", setup.data / "base-100k.db")
    setup.done_ref = open_card(setup.data / "base-100k.db")


def cron(setup: Setup, base: Path) -> str:
    """Run `amtui remind due` on a base (untimed), as cron would have: the timed runs then
    report only what fell due since. This also migrates a reused base to the checkout's
    schema, so that no timed run pays for a migration."""
    env = {**amtui_env(base, setup.config, setup.pycache), "TZ": BENCH_TZ}
    done = subprocess.run([setup.amtui, "remind", "due"], env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"`amtui remind due` failed on {base}: {done.stderr.strip()}")
    checkpoint(base)
    for backup in base.parent.glob(f"{base.name}.*.bak"):  # a migration's safety copy
        backup.unlink()
    return f"`amtui remind due` reported {len(done.stdout.splitlines())} lines"


def checked(command: list[str], what: str) -> str:
    print(f"{what}: {shlex.join(command[1:])}", file=sys.stderr, flush=True)
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{what} failed:\n{done.stderr[-2000:]}")
    return done.stdout.strip()


def first_client(*dbs: Path) -> str:
    """The client the quick-add names: C1, which the generator makes the same at every scale."""
    names = {client_name(db) for db in dbs}
    if len(names) != 1:
        raise SystemExit(f"client C1 differs between the databases: {sorted(names)}")
    return names.pop()


# --- measuring -----------------------------------------------------------------------------


def run(setup: Setup, target: Target) -> Run:
    if target.writes:
        copy_synced(setup.base(target), setup.working(target))
    result = run_timed(setup.argv(target), setup.env(target))
    if result.returncode not in target.ok:
        raise SystemExit(
            f"{target.shown()} exited {result.returncode}:\n"
            f"{result.stderr.decode(errors='replace')[-2000:]}"
        )
    return result


def measure(
    setup: Setup, pairs: list[Pair], runs: int, warmup: int
) -> tuple[dict[str, Samples], dict[str, Run]]:
    """Warm-up rounds, then `runs` rounds of every pair back to back (A B, then B A, …)."""
    targets = {t.key: t for pair in pairs for t in (pair.a, pair.b)}
    first: dict[str, Run] = {}
    for round_no in range(warmup):
        print(f"warm-up {round_no + 1}/{warmup}", file=sys.stderr, flush=True)
        for key, target in targets.items():
            first.setdefault(key, run(setup, target))
    samples: dict[tuple[int, str], Samples] = {}
    for round_no in range(runs):
        print(f"round {round_no + 1}/{runs} (load {load_average()})", file=sys.stderr, flush=True)
        numbered = list(enumerate(pairs))
        shift = round_no % len(pairs)
        for index, (number, pair) in enumerate(numbered[shift:] + numbered[:shift]):
            order = (pair.a, pair.b) if (round_no + index) % 2 == 0 else (pair.b, pair.a)
            for target in order:
                result = run(setup, target)
                samples.setdefault((number, target.key), Samples()).runs.append(result)
                first.setdefault(target.key, result)
    by_pair = {f"{number}|{key}": value for (number, key), value in samples.items()}
    return by_pair, first


# --- report --------------------------------------------------------------------------------


def verdict(ratio: float, pair: Pair) -> str:
    if pair.target is None:
        return ""
    if ratio <= pair.target:
        return "met"
    if pair.must is not None and ratio <= pair.must:
        return f"missed (must ≤ {pair.must:g}×: met)"
    return "MISSED"


def own_rss() -> float:
    """This process's peak RSS in MiB: the floor of every child's `wait4` figure."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def lines_of(result: Run) -> int:
    return len(result.stdout.decode(errors="replace").splitlines())


def previous_data() -> dict[str, float]:
    section = read_section(START, END)
    if not section or DATA_MARK not in section:
        return {}
    raw = section.split(DATA_MARK, 1)[1].split("-->", 1)[0]
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def render(
    args: argparse.Namespace,
    setup: Setup,
    pairs: list[Pair],
    samples: dict[str, Samples],
    first: dict[str, Run],
    info: dict[str, str],
    tui: dict[str, list[float]] | None,
    tui_command: str,
) -> str:
    lines = [
        f"### amtui beside Taskwarrior, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `{args.command_line}`  ",
        f"Code: {git_state()}  ",
        f"Taskwarrior: {info.pop('Taskwarrior')}, taskrc as in the script's docstring "
        "(gc and recurrence off, default verbosity minus `override`); subtasks "
        + ("as dependencies" if args.tw_depends else "as plain tasks")
        + f"; data made for now={setup.now}, seed {setup.seed}  ",
        "Machine: " + "; ".join(f"{key} {value}" for key, value in info.items()),
        "",
        f"Whole-process wall time in ms, median (min–max) of {args.runs} runs after "
        f"{args.warmup} warm-up; each row's two commands ran back to back, alternating which "
        "went first. *ratio* = median / median; *by min* = min / min; *CPU* = median CPU "
        "time / median CPU time (user + system, steadier than wall time on a busy machine).",
        "",
        "| row | amtui | ms | reference | ms | ratio | by min | CPU | target | |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    record: dict[str, float] = {}
    for number, pair in enumerate(pairs):
        a, b = samples[f"{number}|{pair.a.key}"], samples[f"{number}|{pair.b.key}"]
        ratio = a.median / b.median
        by_min = min(a.wall) / min(b.wall)
        cpu = a.cpu / b.cpu if b.cpu else float("nan")
        target = f"≤ {pair.target:g}×" if pair.target is not None else pair.note
        lines.append(
            f"| {pair.label} | {pair.a.shown()} | {a.cell()} | {pair.b.shown()} | {b.cell()} | "
            f"{ratio:.2f}× | {by_min:.2f}× | {cpu:.2f}× | {target} | {verdict(ratio, pair)} |"
        )
        record[pair.label] = round(ratio, 3)
        if pair.a.args == ("--help",):
            record["help_ms"] = round(a.median * 1000, 1)
            record["floor_ms"] = round(b.median * 1000, 1)
    lines.append("")
    lines += help_lines(record, previous_data())
    lines += [
        "",
        "What each command did in its first run: lines on stdout, exit status, and peak RSS "
        f"from `wait4` (Linux counts the forking bench process, {own_rss():.0f} MiB, in it: "
        'a figure at that level means "no more than that"):',
        "",
        "| command | lines | exit | MiB |",
        "|---|---:|---:|---:|",
    ]
    for key, result in first.items():
        command = next(t for p in pairs for t in (p.a, p.b) if t.key == key)
        lines.append(
            f"| {command.shown()} | {lines_of(result)} | {result.returncode} | "
            f"{result.rss_kb / 1024:.0f} |"
        )
    lines += ["", "Data: " + "; ".join(f"`{v}`" for v in setup.generated.values())]
    if tui is not None:
        lines += ["", *tui_lines(tui, tui_command)]
    lines += ["", f"{DATA_MARK}{json.dumps(record, ensure_ascii=False)} -->"]
    return "\n".join(lines) + "\n"


def help_lines(record: dict[str, float], previous: dict[str, float]) -> list[str]:
    now_ratio = record["help_ms"] / record["floor_ms"]
    text = (
        f"`amtui --help`: {record['help_ms']:.0f} ms, {now_ratio:.2f}× the bare interpreter "
        f"(`python -c pass`, {record['floor_ms']:.0f} ms) in this run"
    )
    if previous.get("help_ms") and previous.get("floor_ms"):
        before = previous["help_ms"] / previous["floor_ms"]
        judged = "as before or better" if now_ratio <= before * 1.1 else "WORSE than before"
        text += (
            f"; the previous recorded run: {previous['help_ms']:.0f} ms, {before:.2f}× — "
            f"{judged} (by the ratio to the interpreter, ±10%)."
        )
    else:
        text += "; no previous run recorded to compare with."
    return [text]


#: run_tui.py samples → (row, key, scale, unit factor, format, target text, passes?)
TUI_ROWS = (
    ("the app: first frame with data at 100k, ms", "paint@100k", 1000, "≤ 400", 400),
    ("the app: peak memory at 100k, MiB", "rss_mb@100k", 1, "≤ 80", 80),
    ("the app: key `j` (cursor) at 100k, ms", "key@100k", 1000, "≤ 50", 50),
    ("the app: move a card (H/L) at 100k, ms", "move@100k", 1000, "≤ 50", 50),
    ("the app: open the detail view at 100k, ms", "detail@100k", 1000, "≤ 50", 50),
    ("the app: idle at 100k, % of one core", "idle_cpu@100k", 1, "≤ 1", 1),
)


def tui_lines(tui: dict[str, list[float]], command: str) -> list[str]:
    lines = [
        f"The app (from `{command}`; the 0 database holds two cards so there is one to move):",
        "",
        "| row | median (min–max) | target | |",
        "|---|---:|---:|---|",
    ]
    for label, key, unit, target, limit in TUI_ROWS:
        values = [v * unit for v in tui.get(key, [])]
        if not values:
            lines.append(f"| {label} | not measured | {target} | |")
            continue
        median = statistics.median(values)
        digits = 2 if "idle" in key else 0
        cell = f"{median:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"
        mark = "met" if median <= limit else "MISSED"
        lines.append(f"| {label} | {cell} | {target} | {mark} |")
    empty, full = tui.get("paint@0"), tui.get("paint@100k")
    if empty and full:
        ratio = statistics.median(full) / statistics.median(empty)
        mark = "met" if ratio <= 1.3 else "MISSED"
        lines.append(
            f"| the app: first frame at 100k / empty | {ratio:.2f}× "
            f"({statistics.median(full) * 1000:.0f} / {statistics.median(empty) * 1000:.0f} ms) "
            f"| ≤ 1.3× | {mark} |"
        )
    return lines


# --- main ----------------------------------------------------------------------------------


def run_tui(args: argparse.Namespace, setup: Setup) -> tuple[dict[str, list[float]], str]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "tui.json"
        command = [
            sys.executable,
            str(BENCH / "run_tui.py"),
            "--data-dir",
            str(setup.data),
            "--scales",
            "0,100k",
            "--runs",
            str(args.runs),
            "--warmup",
            str(args.warmup),
            "--idle-seconds",
            str(args.idle_seconds),
            "--json",
            str(out),
        ]
        if setup.pycache is None:
            command.append("--system-bytecode")
        print("the app: " + shlex.join(command[1:]), file=sys.stderr, flush=True)
        done = subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
        if done.returncode != 0:
            raise SystemExit(f"run_tui.py failed (exit {done.returncode})")
        data = json.loads(out.read_text())
    shown = "python " + shlex.join([str(Path(command[1]).relative_to(CHECKOUT)), *command[2:-2]])
    return data["samples"], re.sub(r"--data-dir \S+", "--data-dir DATA", shown)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="amtui beside Taskwarrior: the ratios of issue 9's target table.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--runs", type=int, default=9, help="timed runs of every pair")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--now", help="ISO instant the data is relative to (default: the real clock)"
    )
    parser.add_argument("--tw-scale", default="10k", help="Taskwarrior's size in the table")
    parser.add_argument(
        "--tw-depends", action="store_true", help="Taskwarrior's cards depend on their subtasks"
    )
    parser.add_argument("--search", default="гранель", help="the text `amtui search` looks for")
    parser.add_argument("--data-dir", type=Path, default=DATA / "vs")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the bench data of an earlier run (same seed)"
    )
    parser.add_argument(
        "--amtui",
        default=str(Path(sys.executable).with_name("amtui")),
        help="the console script to time",
    )
    parser.add_argument("--task", default="task", help="the Taskwarrior executable")
    parser.add_argument("--no-tui", action="store_true", help="skip the app's rows (run_tui.py)")
    parser.add_argument(
        "--idle-seconds", type=float, default=60, help="the app's idle CPU period (0: skip)"
    )
    parser.add_argument(
        "--system-bytecode",
        action="store_true",
        help="do not give children a private PYTHONPYCACHEPREFIX (keep the caller's settings)",
    )
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args(argv)
    given = argv if argv is not None else sys.argv[1:]
    args.command_line = "python bench/vs_taskwarrior.py" + (
        " " + shlex.join(given) if given else ""
    )
    if args.runs < 1 or args.warmup < 0 or args.idle_seconds < 0:
        parser.error("--runs must be ≥ 1, --warmup and --idle-seconds ≥ 0")
    if not re.fullmatch(r"\d+k?", args.tw_scale):
        parser.error(f"--tw-scale: {args.tw_scale!r} is not like 10k")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    task_path = shutil.which(args.task)
    if task_path is None:
        return refuse(
            f"Taskwarrior is not installed (no `{args.task}` on PATH); "
            "install it with `apt-get install taskwarrior` (Debian/Ubuntu)"
        )
    version = subprocess.run(
        [task_path, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        return refuse(f"`{task_path} --version` did not print a version; is it Taskwarrior?")
    if not shutil.which(args.amtui):
        return refuse(f"no amtui console script at {args.amtui} (pip install -e '.[test]')")
    data: Path = args.data_dir
    data.mkdir(parents=True, exist_ok=True)
    setup = Setup(
        data=data,
        config=data / "config.toml",
        taskrc=data / "taskrc",
        now=args.now or datetime.now(UTC).replace(microsecond=0).isoformat(),
        seed=args.seed,
        amtui=args.amtui,
        task=task_path,
        pycache=None if args.system_bytecode else data / "pycache",
    )
    write_config(setup.config)
    setup.taskrc.write_text(TASKRC)
    info = {"Taskwarrior": version, **machine()}
    tw_scales = [args.tw_scale]
    if scale_size(args.tw_scale) < 0:
        return refuse("--tw-scale must not be negative")
    prepare(args, setup, tw_scales)
    pairs = pairs_for(setup, args.tw_scale, args.search)
    samples, first = measure(setup, pairs, args.runs, args.warmup)
    info["load average (at end)"] = load_average()
    tui, tui_command = (None, "") if args.no_tui else run_tui(args, setup)
    text = render(args, setup, pairs, samples, first, info, tui, tui_command)
    print(text)
    if args.write:
        replace_section(START, END, text, "## Beside Taskwarrior")
        print("updated bench/RESULTS.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

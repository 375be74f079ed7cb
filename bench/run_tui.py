"""Time the full-screen app as whole processes: first paint, key presses, memory, idle CPU.

For each scale (0, 10k, 100k tasks *and* leads) the database made by `bench/generate.py`
(DATA-DIR/base-SCALE.db, generated if missing, with the same parameters as run_cli.py) is
copied to DATA-DIR/tui-SCALE.db (plus two known cards in Backlog, so that even the empty
database has a card to move), and a fresh interpreter runs this file with `--child`: it opens
`AmtuiApp` headless at 120×40 with an auto-pilot that records

- first paint: from the parent's spawn to the moment all three regions show their data
  (the first snapshot applied and the screen idle again), imports included;
- key `j` in the board (cursor down): until the next frame is drawn;
- move: `L` then `H` on the first card of the first column with cards: from the key press until
  the frame showing the card, selected, in its new column is drawn (the board moves the card
  at once); "confirmed": until the write and the reload from the database are on screen too;
- open detail: `enter` on that card: until the detail view shows the loaded record;
- pipeline: `4` on the main screen: until the pipeline board shows its columns and numbers
  (each column reads its first 100 leads; the counts and totals are of all of them);
- peak memory: the child's peak RSS (VmHWM, read by the child at the end), the whole process;
- idle CPU: after all that, the app is left alone on its main screen for `--idle-seconds`
  (default 60, in the first timed round of each scale only; 0 skips it) and the parent reads
  utime + stime of the child from /proc/PID/stat before and after: % of one core.

Runs are interleaved scale by scale, so machine noise hits every scale alike. Children get a
private bytecode cache (DATA-DIR/pycache), as in run_cli.py; `--system-bytecode` keeps the
caller's settings.

Examples:
    python bench/run_tui.py                      # 0, 10k, 100k; 5 runs after 1 warm-up
    python bench/run_tui.py --runs 9 --write     # and update bench/RESULTS.md ("TUI" section)
    python bench/run_tui.py --scales 0,100k --idle-seconds 0 --json /tmp/tui.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # bench/ is not a package: its own directory is on the path
    DATA,
    amtui_env,
    generate_command,
    pick_board_card,
    remove_database,
    replace_section,
    write_config,
)

START, END = "<!-- run_tui:start -->", "<!-- run_tui:end -->"
TARGET_RATIO = 1.5
SIZE = (120, 40)
IDLE_READY = "IDLE-READY"


def child(db_path: str, idle: bool) -> None:
    """Run the app once on `db_path` and print what the auto-pilot measured as JSON."""
    import asyncio

    # What `amtui` imports, no more: the app defers what the first frame does not need
    # (`amtui.tui.app.DEFERRED`), so the screens the pilot looks for are imported after it.
    from amtui.core.config import load_config
    from amtui.core.db import Database
    from amtui.tui.app import AmtuiApp

    results: dict[str, float | str | None] = {}
    app = AmtuiApp(Database(db_path), load_config())

    async def until(condition, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
        deadline = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError("the app did not get there in time")
            await asyncio.sleep(0.001)

    async def shown_after(key: str, *conditions) -> list[float]:  # type: ignore[no-untyped-def]
        """Press `key`; for each condition, seconds until it holds and a frame is drawn."""
        drawn: list[list[float]] = [[] for _ in conditions]

        async def watch(changed, stamps: list[float]) -> None:  # type: ignore[no-untyped-def]
            await until(changed)
            app.call_after_refresh(lambda: stamps.append(time.perf_counter()))

        start = time.perf_counter()
        watchers = [
            asyncio.create_task(watch(c, d)) for c, d in zip(conditions, drawn, strict=True)
        ]
        await pilot_ref[0].press(key)
        for watcher in watchers:
            await watcher
        await until(lambda: all(drawn))
        return [stamps[0] - start for stamps in drawn]

    pilot_ref: list = []  # type: ignore[type-arg]

    async def pilot_script(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot_ref.append(pilot)
        main = app.main_screen
        await until(lambda: main.first_paint is not None)
        results["paint_wall"] = main.first_paint
        from amtui.tui.screens.detail import DetailScreen
        from amtui.tui.screens.pipeline import PipelineScreen

        board = await pick_board_card(pilot, main)
        cursor = board.current_list().cursor
        (results["key"],) = await shown_after("j", lambda: board.current_list().cursor != cursor)
        await pilot.press("g")
        await pilot.pause()
        ref, index = board.current_ref, board.column_index
        moves, confirmed = [], []
        for key, target in (("L", index + 1), ("H", index)):
            loads = main.loads_applied
            moved, reloaded = await shown_after(
                key,
                lambda t=target: board.column_index == t and board.current_ref == ref,
                lambda loads=loads: main.loads_applied > loads,
            )
            moves.append(moved)
            confirmed.append(reloaded)
            await pilot.pause()
        results["move"] = statistics.mean(moves)
        results["confirmed"] = statistics.mean(confirmed)
        results["card"] = ref
        (results["detail"],) = await shown_after(
            "enter",
            lambda: isinstance(app.screen, DetailScreen) and app.screen.record is not None,
        )
        await pilot.press("escape")
        await until(lambda: app.screen is main)
        await pilot.pause()
        (results["pipeline"],) = await shown_after(
            "4",
            lambda: isinstance(app.screen, PipelineScreen) and app.screen.loads_applied > 0,
        )
        await pilot.press("escape")
        await until(lambda: app.screen is main)
        await pilot.pause()
        if idle:
            # The parent reads our CPU time now and again after its idle period, then writes
            # a line to our stdin. A thread blocked on stdin costs no CPU.
            print(IDLE_READY, flush=True)
            await asyncio.to_thread(sys.stdin.readline)
        app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=pilot_script)
    app.db.dispose()
    # Our own high-water mark: wait4's ru_maxrss would never be below the parent's RSS (Linux
    # carries the forked parent's footprint over exec).
    status = Path("/proc/self/status").read_text()
    results["hwm_kb"] = float(status.split("VmHWM:", 1)[1].split()[0])
    print(json.dumps(results))


def prepare(scale: str, seed: int, data_dir: Path, env: dict[str, str]) -> Path:
    base = data_dir / f"base-{scale}.db"
    if not base.exists():
        print(f"generating {scale} …", file=sys.stderr, flush=True)
        made = subprocess.run(generate_command(base, scale, seed), capture_output=True, text=True)
        if made.returncode != 0:
            raise SystemExit(f"generate.py failed for {scale}:\n{made.stderr[-2000:]}")
    copy = data_dir / f"tui-{scale}.db"
    remove_database(copy)
    shutil.copyfile(base, copy)
    # Two known cards in Backlog, so even the empty database has a card to move and a row for
    # the cursor to go to.
    for title in ("Bench card 2 col:backlog", "Bench card 1 col:backlog"):
        added = subprocess.run(
            [sys.executable, "-m", "amtui", "add", title],
            env={**env, "AMTUI_DB": str(copy)},
            capture_output=True,
            text=True,
        )
        if added.returncode != 0:
            raise SystemExit(f"`amtui add` failed on {copy}: {added.stderr.strip()}")
    return copy


def cpu_ticks(pid: int) -> int:
    """utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def run_once(db: Path, env: dict[str, str], idle_seconds: float) -> dict[str, float]:
    env = {**env, "AMTUI_DB": str(db), "TEXTUAL_ANIMATIONS": "none"}
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(db)]
    if idle_seconds:
        command.append("--idle")
    with tempfile.TemporaryFile() as err:
        started = time.time()
        process = subprocess.Popen(
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True
        )
        assert process.stdin is not None and process.stdout is not None
        idle_cpu: float | None = None
        lines: list[str] = []
        for line in process.stdout:
            if line.strip() == IDLE_READY:
                before = cpu_ticks(process.pid)
                time.sleep(idle_seconds)
                spent = (cpu_ticks(process.pid) - before) / os.sysconf("SC_CLK_TCK")
                idle_cpu = 100 * spent / idle_seconds
                process.stdin.write("\n")
                process.stdin.flush()
            else:
                lines.append(line)
        process.stdin.close()
        _, status = os.waitpid(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0 or not lines:
            err.seek(0)
            tail = err.read()[-3000:].decode(errors="replace")
            raise SystemExit(f"the app failed on {db}:\n{tail}")
    result = json.loads(lines[-1])
    measured = {
        "paint": float(result["paint_wall"]) - started,
        "move": float(result["move"]),
        "confirmed": float(result["confirmed"]),
        "key": float(result["key"]),
        "detail": float(result["detail"]),
        "pipeline": float(result["pipeline"]),
        "rss_mb": float(result["hwm_kb"]) / 1024,
    }
    if idle_cpu is not None:
        measured["idle_cpu"] = idle_cpu
    return measured


def cell(samples: list[float], scale: float = 1000, digits: int = 0) -> str:
    if not samples:
        return "—"
    return (
        f"{statistics.median(samples) * scale:.{digits}f} "
        f"({min(samples) * scale:.{digits}f}–{max(samples) * scale:.{digits}f})"
    )


#: (key, label, scale to the unit shown, digits); times are in seconds.
MEASURES = (
    ("paint", "first paint, ms (whole process: start → all three regions filled)", 1000, 0),
    ("key", "cursor key `j` on the board, ms (key → frame drawn)", 1000, 0),
    ("move", "move a card, H/L, ms (key → card drawn in its new column)", 1000, 0),
    ("confirmed", "… and confirmed, ms (written, board and agenda reloaded and drawn)", 1000, 0),
    ("detail", "open the detail view, `enter`, ms (key → record shown)", 1000, 0),
    ("pipeline", "open the pipeline board, `4`, ms (key → columns and numbers shown)", 1000, 0),
    ("rss_mb", "peak memory, MiB (VmHWM: peak RSS of the process)", 1, 0),
    ("idle_cpu", "idle CPU, % of one core (main screen, untouched)", 1, 2),
)


def report(
    scales: list[str],
    timings: dict[tuple[str, str], list[float]],
    command_line: str,
    idle_seconds: float,
) -> str:
    first, last = scales[0], scales[-1]
    paint = {s: statistics.median(timings[("paint", s)]) for s in scales}
    ratio = paint[last] / paint[first]
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} "
        f"({os.cpu_count()} CPUs), Python {platform.python_version()}; "
        f"`{command_line}`; headless at {SIZE[0]}×{SIZE[1]}; median (min–max); "
        f"idle CPU over {idle_seconds:g} s, once per scale.",
        "",
        "| measure | " + " | ".join(scales) + " |",
        "|---|" + "---:|" * len(scales),
    ]
    for key, label, unit, digits in MEASURES:
        cells = [cell(timings.get((key, s), []), unit, digits) for s in scales]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    lines += [
        "",
        f"First paint {last} / {first}: **{ratio:.2f}×** (target ≤ {TARGET_RATIO}×: {verdict}).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--child", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--idle", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scales", default="0,10k,100k")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--data-dir", type=Path, default=DATA, help="where base-SCALE.db is found or made"
    )
    parser.add_argument(
        "--idle-seconds",
        type=float,
        default=60,
        help="idle CPU period, once per scale in the first timed round (0: skip)",
    )
    parser.add_argument(
        "--system-bytecode", action="store_true", help="no private PYTHONPYCACHEPREFIX"
    )
    parser.add_argument("--json", type=Path, help="also write every sample to this file")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.idle)
        return
    if args.runs < 1 or args.warmup < 0 or args.idle_seconds < 0:
        parser.error("--runs must be ≥ 1, --warmup and --idle-seconds ≥ 0")
    scales = args.scales.split(",")
    data_dir: Path = args.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    config = data_dir / "config.toml"
    if not config.exists():
        write_config(config)
    pycache = None if args.system_bytecode else data_dir / "pycache"
    env = amtui_env(data_dir / "unused.db", config, pycache)
    dbs = {scale: prepare(scale, args.seed, data_dir, env) for scale in scales}
    timings: dict[tuple[str, str], list[float]] = {}
    for round_no in range(args.warmup + args.runs):
        label = "warm-up" if round_no < args.warmup else f"round {round_no - args.warmup + 1}"
        print(f"{label}/{args.runs}", file=sys.stderr, flush=True)
        idle = args.idle_seconds if round_no == args.warmup else 0
        for scale in scales:
            result = run_once(dbs[scale], env, idle)
            if round_no >= args.warmup:
                for key, value in result.items():
                    timings.setdefault((key, scale), []).append(value)
    command_line = "python bench/run_tui.py " + shlex.join(
        argv if argv is not None else sys.argv[1:]
    )
    text = report(scales, timings, command_line.strip(), args.idle_seconds)
    print(text)
    if args.json:
        samples = {f"{key}@{scale}": values for (key, scale), values in timings.items()}
        args.json.write_text(json.dumps({"command": command_line, "samples": samples}, indent=1))
    if args.write:
        replace_section(START, END, text, "## TUI")


if __name__ == "__main__":
    main()

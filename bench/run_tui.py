"""Time the full-screen app as whole processes: first paint, and moving a card (H/L).

For each scale (0, 10k, 100k tasks *and* leads) the database made by `bench/generate.py`
(bench/data/base-SCALE.db, generated if missing, with the same parameters as run_cli.py) is
copied to bench/data/tui-SCALE.db, and a fresh interpreter runs this file with `--child`:
it opens `AmtuiApp` headless at 120×40 with an auto-pilot that records

- first paint: from the parent's spawn to the moment all three regions show their data
  (the first snapshot applied and the screen idle again), imports included;
- move: `L` then `H` on the first card of the first column with cards: from the key press until
  the frame showing the card, selected, in its new column is drawn (the board moves the card
  at once); "confirmed": until the write and the reload from the database are on screen too;
- key: `j` in the board (cursor down), until the next frame is drawn.

Runs are interleaved scale by scale, so machine noise hits every scale alike.

Examples:
    python bench/run_tui.py                      # 0, 10k, 100k; 5 runs after 1 warm-up
    python bench/run_tui.py --runs 9 --write     # and update bench/RESULTS.md ("TUI" section)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
RESULTS = BENCH / "RESULTS.md"
START, END = "<!-- run_tui:start -->", "<!-- run_tui:end -->"
TARGET_RATIO = 1.5
SIZE = (120, 40)


def child(db_path: str) -> None:
    """Run the app once on `db_path` and print what the auto-pilot measured as JSON."""
    import asyncio

    from amtui.core.config import load_config
    from amtui.core.db import Database
    from amtui.tui.app import AmtuiApp
    from amtui.tui.widgets.board import Board

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
        await pilot.pause()
        board = main.query_one(Board)
        await pilot.press("2", "g")
        await pilot.pause()
        for index, column in enumerate(board.columns[:-1]):
            if column.loaded > 1:
                board.column_index = index
                break
        await pilot.pause()
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
        app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=pilot_script)
    app.db.dispose()
    print(json.dumps(results))


def scale_size(name: str) -> int:
    return int(name[:-1]) * 1000 if name.endswith("k") else int(name)


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def prepare(scale: str, seed: int) -> Path:
    base = DATA / f"base-{scale}.db"
    if not base.exists():
        size = str(scale_size(scale))
        command = [
            sys.executable,
            str(BENCH / "generate.py"),
            str(base),
            "--tasks",
            size,
            "--leads",
            size,
            "--reminders",
            str(scale_size(scale) // 5),
            "--seed",
            str(seed),
            "--force",
        ]
        print(f"generating {scale} …", file=sys.stderr, flush=True)
        subprocess.run(command, check=True, capture_output=True)
    copy = DATA / f"tui-{scale}.db"
    remove_database(copy)
    shutil.copyfile(base, copy)
    # Two known cards in Backlog, so even the empty database has a card to move and a row for
    # the cursor to go to.
    env = {**os.environ, "AMTUI_DB": str(copy), "AMTUI_CONFIG": str(DATA / "config.toml")}
    for title in ("Bench card 2 col:backlog", "Bench card 1 col:backlog"):
        subprocess.run(
            [sys.executable, "-m", "amtui", "add", title], env=env, check=True, capture_output=True
        )
    return copy


def run_once(db: Path, config: Path) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMTUI_")}
    env.update(AMTUI_DB=str(db), AMTUI_CONFIG=str(config), TEXTUAL_ANIMATIONS="none")
    started = time.time()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(db)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the app failed on {db}:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "paint": float(result["paint_wall"]) - started,
        "move": float(result["move"]),
        "confirmed": float(result["confirmed"]),
        "key": float(result["key"]),
    }


def cell(samples: list[float]) -> str:
    return (
        f"{statistics.median(samples) * 1000:.0f} "
        f"({min(samples) * 1000:.0f}–{max(samples) * 1000:.0f})"
    )


def report(scales: list[str], timings: dict[tuple[str, str], list[float]], runs: int) -> str:
    first, last = scales[0], scales[-1]
    paint = {s: statistics.median(timings[("paint", s)]) for s in scales}
    ratio = paint[last] / paint[first]
    lines = [
        START,
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} "
        f"({os.cpu_count()} CPUs), Python {platform.python_version()}; "
        f"`python bench/run_tui.py --runs {runs}`; headless at {SIZE[0]}×{SIZE[1]}; "
        "ms, median (min–max).",
        "",
        "| measure | " + " | ".join(scales) + " |",
        "|---|" + "---:|" * len(scales),
    ]
    for key, label in (
        ("paint", "first paint (whole process: start → all three regions filled)"),
        ("move", "move a card, H/L (key → card drawn in its new column)"),
        ("confirmed", "… and confirmed (written, board and agenda reloaded and drawn)"),
        ("key", "cursor key `j` on the board (key → frame drawn)"),
    ):
        lines.append(f"| {label} | " + " | ".join(cell(timings[(key, s)]) for s in scales) + " |")
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    lines += [
        "",
        f"First paint {last} / {first}: **{ratio:.2f}×** (target ≤ {TARGET_RATIO}×: {verdict}).",
        END,
    ]
    return "\n".join(lines)


def write_results(text: str) -> None:
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if START in current and END in current:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1]
        updated = before + text + after
    else:
        updated = current.rstrip() + "\n\n## TUI\n\n" + text + "\n"
    RESULTS.write_text(updated, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--scales", default="0,10k,100k")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    scales = args.scales.split(",")
    DATA.mkdir(parents=True, exist_ok=True)
    config = DATA / "config.toml"
    if not config.exists():
        config.write_text('timezone = "Europe/Berlin"\n', encoding="utf-8")
    dbs = {scale: prepare(scale, args.seed) for scale in scales}  # after the config exists
    timings: dict[tuple[str, str], list[float]] = {}
    for round_no in range(args.warmup + args.runs):
        label = "warm-up" if round_no < args.warmup else f"round {round_no - args.warmup + 1}"
        print(f"{label}/{args.runs}", file=sys.stderr, flush=True)
        for scale in scales:
            result = run_once(dbs[scale], config)
            if round_no >= args.warmup:
                for key, value in result.items():
                    timings.setdefault((key, scale), []).append(value)
    text = report(scales, timings, args.runs)
    print(text)
    if args.write:
        write_results(text)


if __name__ == "__main__":
    main()

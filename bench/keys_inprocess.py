"""Open the detail view (`enter` on the board's card) and the pipeline (`4`) N times in one app
process, headless at 120×40: per key, main-thread CPU and wall time from the key to the frame
that shows the record / the board's numbers; the garbage collector's full passes (their CPU);
the GC-tracked objects left after each round (a screen closed and not freed shows here).

A deterministic-enough companion to `run_tui.py` on a busy machine: CPU time of the thread
that draws, Python call counts (`--calls`, cProfile), object counts. `--pause S` leaves the app
alone S seconds after each round, as a user reading the screen would (the app's collector
policy settles the heap then: `amtui.tui.logic.heap`); the default presses on at once.

    AMTUI_CONFIG=DATA/config.toml python bench/keys_inprocess.py DATA/tui-100k.db --rounds 6
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import pick_board_card  # bench/ is not a package: its own directory is on the path

FULL_PASSES: list[float] = []  # CPU ms of each full collection inside a key
OTHER_PASSES: list[float] = []  # and between keys (the app's settles when left alone)
_started = [0.0]
_in_key = [False]


def _gc_callback(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _started[0] = time.thread_time()
    elif info["generation"] == 2:
        spent = (time.thread_time() - _started[0]) * 1000
        (FULL_PASSES if _in_key[0] else OTHER_PASSES).append(spent)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--keys", default="detail,pipeline")
    parser.add_argument("--calls", action="store_true", help="count Python calls (cProfile)")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds alone after a round")
    args = parser.parse_args()
    gc.callbacks.append(_gc_callback)

    from amtui.core.config import load_config
    from amtui.core.db import Database
    from amtui.tui.app import AmtuiApp

    app = AmtuiApp(Database(args.db), load_config(), due_seconds=None)
    keys = args.keys.split(",")
    samples: dict[str, list[tuple[float, float]]] = {}
    calls: dict[str, cProfile.Profile] = {}
    tracked: list[int] = []

    async def until(condition: Any, timeout: float = 60.0) -> None:
        deadline = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError("the app did not get there in time")
            await asyncio.sleep(0.001)

    async def shown_after(pilot: Any, name: str, key: str, condition: Any) -> None:
        stamps: list[tuple[float, float]] = []

        async def watch() -> None:
            await until(condition)
            app.call_after_refresh(lambda: stamps.append((time.perf_counter(), time.thread_time())))

        profile = calls.setdefault(name, cProfile.Profile()) if args.calls else None
        wall, cpu = time.perf_counter(), time.thread_time()
        _in_key[0] = True
        if profile:
            profile.enable()
        watcher = asyncio.create_task(watch())
        await pilot.press(key)
        await watcher
        await until(lambda: stamps)
        _in_key[0] = False
        if profile:
            profile.disable()
        samples.setdefault(name, []).append(
            ((stamps[0][0] - wall) * 1000, (stamps[0][1] - cpu) * 1000)
        )

    async def script(pilot: Any) -> None:
        from amtui.tui.screens.detail import DetailScreen
        from amtui.tui.screens.pipeline import PipelineScreen

        main = app.main_screen
        await until(lambda: main.first_paint is not None)
        await pick_board_card(pilot, main)
        FULL_PASSES.clear()
        OTHER_PASSES.clear()
        for _ in range(args.rounds):
            if "detail" in keys:
                await shown_after(
                    pilot,
                    "detail",
                    "enter",
                    lambda: isinstance(app.screen, DetailScreen) and app.screen.record is not None,
                )
                await pilot.press("escape")
                await until(lambda: app.screen is main)
                await pilot.pause()
            if "pipeline" in keys:
                await shown_after(
                    pilot,
                    "pipeline",
                    "4",
                    lambda: isinstance(app.screen, PipelineScreen) and app.screen.loads_applied > 0,
                )
                await pilot.press("escape")
                await until(lambda: app.screen is main)
                await pilot.pause()
            tracked.append(len(gc.get_objects()))
            if args.pause:
                await asyncio.sleep(args.pause)
        app.exit()

    app.run(headless=True, size=(120, 40), auto_pilot=script)
    for name, values in samples.items():
        cpu = [c for _, c in values]
        wall = [w for w, _ in values]
        print(
            f"{name}: main-thread CPU median {statistics.median(cpu):.0f} ms "
            f"({' '.join(f'{c:.0f}' for c in cpu)}), wall median {statistics.median(wall):.0f} ms"
        )
        if name in calls:
            total = pstats.Stats(calls[name]).total_calls
            print(f"{name}: {total / len(values) / 1000:.0f} k Python calls a key")
    print("GC-tracked objects (not frozen) after each round:", " ".join(map(str, tracked)))
    status = Path("/proc/self/status").read_text()
    print("peak memory (VmHWM):", int(status.split("VmHWM:", 1)[1].split()[0]) // 1024, "MiB")
    for label, passes in (("inside keys", FULL_PASSES), ("between keys", OTHER_PASSES)):
        print(
            f"full collections {label}: {len(passes)}, CPU ms each: "
            + " ".join(f"{x:.0f}" for x in passes)
            + f" (total {sum(passes):.0f})"
        )


if __name__ == "__main__":
    main()

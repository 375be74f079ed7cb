"""The app's first frame with data, two code trees side by side in one run (issue 9).

Each tree runs `AmtuiApp` headless at 120×40 on its own copy of a bench database (a tree of an
older schema needs its own data directory) until the main screen's `first_paint`; the parent
times spawn → paint. Runs alternate tree by tree, and which tree goes first, so machine noise
hits both alike; each tree gets a private bytecode cache (warmed by one untimed round). Due
toasts are off (`due_seconds=None`): this times the first frame only. Beside the wall-clock
time it reports the child's CPU time (user + sys, `time.process_time`) up to the frame: steadier
than wall time on a shared machine, as it leaves out the time other processes took the CPU.

    python bench/first_paint_ab.py --tree before=/tmp/old:/tmp/vs17 --tree after=.:/tmp/vs \\
        --scales 0,100k --runs 10
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

CHILD = """
import asyncio, sys, time
from amtui.core.config import load_config
from amtui.core.db import Database
from amtui.tui.app import AmtuiApp
app = AmtuiApp(Database(sys.argv[1]), load_config(), due_seconds=None)
async def pilot(_):
    main = app.main_screen
    while main.first_paint is None:
        await asyncio.sleep(0.001)
    print("PAINT", main.first_paint, time.process_time())
    app.exit()
app.run(headless=True, size=(120, 40), auto_pilot=pilot)
"""


def once(name: str, tree: Path, data: Path, scale: str) -> tuple[float, float]:
    """Wall-clock ms from spawn to the first frame, and the child's CPU ms up to it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env |= {
        "PYTHONPATH": str(tree),
        "PYTHONPYCACHEPREFIX": str(data / f"pycache-{name}"),
        "AMTUI_CONFIG": str(data / "config.toml"),
        "XDG_STATE_HOME": str(data / f"state-{name}"),
        "NO_COLOR": "1",
    }
    start = time.time()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(data / f"ab-{scale}.db")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    paint, cpu = (float(x) for x in done.stdout.split("PAINT")[1].split()[:2])
    return (paint - start) * 1000, cpu * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", required=True, help="NAME=TREE:DATA-DIR")
    parser.add_argument("--scales", default="0,100k")
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    trees = []
    for spec in options.tree:
        name, _, rest = spec.partition("=")
        tree, _, data = rest.partition(":")
        trees.append((name, Path(tree).resolve(), Path(data).resolve()))
    scales = options.scales.split(",")
    for _, _, data in trees:
        for scale in scales:
            shutil.copyfile(data / f"base-{scale}.db", data / f"ab-{scale}.db")
    samples: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    for round_ in range(options.runs + 1):  # round 0 warms the bytecode caches
        for name, tree, data in trees if round_ % 2 else trees[::-1]:
            for scale in scales:
                ms, cpu_ms = once(name, tree, data, scale)
                if round_:
                    samples.setdefault((name, scale), []).append(ms)
                    cpu.setdefault((name, scale), []).append(cpu_ms)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"first paint, ms, median (min) of {options.runs}; load average at end {load}")
    for name, _, _ in trees:
        cells = [
            f"{statistics.median(samples[name, s]):.0f} ({min(samples[name, s]):.0f})"
            for s in scales
        ]
        ratio = statistics.median(samples[name, scales[-1]]) / statistics.median(
            samples[name, scales[0]]
        )
        print(
            f"{name}: "
            + " | ".join(f"{s}: {c}" for s, c in zip(scales, cells, strict=True))
            + f" | {scales[-1]}/{scales[0]} {ratio:.2f}×"
        )
    print(f"CPU time (user + sys) up to the first frame, ms, median (min) of {options.runs}")
    for name, _, _ in trees:
        print(
            f"{name}: "
            + " | ".join(
                f"{s}: {statistics.median(cpu[name, s]):.0f} ({min(cpu[name, s]):.0f})"
                for s in scales
            )
        )


if __name__ == "__main__":
    main()

"""The app's first frame with data, two code trees side by side in one run (issue 9).

Each tree runs on its own copy of a bench database (a tree of an older schema needs its own
data directory) until the main screen's `first_paint`; the parent times spawn → paint. Runs
alternate tree by tree, and which tree goes first, so machine noise hits both alike; each tree
gets a private bytecode cache (warmed by one untimed round). Two ways to start the app:

- `app` (default): `AmtuiApp` headless at 120×40, built by a small script (the first frame
  only: due toasts off, `due_seconds=None`);
- `console`: what a user starts, `python -m amtui --db DB` (the console script's entry point,
  `amtui.cli.main.run`), on a pseudo-terminal of 120×40, with the config's defaults. The
  child is told to report `first_paint` and quit by a `sitecustomize` module the bench puts
  on its path (it wraps `MainScreen._painted` once that module is imported; nothing else of
  the child changes), so both modes stop at the same moment.

`--floor` adds a minimal Textual app in each round (one `Static`, one sqlite3 query, headless
120×40, painted and timed the same way): what any Textual app pays on this machine.

Beside the wall-clock time it reports the child's CPU time (user + sys, `time.process_time`) up
to the frame: steadier than wall time on a shared machine, as it leaves out the time other
processes took the CPU.

    python bench/first_paint_ab.py --tree before=/tmp/old:/tmp/vs17 --tree after=.:/tmp/vs \\
        --scales 0,100k --runs 10 --modes app,console --floor
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
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

#: Put on a `console` child's path as `sitecustomize`: once `amtui.tui.screens.main` is
#: imported, its first paint writes `PAINT <time>` to the file named by AMTUI_BENCH_PAINT and
#: ends the app, exactly where the `app` mode's pilot sees `first_paint` set.
SITECUSTOMIZE = """
import os, sys, time
from importlib.abc import MetaPathFinder
from importlib.machinery import PathFinder

TARGET = "amtui.tui.screens.main"


class _Hook(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != TARGET:
            return None
        spec = PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module

        def exec_module(module):
            execute(module)
            painted = module.MainScreen._painted

            def _painted(self):
                painted(self)
                with open(os.environ["AMTUI_BENCH_PAINT"], "w") as out:
                    out.write(f"PAINT {self.first_paint} {time.process_time()}")
                self.app.exit()

            module.MainScreen._painted = _painted

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _Hook())
"""

FLOOR = """
import sqlite3, sys, time
from textual.app import App
from textual.widgets import Static


class Floor(App):
    def compose(self):
        yield Static("Loading…", id="count")

    def on_mount(self):
        with sqlite3.connect(sys.argv[1]) as connection:
            (count,) = connection.execute("SELECT count(*) FROM task").fetchone()
        self.query_one("#count", Static).update(f"{count} tasks")
        self.call_after_refresh(self.painted)

    def painted(self):
        print("PAINT", time.time(), time.process_time())
        self.exit()


Floor().run(headless=True, size=(120, 40))
"""

SIZE = (120, 40)


def environment(name: str, tree: Path, data: Path, extra: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env |= {
        "PYTHONPATH": os.pathsep.join(str(p) for p in (extra, tree) if p is not None),
        "PYTHONPYCACHEPREFIX": str(data / f"pycache-{name}"),
        "AMTUI_CONFIG": str(data / "config.toml"),
        "XDG_STATE_HOME": str(data / f"state-{name}"),
        "NO_COLOR": "1",
    }
    return env


def headless(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Spawn `command` in `cwd`, which prints `PAINT <time> <CPU time>`: wall-clock ms from
    spawn to the first frame, and the child's CPU ms up to it."""
    start = time.time()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=True)
    return _paint(done.stdout, start)


def _paint(report: str, start: float) -> tuple[float, float]:
    paint, cpu = (float(x) for x in report.split("PAINT")[1].split()[:2])
    return (paint - start) * 1000, cpu * 1000


def on_terminal(name: str, tree: Path, data: Path, db: Path, hooks: Path) -> tuple[float, float]:
    """`python -m amtui --db DB` on a 120×40 pseudo-terminal: wall-clock ms from spawn to the
    first frame, and the child's CPU ms up to it."""
    report = hooks / f"paint-{name}.txt"
    report.unlink(missing_ok=True)
    env = environment(name, tree, data, hooks) | {
        "AMTUI_BENCH_PAINT": str(report),
        "TERM": "xterm-256color",
    }
    env.pop("NO_COLOR")  # a user's terminal
    env.pop("TEXTUAL_DRIVER", None)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    start = time.time()
    child = subprocess.Popen(
        [sys.executable, "-m", "amtui", "--db", str(db)],
        cwd=tree,  # `-m` puts the working directory first on the path: the tree itself
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    drained = threading.Thread(target=_drain, args=(master,), daemon=True)
    drained.start()  # a terminal that is not read blocks the app's writer
    try:
        code = child.wait(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    drained.join(timeout=5)
    os.close(master)
    if code != 0 or not report.exists():
        raise SystemExit(f"{name}: the app on a terminal ended with {code} and no first paint")
    return _paint(report.read_text(), start)


def _drain(master: int) -> None:
    try:
        while os.read(master, 65536):
            pass
    except OSError:  # the child closed the terminal
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", required=True, help="NAME=TREE:DATA-DIR")
    parser.add_argument("--scales", default="0,100k")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--modes", default="app", help="app, console or both (app,console); see above"
    )
    parser.add_argument("--floor", action="store_true", help="also time a minimal Textual app")
    options = parser.parse_args()
    trees = []
    for spec in options.tree:
        name, _, rest = spec.partition("=")
        tree, _, data = rest.partition(":")
        trees.append((name, Path(tree).resolve(), Path(data).resolve()))
    scales = options.scales.split(",")
    modes = options.modes.split(",")
    if not set(modes) <= {"app", "console"}:
        parser.error("--modes: app, console or app,console")
    for _, _, data in trees:
        for scale in scales:
            shutil.copyfile(data / f"base-{scale}.db", data / f"ab-{scale}.db")
    hooks = Path(tempfile.mkdtemp(prefix="first-paint-"))
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE)
    (hooks / "floor.py").write_text(FLOOR)
    samples: dict[tuple[str, str, str], list[float]] = {}
    cpu: dict[tuple[str, str, str], list[float]] = {}

    def once(name: str, tree: Path, data: Path, scale: str, mode: str) -> tuple[float, float]:
        db = data / f"ab-{scale}.db"
        if mode == "console":
            return on_terminal(name, tree, data, db, hooks)
        # In the tree: `-c` and `-m` put the working directory first on the path, before
        # PYTHONPATH, so a child started elsewhere (the bench run from a checkout) would run
        # that checkout's amtui whatever tree it was given.
        return headless([sys.executable, "-c", CHILD, str(db)], environment(name, tree, data), tree)

    try:
        for round_ in range(options.runs + 1):  # round 0 warms the bytecode caches
            for name, tree, data in trees if round_ % 2 else trees[::-1]:
                for mode in modes:
                    for scale in scales:
                        ms, cpu_ms = once(name, tree, data, scale, mode)
                        if round_:
                            samples.setdefault((name, mode, scale), []).append(ms)
                            cpu.setdefault((name, mode, scale), []).append(cpu_ms)
            if options.floor:
                _, _, data = trees[0]
                for scale in scales:
                    db = data / f"ab-{scale}.db"
                    env = environment("floor", hooks, data)
                    ms, cpu_ms = headless(
                        [sys.executable, str(hooks / "floor.py"), str(db)], env, hooks
                    )
                    if round_:
                        samples.setdefault(("floor", "app", scale), []).append(ms)
                        cpu.setdefault(("floor", "app", scale), []).append(cpu_ms)
    finally:
        shutil.rmtree(hooks, ignore_errors=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"first paint, ms, median (min) of {options.runs}; load average at end {load}")
    for name, mode, _ in dict.fromkeys((n, m, None) for n, m, _ in samples):
        cells = [
            f"{statistics.median(samples[name, mode, s]):.0f} ({min(samples[name, mode, s]):.0f})"
            for s in scales
        ]
        ratio = statistics.median(samples[name, mode, scales[-1]]) / statistics.median(
            samples[name, mode, scales[0]]
        )
        print(
            f"{name} [{mode}]: "
            + " | ".join(f"{s}: {c}" for s, c in zip(scales, cells, strict=True))
            + f" | {scales[-1]}/{scales[0]} {ratio:.2f}×"
        )
    print(f"CPU time (user + sys) up to the first frame, ms, median (min) of {options.runs}")
    for name, mode, _ in dict.fromkeys((n, m, None) for n, m, _ in cpu):
        print(
            f"{name} [{mode}]: "
            + " | ".join(
                f"{s}: {statistics.median(cpu[name, mode, s]):.0f} ({min(cpu[name, mode, s]):.0f})"
                for s in scales
            )
        )


if __name__ == "__main__":
    main()

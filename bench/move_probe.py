"""Where a card move (H/L on the board) spends its work: one app process, headless at 120×40,
on a copy of DB; six moves (L, H three times) of a card of the first column with cards.

Each move has two parts, both measured:

- preview: from the key to the first frame that shows the card, selected, in its new column
  (the board moves it before the write; what `run_tui.py` calls "move");
- confirm: from that frame to the frame after the write's reload was applied.

For each part, per move: CPU ms (the whole process, and its main thread), the screen layouts
(`Screen._refresh_layout`, full ones; scroll-only reflows are not counted), the widgets that
asked for one (`Widget.refresh(layout=True)`), restyles (`Stylesheet.apply` calls, and the
`update_nodes` that ran them), real class changes, `Widget.refresh` calls, compositor updates
and their dirty regions (cells summed over regions, so overlaps count twice), widget
`render_lines` calls and lines, and the garbage collector's full passes. `--calls` also runs
each part under cProfile and prints Python function calls per move (deterministic enough to
compare trees on a busy machine, unlike wall or CPU time); `--who` lists who asked for each
layout, restyle and repaint.

A deterministic companion to `run_tui.py` (whose "move" is a wall time, ±30–50% run to run):

    AMTUI_CONFIG=DATA/config.toml NO_COLOR=1 python bench/move_probe.py DATA/tui-100k.db --calls

DB must hold a column with two cards or more and a column after it; it is copied first (the
moves are written).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import pstats
import shutil
import statistics
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

MOVES = 6


class Recorder:
    """Counts of what Textual does while `on`; `who` names the callers (slower)."""

    def __init__(self, who: bool) -> None:
        self.on = False
        self.who = who
        self.counts: Counter[str] = Counter()
        self.callers: Counter[str] = Counter()
        self.part = "-"

    def note(self, name: str, amount: int = 1, caller: str | None = None) -> None:
        if self.on:
            self.counts[name] += amount
            if self.who and caller is not None:
                self.callers[f"{self.part}: {caller}"] += 1


def _caller() -> str:
    """The innermost amtui frame that led here, and the Textual frame that called."""
    stack = traceback.extract_stack()[:-3]
    ours = [frame for frame in stack if "/amtui/" in frame.filename]
    textual = stack[-1]
    mine = f"{ours[-1].filename.rsplit('/amtui/', 1)[1]}:{ours[-1].lineno}" if ours else "-"
    return f"{mine} <- {textual.filename.rsplit('/', 1)[1]}:{textual.lineno} {textual.name}"


def instrument(record: Recorder) -> None:
    """Wrap the Textual methods whose calls are counted."""
    from textual import dom, screen, widget
    from textual._compositor import Compositor
    from textual.css.stylesheet import Stylesheet

    refresh = widget.Widget.refresh

    def counted_refresh(self: Any, *regions: Any, **options: Any) -> Any:
        if record.on:
            kind = "refresh(layout)" if options.get("layout") else "refresh"
            caller = _caller() if record.who else None
            record.note(kind, caller=f"{kind} {type(self).__name__}: {caller}")
        return refresh(self, *regions, **options)

    refresh_layout = screen.Screen._refresh_layout

    def counted_layout(self: Any, size: Any = None, scroll: bool = False) -> Any:
        if not (scroll and not self._layout_widgets):
            asked = sorted({type(w).__name__ for ws in self._layout_widgets.values() for w in ws})
            record.note("layouts", caller=f"layout for {', '.join(asked)}")
        return refresh_layout(self, size, scroll)

    apply = Stylesheet.apply

    def counted_apply(self: Any, node: Any, *args: Any, **options: Any) -> Any:
        record.note("Stylesheet.apply")
        return apply(self, node, *args, **options)

    update_nodes = Stylesheet.update_nodes

    def counted_update_nodes(self: Any, nodes: Any, animate: bool = False) -> Any:
        record.note("update_nodes", caller=_caller() if record.who and record.on else None)
        return update_nodes(self, nodes, animate)

    render_update = Compositor.render_update

    def counted_render_update(self: Any, *args: Any, **options: Any) -> Any:
        record.note("render_update")
        record.note("dirty regions", len(self._dirty_regions))
        record.note("dirty cells", sum(region.area for region in self._dirty_regions))
        return render_update(self, *args, **options)

    render_lines = widget.Widget.render_lines

    def counted_render_lines(self: Any, crop: Any) -> Any:
        record.note("render_lines")
        record.note("render_lines lines", crop.height)
        return render_lines(self, crop)

    screen.Screen._refresh_layout = counted_layout  # type: ignore[method-assign]
    widget.Widget.refresh = counted_refresh  # type: ignore[method-assign]
    Stylesheet.apply = counted_apply  # type: ignore[method-assign]
    Stylesheet.update_nodes = counted_update_nodes  # type: ignore[method-assign]
    Compositor.render_update = counted_render_update  # type: ignore[method-assign]
    widget.Widget.render_lines = counted_render_lines  # type: ignore[method-assign]
    for name in ("add_class", "remove_class"):
        original = getattr(dom.DOMNode, name)

        def changed(self: Any, *names: str, _original: Any = original, **options: Any) -> Any:
            before = set(self._classes)
            result = _original(self, *names, **options)
            if before != self._classes:
                caller = _caller() if record.who and record.on else None
                record.note("class changes", caller=f"{names} on {type(self).__name__}: {caller}")
            return result

        setattr(dom.DOMNode, name, changed)

    def collected(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and info["generation"] == 2:
            record.note("GC full passes")

    gc.callbacks.append(collected)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("db", type=Path, help="a bench database (copied first)")
    parser.add_argument("--calls", action="store_true", help="function calls per move")
    parser.add_argument("--who", action="store_true", help="who asked for each layout …")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="move-probe-"))
    db = workdir / "probe.db"
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{args.db}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{db}{suffix}")

    record = Recorder(args.who)
    instrument(record)
    from amtui.core.config import load_config
    from amtui.core.db import Database
    from amtui.tui.app import AmtuiApp

    app = AmtuiApp(Database(str(db)), load_config(), due_seconds=None)
    frames: list[tuple[float, float, bool, bool, Counter[str]]] = []
    state: dict[str, Callable[[], bool]] = {"moved": lambda: False, "loaded": lambda: False}
    profiles = {"preview": cProfile.Profile(), "confirm": cProfile.Profile()}
    profiling: list[str | None] = [None]
    display = type(app)._display

    def on_display(self: Any, screen: Any, renderable: Any) -> None:
        display(self, screen, renderable)
        if not (record.on and renderable is not None):
            return
        moved, loaded = state["moved"](), state["loaded"]()
        if record.part == "preview" and moved:
            record.part = "confirm"
        if args.calls and profiling[0] == "preview" and moved:
            profiles["preview"].disable()
            profiling[0] = "confirm"
            profiles["confirm"].enable()
        elif args.calls and profiling[0] == "confirm" and loaded:
            profiles["confirm"].disable()
            profiling[0] = None
        frames.append(
            (time.process_time(), time.thread_time(), moved, loaded, record.counts.copy())
        )

    type(app)._display = on_display  # type: ignore[method-assign]
    parts: dict[str, dict[str, list[float]]] = {"preview": {}, "confirm": {}}
    counts: dict[str, Counter[str]] = {"preview": Counter(), "confirm": Counter()}

    async def frame() -> None:
        drawn = asyncio.get_running_loop().create_future()
        app.call_after_refresh(lambda: drawn.done() or drawn.set_result(None))
        await drawn

    async def pilot(pilot: Any) -> None:
        from amtui.tui.widgets.board import Board

        main = app.main_screen
        while main.first_paint is None:
            await asyncio.sleep(0.001)
        await app.workers.wait_for_complete()
        await pilot.pause()
        board = main.query_one(Board)
        await pilot.press("2", "g")
        board.column_index = next(
            i for i, column in enumerate(board.columns[:-1]) if column.loaded > 1
        )
        for index in range(MOVES):
            key, step = ("L", 1) if index % 2 == 0 else ("H", -1)
            await app.workers.wait_for_complete()
            await pilot.pause()
            await frame()
            ref, target, loads = board.current_ref, board.column_index + step, main.loads_applied
            state["moved"] = lambda t=target, r=ref: (
                board.column_index == t and board.current_ref == r
            )
            state["loaded"] = lambda n=loads: main.loads_applied > n
            frames.clear()
            record.counts.clear()
            record.part, record.on = "preview", True
            if args.calls:
                profiling[0] = "preview"
                profiles["preview"].enable()
            start, thread_start = time.process_time(), time.thread_time()
            await app._press_keys([key])
            while main.loads_applied == loads:
                await asyncio.sleep(0.0005)
            await frame()
            await app.workers.wait_for_complete()
            await pilot.pause()
            record.on = False
            shown = next(f for f in frames if f[2])
            confirmed = next(f for f in frames if f[3])
            counts["preview"].update(shown[4])
            counts["confirm"].update(confirmed[4] - shown[4])
            for part, (begin, end) in {
                "preview": ((start, thread_start), shown),
                "confirm": (shown, confirmed),
            }.items():
                parts[part].setdefault("cpu_ms", []).append((end[0] - begin[0]) * 1000)
                parts[part].setdefault("main_thread_ms", []).append((end[1] - begin[1]) * 1000)
            assert board.current_ref == ref and board.column_index == target
        app.exit()

    app.run(headless=True, size=(120, 40), auto_pilot=pilot)
    app.db.dispose()
    shutil.rmtree(workdir, ignore_errors=True)
    result: dict[str, Any] = {}
    for part in parts:
        summary: dict[str, float] = {
            f"{name} (median)": round(statistics.median(values), 1)
            for name, values in parts[part].items()
        }
        summary.update({name: round(n / MOVES, 1) for name, n in sorted(counts[part].items())})
        if args.calls:
            summary["function calls"] = round(pstats.Stats(profiles[part]).total_calls / MOVES)
        result[part] = summary
    print(json.dumps(result, indent=1))
    for caller, n in sorted(record.callers.items()):
        print(f"{n / MOVES:6.1f}  {caller}")


if __name__ == "__main__":
    main()

"""The app's start (issue 9: the first frame at 0 records within 400 ms).

- A first read that is done before the main screen is mounted (`amtui` begins it before
  Textual is imported: `amtui.tui.launch`) is shown by the screen's first frame: no
  "Loading…" frame, no second layout, no `Loaded` message. One still out goes the usual way.
- The screen carries its breakpoint class from the first layout (Textual would add it on the
  first Resize and restyle every widget); the class is Textual's own choice for the width.
- The garbage collector is off from the start to the first frame, and on again after it (or
  when an app ends without one).
- `amtui` on a terminal opens the app without Typer, and its first read begins before
  Textual is imported.
"""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from amtui.core.config import Config
from amtui.core.db import Database
from tests.conftest import NOW
from tests.tui.conftest import SIZE, drive, screen_text, settle

ROOT = Path(__file__).resolve().parents[2]


def mounted(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What the main screen looked like when its `on_mount` returned (before any layout),
    and how many `Loaded` messages it took."""
    from amtui.tui.screens.main import MainScreen

    seen: dict[str, Any] = {}
    on_mount = MainScreen.on_mount

    def record(self: MainScreen) -> None:
        on_mount(self)
        seen.update(
            loads=self.loads_applied,
            classes=set(self.classes),
            collecting=gc.isenabled(),
            selected=self.inbox.current_ref,
        )

    monkeypatch.setattr(MainScreen, "on_mount", record)
    loaded = MainScreen.on_main_screen_loaded

    def arrived(self: MainScreen, message: MainScreen.Loaded) -> None:
        seen["messages"] = seen.get("messages", 0) + 1
        loaded(self, message)

    monkeypatch.setattr(MainScreen, "on_main_screen_loaded", arrived)
    return seen


def painted_flag(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """A list that holds True once the main screen counted its first paint (`first_paint`,
    which the benches time)."""
    from amtui.tui.screens.main import MainScreen

    painted: list[bool] = []
    on_painted = MainScreen._painted

    def paint(self: MainScreen) -> None:
        painted.append(True)
        on_painted(self)

    monkeypatch.setattr(MainScreen, "_painted", paint)
    return painted


def read_first(db: Database, config: Config) -> Any:
    """The app as `amtui` starts it: its first read done before the screen mounts."""
    from amtui.tui.logic.start import Start

    start = Start.prepare(db)
    assert start.read(db, config, NOW).wait(30)
    return app_with(db, config, start=start)


def app_with(db: Database, config: Config, **kwargs: Any) -> Any:
    from amtui.tui.app import AmtuiApp

    app = AmtuiApp(db, config, clock=lambda: NOW, due_seconds=None, live=False, **kwargs)
    app.theme = "textual-dark"
    return app


def test_a_first_read_done_before_the_screen_mounts_is_in_its_first_frame(
    seeded, config, monkeypatch
) -> None:
    from amtui.tui.logic.start import Start

    start = Start.prepare(seeded)
    assert start.read(seeded, config, NOW).wait(30)
    seen = mounted(monkeypatch)
    app = app_with(seeded, config, start=start)

    async def scenario(pilot):
        return screen_text(pilot.app), pilot.app.main_screen.loads_applied

    text, loads = drive(app, scenario)
    assert seen["loads"] == 1 and seen["selected"] == "L2"
    assert "messages" not in seen and loads == 1
    assert "L2 respond late 25m SEO audit" in text and "Loading" not in text


def test_a_first_read_still_out_at_mount_arrives_as_a_message(
    make_app, monkeypatch, held_read
) -> None:
    from amtui.tui.logic import data

    release = held_read(data, "load_snapshot")
    seen = mounted(monkeypatch)
    app = make_app()

    async def run() -> tuple[str, str]:
        async with app.run_test(size=SIZE) as pilot:
            before = screen_text(app)
            release.set()
            await settle(pilot)
            return before, screen_text(app)

    before, after = asyncio.run(run())
    assert seen["loads"] == 0 and seen["selected"] is None
    assert "Loading leads…" in before
    assert seen["messages"] == 1
    assert "L2 respond late 25m SEO audit" in after


def test_the_screen_is_laid_out_with_its_breakpoint_class_from_the_start(
    make_app, monkeypatch
) -> None:
    from textual.screen import Screen

    from amtui.tui.screens.main import MainScreen, breakpoint_class

    # The class is the one Textual gives the screen on a Resize (a Textual internal, pinned).
    breakpoints = MainScreen.HORIZONTAL_BREAKPOINTS
    for width in range(0, 300):
        textual = Screen._get_breakpoint_classes(MainScreen(), width, breakpoints)
        assert textual == {breakpoint_class(width)}, width
    seen = mounted(monkeypatch)
    app = make_app()

    async def scenario(pilot):
        return set(pilot.app.main_screen.classes)

    after = drive(app, scenario)  # 120 columns
    assert "-medium" in seen["classes"] and "-medium" in after
    assert not {"-narrow", "-wide"} & (seen["classes"] | after)


def test_the_collector_is_off_until_the_first_frame(make_app, monkeypatch) -> None:
    seen = mounted(monkeypatch)

    async def scenario(pilot):
        return pilot.app.main_screen.first_paint is not None, gc.isenabled()

    painted, collecting = drive(make_app(), scenario)
    assert seen["collecting"] is False
    assert painted and collecting


def test_an_app_that_ends_before_its_first_frame_turns_the_collector_back_on(
    make_app, monkeypatch
) -> None:
    from amtui.tui.screens.main import MainScreen

    monkeypatch.setattr(MainScreen, "reload", lambda self, keep=None, parts=None: None)

    async def scenario(pilot):
        return pilot.app.main_screen.first_paint, gc.isenabled()

    painted, collecting = drive(make_app(), scenario)
    assert painted is None and collecting is False
    assert gc.isenabled()


APP = """
    import json, sys, types

    import amtui.cli.fast
    from amtui.tui.logic.start import Start

    amtui.cli.fast.on_terminal = lambda: True
    seen = {}
    read = Start.read

    def reading(self, db, config, now):
        seen["textual_when_read"] = "textual" in sys.modules
        return read(self, db, config, now)

    class App:  # stands in for amtui.tui.app.AmtuiApp: no Textual, no terminal
        def __init__(self, db, config, *, start):
            seen.update(db=str(db.path), read=start.early_load.wait(30))

        def run(self):
            seen["ran"] = True

    Start.read = reading
    sys.modules["amtui.tui.app"] = types.SimpleNamespace(AmtuiApp=App)
    from amtui.cli.main import run

    sys.argv = ["amtui", *sys.argv[1:]]
    try:
        run(fast_exit=False)
    except SystemExit as done:
        seen["code"] = done.code
    seen["typer"] = "typer" in sys.modules
    print(json.dumps(seen))
"""


@pytest.mark.parametrize("args", [[], ["tui"]])
def test_amtui_on_a_terminal_opens_the_app_without_typer_reading_before_textual(
    tmp_path, args
) -> None:
    target = tmp_path / "chosen.db"
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(APP), "--db", str(target), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    seen = json.loads(done.stdout)
    assert seen == {
        "textual_when_read": False,
        "db": str(target),
        "read": True,
        "ran": True,
        "code": 0,
        "typer": False,
    }


def test_the_first_frame_draws_the_rows_words(seeded, config, monkeypatch) -> None:
    """What the lists drew before the screen counted its first paint (`first_paint`, which
    the benches time) holds the rows' words, not only their boxes: a list placed its rows
    before it had a width drew a frame of empty cards with their coloured bars."""
    from amtui.tui.widgets.rows import RowList

    drawn: list[str] = []
    painted = painted_flag(monkeypatch)
    render_line = RowList.render_line

    def record(self: RowList, y: int) -> Any:
        strip = render_line(self, y)
        if not painted:
            drawn.append(strip.text)
        return strip

    monkeypatch.setattr(RowList, "render_line", record)
    app = read_first(seeded, config)

    async def scenario(pilot):
        return pilot.app.main_screen.first_paint

    assert drive(app, scenario) is not None
    words = " ".join(drawn)
    assert "L2 respond late 25m SEO audit" in words
    assert "T1" in words


def test_the_first_frame_draws_only_the_board_columns_that_fit(seeded, config, monkeypatch) -> None:
    """At 120 columns the board has room for two columns of 28 cells or more: the first frame
    lays out and draws those two at their width, not all five squeezed (which it hid a frame
    later, after wrapping every card of every column at 14 cells)."""
    from amtui.tui.widgets.columns import Column
    from amtui.tui.widgets.rows import RowList

    drawn: dict[str, set[int]] = {}
    painted = painted_flag(monkeypatch)
    render_line = RowList.render_line

    def record(self: RowList, y: int) -> Any:
        if not painted and isinstance(self.parent, Column):
            drawn.setdefault(self.parent.column_name, set()).add(self.size.width)
        return render_line(self, y)

    monkeypatch.setattr(RowList, "render_line", record)
    app = read_first(seeded, config)

    async def scenario(pilot):
        board = pilot.app.main_screen.board
        return board.window, [column.display for column in board.columns]

    window, shown = drive(app, scenario)
    assert window == (0, 2) and shown == [True, True, False, False, False]
    assert set(drawn) == set(config.columns[:2])
    assert all(min(widths) >= 28 for widths in drawn.values()), drawn


def test_the_first_frame_styles_the_screens_widgets_once(seeded, config, monkeypatch) -> None:
    """Every widget is styled as it mounts, with the classes it keeps (`compose`); the
    screen's first resume, right after, does not apply the stylesheet to all of them again
    (Textual's default: at 100 000 records ~5% of the instructions to the first frame, each
    list placing and drawing its rows again). A widget whose classes change is restyled."""
    from textual.css.stylesheet import Stylesheet
    from textual.widget import Widget

    styled: dict[str, int] = {}
    painted = painted_flag(monkeypatch)
    apply = Stylesheet.apply

    def record(self: Stylesheet, node: Any, **kwargs: Any) -> None:
        if not painted and isinstance(node, Widget) and node.id:
            styled[node.id] = styled.get(node.id, 0) + 1
        apply(self, node, **kwargs)

    monkeypatch.setattr(Stylesheet, "apply", record)
    app = read_first(seeded, config)

    async def scenario(pilot):
        return pilot.app.main_screen.first_paint

    assert drive(app, scenario) is not None
    assert {name: styled[name] for name in ("topbar", "tabbar", "regions", "board")} == {
        "topbar": 1,
        "tabbar": 1,
        "regions": 1,
        "board": 1,
    }


def test_the_first_frame_is_laid_out_once(seeded, config, monkeypatch) -> None:
    """The screen is laid out as it is first shown, at the terminal's size; the Resize that
    Textual sends as the app starts, at that same size, does not lay it out and draw it
    again (a widget that needs a layout, a list getting its scrollbar, asks for one)."""
    from textual.screen import Screen

    layouts: list[bool] = []
    painted = painted_flag(monkeypatch)
    refresh_layout = Screen._refresh_layout

    def record(self: Screen, *args: Any, **kwargs: Any) -> None:
        layouts.append(bool(painted))
        refresh_layout(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", record)
    app = read_first(seeded, config)

    async def scenario(pilot):
        await pilot.resize_terminal(100, 40)  # a real resize still lays it out
        await settle(pilot)
        main = pilot.app.main_screen
        return main.size.width, main.board.window, "L2 respond late" in screen_text(pilot.app)

    width, window, shown = drive(app, scenario)
    assert layouts.count(False) == 1
    assert width == 100 and window == (0, 2) and shown

"""Layout by terminal width, and how the app is opened (`amtui`, `amtui tui`, imports)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.tui.conftest import drive, press, screen_text


@pytest.mark.parametrize(
    ("size", "layout"),
    [((200, 50), "-wide"), ((120, 40), "-medium"), ((80, 24), "-narrow")],
)
def test_regions_collapse_by_width(make_app, size, layout) -> None:
    async def scenario(pilot):
        shown = [r.id for r in pilot.app.main_screen.regions if r.display and r.region.width]
        return layout in pilot.app.main_screen.classes, shown

    matched, shown = drive(make_app(), scenario, size=size)
    assert matched
    assert shown == (["inbox"] if layout == "-narrow" else ["inbox", "board", "agenda"])


def test_narrow_terminal_works_like_tabs(make_app) -> None:
    async def scenario(pilot):
        texts = [screen_text(pilot.app)]
        for key in ("2", "tab", "shift+tab", "shift+tab"):
            await press(pilot, key)
            texts.append(screen_text(pilot.app))
        return texts

    inbox, board, agenda, board_again, inbox_again = drive(make_app(), scenario, size=(80, 24))
    assert "1 Inbox" in inbox.splitlines()[1] and "Inbox 3 · 2 waiting" in inbox
    assert "Board 5 open" in board and "Inbox 3" not in board
    assert "Agenda Wed 25 Nov" in agenda
    assert "Board 5 open" in board_again and "Inbox 3 · 2 waiting" in inbox_again


def test_the_tui_never_imports_the_cli() -> None:
    code = (
        "import json, sys; import amtui.tui.app; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('amtui.cli'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


@pytest.mark.parametrize("args", [[], ["tui"]])
def test_amtui_and_amtui_tui_open_the_app_on_the_chosen_database(
    monkeypatch, tmp_path, args
) -> None:
    from typer.testing import CliRunner

    import amtui.cli.root
    from amtui.cli.root import app
    from amtui.tui.app import AmtuiApp

    opened = []
    monkeypatch.setattr(AmtuiApp, "run", lambda self: opened.append((self.db.path, self.config)))
    monkeypatch.setattr(amtui.cli.root, "_on_terminal", lambda: True)
    target = tmp_path / "chosen.db"
    result = CliRunner().invoke(app, ["--db", str(target), *args])
    assert result.exit_code == 0, result.output
    assert opened and opened[0][0] == target
    assert str(opened[0][1].timezone) == "Europe/Berlin"


def test_plain_amtui_off_a_terminal_prints_help_instead(monkeypatch) -> None:
    from typer.testing import CliRunner

    from amtui.cli.main import app
    from amtui.tui.app import AmtuiApp

    monkeypatch.setattr(AmtuiApp, "run", lambda self: pytest.fail("opened the app"))
    result = CliRunner().invoke(app, [])
    assert result.exit_code == 0 and result.output.startswith("Usage: amtui")


def test_every_binding_id_is_in_the_readme() -> None:
    from pathlib import Path

    from textual.binding import Binding

    from amtui.tui.app import AmtuiApp
    from amtui.tui.screens.confirm import ConfirmScreen, PromptScreen
    from amtui.tui.screens.detail import DetailScreen
    from amtui.tui.screens.forms import FormScreen
    from amtui.tui.screens.main import MainScreen
    from amtui.tui.screens.money import MoneyList, MoneyScreen
    from amtui.tui.screens.pipeline import PipelineScreen
    from amtui.tui.widgets.agenda import Agenda
    from amtui.tui.widgets.board import Board
    from amtui.tui.widgets.detail import SubtaskList
    from amtui.tui.widgets.inbox import Inbox
    from amtui.tui.widgets.pipeline import PipelineBoard
    from amtui.tui.widgets.rows import Region

    classes = (AmtuiApp, MainScreen, Region, Inbox, Board, Agenda, SubtaskList, DetailScreen)
    classes += (FormScreen, ConfirmScreen, PromptScreen, MoneyScreen, MoneyList)
    classes += (PipelineScreen, PipelineBoard)
    ids = {
        binding.id
        for cls in classes
        for binding in cls.BINDINGS
        if isinstance(binding, Binding) and binding.id
    }
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert len(ids) > 60
    assert sorted(i for i in ids if f"`{i}`" not in readme) == []


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
def test_the_footer_shows_only_whole_keys(make_app, size) -> None:
    """Each key the footer shows is whole (`s Stage`, never `s Sta`), help always among them,
    in every region and in a detail view."""
    from textual.widgets import HelpPanel
    from textual.widgets._footer import FooterKey

    from amtui.tui.widgets.footer import FittedFooter

    def footer(app) -> tuple[str, str]:
        line = screen_text(app).splitlines()[-1]
        keys = [
            key
            for key in app.screen.query_one(FittedFooter).query(FooterKey)
            if not key.has_class("-command-palette")
        ]
        whole = " ".join(f"{key.key_display} {key.description}" for key in keys)
        return line.split("▏")[0].strip(), whole

    async def scenario(pilot):
        seen = []
        for keys in (("1",), ("2",), ("3",), ("1", "enter")):
            await press(pilot, *keys)
            seen.append(footer(pilot.app))
        await press(pilot, "question_mark")  # help works in the detail view too
        return seen, bool(pilot.app.screen.query(HelpPanel))

    seen, helped = drive(make_app(), scenario, size=size)
    for shown, whole in seen:
        assert shown == whole
        assert shown.endswith("? Help")
    assert helped

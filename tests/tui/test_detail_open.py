"""Opening the detail view (issue 9: `enter` at 100 000 records).

- Its record, read while the view is built, is on the view when it mounts, before its first
  layout: the first frame shows it (no empty dialog first, no `Loaded` message).
- A read still out after the bounded wait comes as a message; the dialog opens meanwhile.
- A record that cannot be read says why and closes the dialog.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from amtui.tui.logic.verbs import Target
from tests.tui.conftest import (
    SIZE,
    detail_fields,
    drive,
    notes,
    posted,
    press,
    screen_text,
    settle,
)


def mounted(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """For each detail view opened: its record and head line when its `on_mount` returned
    (before any layout)."""
    from amtui.tui.screens.detail import DetailScreen

    seen: list[dict[str, Any]] = []
    on_mount = DetailScreen.on_mount

    def record(self: DetailScreen) -> None:
        on_mount(self)
        fields = self.query_one("#detail-fields")
        seen.append({"record": self.record, "fields": dict(fields.text())})  # type: ignore[attr-defined]

    monkeypatch.setattr(DetailScreen, "on_mount", record)
    return seen


def test_the_record_is_on_the_view_before_its_first_frame(make_app, monkeypatch) -> None:
    from amtui.tui.screens.detail import DetailScreen

    seen = mounted(monkeypatch)

    async def scenario(pilot):
        await press(pilot, "2", "l", "l", "enter")
        return detail_fields(pilot.app), posted(pilot.app, DetailScreen.Loaded)

    fields, loaded = drive(make_app(), scenario)
    assert len(seen) == 1 and seen[0]["record"] is not None
    assert seen[0]["fields"]["column"] == "In progress" == fields["column"]
    assert loaded == []  # no second frame for a message


def test_a_read_still_out_arrives_as_a_message(make_app, monkeypatch, held_read) -> None:
    from amtui.tui.screens import detail

    seen = mounted(monkeypatch)
    release = held_read(detail, "get_task_details")
    app = make_app()

    async def run() -> tuple[Any, Any, dict[str, str], int]:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "2", "l", "l")
            await pilot.press("enter")
            await pilot.pause()
            opened = type(app.screen).__name__
            release.set()
            await settle(pilot)
            return opened, app.screen.record, detail_fields(app), len(seen)

    opened, record, fields, opened_views = asyncio.run(run())
    assert opened == "DetailScreen" and opened_views == 1
    assert seen[0]["record"] is None and seen[0]["fields"] == {}
    assert record is not None and fields["column"] == "In progress"


def test_a_record_that_cannot_be_read_says_so_and_closes(make_app) -> None:
    async def scenario(pilot):
        pilot.app.actions.open(Target("T999", "palette"))
        await settle(pilot)
        return type(pilot.app.screen).__name__, notes(pilot.app)

    screen, said = drive(make_app(), scenario)
    assert screen == "MainScreen"
    assert "T999" in said


def test_a_reload_reads_afresh(make_app, seeded, config) -> None:
    from amtui.core import tasks
    from tests.conftest import NOW

    async def scenario(pilot):
        await press(pilot, "2", "l", "l", "enter")
        before = detail_fields(pilot.app)["column"]
        tasks.move_task(seeded, "T4", "review", now=NOW, config=config)
        pilot.app.data_changed()
        await settle(pilot)
        return before, detail_fields(pilot.app)["column"]

    assert drive(make_app(), scenario) == ("In progress", "Review")


def beside_the_dialog(app: Any) -> tuple[list[str], list[str]]:
    """The columns left of the dialog as the terminal shows them, and as the main screen
    beneath draws them itself."""
    shown = screen_text(app).splitlines()
    beneath = [strip.text for strip in app.main_screen._compositor.render_strips()]
    return [line[:9] for line in shown[2:38]], [line[:9] for line in beneath[2:38]]


def test_the_dimmed_screen_beneath_follows_its_changes(make_app, seeded, config) -> None:
    from amtui.core.pipeline import respond_lead
    from tests.conftest import NOW

    async def scenario(pilot):
        await press(pilot, "2", "l", "l", "enter")
        before = beside_the_dialog(pilot.app)
        respond_lead(seeded, "L2", now=NOW, config=config)  # from the shell, say
        pilot.app.data_changed()
        await settle(pilot)
        return before, beside_the_dialog(pilot.app), type(pilot.app.screen).__name__

    (shown, beneath), (shown_after, beneath_after), screen = drive(make_app(), scenario)
    assert screen == "DetailScreen"
    assert shown == beneath and "│▌ L2 res" in shown
    assert beneath_after != beneath  # the inbox changed beneath the dialog
    assert shown_after == beneath_after

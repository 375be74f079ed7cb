"""SVG snapshots (pytest-textual-snapshot) with pinned data, clock, theme and size.

Update after an intended visual change: `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from tests.tui.conftest import settle


async def _settled(pilot) -> None:
    await settle(pilot)


def test_main_screen_120x40(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_settled)


def test_main_screen_80x24_board_tab(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("2", "l")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_detail_view_of_a_card(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("2", "l", "l", "enter")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)


def test_new_task_form_with_preview_and_error(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        from textual.widgets import Input

        await settle(pilot)
        await pilot.press("2", "l", "n")
        await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        pilot.app.focused.insert_text_at_cursor("Send estimate client:Granel +urgent @copywriter")
        await pilot.press("tab")
        pilot.app.focused.insert_text_at_cursor("fri 15:00")
        await pilot.press("tab")
        pilot.app.focused.insert_text_at_cursor("Granel")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)


def test_detail_view_of_a_lead_on_its_ladder(snap_compare, make_app, seeded, config) -> None:
    from datetime import timedelta

    from amtui.core.pipeline import change_stage
    from tests.conftest import NOW

    change_stage(seeded, "L1", "proposal-sent", now=NOW - timedelta(hours=1), config=config)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("G", "enter")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)


def test_board_at_200_columns(snap_compare, make_app) -> None:
    """Three columns at a readable width, the current one in the middle, the rest named above."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("2", "l", "l")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(200, 50), run_before=run_before)


def test_first_frame_while_loading(snap_compare, make_app, monkeypatch) -> None:
    """What the screen says before the data is read: loading, never "No open leads"."""
    from amtui.tui.screens.main import MainScreen

    monkeypatch.setattr(MainScreen, "reload", lambda self, keep=None, parts=None: None)
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_settled)


def test_log_form_with_type_ahead_and_kind(snap_compare, make_app) -> None:
    """`l`, a note typed straight away, ↓ for the kind: the note, the kind strip, its hint."""

    async def run_before(pilot) -> None:
        from textual.widgets import Input

        await settle(pilot)
        await pilot.press("G", "l")
        await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        pilot.app.focused.insert_text_at_cursor("Called, they want the estimate by Friday")
        await pilot.press("down", "down")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)

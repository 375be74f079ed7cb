"""Untrusted text (DESIGN §8): never markup, never a terminal control sequence, never a crash."""

from __future__ import annotations

import pytest

from amtui.core import clients, drafts, lead_queries, leads, task_queries, tasks
from tests.tui.conftest import drive, notes, press, screen_text, settle, type_text

HOSTILE = [
    "[@click=app.quit]x[/]",
    "[b]bold",
    "a[/b]c",
    "x[/ y",
    "\x1b[31mred",
    "\x9b2J",
    "\u202eevil",
]
#: How each one must look on screen: literally, with control characters as visible escapes.
SHOWN = [
    "[@click=app.quit]x[/]",
    "[b]bold",
    "a[/b]c",
    "x[/ y",
    "\\x1b[31mred",
    "\\x9b2J",
    "\\u202eevil",
]
LONG = "L" * 5000


@pytest.fixture
def hostile(tmp_path, config, now):
    from amtui.core.db import Database
    from amtui.core.migrations import ensure_schema

    db = Database(tmp_path / "hostile.db")
    ensure_schema(db)
    client = clients.add_client(db, "[@click=app.quit]Evil[/] \x1b[2J Co", now=now)
    for text in [*HOSTILE, LONG]:
        leads.add_lead(
            db,
            leads.LeadDraft(text, partner=text, client=f"C{client.id}", notes=f"{text}\nline 2"),
            now=now,
            config=config,
        )
    for text in HOSTILE:
        tasks.add_task(
            db,
            drafts.TaskDraft(text, notes=text, client=f"C{client.id}", due="today", tags=["x"]),
            now=now,
            config=config,
        )
    yield db
    db.dispose()


def assert_literal(text: str) -> None:
    for raw in ("\x1b", "\x9b", "\u202e"):
        assert raw not in text
    assert "[@click=app.quit]" in text


@pytest.mark.parametrize("size", [(200, 60), (120, 40)])
def test_every_region_shows_hostile_text_literally(make_app, hostile, size) -> None:
    async def scenario(pilot):
        return screen_text(pilot.app)

    text = drive(make_app(database=hostile), scenario, size=size)
    assert_literal(text)
    if size[0] == 200:
        for shown in SHOWN:
            assert shown in text, shown


def test_clicking_hostile_rows_neither_quits_nor_crashes(make_app, hostile) -> None:
    from amtui.tui.widgets.rows import RowList

    async def scenario(pilot):
        clicked, seen = 0, []
        for row_list in list(pilot.app.screen.query(RowList)):
            if not (row_list.region.width and row_list.region.height):
                continue
            # One hostile row per list (inbox, each board column shown, agenda), clicked where
            # the list draws it: its words must be what the list shows there, literally.
            row = next((r for r in row_list.rows if "[@click" in r.content.plain), None)
            box = row_list.row_region(row.key) if row is not None else None
            if box is None or box.y >= row_list.scrollable_content_region.height:
                continue
            top = box.y - round(row_list.scroll_y)
            seen.append("".join(row_list.render_line(top + y).text for y in range(box.height)))
            await pilot.click(row_list, offset=(3, box.y - round(row_list.scroll_y)))
            await pilot.click(row_list, offset=(8, box.y - round(row_list.scroll_y)))
            await settle(pilot)
            clicked += 1
            if pilot.app.screen is not pilot.app.main_screen:
                await press(pilot, "escape")
        return clicked, seen, pilot.app.is_running

    clicked, seen, running = drive(make_app(database=hostile), scenario, size=(200, 60))
    assert clicked >= 3 and running
    # Drawn as data: the markup as typed, no raw control character reaches the terminal.
    assert all("[@click" in line and "\x1b" not in line for line in seen)


def test_detail_form_confirm_and_palette_keep_hostile_text_literal(make_app, hostile) -> None:
    async def scenario(pilot):
        await press(pilot, "enter")  # the first waiting lead
        detail = screen_text(pilot.app)
        await press(pilot, "escape", "e")
        form = pilot.app.screen.values()
        await press(pilot, "escape", "d")
        confirm = screen_text(pilot.app)
        await press(pilot, "n", "ctrl+p")
        await type_text(pilot, "click")  # one search, not one per letter
        palette = screen_text(pilot.app)
        await press(pilot, "escape")
        return detail, form, confirm, palette, pilot.app.is_running

    detail, form, confirm, palette, running = drive(make_app(database=hostile), scenario)
    for text in (detail, confirm, palette):
        assert_literal(text)
    assert "[@click=app.quit]x[/]" in detail and "notes" in detail
    assert "[@click=app.quit]Evil[/] \\x1b[2J Co (C1)" in detail
    assert form["title"] == "[@click=app.quit]x[/]"
    assert "Delete L1 [@click=app.quit]x[/]?" in confirm
    assert "[@click=app.quit]x[/]" in palette
    assert running


def test_editing_a_record_with_control_characters_keeps_it_unless_changed(
    make_app, hostile, config
) -> None:
    (ref,) = [
        f"T{r.task.id}"
        for r in task_queries.list_tasks(hostile, config=config)
        if r.task.title == "\x1b[31mred"
    ]

    async def scenario(pilot):
        await press(pilot, "2", "l")
        board = pilot.app.screen.query_one("#board")
        for _ in range(20):
            if board.current_ref == ref:
                break
            await press(pilot, "j")
        await press(pilot, "e")
        shown = pilot.app.screen.values()["title"]
        await press(pilot, "tab", "tab", "tab")
        pilot.app.focused.insert_text_at_cursor("copywriter")
        await press(pilot, "ctrl+s")
        return shown

    assert drive(make_app(database=hostile), scenario) == "\\x1b[31mred"
    task = task_queries.get_task_details(hostile, ref).row.task
    assert task.title == "\x1b[31mred" and task.assignee == "copywriter"


def test_workflow_prompts_and_toasts_keep_hostile_text_literal(make_app, hostile) -> None:

    async def scenario(pilot):
        screens = []
        for key in ("l", "s", "w", "W"):
            await press(pilot, key)
            screens.append(screen_text(pilot.app))
            if key != "W":
                await press(pilot, "escape")
        await type_text(pilot, "[/b] \x1b[2J price")
        await press(pilot, "enter")
        return screens, screen_text(pilot.app) + "\n" + notes(pilot.app), pilot.app.is_running

    screens, after, running = drive(make_app(database=hostile), scenario)
    log, stage, win, lose = screens
    assert "Log contact · L1 [@click=app.quit]x[/]" in log
    assert "Stage · L1 [@click=app.quit]x[/] (now new)" in stage
    assert "Win L1 for [@click=app.quit]Evil[/] \\x1b[2J Co?" in win
    assert "Lose L1 [@click=app.quit]x[/]: why?" in lose
    for text in (*screens, after):
        assert_literal(text)
    assert "L1: stage new → lost ([/b] \\x1b[2J price)" in after
    assert lead_queries.get_lead_details(hostile, "L1").row.lead.lost_reason == "[/b] \x1b[2J price"
    assert running

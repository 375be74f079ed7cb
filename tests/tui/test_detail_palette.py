"""The detail view (Enter) and the command palette (Ctrl+P)."""

from __future__ import annotations

from amtui.core import task_queries
from tests.tui.conftest import detail_fields, drive, press, screen_text, settle, type_text


def test_enter_opens_every_field_subtasks_and_timeline(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "2", "l", "l", "enter")
        opened, fields = screen_text(pilot.app), detail_fields(pilot.app)
        await press(pilot, "x")  # tick the first subtask
        ticked = screen_text(pilot.app)
        await press(pilot, "escape")
        return opened, fields, ticked, type(pilot.app.screen).__name__

    opened, fields, ticked, screen = drive(make_app(), scenario)
    assert {name: fields[name] for name in ("column", "client", "client time", "due")} == {
        "column": "In progress",
        "client": "Granel (C1)",
        "client time": "Europe/Berlin, now Wed 10:00 (UTC+01:00)",
        "due": "today 15:00 (in 5h 00m)",
    }
    assert fields["assignee"] == "copywriter"
    for expected in (
        "T4  Explainer video",
        "column         In progress",  # laid out in two columns
        "Subtasks 1/3",
        "[ ] T5 Script",
        "[x] T7 Voice-over casting",
        "Timeline (1)",
        "created",
    ):
        assert expected in opened, expected
    assert "Subtasks 2/3" in ticked and "[x] T5 Script" in ticked
    assert task_queries.get_task_details(seeded, "T5").row.task.done_at is not None
    assert screen == "MainScreen"


def test_lead_detail_shows_the_clients_local_time_and_r_responds(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "j", "enter")  # L3, Granel's lead
        opened = screen_text(pilot.app), detail_fields(pilot.app)
        await press(pilot, "r")
        return opened, (screen_text(pilot.app), detail_fields(pilot.app))

    (opened, before), (responded, after) = drive(make_app(), scenario)
    assert "L3  Website for a new residential complex" in opened
    assert before["client time"] == "Europe/Berlin, now Wed 10:00 (UTC+01:00)"
    assert before["value"] == "12 000 EUR"
    assert before["first response"] == "waiting; due today 10:10 — 10:00 left  ← next"
    assert before["answer"] == "due tomorrow 09:55 — 23h 55m left"
    assert before["next deadline"] == "first response today 10:10"
    assert after["first response"] == "today 10:00, after 5m"
    assert after["answer"] == "due tomorrow 09:55 — 23h 55m left  ← next"
    assert "r Answered" in responded and "r Responded" in opened


def test_subtask_added_from_the_detail_view(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "2", "l", "l", "enter", "a")
        pilot.app.focused.insert_text_at_cursor("Record the voice-over")
        await press(pilot, "enter", "tab", "tab", "tab", "tab", "ctrl+s")
        await settle(pilot)
        return screen_text(pilot.app)

    text = drive(make_app(), scenario)
    assert "Subtasks 1/4" in text and "Record the voice-over" in text


def test_palette_jumps_to_a_record_by_reference_or_text(make_app) -> None:
    async def scenario(pilot):
        await press(pilot, "ctrl+p")
        await pilot.press(*"T8")
        await settle(pilot)  # the palette's search is a worker
        await press(pilot, "enter")
        by_ref = screen_text(pilot.app)
        await press(pilot, "escape", "ctrl+p")
        await type_text(pilot, "hotel chain")  # one search, not one per letter
        await press(pilot, "down", "enter")
        return by_ref, screen_text(pilot.app)

    by_ref, by_text = drive(make_app(), scenario)
    assert "T8  Fix the booking form" in by_ref
    assert "L2  SEO audit for a hotel chain" in by_text


def test_palette_runs_noun_verb_commands(make_app) -> None:
    async def scenario(pilot):
        await press(pilot, "ctrl+p")
        await type_text(pilot, "lead: new")  # one search, not one per letter
        await press(pilot, "enter")
        return pilot.app.screen.query_one(".dialog-title").content.plain

    assert drive(make_app(), scenario) == "New lead"


def test_help_lists_the_keys_of_the_focused_region(make_app) -> None:
    async def scenario(pilot):
        await press(pilot, "2", "l", "?")
        return screen_text(pilot.app)

    text = drive(make_app(), scenario)
    for key in ("Move left", "Move right", "Move up", "Move down", "Subtask", "Column left"):
        assert key in text, key

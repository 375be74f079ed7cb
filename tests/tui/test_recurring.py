"""Recurring tasks in the app (issue 11): the task form's Repeat field, and `x` on a repeating
card adds its next occurrence (the toast says where)."""

from __future__ import annotations

from datetime import date

from amtui.core import task_queries
from amtui.core.drafts import draft_from_text
from amtui.core.tasks import add_task, complete_task
from amtui.tui.render import card
from tests.conftest import NOW
from tests.tui.conftest import drive, notes, press, type_text


def test_the_repeat_field_previews_saves_and_x_makes_the_next_occurrence(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "2", "n")
        await type_text(pilot, "Status report")
        await press(pilot, "tab")
        await type_text(pilot, "2026-11-30")
        await press(pilot, *["tab"] * 5)  # client, assignee, tags, priority, repeat
        await type_text(pilot, "monthlyy")
        bad = pilot.app.screen.query_one("#hint-recur").content.plain
        await press(pilot, "backspace")
        good = pilot.app.screen.query_one("#hint-recur").content.plain
        await press(pilot, "ctrl+s")
        board = pilot.app.screen.query_one("#board")
        selected = board.current_ref
        await press(pilot, "x")
        return bad, good, selected, notes(pilot.app)

    bad, good, selected, said = drive(make_app(), scenario)
    assert bad.startswith("can't read 'monthlyy' as a repeat")
    assert good == "→ every month (rec:+1m)"
    assert selected == "T10"
    first = task_queries.get_task_details(seeded, "T10").row.task
    assert first.recur == "+1m" and first.done_at is not None
    following = task_queries.get_task_details(seeded, "T11").row.task
    assert (following.title, following.due_date, following.series_id, following.done_at) == (
        "Status report",
        date(2026, 12, 30),
        10,
        None,
    )
    assert "T10 done; next: T11 due" in said


def test_a_repeating_card_is_marked_and_taking_it_out_of_done_takes_back_its_next_one(
    make_app, seeded, config
) -> None:
    draft = draft_from_text("Monthly report due:2026-11-30 rec:+1m", now=NOW, config=config)
    add_task(seeded, draft, now=NOW, config=config)  # T10
    complete_task(seeded, "T10", now=NOW, config=config)  # T11, its next occurrence

    async def scenario(pilot):
        app = pilot.app
        rows = {row.task.ref: row for page in app.main_screen.snapshot.board for row in page.rows}
        cards = {ref: card(row, now=NOW, config=config).content.plain for ref, row in rows.items()}
        await press(pilot, "2", "end", "l", "l", "l", "l")  # the Done column, T10 on top
        selected = app.screen.query_one("#board").current_ref
        await press(pilot, "H")  # back to Review: reopened
        return cards, selected, notes(app)

    cards, selected, said = drive(make_app(), scenario)
    assert cards["T11"].splitlines()[2] == "↻ every month"
    assert "↻" not in cards["T2"]  # a task that does not repeat
    assert selected == "T10"
    assert "next occurrence T11 removed (untouched since it was made)" in said
    refs = [r.task.ref for r in task_queries.list_tasks(seeded, config=config, include_done=True)]
    assert "T11" not in refs and "T10" in refs

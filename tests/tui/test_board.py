"""Board keys: move (H/L), reorder (J/K), done, subtasks, new/edit/delete, paging."""

from __future__ import annotations

from amtui.core import drafts, task_queries, tasks
from tests.tui.conftest import drive, notes, press, screen_text, settle, type_text


def column_of(db, ref: str) -> str:
    return task_queries.get_task_details(db, ref).row.task.column


def order(db, config, column: str) -> list[str]:
    return [f"T{r.task.id}" for r in task_queries.list_tasks(db, config=config, column=column)]


def test_h_and_l_move_the_selected_card_between_columns(make_app, seeded) -> None:
    async def scenario(pilot):
        board = pilot.app.screen.query_one("#board")
        await press(pilot, "2")
        assert board.current_ref == "T1"
        seen = []
        for key in ("L", "L", "H", "H"):
            await press(pilot, key)
            seen.append((column_of(seeded, "T1"), board.current_column.column_name))
        return seen, board.current_ref

    seen, selected = drive(make_app(), scenario)
    # The cursor follows the card into its new column, back into the first one too.
    assert seen == [
        ("To do", "To do"),
        ("In progress", "In progress"),
        ("To do", "To do"),
        ("Backlog", "Backlog"),
    ]
    assert selected == "T1"


def test_j_and_k_reorder_within_a_column(make_app, seeded, config) -> None:
    before = order(seeded, config, "To do")

    async def scenario(pilot):
        await press(pilot, "2", "l")
        assert pilot.app.screen.query_one("#board").current_ref == before[0]
        await press(pilot, "J")
        after_j = order(seeded, config, "To do")
        await press(pilot, "K")
        return after_j, order(seeded, config, "To do")

    after_j, after_k = drive(make_app(), scenario)
    assert after_j == [before[1], before[0]]
    assert after_k == before


def test_x_completes_the_card_and_space_too(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "2", "l", "l")  # In progress: the video card with subtasks
        assert pilot.app.screen.query_one("#board").current_ref == "T4"
        await press(pilot, "x")
        return notes(pilot.app)

    text = drive(make_app(), scenario)
    task = task_queries.get_task_details(seeded, "T4")
    assert task.row.task.done_at is not None and task.row.task.column == "Done"
    assert task.row.subtasks_done == task.row.subtasks_total == 3
    assert "T4 done with 2 subtasks" in text


def test_keys_that_do_not_apply_are_hidden(make_app) -> None:
    async def scenario(pilot):
        await press(pilot, "2")
        first = {b.binding.action for b in pilot.app.screen.active_bindings.values()}
        await press(pilot, "end", "l", "l", "l", "l")  # the Done column
        last = {b.binding.action for b in pilot.app.screen.active_bindings.values()}
        return first, last

    first, last = drive(make_app(), scenario)
    assert "verb('move_left')" not in first and "verb('move_right')" in first
    assert "verb('move_right')" not in last and "verb('done')" not in last
    assert "verb('move_left')" in last


def test_the_footer_changes_only_the_keys_that_come_or_go(make_app) -> None:
    """A move out of the first column shows H in the footer, back hides it again; the keys
    that stay are the same widgets (not the whole footer rebuilt), in the order Textual's
    own footer would show them."""
    from textual.widgets._footer import FooterKey

    def keys(app):
        return [k for k in app.screen.query(FooterKey) if k.is_attached]

    async def scenario(pilot):
        await press(pilot, "2")
        first = keys(pilot.app)
        await press(pilot, "L")
        moved = keys(pilot.app)
        moved_labels = [(k.key_display, k.description) for k in moved]
        await press(pilot, "H")
        back = keys(pilot.app)
        return first, moved, moved_labels, back

    first, moved, moved_labels, back = drive(make_app(), scenario)
    descriptions = [description for _, description in moved_labels]
    assert "Move left" not in [k.description for k in first]
    assert descriptions.index("Move left") == descriptions.index("Move right") - 1
    assert [(k.key_display, k.description) for k in back] == [
        (k.key_display, k.description) for k in first
    ]
    stayed = [k for k in moved if k.description != "Move left"]
    assert stayed and all(any(k is old for old in first) for k in stayed)
    assert all(k.has_class("-compact") for k in moved)  # 120 columns: the compact style


def test_the_current_column_is_drawn_lit_and_follows_the_card(make_app, seeded) -> None:
    """The current column's title line and its rows are lit (wrapped, the cursor's colours);
    `l` and a card move hand that over without restyling the columns or their lists."""

    async def scenario(pilot):
        board = pilot.app.screen.query_one("#board")
        await press(pilot, "2")
        states = [[(c.title.has_class("-current"), c.row_list.lit) for c in board.columns[:3]]]
        await press(pilot, "l")
        states.append([(c.title.has_class("-current"), c.row_list.lit) for c in board.columns[:3]])
        await press(pilot, "L")
        states.append([(c.title.has_class("-current"), c.row_list.lit) for c in board.columns[:3]])
        return states, [c.has_class("-current") for c in board.columns]

    states, column_classes = drive(make_app(), scenario)
    assert states == [
        [(True, True), (False, False), (False, False)],
        [(False, False), (True, True), (False, False)],
        [(False, False), (False, False), (True, True)],
    ]
    assert not any(column_classes)


def test_new_task_with_quick_add_tokens(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "2", "l", "n")
        await type_text(pilot, "Send estimate due:fri 15:00 client:Granel +urgent @copywriter")
        hint = pilot.app.screen.query_one("#hint-title").content.plain
        await press(pilot, "ctrl+s")
        return hint, pilot.app.screen.query_one("#board").current_ref, notes(pilot.app)

    hint, selected, text = drive(make_app(), scenario)
    assert hint.startswith('→ "Send estimate" · due Fri 27 Nov 15:00 · client Granel')
    details = task_queries.get_task_details(seeded, "T10")
    task = details.row.task
    assert (task.title, task.column, task.assignee) == ("Send estimate", "To do", "copywriter")
    assert details.row.client_name == "Granel" and details.row.tags == ["urgent"]
    assert task.due_at is not None and task.due_at.isoformat() == "2026-11-27T14:00:00+00:00"
    assert selected == "T10"
    assert "Added T10: Send estimate" in text


def test_due_field_previews_and_errors_without_losing_input(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "2", "n")
        await type_text(pilot, "Draft")
        await press(pilot, "tab")
        await type_text(pilot, "tomorrow 3pm")
        good = pilot.app.screen.query_one("#hint-due").content.plain
        await press(pilot, *["backspace"] * 12)
        await type_text(pilot, "frii")
        bad = pilot.app.screen.query_one("#hint-due")
        await press(pilot, "ctrl+s")
        form = pilot.app.screen
        return (
            good,
            bad.content.plain,
            bad.has_class("-error"),
            form.query_one("#form-error").content.plain,
            form.values()["title"],
            form.values()["due"],
        )

    good, bad, flagged, error, title, due = drive(make_app(), scenario)
    assert good == "→ Thu 26 Nov 15:00"
    assert bad.startswith("can't read 'frii' as a date") and flagged
    assert error.startswith("can't read 'frii' as a date")
    assert (title, due) == ("Draft", "frii")  # still there after the failed save
    assert len(task_queries.list_tasks(seeded, config=None or _config(), include_done=True)) == 6


def _config():
    from amtui.core.config import load_config

    return load_config()


def test_a_adds_a_subtask_and_progress_updates(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "2", "l", "l", "a")
        title = pilot.app.screen.query_one(".dialog-title").content.plain
        await type_text(pilot, "Edit the script")
        await press(pilot, "ctrl+s")
        return title, screen_text(pilot.app)

    title, text = drive(make_app(), scenario)
    assert title == "New subtask of T4"
    details = task_queries.get_task_details(seeded, "T4")
    assert [s.task.title for s in details.subtasks][-1] == "Edit the script"
    assert "1/4" in text


def test_e_edits_the_card(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "2", "l", "j", "e")  # To do, second card: the SEO report
        form = pilot.app.screen
        before = form.values()
        await press(pilot, "end")
        await type_text(pilot, " Q4")
        await press(pilot, "tab", "tab", "tab", "ctrl+u")  # clear the assignee
        await press(pilot, "ctrl+s")
        return before

    before = drive(make_app(), scenario)
    assert before["title"] == "Quarterly SEO report" and before["due"] == "2026-11-28"
    task = task_queries.get_task_details(seeded, "T2").row.task
    assert task.title == "Quarterly SEO report Q4"
    assert task.assignee is None and str(task.due_date) == "2026-11-28"


def test_d_deletes_after_confirmation(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "2", "d")
        question = pilot.app.screen.query_one(".dialog-title").content.plain
        await press(pilot, "n")
        kept = task_queries.get_task_details(seeded, "T1") is not None
        await press(pilot, "d", "y")
        return question, kept

    question, kept = drive(make_app(), scenario)
    assert question == "Delete T1 Storyboard ideas?" and kept
    assert [
        r.task.id for r in task_queries.list_tasks(seeded, config=_config(), column="Backlog")
    ] == []


def test_columns_load_in_pages(make_app, seeded, config) -> None:
    from amtui.core.board import BOARD_PAGE

    for n in range(60):
        tasks.add_task(
            seeded, drafts.TaskDraft(f"Bulk {n}", column="Backlog"), now=_now(), config=config
        )

    async def scenario(pilot):
        backlog = pilot.app.screen.query_one("#board").columns[0]
        first = (backlog.loaded, backlog.page.total, screen_text(pilot.app))
        await press(pilot, "2", "end")  # the cursor reaches the end: the next page loads
        await settle(pilot)
        return first, backlog.loaded

    (loaded, total, text), after = drive(make_app(), scenario, size=(120, 80))
    assert (loaded, total) == (BOARD_PAGE, 61)
    assert f"… {61 - BOARD_PAGE} more" in text
    assert after == 2 * BOARD_PAGE


def _now():
    from tests.conftest import NOW

    return NOW


def test_s_sorts_the_column_and_j_k_then_say_why_they_do_nothing(make_app, seeded, config) -> None:
    from textual.content import Content

    from tests.tui.conftest import notes

    before = order(seeded, config, "To do")

    async def scenario(pilot):
        board = pilot.app.main_screen.board
        await press(pilot, "2", "l", "s")  # To do, by due date: the overdue estimate first
        cards = [row.key for row in board.current_list().rows]
        title = Content.from_markup(str(board.current_column.border_title)).plain
        await press(pilot, "J")
        return cards, title, notes(pilot.app)

    cards, title, said = drive(make_app(), scenario)
    assert cards == ["T3", "T2"] and title == "To do 2 ↓due"
    assert "To do: sorted by due date" in said
    assert "To do is sorted by due: s until it is in your own order" in said
    assert order(seeded, config, "To do") == before  # J moved nothing

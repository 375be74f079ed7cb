"""Keys typed right after the key that opens a dialog land in the dialog, never on the screen
behind it, however long the dialog takes to read what it needs.

`burst` hands the keys to the app all at once, as a terminal does when a fast typist (or
`tmux send-keys`) sends `lhello`: every key is queued before the first is handled. The text
typed is full of keys that mean something on the main screen (`j` moves, `d` deletes, `e`
edits), so a key that went astray would show.
"""

from __future__ import annotations

from amtui.core import lead_queries, task_queries
from tests.tui.conftest import drive, notes, press, settle

NAMED = {"space": " ", "enter": "\r", "escape": "\x1b", "end": None, "down": None, "up": None}


async def burst(pilot, *keys: str) -> None:
    """Queue every key before the app handles the first (one read from the terminal)."""
    from textual import events

    driver = pilot.app._driver
    for key in keys:
        for part in [key] if key in NAMED or len(key) == 1 else list(key):
            name = "space" if part == " " else part
            driver.send_message(events.Key(name, NAMED.get(name, part)))
    await settle(pilot)


def test_text_typed_straight_after_l_lands_in_the_note(make_app, seeded) -> None:
    async def scenario(pilot):
        inbox = pilot.app.main_screen.inbox
        before = inbox.current_ref
        await burst(pilot, "l", "sent the draft, j and e to follow")
        form = pilot.app.screen
        return before, inbox.current_ref, type(form).__name__, form.values()

    before, after, screen, values = drive(make_app(), scenario)
    assert screen == "FormScreen"
    assert values["text"] == "sent the draft, j and e to follow"
    assert values["kind"] == "email-out"
    assert before == after == "L2"  # `j` did not move the inbox


def test_kind_is_one_key_away_while_typing_and_enter_saves(make_app, seeded) -> None:
    async def scenario(pilot):
        await burst(pilot, "l", "down", "down", "Talked about the budget", "enter")
        return notes(pilot.app)

    before = len(lead_queries.get_lead_details(seeded, "L2").activities)
    said = drive(make_app(), scenario)
    assert "L2: call logged, first response recorded, stage new → contacted" in said
    details = lead_queries.get_lead_details(seeded, "L2")
    # One logged call, one timeline entry: it also says what it did (responded, moved).
    (entry,) = details.activities[before:]
    assert (entry.kind, entry.text) == ("call", "Talked about the budget")
    assert details.row.lead.stage == "contacted" and details.row.lead.first_response_at


def test_a_log_entry_without_text_asks_before_it_is_saved(make_app, seeded) -> None:
    async def scenario(pilot):
        await burst(pilot, "l", "down", "down", "down", "enter")
        asked = type(pilot.app.screen).__name__, pilot.app.screen.query_one("#hint-text")
        asked_text = asked[1].content.plain
        kinds = [a.kind for a in lead_queries.get_lead_details(seeded, "L2").activities]
        await press(pilot, "enter")
        return asked[0], asked_text, kinds, notes(pilot.app)

    screen, asked, kinds_before, said = drive(make_app(), scenario)
    assert screen == "FormScreen"
    assert asked.startswith("no text: Enter again to log it without any")
    assert "call-out" not in kinds_before  # nothing was saved on the first Enter
    logged = [(a.kind, a.text) for a in lead_queries.get_lead_details(seeded, "L2").activities]
    assert ("call-out", "") in logged
    assert "L2: call-out logged" in said


def test_a_stage_note_typed_ahead_waits_for_the_stages(make_app, seeded) -> None:
    async def scenario(pilot):
        await burst(pilot, "G", "s", "brief from the call", "enter")
        return notes(pilot.app)

    said = drive(make_app(), scenario)
    assert "L1: stage contacted → briefed, answer recorded" in said
    details = lead_queries.get_lead_details(seeded, "L1")
    assert details.row.lead.stage == "briefed"
    assert details.activities[-1].text.endswith("brief from the call")


def test_client_filter_takes_type_ahead_and_enter_picks_what_the_hint_said(
    make_app, seeded
) -> None:
    async def scenario(pilot):
        await burst(pilot, "c", "sak")
        prompt = pilot.app.screen
        field = prompt.query_one("#prompt-input")
        hint = prompt.query_one("#prompt-hint").content.plain
        typed, suggestion = field.value, field._suggestion
        await burst(pilot, "enter")
        return typed, hint, suggestion, pilot.app.main_screen.filters.client

    typed, hint, suggestion, client = drive(make_app(), scenario)
    assert typed == "sak"
    assert hint == "→ Sakura Foods (C3)"
    assert suggestion == "sakura Foods"  # what was typed, completed to the name
    assert client is not None and (client.id, client.name) == (3, "Sakura Foods")


def test_keys_typed_while_an_edit_form_loads_go_after_its_values(make_app, seeded) -> None:
    async def scenario(pilot):
        await burst(pilot, "e", "end", " (Berlin)", "enter")
        return pilot.app.screen.values()["title"]

    assert drive(make_app(), scenario) == "SEO audit for a hotel chain (Berlin)"


def test_y_typed_while_the_delete_question_is_read_answers_it(make_app, seeded, config) -> None:
    async def scenario(pilot):
        await press(pilot, "2")
        await burst(pilot, "d", "y")
        return notes(pilot.app)

    assert "Deleted T1" in drive(make_app(), scenario)
    assert [
        r.task.id for r in task_queries.list_tasks(seeded, config=config, column="Backlog")
    ] == []


def test_enter_does_not_confirm_a_delete(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "2", "d", "enter")
        still = type(pilot.app.screen).__name__
        await press(pilot, "n")
        return still, type(pilot.app.screen).__name__

    assert drive(make_app(), scenario) == ("ConfirmScreen", "MainScreen")
    assert task_queries.get_task_details(seeded, "T1") is not None


def test_keys_held_for_a_dialog_survive_a_background_result(make_app, seeded) -> None:
    """A result arriving while a dialog opens (intake finishing here) keeps the keys typed for
    that dialog: they still land in it, in order, once it has the focus."""
    from textual import events

    from amtui.tui.app import AmtuiApp
    from amtui.tui.logic.fields import PromptSpec

    typed: list[str] = []

    async def scenario(pilot):
        app = pilot.app
        app.hold_keys()  # a dialog is on its way (a form reading what it needs)
        for char in "sent":
            app._driver.send_message(events.Key(char, char))
        await settle(pilot)
        app.post_message(AmtuiApp.IntakeDone("Nothing new", 0))
        await settle(pilot)
        app.actions.prompt(PromptSpec("Note", ""), typed.append)
        await settle(pilot)
        return app.screen.query_one("#prompt-input").value, app.main_screen.inbox.current_ref

    assert drive(make_app(), scenario) == ("sent", "L2")


def test_text_typed_before_the_client_names_load_gets_its_suggestion(
    make_app, seeded, held_read
) -> None:
    """The names arrive after the typing (a slow database): the suggestion still comes."""
    from amtui.core import board

    release = held_read(board, "client_choices")

    async def scenario(pilot):
        from textual.widgets import Input

        await pilot.press("c")  # the prompt opens at once; its names are still being read
        while not pilot.app.screen.query("#prompt-input"):
            await pilot.pause()
        field = pilot.app.screen.query_one("#prompt-input", Input)
        field.insert_text_at_cursor("sak")
        while field.value != "sak":
            await pilot.pause()
        before = field._suggestion
        release.set()
        await settle(pilot)
        return before, field._suggestion

    before, after = drive(make_app(), scenario)
    assert before == ""  # nothing to complete from yet
    assert after == "sakura Foods"

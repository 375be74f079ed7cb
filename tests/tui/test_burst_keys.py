"""Keys that reach the app in one burst land where they would have landed typed one by one.

A terminal hands the app everything a fast typist (or `tmux send-keys`, or a paste of
keystrokes) sent in one read, so all of it is on the app's queue before the first key is
handled. `burst` does exactly that: it posts every key to the app before letting the app run
at all (`Pilot.press` waits for the app to be idle after each key, so it never shows this).
Textual used to give each key to the field focused when the key was taken off the queue,
while Tab, Enter and Ctrl+U act only once the key has climbed the widget tree: `Tab Tab
Ctrl+U 3` cleared the third field and put the 3 in the first (`amtui.tui.typeahead`).

Every scenario opens its form and types into it in the same burst, and asserts on what was
saved (the database) or on the app's state; nothing here waits for time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual import events
from textual.keys import _character_to_key

from amtui.core import board, lead_queries
from amtui.core.clients import get_client_details
from amtui.core.invoice_queries import get_invoice
from amtui.core.invoices import new_invoice
from amtui.core.proposals import get_proposal, new_proposal
from amtui.tui.screens.detail import DetailScreen
from amtui.tui.screens.forms import FormScreen
from tests.conftest import NOW
from tests.tui.conftest import drive, notes, settle

#: What a terminal sends for the named keys (Textual's `Key.character`).
CHARACTERS = {
    "enter": "\r",
    "tab": "\t",
    "escape": "\x1b",
    "space": " ",
    "ctrl+u": "\x15",
    "ctrl+s": "\x13",
    "ctrl+p": "\x10",
}
NAMED = {*CHARACTERS, "shift+tab", "up", "down", "end", "home"}


def burst(app: Any, *keys: str) -> None:
    """Queue `keys` on the app, as one read from the terminal: nothing runs in between.
    A key is a name (`tab`, `ctrl+u`) or text, typed one character at a time."""
    for key in keys:
        if key in NAMED:
            app.post_message(events.Key(key, CHARACTERS.get(key)))
            continue
        for char in key:  # as `Pilot.press` names a character (`/` is `slash`)
            name = char if char.isalnum() else _character_to_key(char)
            app.post_message(events.Key(name, char))


def lead(db: Any, ref: str) -> Any:
    return lead_queries.get_lead_details(db, ref).row.lead


def test_tab_then_ctrl_u_and_type_in_an_edit_form_opened_in_the_same_burst(
    make_app, seeded
) -> None:
    """`e` on L2, then: the partner cleared and retyped, the contact two fields on."""

    async def scenario(pilot):
        burst(pilot.app, "e", "tab", "ctrl+u", "Pixel", "tab", "tab", "ctrl+u", "Anna", "ctrl+s")
        queued = type(pilot.app.screen).__name__  # the burst is queued; nothing ran yet
        await settle(pilot)
        return queued, type(pilot.app.screen).__name__

    assert drive(make_app(), scenario) == ("MainScreen", "MainScreen")  # saved and closed
    saved = lead(seeded, "L2")
    assert saved.title == "SEO audit for a hotel chain"  # nothing landed in the first field
    assert (saved.partner, saved.contact_name) == ("Pixel", "Anna")
    assert saved.channel == "email"


def test_enter_chain_moves_field_by_field_then_ctrl_s_saves(make_app, money) -> None:
    """The report's `Enter Enter Enter C-u 2 C-s` on a client: the relationship score."""

    async def scenario(pilot):
        pilot.app.actions.open_record("C1")
        await settle(pilot)
        burst(pilot.app, "e", "enter", "enter", "enter", "ctrl+u", "2", "ctrl+s")
        await settle(pilot)
        return type(pilot.app.screen).__name__

    assert drive(make_app(), scenario) == "DetailScreen"
    client = get_client_details(money, "C1").client
    assert (client.name, client.timezone) == ("Granel", "Europe/Berlin")
    assert (client.kam_attractiveness, client.kam_relationship) == (5, 2)


def test_shift_tab_goes_back_before_the_next_key_lands(make_app, seeded) -> None:
    async def scenario(pilot):
        burst(pilot.app, "n", "Site", "tab", "Pix", "shift+tab", " audit", "ctrl+s")
        await settle(pilot)
        return pilot.app.main_screen.inbox.current_ref

    focus = drive(make_app(), scenario)
    created = lead(seeded, "L4")
    assert (created.title, created.partner) == ("Site audit", "Pix")
    assert focus == "L4"


def test_the_kind_strip_and_a_later_field_in_one_burst(make_app, seeded) -> None:
    """Log form: text, Tab past the reply choice to When, ↓↓ to `call`, Ctrl+S."""
    before = len(lead_queries.get_lead_details(seeded, "L2").activities)

    async def scenario(pilot):
        burst(pilot.app, "l", "Talked", "tab", "tab", "-20min", "down", "down", "ctrl+s")
        await settle(pilot)
        return notes(pilot.app)

    said = drive(make_app(), scenario)
    assert "L2: call logged" in said
    activities = lead_queries.get_lead_details(seeded, "L2").activities
    assert len(activities) == before + 1
    (entry,) = [a for a in activities if a.kind == "call"]
    assert entry.text == "Talked"
    assert entry.occurred_at == NOW - timedelta(minutes=20)


def test_a_stage_chosen_with_down_before_the_stages_load_counts_from_the_preselected_one(
    make_app, seeded, held_read
) -> None:
    """`s ↓`: the stage after the one `s` preselects (L1 is contacted: briefed, then
    proposal-sent), as typed slowly, not a step through the stages shown while they load.
    The load is held back until ↓ has either waited for it or been used without it."""
    from amtui.tui.logic import lead_forms

    release = held_read(lead_forms, "open_lead")

    async def scenario(pilot):
        app = pilot.app
        burst(app, "G", "s", "down", "from the call", "enter")

        def down_waits() -> bool:
            return bool(app.keys.waiting) and getattr(app.keys.waiting[0], "key", "") == "down"

        while not (
            isinstance(app.screen, FormScreen) and (app.screen.save_pending or down_waits())
        ):
            await pilot.pause()
        release.set()
        await settle(pilot)
        return notes(app)

    said = drive(make_app(), scenario)
    assert "L1: stage contacted → proposal-sent" in said
    assert lead(seeded, "L1").stage == "proposal-sent"


def test_keys_after_enter_in_a_prompt_go_to_what_comes_next(make_app, seeded) -> None:
    """`c sak Enter c gra Enter`: the second `c` opens a new prompt, as typed slowly."""

    async def scenario(pilot):
        burst(pilot.app, "c", "sak", "enter", "c", "gra", "enter")
        await settle(pilot)
        return type(pilot.app.screen).__name__, pilot.app.main_screen.filters.client

    screen, client = drive(make_app(), scenario)
    assert screen == "MainScreen"
    assert client is not None and client.name == "Granel"


def test_keys_after_escape_reach_the_screen_behind(make_app, seeded) -> None:
    before = len(lead_queries.get_lead_details(seeded, "L2").activities)

    async def scenario(pilot):
        inbox = pilot.app.main_screen.inbox
        first = inbox.current_ref
        burst(pilot.app, "l", "oops", "escape", "j")
        await settle(pilot)
        return type(pilot.app.screen).__name__, first, inbox.current_ref

    screen, first, now_on = drive(make_app(), scenario)
    assert screen == "MainScreen"
    assert first == "L2" and now_on != "L2"  # `j` moved the inbox
    assert len(lead_queries.get_lead_details(seeded, "L2").activities) == before


def test_keys_typed_after_ctrl_s_wait_for_the_save(make_app, seeded) -> None:
    """They reach the screen behind once the form has closed (`2`: the board), not the form
    being saved (where they were lost with it)."""

    async def scenario(pilot):
        main = pilot.app.main_screen
        burst(pilot.app, "l", "Sent the deck", "ctrl+s", "2")
        await settle(pilot)
        return type(pilot.app.screen).__name__, main.active_region() is main.board

    assert drive(make_app(), scenario) == ("MainScreen", True)
    entry = lead_queries.get_lead_details(seeded, "L2").activities[-1]
    assert entry.text == "Sent the deck"


def test_proposal_line_form_in_one_burst(make_app, seeded, config) -> None:
    ref = new_proposal(seeded, "L1", now=NOW, today=NOW.date()).proposal.ref

    async def scenario(pilot):
        pilot.app.actions.open_record(ref)
        await settle(pilot)
        keys = ("Design", "tab", "designer", "tab", "10", "tab", "90", "tab", "EUR", "ctrl+s")
        burst(pilot.app, "a", *keys)
        await settle(pilot)
        return type(pilot.app.screen).__name__

    assert drive(make_app(), scenario) == "DetailScreen"
    (line,) = get_proposal(seeded, ref).items
    assert (line.stage, line.who, line.centihours) == ("Design", "designer", 1000)
    assert (line.rate_minor, line.currency) == (9000, "EUR")


def test_invoice_line_form_in_one_burst(make_app, seeded, config) -> None:
    ref = new_invoice(seeded, "Granel", now=NOW, config=config, currency="EUR").ref

    async def scenario(pilot):
        pilot.app.actions.open_record(ref)
        await settle(pilot)
        burst(pilot.app, "a", "Hosting", "tab", "ctrl+u", "120", "enter")
        await settle(pilot)
        return type(pilot.app.screen).__name__

    assert drive(make_app(), scenario) == "DetailScreen"
    (line,) = get_invoice(seeded, ref, today=NOW.date(), config=config).lines
    assert (line.description, line.amount_minor) == ("Hosting", 12000)


def test_palette_opened_and_answered_in_one_burst(make_app, seeded) -> None:
    """Enter waits for the search the typed text started: `T3` opens T3."""

    async def scenario(pilot):
        burst(pilot.app, "ctrl+p", "T3", "enter")
        await settle(pilot)
        return pilot.app.screen

    screen = drive(make_app(), scenario)
    assert isinstance(screen, DetailScreen) and screen.ref == "T3"


def test_region_filter_prompts_in_one_burst(make_app, seeded) -> None:
    """`/` on the inbox, its words, Enter; then `2` (the board) and its own filter."""

    async def scenario(pilot):
        burst(pilot.app, "/hotel", "enter", "2", "/estimate", "enter")
        await settle(pilot)
        main = pilot.app.main_screen
        return type(pilot.app.screen).__name__, main.filters.text

    screen, filters = drive(make_app(), scenario)
    assert screen == "MainScreen"
    assert (filters.get("inbox"), filters.get("board")) == ("hotel", "estimate")


def test_a_key_after_ctrl_s_moves_on_from_the_saved_record(make_app, seeded) -> None:
    """`e … Ctrl+S j` on L2: the reload selects L2 again (the record just saved) and `j`
    moves from there, as typed slowly; before, `j` moved first and the reload pulled the
    cursor back to L2."""

    async def scenario(pilot):
        inbox = pilot.app.main_screen.inbox
        first = inbox.current_ref
        await pilot.press("j")  # the row after L2, typed slowly
        after = inbox.current_ref
        await pilot.press("k")
        burst(pilot.app, "e", "tab", "ctrl+u", "Pixel", "ctrl+s", "j")
        await settle(pilot)
        return first, after, inbox.current_ref

    first, after, now_on = drive(make_app(), scenario)
    assert first == "L2" and after not in (None, "L2")
    assert now_on == after
    assert lead(seeded, "L2").partner == "Pixel"


def test_keys_after_an_enter_that_waits_for_the_client_names_go_to_what_comes_next(
    make_app, seeded, held_read
) -> None:
    """`c sak Enter c gra Enter` while the first prompt's client names are still loading (as
    on a busy PostgreSQL server): its Enter waits for them, and the keys after it wait too,
    for the second prompt; before, they were typed into the first prompt's input."""
    from amtui.tui.screens.confirm import PromptScreen

    release = held_read(board, "client_choices")  # what `c` and the lead form load

    async def scenario(pilot):
        app = pilot.app
        burst(app, "c", "sak", "enter", "c", "gra", "enter")
        while not (isinstance(app.screen, PromptScreen) and app.screen.submit_pending):
            await pilot.pause()
        for _ in range(5):  # time for the keys after Enter to land wherever they go
            await pilot.pause()
        typed = app.screen.query_one("#prompt-input").value
        release.set()
        await settle(pilot)
        return typed, type(app.screen).__name__, app.main_screen.filters.client

    typed, screen, client = drive(make_app(), scenario)
    assert typed == "sak"
    assert screen == "MainScreen"
    assert client is not None and client.name == "Granel"


def test_keys_after_a_ctrl_s_that_waits_for_the_load_are_not_saved(
    make_app, seeded, held_read
) -> None:
    """`n Site audit Ctrl+S 2` while the new-lead form's client names load: the lead is saved
    as typed before Ctrl+S and `2` reaches the screen behind (the board); before, `2` went into
    the title the pending save then saved."""
    release = held_read(board, "client_choices")  # what `c` and the lead form load

    async def scenario(pilot):
        app = pilot.app
        main = app.main_screen
        burst(app, "n", "Site audit", "ctrl+s", "2")
        while not (isinstance(app.screen, FormScreen) and app.screen.save_pending):
            await pilot.pause()
        for _ in range(5):  # time for the key after Ctrl+S to land wherever it goes
            await pilot.pause()
        title = app.screen.query_one("#field-title").value
        release.set()
        await settle(pilot)
        return title, type(app.screen).__name__, main.active_region() is main.board

    assert drive(make_app(), scenario) == ("Site audit", "MainScreen", True)
    assert lead(seeded, "L4").title == "Site audit"

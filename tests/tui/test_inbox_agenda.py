"""Inbox and agenda keys: respond, new/edit/delete a lead, complete from the agenda, reminders."""

from __future__ import annotations

from dataclasses import replace

from amtui.core import board, lead_queries, leads, reminders, task_queries
from tests.tui.conftest import drive, notes, press, screen_text, type_text


def test_r_records_the_first_response_of_the_selected_lead(make_app, seeded) -> None:
    async def scenario(pilot):
        inbox = pilot.app.screen.query_one("#inbox")
        selected = inbox.current_ref
        await press(pilot, "r")
        return selected, screen_text(pilot.app), notes(pilot.app)

    selected, text, said = drive(make_app(), scenario)
    assert selected == "L2"
    lead = lead_queries.get_lead_details(seeded, "L2").row.lead
    assert lead.first_response_at is not None
    assert "1 Inbox 3 · 1 waiting" in text
    assert "L2: first response recorded" in said


def test_r_is_responded_while_waiting_then_answered(make_app) -> None:
    async def scenario(pilot):
        inbox = pilot.app.screen.query_one("#inbox")
        assert inbox.loaded == 3  # `drive` waited for the first load
        labels = []
        for _ in range(3):
            bindings = pilot.app.screen.active_bindings
            labels.append((inbox.current_ref, bindings["r"].binding.description))
            await press(pilot, "j")
        return labels

    # L2 and L3 wait for their first response; L1 was responded to, its answer is owed.
    assert drive(make_app(), scenario) == [
        ("L2", "Responded"),
        ("L3", "Responded"),
        ("L1", "Answered"),
    ]


def test_n_adds_a_lead_from_a_partner(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "1", "n")
        await type_text(pilot, "Brand audit for a bakery")
        await press(pilot, "tab")
        await type_text(pilot, "Studio North")
        for _ in range(6):
            await press(pilot, "tab")
        await type_text(pilot, "12k")
        hint = pilot.app.screen.query_one("#hint-value").content.plain
        await press(pilot, "ctrl+s")
        return hint, pilot.app.screen.query_one("#inbox").current_ref

    hint, selected = drive(make_app(), scenario)
    assert hint == "→ 12 000"
    lead = lead_queries.get_lead_details(seeded, "L4").row.lead
    assert (lead.title, lead.source, lead.partner, lead.value_minor) == (
        "Brand audit for a bakery",
        "partner",
        "Studio North",
        1_200_000,
    )
    assert selected == "L4"  # a new lead waits for its response: it is on top, selected


def test_the_value_is_previewed_in_the_currency_typed_beside_it(make_app, seeded) -> None:
    """The preview is what saving reads: 12 345.5 has too many decimals for yen, three are
    shown for dinars; before, it kept the default currency whatever was typed."""

    async def scenario(pilot):
        await press(pilot, "1", "n")
        await type_text(pilot, "Rebrand")
        for _ in range(7):
            await press(pilot, "tab")
        await type_text(pilot, "12 345.5")
        hints = [pilot.app.screen.query_one("#hint-value").content.plain]
        await press(pilot, "tab")
        for code in ("jpy", "KW", "D"):
            await type_text(pilot, code)
            hints.append(pilot.app.screen.query_one("#hint-value").content.plain)
            if code == "jpy":
                await press(pilot, "ctrl+u")
        hints.append(pilot.app.screen.query_one("#hint-currency").content.plain)
        await press(pilot, "ctrl+s")
        return hints

    hints = drive(make_app(), scenario)
    assert hints[0] == "→ 12 345.50"  # no currency typed, none by default in these tests
    assert "more decimals than JPY allows" in hints[1]
    assert hints[2] == "→ 12 345.50"  # 'KW' is not a code yet: the currency's own hint says
    assert hints[3] == "→ 12 345.500 KWD"
    assert hints[4] == "→ KWD"
    lead = lead_queries.get_lead_details(seeded, "L4").row.lead
    assert (lead.value_minor, lead.currency) == (12_345_500, "KWD")


def test_e_edits_a_lead_and_d_deletes_one(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "e")
        await press(pilot, "end")
        await type_text(pilot, " (Berlin)")
        await press(pilot, "ctrl+s")
        await press(pilot, "j", "d", "y")
        return notes(pilot.app)

    text = drive(make_app(), scenario)
    assert (
        lead_queries.get_lead_details(seeded, "L2").row.lead.title
        == "SEO audit for a hotel chain (Berlin)"
    )
    assert [r.lead.id for r in lead_queries.list_leads(seeded)] == [2, 1]
    assert "Deleted L3" in text


def test_agenda_x_completes_tasks_and_reminders(make_app, seeded) -> None:
    async def scenario(pilot):
        agenda = pilot.app.screen.query_one("#agenda")
        await press(pilot, "3")
        first = agenda.current_ref
        await press(pilot, "x")
        while agenda.current_ref != "R1":
            await press(pilot, "j")
        await press(pilot, "space")
        return first, screen_text(pilot.app)

    first, text = drive(make_app(), scenario)
    assert first == "T3"  # the overdue estimate comes first
    assert task_queries.get_task_details(seeded, "T3").row.task.done_at is not None
    assert reminders.get_reminder(seeded, "R1").reminder.done_at is not None
    assert "Overdue" not in text


def test_agenda_n_schedules_a_reminder_about_the_selected_record(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "3", "n")
        form = pilot.app.screen
        about = form.values()["about"]
        await type_text(pilot, "Send the revised estimate")
        await press(pilot, "tab")
        await type_text(pilot, "tomorrow")
        hint = form.query_one("#hint-when").content.plain
        await press(pilot, "ctrl+s")
        return about, hint, notes(pilot.app)

    about, hint, text = drive(make_app(), scenario)
    assert about == "T3"
    assert hint == "→ Thu 26 Nov 09:00"  # a date alone: the start of the working day
    row = reminders.get_reminder(seeded, "R2")
    assert (row.reminder.text, row.subject_ref) == ("Send the revised estimate", "T3")
    assert "Added R2" in text


def test_text_filter_and_client_filter(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "2", "/")
        await type_text(pilot, "estimate")
        await press(pilot, "enter")
        filtered = screen_text(pilot.app)
        await press(pilot, "escape", "c")
        await type_text(pilot, "granel")
        await press(pilot, "enter")
        client = screen_text(pilot.app)
        await press(pilot, "escape")
        return filtered, client, screen_text(pilot.app)

    filtered, client, cleared = drive(make_app(), scenario)
    assert (
        "2 Board 1 open · /estimate" in filtered and "Storyboard" not in filtered.split("Board")[1]
    )
    assert "client: Granel" in client
    assert "1 Inbox 1 · 1 waiting" in client and "SEO audit" not in client.split("Agenda")[0]
    assert "2 Board 2 open" in client
    assert "Call Oliver" not in client  # a reminder about a partner lead, not Granel's
    assert "client: Granel" not in cleared and "2 Board 5 open" in cleared


def test_an_unknown_or_ambiguous_client_is_refused_in_the_prompt(make_app, seeded, now) -> None:
    from amtui.core import clients

    clients.add_client(seeded, "Granel Studio", now=now)

    async def scenario(pilot):
        await press(pilot, "c")
        await type_text(pilot, "Nobody Ltd")
        await press(pilot, "enter")
        unknown = pilot.app.screen.query_one("#prompt-hint").content.plain
        still = type(pilot.app.screen).__name__
        pilot.app.screen.query_one("#prompt-input").value = "gran"
        await press(pilot, "enter")
        ambiguous = pilot.app.screen.query_one("#prompt-hint").content.plain
        return unknown, still, ambiguous, type(pilot.app.screen).__name__

    unknown, still, ambiguous, screen = drive(make_app(), scenario)
    assert unknown == "no client matches 'Nobody Ltd'" and still == "PromptScreen"
    assert ambiguous == "ambiguous: Granel (C1), Granel Studio (C4)"
    assert screen == "PromptScreen"  # Enter refuses what the hint refuses


def test_keys_are_remappable_from_config(make_app, config) -> None:
    cfg = replace(config, keys={"board.new": "N", "app.quit": "ctrl+q"})

    async def scenario(pilot):
        await press(pilot, "2", "n")
        after_n = type(pilot.app.screen).__name__
        await press(pilot, "N")
        after_shift_n = type(pilot.app.screen).__name__
        await press(pilot, "escape", "q")
        return after_n, after_shift_n, pilot.app.is_running

    assert drive(make_app(cfg=cfg), scenario) == ("MainScreen", "FormScreen", True)


def test_inbox_loads_more_leads_at_the_end(make_app, seeded, config, now) -> None:
    from amtui.core.board import INBOX_PAGE

    for n in range(70):
        leads.add_lead(seeded, leads.LeadDraft(f"Bulk lead {n}"), now=now, config=config)
    page = board.inbox_page(seeded)
    assert (page.total, page.waiting, len(page.rows)) == (73, 72, INBOX_PAGE)

    async def scenario(pilot):
        inbox = pilot.app.screen.query_one("#inbox")
        loaded = [inbox.loaded]
        for _ in range(3):
            await press(pilot, "end")
            loaded.append(inbox.loaded)
        return loaded, inbox.current_ref

    loaded, last = drive(make_app(), scenario)
    assert loaded == [INBOX_PAGE, 2 * INBOX_PAGE, 73, 73]
    assert last == "L1"  # the one answered lead comes after every waiting one

"""Follow-up steps and reminders: the agenda's step numbers and client times, `z` snooze,
`x` on a step (next step or gone cold), `e` / `d` on a reminder, and the lead detail's ladder.

`proposal()` puts a New York client's lead at proposal-sent yesterday, so its step 1 (R2) is
due today 15:00 in Berlin, 09:00 in New York.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from amtui.core import lead_queries, leads, reminders
from amtui.core.pipeline import change_stage, respond_lead
from tests.conftest import NOW
from tests.tui.conftest import detail_fields, drive, press, settle, shown, type_text


def proposal(db, config) -> str:
    received = NOW - timedelta(days=2)
    draft = leads.LeadDraft("Hotel SEO", client="Blue Harbor Hotels", received=received)
    ref = f"L{leads.add_lead(db, draft, now=received, config=config).lead.id}"
    respond_lead(db, ref, now=received + timedelta(minutes=5), config=config)
    change_stage(db, ref, "proposal-sent", now=NOW - timedelta(days=1), config=config)
    return ref


def agenda_lines(pilot) -> list[str]:
    return [row.content.plain for row in pilot.app.screen.query_one("#agenda").current_list().rows]


async def select(pilot, region: str, ref: str) -> None:
    widget = pilot.app.screen.query_one(f"#{region}")
    await press(pilot, {"inbox": "1", "agenda": "3"}[region])
    assert widget.current_list().select_key(ref), ref
    await settle(pilot)


def test_agenda_shows_steps_answers_and_the_clients_local_time(make_app, seeded, config) -> None:
    proposal(seeded, config)

    async def scenario(pilot):
        return agenda_lines(pilot)

    lines = drive(make_app(), scenario)
    assert "Answers due 1" in lines
    assert (
        "L1 late 1d answer due: Instagram campaign for the spring menu · social from client"
        " · Sakura Foods · client yesterday 18:00 Asia/Tokyo"
    ) in lines
    assert "Reminders and follow-ups 2" in lines
    # The step is named once (core's words, as `amtui agenda` says it).
    assert (
        "R2 today 15:00 step 1 of 6 · Check the proposal arrived (about L4 Hotel SEO)"
        " · client today 09:00 America/New_York"
    ) in lines
    # Granel is in the user's own zone: no client time; a task never gets one.
    assert (
        "L3 10:00 left Website for a new residential complex · web-brief from client · Granel"
    ) in lines


def test_z_snoozes_a_reminder_by_two_hours_by_default(make_app, seeded) -> None:
    async def scenario(pilot):
        await select(pilot, "agenda", "R1")
        await press(pilot, "z")
        prompt = pilot.app.screen
        first = prompt.query_one("#prompt-hint").content.plain
        prompt.query_one("#prompt-input").value = "someday"
        await settle(pilot)
        refused = prompt.query_one("#prompt-hint").content.plain
        await press(pilot, "enter")  # refused: the prompt stays
        still = type(pilot.app.screen).__name__
        prompt.query_one("#prompt-input").value = "+2h"
        await press(pilot, "enter")
        return first, refused, still, shown(pilot.app)

    first, refused, still, text = drive(make_app(), scenario)
    assert first == "→ Wed 25 Nov 18:00"  # +2h from when it is due (16:00), not from now
    assert refused.startswith("can't read 'someday' as a date")
    assert still == "PromptScreen"
    assert "Snoozed R1 until today 18:00" in text
    assert reminders.get_reminder(seeded, "R1").reminder.snoozed_until == NOW + timedelta(hours=8)


def test_x_on_a_step_names_the_next_one(make_app, seeded, config) -> None:
    proposal(seeded, config)

    async def scenario(pilot):
        await select(pilot, "agenda", "R2")
        await press(pilot, "x")
        return shown(pilot.app)

    text = drive(make_app(), scenario)
    assert "R2 done · next: R3 step 2 of 6 due Mon 15:00" in text
    step = reminders.get_reminder(seeded, "R3").reminder
    assert (step.kind, step.step, step.lead_id) == ("follow-up", 2, 4)


def test_x_on_the_last_step_says_the_lead_has_gone_cold(make_app, seeded, config) -> None:
    short = replace(config, followup_ladder="1b")
    proposal(seeded, short)

    async def scenario(pilot):
        await select(pilot, "agenda", "R2")
        await press(pilot, "x")
        return shown(pilot.app)

    text = drive(make_app(cfg=short), scenario)
    assert "R2 done · L4 has gone cold: the ladder ended without a reply" in text
    assert lead_queries.get_lead_details(seeded, "L4").row.lead.cold_at == NOW


def test_lead_detail_shows_the_ladder_and_snoozes_or_does_its_step(
    make_app, seeded, config
) -> None:
    proposal(seeded, config)

    async def scenario(pilot):
        await select(pilot, "inbox", "L4")
        await press(pilot, "enter")
        opened = detail_fields(pilot.app)
        await press(pilot, "z")
        title = pilot.app.screen.query_one(".dialog-title").content.plain
        await press(pilot, "enter")
        snoozed = detail_fields(pilot.app)
        await press(pilot, "x")
        return opened, title, snoozed, detail_fields(pilot.app), shown(pilot.app)

    opened, title, snoozed, done, said = drive(make_app(), scenario)
    assert opened["first response"] == "Mon 23 Nov 10:05, after 5m"
    assert opened["answer"] == "sent yesterday 10:00, after 1d (late)"
    assert opened["follow-ups"] == "step 1 of 6 · R2 due today 15:00 (client today 09:00)"
    assert opened["client time"] == "America/New_York, now Wed 04:00 (UTC-05:00)"
    # The planned dates of the steps still to come (core's ladder plan).
    # The planned dates of every step still to come (core's ladder plan): 2 to 6.
    plan = opened["then, if no reply"].split(" · ")
    assert [step.split()[:2] for step in plan] == [["step", str(n)] for n in range(2, 7)]
    assert plan[0] == "step 2 Mon 15:00"
    assert "next deadline" not in opened  # both deadlines are met
    assert title == "Snooze R2 until"
    assert snoozed["follow-ups"] == (
        "step 1 of 6 · R2 due today 17:00 (client today 11:00) (snoozed)"
    )
    assert "R2 done · next: R3 step 2 of 6 due Mon 15:00" in said
    assert done["follow-ups"] == "step 2 of 6 · R3 due Mon 15:00 (client Mon 09:00) · 1 done"


def test_reminder_keys_in_its_detail_view_and_e_d_in_the_agenda(make_app, seeded) -> None:
    def keys(pilot):
        return {key: b.binding.description for key, b in pilot.app.screen.active_bindings.items()}

    async def scenario(pilot):
        await select(pilot, "agenda", "R1")
        await press(pilot, "enter")
        detail = keys(pilot)
        await press(pilot, "e")
        form = pilot.app.screen.values()
        await press(pilot, "ctrl+a", "ctrl+k")
        await type_text(pilot, "Call Oliver about the audit scope")
        await press(pilot, "tab", "ctrl+a", "ctrl+k")
        await type_text(pilot, "today 17:30")
        await press(pilot, "ctrl+s")
        edited = shown(pilot.app), detail_fields(pilot.app)
        await press(pilot, "escape", "d")
        question = shown(pilot.app)
        await press(pilot, "y")
        return detail, form, edited, question, shown(pilot.app)

    detail, form, edited, question, deleted = drive(make_app(), scenario)
    assert {k: detail[k] for k in "ezxd"} == {
        "e": "Edit",
        "z": "Snooze",
        "x": "Done",
        "d": "Delete",
    }
    assert form == {
        "text": "Call Oliver about the audit",
        "when": "2026-11-25 16:00",
        "kind": "custom",
    }
    assert "Saved R1" in edited[0] and edited[1]["due"] == "today 17:30"
    assert "Delete R1 Call Oliver about the audit scope?" in question
    assert "Deleted R1" in deleted
    assert reminders.list_reminders(seeded) == []


def test_the_agendas_next_days_hold_reminders_and_follow_up_steps(make_app, seeded, config) -> None:
    """`Next 7 days` lists every kind of deadline: tasks, reminders and follow-up steps."""
    proposal(seeded, config)
    reminders.add_reminder(seeded, "Send the case study", "fri 11:00", now=NOW, config=config)
    reminders.complete_reminder(seeded, "R2", now=NOW, config=config)  # step 2 comes next

    async def scenario(pilot):
        lines = agenda_lines(pilot)
        return lines[lines.index("Next 7 days 3") :]

    upcoming = drive(make_app(), scenario)
    assert upcoming == [
        "Next 7 days 3",
        "R3 Fri 11:00 Send the case study",
        "T2 Sat Quarterly SEO report · Granel · +report · @seo",
        "R4 Mon 15:00 step 2 of 6 · Follow up: no reply after 3 days (about L4 Hotel SEO)"
        " · client Mon 09:00 America/New_York",
    ]

"""The lead workflow keys in the inbox and the lead's detail view: r (response, then answer),
l log, s stage, w win, W lose, o reopen; and the same verbs from the command palette.

Seed (tests/tui/conftest.py): L1 Sakura Foods (Tokyo) responded two days ago, answer owed;
L2 from a partner, no client, waiting 40 minutes; L3 Granel, waiting 5 minutes. The inbox
lists L2, L3, L1.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from amtui.core import lead_queries
from amtui.core.pipeline import change_stage, lose_lead
from tests.conftest import NOW
from tests.tui.conftest import detail_fields, drive, press, settle, shown, timeline, type_text


def lead(db, ref):
    return lead_queries.get_lead_details(db, ref)


def footer_keys(pilot) -> dict[str, str]:
    return {key: b.binding.description for key, b in pilot.app.screen.active_bindings.items()}


async def choose(pilot, field: str, value: str) -> None:
    """Pick `value` in a form's Select the way a user does: focus it, open it, arrow, Enter."""
    from textual.widgets import Select

    select = pilot.app.screen.query_one(f"#field-{field}", Select)
    pilot.app.screen.set_focus(select)
    await press(pilot, "enter")
    options = [key for _, key in select._options]
    steps = options.index(value) - options.index(select.value)
    for _ in range(abs(steps)):
        await press(pilot, "down" if steps > 0 else "up")
    await press(pilot, "enter")
    assert select.value == value


def test_r_records_the_response_then_the_answer(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "j")  # L3
        before = footer_keys(pilot)["r"]
        await press(pilot, "r")
        responded = footer_keys(pilot).get("r"), shown(pilot.app)
        await press(pilot, "r")
        return before, responded, footer_keys(pilot).get("r"), shown(pilot.app)

    before, (after_one, text_one), after_two, text_two = drive(make_app(), scenario)
    assert (before, after_one, after_two) == ("Responded", "Answered", None)
    assert "L3: first response recorded, stage new → contacted" in text_one
    assert "L3 answer 23h 55m left Website" in text_one  # its next action is the answer now
    assert "L3: answer recorded" in text_two
    row = lead(seeded, "L3").row.lead
    assert row.first_response_at == NOW and row.answered_at == NOW
    assert row.stage == "contacted"
    # One entry per key press: the response (which moved the lead), then the answer.
    assert [a.kind for a in lead(seeded, "L3").activities][-2:] == ["responded", "email-out"]


def test_l_logs_an_email_out_that_awaits_a_reply_and_starts_the_ladder(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "G", "l")  # L1
        form = pilot.app.screen
        awaits = form.query_one("#row-awaits").display
        await type_text(pilot, "Proposal v1 attached")
        await choose(pilot, "awaits", "yes")
        await press(pilot, "ctrl+s")
        return awaits, shown(pilot.app)

    awaits, text = drive(make_app(), scenario)
    assert awaits  # email-out is the default kind: "awaits a reply" applies
    assert "L1: email-out logged, ladder started: R2 step 1 of 6 due tomorrow 01:00" in text
    details = lead(seeded, "L1")
    assert ("email-out", "Proposal v1 attached") in [(a.kind, a.text) for a in details.activities]
    (step,) = [r for r in details.reminders if r.done_at is None]
    assert (step.kind, step.step) == ("check-receipt", 1)


def test_l_logs_a_reply_which_stops_the_ladder_and_hides_awaits(make_app, seeded, config) -> None:
    change_stage(seeded, "L1", "proposal-sent", now=NOW - timedelta(hours=1), config=config)

    async def scenario(pilot):
        await press(pilot, "G", "l")
        await press(pilot, "down")  # the kind, from the text field: email-out → email-in
        form = pilot.app.screen
        kind = form.values()["kind"], form.query_one("#hint-kind").content.plain
        hidden = not form.query_one("#row-awaits").display
        await type_text(pilot, "Looks good, call me Monday")
        await press(pilot, "enter")  # a short form: Enter saves
        return kind, hidden, shown(pilot.app)

    kind, hidden, text = drive(make_app(), scenario)
    assert kind == ("email-in", "email-in: the client replied (stops the ladder)")
    assert hidden
    assert "L1: email-in logged, ladder stopped at step 1" in text
    details = lead(seeded, "L1")
    assert [r for r in details.reminders if r.done_at is None] == []
    # One logged contact, one timeline entry, which says the ladder stopped.
    last = details.activities[-1]
    assert (last.kind, last.text) == ("email-in", "Looks good, call me Monday")
    assert last.data["effects"]["ladder_stopped"]["step"] == 1


def test_s_moves_to_the_next_stage_and_proposal_sent_starts_the_ladder(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "G", "s")  # L1 is contacted: briefed comes next
        default = pilot.app.screen.values()["stage"]
        hint = pilot.app.screen.query_one("#hint-stage").content.plain
        await press(pilot, "enter")
        briefed = shown(pilot.app)
        await press(pilot, "s")
        second = pilot.app.screen.values()["stage"]
        await type_text(pilot, "v1, 4 500 EUR")
        await press(pilot, "enter")
        moved = shown(pilot.app)
        await press(pilot, "enter")  # the detail view shows the ladder
        return (
            default,
            hint,
            briefed,
            second,
            moved,
            (detail_fields(pilot.app), timeline(pilot.app)),
        )

    default, hint, briefed, second, moved, (detail, entries) = drive(make_app(), scenario)
    assert (default, second) == ("briefed", "proposal-sent")
    assert hint == "→ the brief is in: counts as the answer"
    assert "L1: stage contacted → briefed, answer recorded" in briefed
    assert (
        "L1: stage briefed → proposal-sent, ladder started: R2 step 1 of 6 due tomorrow 01:00"
        in moved
    )
    assert "L1 check receipt 1 tomorrow 01:00" in moved  # the inbox's next action
    assert lead(seeded, "L1").row.lead.stage == "proposal-sent"
    assert detail["follow-ups"] == "step 1 of 6 · R2 due tomorrow 01:00 (client tomorrow 09:00)"
    # The note is on the timeline, on the one entry of the move.
    assert entries[-1].startswith("proposal-sent  briefed → proposal-sent: v1, 4 500 EUR")


def test_w_confirms_the_win_for_the_leads_client_and_adds_starter_tasks(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "j", "w")  # L3, Granel's lead
        question = shown(pilot.app)
        await press(pilot, "y")
        return question, shown(pilot.app)

    question, text = drive(make_app(), scenario)
    assert "Win L3 for Granel?" in question
    assert "Adds the starter tasks: Brief call, Estimate, Kickoff" in question
    assert "Won L3 · client Granel (C1) · starter tasks T10, T11, T12" in text
    details = lead(seeded, "L3")
    assert details.row.lead.stage == "won"
    assert [t.title for t in details.tasks] == ["Brief call", "Estimate", "Kickoff meeting"]
    assert "Website for a new residential complex" not in text.split("Board")[0]  # closed


def test_w_asks_for_a_client_when_the_lead_has_none(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "w")  # L2, from a partner
        await press(pilot, "enter")  # empty: the client is required
        refused = shown(pilot.app), type(pilot.app.screen).__name__
        await type_text(pilot, "Hotel Group Nord")
        await press(pilot, "enter")
        return refused, shown(pilot.app)

    (refused, screen), text = drive(make_app(), scenario)
    assert "Win L2: for which client?" in refused and "a client is required" in refused
    assert screen == "PromptScreen"
    assert "Won L2 · client Hotel Group Nord (C4) (new) · starter tasks" in text
    row = lead(seeded, "L2").row
    assert (row.lead.stage, row.client_name) == ("won", "Hotel Group Nord")


def test_W_loses_with_a_required_reason(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "W", "enter")
        refused = shown(pilot.app)
        await type_text(pilot, "chose a cheaper agency")
        await press(pilot, "enter")
        return refused, shown(pilot.app)

    refused, text = drive(make_app(), scenario)
    assert "Lose L2 SEO audit for a hotel chain: why?" in refused
    assert "a reason is required" in refused
    assert "L2: stage new → lost (chose a cheaper agency)" in text
    row = lead(seeded, "L2").row.lead
    assert (row.stage, row.lost_reason) == ("lost", "chose a cheaper agency")
    assert "1 Inbox 2 · 1 waiting" in text


def test_detail_view_keys_and_o_reopens_a_closed_lead(make_app, seeded, config) -> None:
    change_stage(seeded, "L1", "proposal-sent", now=NOW - timedelta(hours=1), config=config)
    lose_lead(seeded, "L1", "budget cut", now=NOW)

    async def scenario(pilot):
        await press(pilot, "enter")  # L2 waiting: the workflow keys apply
        open_keys = footer_keys(pilot)
        await press(pilot, "escape", "ctrl+p")
        await pilot.press(*"L1")
        await settle(pilot)
        await press(pilot, "enter")
        closed = footer_keys(pilot), detail_fields(pilot.app)
        await press(pilot, "o")
        return open_keys, closed, footer_keys(pilot), shown(pilot.app)

    open_keys, (closed_keys, closed), reopened_keys, text = drive(make_app(), scenario)
    assert {k: open_keys[k] for k in "rlswW"} == {
        "r": "Responded",
        "l": "Log",
        "s": "Stage",
        "w": "Win",
        "W": "Lose",
    }
    assert "o" not in open_keys and "z" not in open_keys
    assert closed["stage"] == "lost (budget cut)"
    assert "o" in closed_keys and not {"r", "l", "s", "w", "W"} & set(closed_keys)
    # R2 was the step the loss removed: its number is never given to another reminder.
    assert "L1 reopened: stage lost → proposal-sent, ladder started: R3 step 1 of 6" in text
    assert lead(seeded, "L1").row.lead.stage == "proposal-sent"
    assert reopened_keys["z"] == "Snooze" and reopened_keys["x"] == "Step done"


def test_palette_lead_verbs_act_on_the_selected_lead(make_app, seeded) -> None:
    async def run(pilot, command: str) -> None:
        await press(pilot, "ctrl+p")
        await type_text(pilot, command)  # one search, not one per letter
        await press(pilot, "enter")
        await settle(pilot)

    async def scenario(pilot):
        await press(pilot, "j")  # L3
        await run(pilot, "lead: respond")
        responded = shown(pilot.app)
        await run(pilot, "lead: stage")
        title = pilot.app.screen.query_one(".dialog-title").content.plain
        await press(pilot, "escape")
        await run(pilot, "reminder: snooze")
        return responded, title, shown(pilot.app)

    responded, title, snooze = drive(make_app(), scenario)
    assert "L3: first response recorded" in responded
    assert title == "Stage · L3 Website for a new residential complex (now contacted)"
    assert "L3 has no follow-up step pending" in snooze


def test_workflow_keys_are_remappable(make_app, seeded, config) -> None:
    keys = {"inbox.respond": "R", "inbox.answer": "R", "inbox.stage": "S"}

    async def scenario(pilot):
        await press(pilot, "r")  # no longer bound
        unchanged = lead(seeded, "L2").row.lead.first_response_at
        await press(pilot, "R", "R")
        await press(pilot, "S")
        return unchanged, type(pilot.app.screen).__name__, shown(pilot.app)

    unchanged, screen, text = drive(make_app(cfg=replace(config, keys=keys)), scenario)
    assert unchanged is None and screen == "FormScreen"
    row = lead(seeded, "L2").row.lead
    assert row.first_response_at is not None and row.answered_at is not None
    assert "replaced these built-in keys" not in text  # two ids on one key replace nothing

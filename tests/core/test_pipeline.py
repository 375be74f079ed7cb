"""The lead pipeline: respond, stages, contact log, the follow-up ladder, win, lose, reopen.

The clock is pinned: NOW is Wed 25 Nov 2026 09:00Z, 10:00 in Berlin (the user's zone).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from amtui.core.activities import describe_activity
from amtui.core.clients import add_client
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.describe import View
from amtui.core.describe_leads import stage_outcome
from amtui.core.errors import InputError, NotFoundError
from amtui.core.followups import list_followups, pending_step
from amtui.core.lead_queries import get_lead_details
from amtui.core.leads import LeadDraft, add_lead
from amtui.core.models import Activity, Client, Lead, Reminder, Task, get
from amtui.core.pipeline import (
    change_stage,
    log_lead,
    lose_lead,
    reopen_lead,
    respond_lead,
    win_lead,
)
from amtui.core.reminders import complete_reminder, snooze_reminder
from amtui.core.sla import parse_ladder, step_due
from tests.storage import count, one, rows

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def berlin(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)  # type: ignore[misc]


def new_lead(db: Database, config: Config, now: datetime, title: str = "Website", **kw) -> str:  # type: ignore[no-untyped-def]
    lead = add_lead(db, LeadDraft(title, **kw), now=now, config=config).lead
    return f"L{lead.id}"


def lead_of(db: Database, ref: str) -> Lead:
    return get_lead_details(db, ref).row.lead


def timeline(db: Database, ref: str) -> list[tuple[str, str]]:
    """(kind, what the entry says with everything else it did), times in the user's zone."""
    return [(a.kind, describe_activity(a, BERLIN)) for a in get_lead_details(db, ref).activities]


def kinds(db: Database, ref: str) -> list[str]:
    return [kind for kind, _ in timeline(db, ref)]


def pending(db: Database, ref: str) -> Reminder | None:
    with db.read() as tx:
        lead = get(tx, Lead, int(ref[1:]))
        assert lead is not None
        return pending_step(tx, lead)


def activity_count(db: Database) -> int:
    return count(db, Activity)


def at_proposal(db: Database, config: Config, now: datetime, **kw) -> str:  # type: ignore[no-untyped-def]
    ref = new_lead(db, config, now, **kw)
    change_stage(db, ref, "proposal-sent", now=now, config=config)
    return ref


# --- respond -----------------------------------------------------------------------------------


def test_respond_records_the_first_response_and_moves_to_contacted(
    db: Database, config: Config, now: datetime
) -> None:
    ref = new_lead(db, config, now)
    later = now + timedelta(minutes=7)
    result = respond_lead(db, ref, now=later, config=config, note="Thanks, estimate follows")
    lead = lead_of(db, ref)
    assert lead.first_response_at == later
    assert lead.answered_at is None
    assert lead.stage == "contacted"
    assert result.previous == "new"
    assert stage_outcome(View(config, now), result) == [
        "first response recorded",
        "stage new → contacted",
    ]
    # One action, one entry: the stage it moved to is said on the same line.
    assert timeline(db, ref)[1:] == [("responded", "Thanks, estimate follows · new → contacted")]


def test_respond_again_records_the_answer_then_refuses(
    db: Database, config: Config, now: datetime
) -> None:
    ref = new_lead(db, config, now)
    respond_lead(db, ref, now=now + timedelta(minutes=5), config=config)
    answered = now + timedelta(hours=3)
    result = respond_lead(db, ref, now=answered, config=config, note="Estimate sent")
    lead = lead_of(db, ref)
    assert lead.answered_at == answered
    assert lead.stage == "contacted"
    assert result.events == ["answer recorded"]
    assert timeline(db, ref)[-1] == ("email-out", "Estimate sent · answer recorded")
    with pytest.raises(InputError, match="already responded to and answered"):
        respond_lead(db, ref, now=answered, config=config)


def test_respond_with_the_full_answer_at_once(db: Database, config: Config, now: datetime) -> None:
    ref = new_lead(db, config, now)
    respond_lead(db, ref, now=now, config=config, answered=True)
    lead = lead_of(db, ref)
    assert lead.first_response_at == lead.answered_at == now


def test_promise_an_answer_time(db: Database, config: Config, now: datetime) -> None:
    ref = new_lead(db, config, now)
    default_due = lead_of(db, ref).answer_due_at
    assert default_due == berlin(2026, 11, 26, 10, 0)  # one working day after Wed 10:00
    result = respond_lead(db, ref, now=now, config=config, answer_by="today 16:00")
    lead = lead_of(db, ref)
    assert lead.first_response_at == now
    assert lead.answer_due_at == berlin(2026, 11, 25, 16, 0)
    assert lead.answer_notified_at is None
    assert "answer promised" in result.events
    assert timeline(db, ref)[1:] == [
        ("responded", "first response · new → contacted · answer promised for 2026-11-25 16:00")
    ]
    # The promise can be moved by a second respond call, until the answer goes out.
    respond_lead(db, ref, now=now, config=config, answer_by="tomorrow 09:30")
    assert lead_of(db, ref).answer_due_at == berlin(2026, 11, 26, 9, 30)
    assert lead_of(db, ref).answered_at is None


def test_promise_in_the_clients_zone(db: Database, config: Config, now: datetime) -> None:
    # Arrived Wed 04:00 in New York: the answer is due by the end of their working day.
    ref = new_lead(db, config, now, timezone="America/New_York")
    assert lead_of(db, ref).answer_due_at == datetime(2026, 11, 25, 18, 0, tzinfo=NEW_YORK)
    respond_lead(db, ref, now=now, config=config, answer_by="today 15:00 client")
    assert lead_of(db, ref).answer_due_at == datetime(2026, 11, 25, 15, 0, tzinfo=NEW_YORK)
    # Noon tomorrow in New York is past one working day there: not a promise amtui accepts.
    with pytest.raises(InputError, match="at the latest"):
        respond_lead(db, ref, now=now, config=config, answer_by="tomorrow 12:00 client")


@pytest.mark.parametrize(
    ("answer_by", "message"),
    [("today 09:00", "in the future"), ("yesterday 15:00", "in the future"), ("frii", "frii")],
)
def test_bad_promises_write_nothing(
    db: Database, config: Config, now: datetime, answer_by: str, message: str
) -> None:
    ref = new_lead(db, config, now)
    before = activity_count(db)
    with pytest.raises(InputError, match=message):
        respond_lead(db, ref, now=now, config=config, answer_by=answer_by)
    assert activity_count(db) == before
    assert lead_of(db, ref).first_response_at is None


def test_nothing_to_promise_once_answered(db: Database, config: Config, now: datetime) -> None:
    ref = new_lead(db, config, now)
    respond_lead(db, ref, now=now, config=config, answered=True)
    with pytest.raises(InputError, match="answered"):
        respond_lead(db, ref, now=now, config=config, answer_by="tomorrow 12:00")


def test_respond_to_an_unknown_lead(db: Database, config: Config, now: datetime) -> None:
    with pytest.raises(NotFoundError):
        respond_lead(db, "L99", now=now, config=config)


# --- stages ------------------------------------------------------------------------------------


def test_contacted_records_the_first_response(db: Database, config: Config, now: datetime) -> None:
    ref = new_lead(db, config, now)
    result = change_stage(db, ref, "contacted", now=now, config=config, note="called back")
    lead = lead_of(db, ref)
    assert (lead.stage, lead.first_response_at, lead.answered_at) == ("contacted", now, None)
    assert result.previous == "new"
    assert result.ladder_step is None
    # The first response moves the lead to contacted itself: one stage change, not two.
    assert [k for k in kinds(db, ref) if k == "stage-change"] == ["stage-change"]


def test_skipping_ahead_records_the_response_the_answer_and_both_stage_changes(
    db: Database, config: Config, now: datetime
) -> None:
    ref = new_lead(db, config, now)
    change_stage(db, ref, "briefed", now=now, config=config, note="brief call done")
    lead = lead_of(db, ref)
    assert (lead.stage, lead.first_response_at, lead.answered_at) == ("briefed", now, now)
    assert timeline(db, ref)[1:] == [
        ("stage-change", "new → briefed: brief call done · first response · answer recorded")
    ]


def test_the_whole_pipeline_forward(db: Database, config: Config, now: datetime) -> None:
    ref = new_lead(db, config, now, client="Granel")
    for step, stage in enumerate(["contacted", "briefed", "proposal-sent", "negotiating"]):
        change_stage(db, ref, stage, now=now + timedelta(hours=step), config=config)
    assert lead_of(db, ref).stage == "negotiating"
    win_lead(db, ref, now=now + timedelta(hours=5), config=config)
    lead = lead_of(db, ref)
    assert lead.stage == "won"
    assert lead.closed_at == now + timedelta(hours=5)


def test_moving_back_to_an_earlier_open_stage_is_allowed(
    db: Database, config: Config, now: datetime
) -> None:
    ref = at_proposal(db, config, now)
    change_stage(db, ref, "briefed", now=now, config=config, note="client changed the brief")
    assert lead_of(db, ref).stage == "briefed"


@pytest.mark.parametrize(
    ("setup", "target", "message"),
    [
        ("new", "new", "already new"),
        ("contacted", "contacted", "already contacted"),
        ("proposal-sent", "proposal-sent", "already proposal-sent"),
        ("contacted", "new", "cannot go back to new"),
        ("negotiating", "new", "cannot go back to new"),
        ("contacted", "won", "amtui lead win"),
        ("contacted", "lost", "amtui lead lose"),
        ("contacted", "archived", "stage"),
        ("contacted", "", "stage"),
    ],
)
def test_invalid_transitions_are_clear_input_errors_and_write_nothing(
    db: Database, config: Config, now: datetime, setup: str, target: str, message: str
) -> None:
    ref = new_lead(db, config, now)
    if setup != "new":
        change_stage(db, ref, setup, now=now, config=config)
    before = activity_count(db)
    with pytest.raises(InputError, match=message):
        change_stage(db, ref, target, now=now, config=config)
    assert activity_count(db) == before
    assert lead_of(db, ref).stage == setup


def test_a_move_from_a_stage_the_lead_has_left_is_refused_and_writes_nothing(
    db: Database, config: Config, now: datetime
) -> None:
    """The app's pipeline board says which stage it showed: a lead moved meanwhile (by another
    terminal) is not moved again from where it no longer is."""
    ref = new_lead(db, config, now)
    change_stage(db, ref, "negotiating", now=now, config=config)
    before = activity_count(db)
    with pytest.raises(InputError, match="is negotiating now, not briefed"):
        change_stage(db, ref, "proposal-sent", now=now, config=config, expected="briefed")
    assert activity_count(db) == before
    assert lead_of(db, ref).stage == "negotiating"
    assert pending(db, ref) is None  # no ladder was started
    change_stage(db, ref, "briefed", now=now, config=config, expected="negotiating")
    assert lead_of(db, ref).stage == "briefed"


@pytest.mark.parametrize("closing", ["won", "lost"])
def test_a_closed_lead_must_be_reopened_first(
    db: Database, config: Config, now: datetime, closing: str
) -> None:
    ref = new_lead(db, config, now, client="Granel")
    if closing == "won":
        win_lead(db, ref, now=now, config=config)
    else:
        lose_lead(db, ref, "price", now=now)
    before = activity_count(db)
    calls = [
        lambda: change_stage(db, ref, "negotiating", now=now, config=config),
        lambda: respond_lead(db, ref, now=now, config=config),
        lambda: log_lead(db, ref, "email-in", "hello again", now=now, config=config),
        lambda: win_lead(db, ref, now=now, config=config),
        lambda: lose_lead(db, ref, "timing", now=now),
    ]
    for call in calls:
        with pytest.raises(InputError, match=f"is {closing}; reopen it first"):
            call()
    assert activity_count(db) == before


# --- the follow-up ladder ------------------------------------------------------------------------


def test_proposal_sent_starts_the_ladder(db: Database, config: Config, now: datetime) -> None:
    ref = new_lead(db, config, now)
    change_stage(db, ref, "briefed", now=now, config=config)
    result = change_stage(db, ref, "proposal-sent", now=now, config=config, note="v1, 4 500 EUR")
    step = result.ladder_step
    assert step is not None
    assert (step.step, step.kind) == (1, "check-receipt")
    assert step.due_at == berlin(2026, 11, 26, 10, 0)  # the next working day, same time
    assert step.text == "Check the proposal arrived"  # "step 1 of 6" is said from step.step
    assert pending(db, ref) is not None and pending(db, ref).id == step.id  # type: ignore[union-attr]
    assert "follow-up ladder started" in result.events
    assert timeline(db, ref)[-1] == (
        "proposal-sent",
        f"briefed → proposal-sent: v1, 4 500 EUR · follow-up ladder started, step 1 is R{step.id}",
    )


def test_the_ladder_runs_on_the_clients_calendar(
    db: Database, config: Config, now: datetime
) -> None:
    add_client(db, "Harbor", now=now, timezone="America/New_York")
    ref = at_proposal(db, config, now, client="Harbor")
    # Sent Wed 04:00 in New York: the next working day there is Thursday, 04:00 is before
    # opening, so the check is due Thu 09:00 New York time (14:00Z, 15:00 in Berlin).
    step = pending(db, ref)
    assert step is not None
    assert step.due_at == datetime(2026, 11, 26, 9, 0, tzinfo=NEW_YORK)


def test_sending_a_new_proposal_restarts_the_ladder(
    db: Database, config: Config, now: datetime
) -> None:
    ref = at_proposal(db, config, now)
    first = pending(db, ref)
    assert first is not None
    result = change_stage(db, ref, "negotiating", now=now, config=config)
    # Negotiating means the client answered: the ladder stops.
    assert result.stopped is not None and result.stopped.id == first.id
    assert pending(db, ref) is None
    later = now + timedelta(days=2)
    change_stage(db, ref, "proposal-sent", now=later, config=config, note="v2")
    second = pending(db, ref)
    assert second is not None
    assert second.step == 1
    assert second.due_at == berlin(2026, 11, 30, 10, 0)  # Fri 27 + 1 working day = Mon
    open_steps = rows(
        db, Reminder, "lead_id = :id AND done_at IS NULL", {"id": lead_of(db, ref).id}
    )
    assert [r.step for r in open_steps] == [1]  # one running ladder per lead


def test_each_step_done_schedules_the_next_until_the_last_marks_the_lead_cold(
    db: Database, config: Config, now: datetime
) -> None:
    ref = at_proposal(db, config, now)
    ladder = parse_ladder(config.followup_ladder)
    done_at = now
    for number in range(1, len(ladder) + 1):
        step = pending(db, ref)
        assert step is not None
        assert step.step == number
        assert step.kind == ("check-receipt" if number == 1 else "follow-up")
        # Counted from when the previous step was done, in the lead's (here the user's) zone.
        assert step.due_at == step_due(done_at, ladder[number - 1], BERLIN, config.working_hours)
        if number > 1:
            interval = ladder[number - 1].describe()
            assert step.text == f"Follow up: no reply after {interval}"  # the number: step
        # Done an hour after it fell due, without a reply.
        done_at = step.due_at + timedelta(hours=1)
        result = complete_reminder(db, f"R{step.id}", now=done_at, config=config)
        if number < len(ladder):
            assert result.next_step is not None and result.next_step.step == number + 1
            assert not result.went_cold
            assert lead_of(db, ref).cold_at is None
    assert result.next_step is None
    assert result.went_cold
    lead = lead_of(db, ref)
    assert lead.cold_at == done_at
    assert lead.stage == "proposal-sent"  # cold, but still open: a reply can revive it
    assert lead.closed_at is None
    assert pending(db, ref) is None
    assert timeline(db, ref)[-1] == (
        "note",
        "follow-up step 6 done · gone cold: the follow-up ladder ended without a reply",
    )
    (state,) = list_followups(db, config=config)
    assert (state.status, state.done, state.steps, state.pending) == ("cold", 6, 6, None)


def test_the_ladder_dates_step_by_step(db: Database, config: Config, now: datetime) -> None:
    # Every step done exactly when it falls due: the expected dates worked out by hand.
    ref = at_proposal(db, config, now)
    expected = [
        berlin(2026, 11, 26, 10, 0),  # Thu: check receipt
        berlin(2026, 11, 30, 9, 0),  # +3d is Sunday → Monday opening
        berlin(2026, 12, 7, 9, 0),  # +1w
        berlin(2026, 12, 21, 9, 0),  # +2w
        berlin(2027, 1, 21, 9, 0),  # +1m
        berlin(2027, 4, 21, 9, 0),  # +3m (CEST by then)
    ]
    seen = []
    while (step := pending(db, ref)) is not None:
        seen.append(step.due_at)
        complete_reminder(db, f"R{step.id}", now=step.due_at, config=config)
    assert seen == expected


@pytest.mark.parametrize("reply", ["email-in", "call", "meeting"])
def test_a_reply_between_steps_stops_the_ladder_and_removes_the_pending_step(
    db: Database, config: Config, now: datetime, reply: str
) -> None:
    ref = at_proposal(db, config, now)
    first = pending(db, ref)
    assert first is not None
    complete_reminder(db, f"R{first.id}", now=first.due_at, config=config)
    second = pending(db, ref)
    assert second is not None and second.step == 2
    replied = first.due_at + timedelta(days=1)
    result = log_lead(db, ref, reply, "Got it, questions on Monday", now=replied, config=config)
    assert result.stopped is not None and result.stopped.id == second.id
    assert "follow-up ladder stopped" in result.events
    assert pending(db, ref) is None
    assert count(db, Reminder, "id = :id", {"id": second.id}) == 0
    done = one(db, Reminder, "id = :id", {"id": first.id})
    assert done.done_at == first.due_at  # history stays
    assert timeline(db, ref)[-2:] == [
        ("note", "follow-up step 1 done"),
        (reply, "Got it, questions on Monday · follow-up ladder stopped at step 2 (reply)"),
    ]
    assert list_followups(db, config=config) == []
    assert lead_of(db, ref).cold_at is None


@pytest.mark.parametrize("kind", ["email-out", "note"])
def test_our_own_messages_and_notes_do_not_stop_the_ladder(
    db: Database, config: Config, now: datetime, kind: str
) -> None:
    ref = at_proposal(db, config, now)
    step = pending(db, ref)
    result = log_lead(db, ref, kind, "nudged", now=now + timedelta(hours=1), config=config)
    assert result.stopped is None
    assert pending(db, ref) is not None and pending(db, ref).id == step.id  # type: ignore[union-attr]
    assert "reply-received" not in kinds(db, ref)


def test_a_reply_revives_a_cold_lead(db: Database, config: Config, now: datetime) -> None:
    ref = at_proposal(db, config, now)
    while (step := pending(db, ref)) is not None:
        complete_reminder(db, f"R{step.id}", now=step.due_at, config=config)
    assert lead_of(db, ref).cold_at is not None
    result = log_lead(db, ref, "email-in", "Back from holiday", now=now, config=config)
    assert "no longer cold" in result.events
    assert lead_of(db, ref).cold_at is None


def test_a_snoozed_step_done_counts_the_next_step_from_when_it_was_done(
    db: Database, config: Config, now: datetime
) -> None:
    ref = at_proposal(db, config, now)
    step = pending(db, ref)
    assert step is not None
    assert step.due_at == berlin(2026, 11, 26, 10, 0)
    # Thursday morning: snooze the check until Friday 15:00.
    thursday = berlin(2026, 11, 26, 10, 5)
    snoozed = snooze_reminder(db, f"R{step.id}", "fri 15:00", now=thursday, config=config)
    assert snoozed.reminder.snoozed_until == berlin(2026, 11, 27, 15, 0)
    assert snoozed.reminder.due_at == step.due_at  # the original time is kept
    # Done Friday 15:30: step 2 (3 days) is counted from then: Mon 30 Nov 15:30.
    done = berlin(2026, 11, 27, 15, 30)
    result = complete_reminder(db, f"R{step.id}", now=done, config=config)
    assert result.next_step is not None
    assert result.next_step.step == 2
    assert result.next_step.due_at == berlin(2026, 11, 30, 15, 30)
    assert result.next_step.snoozed_until is None


def test_awaits_reply_starts_a_ladder_without_a_proposal(
    db: Database, config: Config, now: datetime
) -> None:
    ref = new_lead(db, config, now)
    result = log_lead(
        db, ref, "email-out", "Sent the questionnaire", now=now, config=config, awaits_reply=True
    )
    assert result.ladder_step is not None and result.ladder_step.step == 1
    lead = lead_of(db, ref)
    assert lead.first_response_at == now  # an outgoing email is a first response
    assert lead.stage == "contacted"


def test_awaits_reply_goes_only_with_an_outgoing_email(
    db: Database, config: Config, now: datetime
) -> None:
    ref = new_lead(db, config, now)
    before = activity_count(db)
    with pytest.raises(InputError, match="email-out"):
        log_lead(db, ref, "call", "", now=now, config=config, awaits_reply=True)
    assert activity_count(db) == before
    assert lead_of(db, ref).first_response_at is None


# --- the contact log ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "responds"),
    [("email-out", True), ("call", True), ("meeting", True), ("email-in", False), ("note", False)],
)
def test_which_contact_counts_as_the_first_response(
    db: Database, config: Config, now: datetime, kind: str, responds: bool
) -> None:
    ref = new_lead(db, config, now)
    log_lead(db, ref, kind, "text", now=now + timedelta(minutes=3), config=config)
    lead = lead_of(db, ref)
    assert (lead.first_response_at is not None) is responds
    assert lead.stage == ("contacted" if responds else "new")


def test_log_at_an_earlier_time(db: Database, config: Config, now: datetime) -> None:
    ref = new_lead(db, config, now - timedelta(hours=2), received="today 08:00")
    log_lead(db, ref, "call", "picked up", now=now, config=config, at="today 08:10")
    lead = lead_of(db, ref)
    assert lead.first_response_at == berlin(2026, 11, 25, 8, 10)
    call = one(db, Activity, "kind = 'call'")
    assert call.occurred_at == berlin(2026, 11, 25, 8, 10)
    assert call.created_at == now


def test_contact_cannot_be_logged_in_the_future(
    db: Database, config: Config, now: datetime
) -> None:
    ref = new_lead(db, config, now)
    with pytest.raises(InputError, match="future"):
        log_lead(db, ref, "call", "", now=now, config=config, at="today 15:00")


def test_contact_cannot_be_logged_before_the_lead_arrived(
    db: Database, config: Config, now: datetime
) -> None:
    # A first response before arrival would be a negative response time in the report.
    ref = new_lead(db, config, now)
    before = activity_count(db)
    with pytest.raises(InputError, match="before"):
        log_lead(db, ref, "call", "", now=now, config=config, at="today 09:00")
    assert lead_of(db, ref).first_response_at is None
    assert activity_count(db) == before


def test_unknown_contact_kind(db: Database, config: Config, now: datetime) -> None:
    ref = new_lead(db, config, now)
    with pytest.raises(InputError, match="contact kind"):
        log_lead(db, ref, "fax", "", now=now, config=config)


# --- win, lose, reopen -------------------------------------------------------------------------


def test_win_links_the_leads_client_and_adds_the_starter_tasks(
    db: Database, config: Config, now: datetime
) -> None:
    ref = at_proposal(db, config, now, client="Granel")
    step = pending(db, ref)
    assert step is not None
    result = win_lead(db, ref, now=now, config=config)
    assert result.client.name == "Granel"
    assert not result.created_client
    lead = lead_of(db, ref)
    assert (lead.stage, lead.closed_at, lead.client_id) == ("won", now, result.client.id)
    # The default template: due tokens resolved against now (Wed 25 Nov).
    assert [(t.title, t.due_date) for t in result.tasks] == [
        ("Brief call", date(2026, 11, 26)),
        ("Estimate", date(2026, 11, 27)),
        ("Kickoff meeting", date(2026, 12, 2)),
    ]
    assert all(t.lead_id == lead.id and t.client_id == result.client.id for t in result.tasks)
    assert pending(db, ref) is None  # the win stops the ladder
    assert timeline(db, ref)[-1] == (
        "stage-change",
        "proposal-sent → won · follow-up ladder stopped at step 1 (won)",
    )


def test_win_creates_the_client_and_uses_the_configured_template(
    db: Database, config: Config, now: datetime
) -> None:
    custom = dataclasses.replace(
        config,
        win_tasks=(
            "Send the contract due:fri 12:00 pri:high +legal",
            "Kickoff call due:+3b @pm",
            "Set up the project folder",
        ),
    )
    ref = new_lead(db, config, now)
    result = win_lead(db, ref, now=now, config=custom, client="Blue Harbor")
    assert result.created_client
    client = one(db, Client, "name = 'Blue Harbor'")
    tasks = rows(db, Task, "lead_id = :id", {"id": int(ref[1:])})
    assert result.client.id == client.id
    by_title = {t.title: t for t in tasks}
    assert set(by_title) == {"Send the contract", "Kickoff call", "Set up the project folder"}
    contract = by_title["Send the contract"]
    assert contract.due_at == berlin(2026, 11, 27, 12, 0)
    assert contract.priority == "high"
    assert by_title["Kickoff call"].due_date == date(2026, 11, 30)  # 3 working days
    assert by_title["Kickoff call"].assignee == "pm"
    assert by_title["Set up the project folder"].due is None
    assert {t.client_id for t in tasks} == {client.id}
    # A new lead won at once still gets its first response and answer recorded.
    lead = lead_of(db, ref)
    assert lead.first_response_at == lead.answered_at == now
    assert timeline(db, ref)[1:] == [
        ("stage-change", "new → won · first response · answer recorded")
    ]


def test_win_links_an_existing_client_by_reference(
    db: Database, config: Config, now: datetime
) -> None:
    client = add_client(db, "Granel", now=now)
    ref = new_lead(db, config, now)
    result = win_lead(db, ref, now=now, config=config, client=f"C{client.id}")
    assert result.client.id == client.id and not result.created_client


def test_win_needs_a_client_and_writes_nothing_without_one(
    db: Database, config: Config, now: datetime
) -> None:
    ref = at_proposal(db, config, now)
    before = activity_count(db)
    with pytest.raises(InputError, match="--client"):
        win_lead(db, ref, now=now, config=config)
    assert activity_count(db) == before
    assert lead_of(db, ref).stage == "proposal-sent"
    assert pending(db, ref) is not None


def test_lose_requires_a_reason(db: Database, config: Config, now: datetime) -> None:
    ref = at_proposal(db, config, now)
    for reason in ("", "   "):
        with pytest.raises(InputError, match="reason"):
            lose_lead(db, ref, reason, now=now)
    assert lead_of(db, ref).stage == "proposal-sent"
    result = lose_lead(db, ref, "chose a cheaper agency", now=now)
    lead = lead_of(db, ref)
    assert (lead.stage, lead.lost_reason, lead.closed_at) == ("lost", "chose a cheaper agency", now)
    assert result.stopped is not None
    assert pending(db, ref) is None
    assert timeline(db, ref)[-1] == (
        "stage-change",
        "proposal-sent → lost: chose a cheaper agency · follow-up ladder stopped at step 1 (lost)",
    )


@pytest.mark.parametrize("closing", ["win", "lose"])
def test_reopen_returns_to_the_stage_it_was_closed_from(
    db: Database, config: Config, now: datetime, closing: str
) -> None:
    ref = new_lead(db, config, now, client="Granel")
    change_stage(db, ref, "negotiating", now=now, config=config)
    if closing == "win":
        win_lead(db, ref, now=now, config=config)
    else:
        lose_lead(db, ref, "timing", now=now)
    later = now + timedelta(days=1)
    result = reopen_lead(db, ref, now=later, config=config)
    lead = lead_of(db, ref)
    assert result.previous == ("won" if closing == "win" else "lost")
    assert (lead.stage, lead.closed_at, lead.lost_reason) == ("negotiating", None, None)
    assert lead.updated_at == later
    assert timeline(db, ref)[-1] == ("stage-change", f"{result.previous} → negotiating: reopened")
    # Open again: it moves on as usual.
    change_stage(db, ref, "proposal-sent", now=later, config=config)


def test_reopen_an_open_lead_is_refused(db: Database, config: Config, now: datetime) -> None:
    ref = new_lead(db, config, now)
    with pytest.raises(InputError, match="nothing to reopen"):
        reopen_lead(db, ref, now=now, config=config)


# --- the timeline ------------------------------------------------------------------------------


def test_every_change_is_an_activity_on_the_timeline(
    db: Database, config: Config, now: datetime
) -> None:
    ref = new_lead(db, config, now, client="Granel")
    minute = timedelta(minutes=1)
    respond_lead(db, ref, now=now + minute, config=config)
    respond_lead(db, ref, now=now + 2 * minute, config=config, answer_by="tomorrow 09:30")
    change_stage(db, ref, "briefed", now=now + 3 * minute, config=config)
    change_stage(db, ref, "proposal-sent", now=now + 4 * minute, config=config)
    step = pending(db, ref)
    assert step is not None
    complete_reminder(db, f"R{step.id}", now=now + 5 * minute, config=config)
    log_lead(db, ref, "email-in", "Looks good", now=now + 6 * minute, config=config)
    change_stage(db, ref, "negotiating", now=now + 7 * minute, config=config)
    lose_lead(db, ref, "budget frozen", now=now + 8 * minute)
    reopen_lead(db, ref, now=now + 9 * minute, config=config)
    win_lead(db, ref, now=now + 10 * minute, config=config)
    # One entry per action, each saying what else it did.
    assert timeline(db, ref) == [
        ("created", "via email"),
        ("responded", "first response · new → contacted"),
        ("note", "answer promised for 2026-11-26 09:30"),
        ("stage-change", "contacted → briefed · answer recorded"),
        (
            "proposal-sent",
            f"briefed → proposal-sent · follow-up ladder started, step 1 is R{step.id}",
        ),
        ("note", "follow-up step 1 done"),
        ("email-in", "Looks good · follow-up ladder stopped at step 2 (reply)"),
        ("stage-change", "proposal-sent → negotiating"),
        ("stage-change", "negotiating → lost: budget frozen"),
        ("stage-change", "lost → negotiating: reopened"),
        ("stage-change", "negotiating → won"),
    ]
    stamps = [a.created_at for a in rows(db, Activity, "lead_id = :id", {"id": int(ref[1:])})]
    assert stamps == sorted(stamps)  # each entry carries the time of its change


def test_timestamps_are_stored_as_utc(db: Database, config: Config, now: datetime) -> None:
    ref = new_lead(db, config, now)
    respond_lead(db, ref, now=now.astimezone(BERLIN), config=config)
    assert lead_of(db, ref).first_response_at == now
    assert lead_of(db, ref).first_response_at.tzinfo is UTC  # type: ignore[union-attr]


# --- one action, one timeline entry ------------------------------------------------------------


def lead_entries(db: Database) -> int:
    return count(db, Activity, "lead_id > 0")


def _step_ref(db: Database, ref: str) -> str:
    step = pending(db, ref)
    assert step is not None
    return step.ref


#: (how the lead is prepared, the action) for every workflow command and its variants.
ACTIONS = {
    "respond, first": ("new", lambda db, ref, c, t: respond_lead(db, ref, now=t, config=c)),
    "respond, first and answered": (
        "new",
        lambda db, ref, c, t: respond_lead(db, ref, now=t, config=c, answered=True),
    ),
    "respond, first with a promise": (
        "new",
        lambda db, ref, c, t: respond_lead(db, ref, now=t, config=c, answer_by="+2h"),
    ),
    "respond, the answer": (
        "contacted",
        lambda db, ref, c, t: respond_lead(db, ref, now=t, config=c),
    ),
    "respond, a promise": (
        "contacted",
        lambda db, ref, c, t: respond_lead(db, ref, now=t, config=c, answer_by="+2h"),
    ),
    **{
        f"stage {stage} from new": (
            "new",
            lambda db, ref, c, t, stage=stage: change_stage(db, ref, stage, now=t, config=c),
        )
        for stage in ("contacted", "briefed", "proposal-sent", "negotiating")
    },
    "stage negotiating from proposal-sent": (
        "proposal",
        lambda db, ref, c, t: change_stage(db, ref, "negotiating", now=t, config=c),
    ),
    **{
        f"log {kind} on a new lead": (
            "new",
            lambda db, ref, c, t, kind=kind: log_lead(db, ref, kind, "text", now=t, config=c),
        )
        for kind in ("email-out", "email-in", "call", "call-out", "meeting", "note")
    },
    **{
        f"log {kind} with a ladder running": (
            "proposal",
            lambda db, ref, c, t, kind=kind: log_lead(db, ref, kind, "text", now=t, config=c),
        )
        for kind in ("email-out", "email-in", "call", "call-out", "meeting", "note")
    },
    "log email-out awaiting a reply": (
        "new",
        lambda db, ref, c, t: log_lead(
            db, ref, "email-out", "x", now=t, config=c, awaits_reply=True
        ),
    ),
    "log a reply to a cold lead": (
        "cold",
        lambda db, ref, c, t: log_lead(db, ref, "email-in", "at last", now=t, config=c),
    ),
    "win a new lead": ("new", lambda db, ref, c, t: win_lead(db, ref, now=t, config=c, client="X")),
    "win with a ladder running": (
        "proposal",
        lambda db, ref, c, t: win_lead(db, ref, now=t, config=c, client="X"),
    ),
    "lose with a ladder running": (
        "proposal",
        lambda db, ref, c, t: lose_lead(db, ref, "x", now=t),
    ),
    "reopen": ("lost", lambda db, ref, c, t: reopen_lead(db, ref, now=t, config=c)),
    "reopen to proposal-sent": (
        "lost-at-proposal",
        lambda db, ref, c, t: reopen_lead(db, ref, now=t, config=c),
    ),
    "a ladder step done": (
        "proposal",
        lambda db, ref, c, t: complete_reminder(db, _step_ref(db, ref), now=t, config=c),
    ),
    "a ladder step snoozed": (
        "proposal",
        lambda db, ref, c, t: snooze_reminder(db, _step_ref(db, ref), "+3d", now=t, config=c),
    ),
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_every_workflow_action_writes_one_timeline_entry(
    db: Database, config: Config, now: datetime, name: str
) -> None:
    prepare, action = ACTIONS[name]
    ref = new_lead(db, config, now)
    if prepare == "contacted":
        respond_lead(db, ref, now=now, config=config)
    elif prepare in ("proposal", "lost-at-proposal"):
        change_stage(db, ref, "proposal-sent", now=now, config=config)
    if prepare == "lost":
        lose_lead(db, ref, "timing", now=now)
    if prepare == "lost-at-proposal":
        lose_lead(db, ref, "timing", now=now)
    if prepare == "cold":
        change_stage(db, ref, "proposal-sent", now=now, config=config)
        later = now
        while (step := pending(db, ref)) is not None:
            later = step.due_at + timedelta(hours=1)
            complete_reminder(db, step.ref, now=later, config=config)
        assert lead_of(db, ref).cold_at is not None
    before = lead_entries(db)
    action(db, ref, config, now + timedelta(days=400 if prepare == "cold" else 0, minutes=1))
    assert lead_entries(db) == before + 1, timeline(db, ref)

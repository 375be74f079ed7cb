"""`ladder_state` and `ladder_plan`: one lead's place on its follow-up ladder, and the dates
of the steps still to come."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.followups import ladder_state
from amtui.core.lead_queries import get_lead_details
from amtui.core.leads import LeadDraft, add_lead
from amtui.core.pipeline import change_stage, log_lead
from amtui.core.reminders import add_reminder, complete_reminder
from amtui.core.sla import ladder_plan, parse_ladder, step_due


def state_of(db: Database, ref: str, config: Config):  # type: ignore[no-untyped-def]
    details = get_lead_details(db, ref)
    return ladder_state(details.row.lead, details.reminders, config)


def test_ladder_state_running_idle_and_cold(db: Database, config: Config, now: datetime) -> None:
    ref = f"L{add_lead(db, LeadDraft('Website'), now=now, config=config).lead.id}"
    add_reminder(db, "Call Anna", now + timedelta(hours=1), now=now, config=config, about=ref)
    idle = state_of(db, ref, config)
    assert (idle.status, idle.pending, idle.done, idle.steps) == ("idle", None, 0, 6)

    change_stage(db, ref, "proposal-sent", now=now, config=config)
    first = state_of(db, ref, config)
    assert first.status == "running" and first.pending is not None
    assert (first.pending.step, first.done) == (1, 0)

    later = now + timedelta(days=2)
    complete_reminder(db, f"R{first.pending.id}", now=later, config=config)
    second = state_of(db, ref, config)
    assert second.pending is not None and (second.pending.step, second.done) == (2, 1)

    log_lead(db, ref, "email-in", "Looks good", now=later, config=config)
    stopped = state_of(db, ref, config)
    assert (stopped.status, stopped.pending, stopped.done) == ("idle", None, 1)

    log_lead(db, ref, "email-out", "v2", now=later, config=config, awaits_reply=True)
    at = later
    while (step := state_of(db, ref, config).pending) is not None:
        at = step.due_at + timedelta(hours=1)
        complete_reminder(db, f"R{step.id}", now=at, config=config)
    cold = state_of(db, ref, config)
    assert (cold.status, cold.done, cold.cold_at) == ("cold", 6, at)


def test_the_plan_is_what_the_ladder_does_when_each_step_is_done_when_due(
    db: Database, config: Config, now: datetime
) -> None:
    """`ladder_plan` dates every remaining step by the rule that schedules them: doing each
    step at its planned time schedules the next one exactly where the plan said."""
    tokyo = ZoneInfo("Asia/Tokyo")
    lead = add_lead(db, LeadDraft("Website", timezone="Asia/Tokyo"), now=now, config=config).lead
    change_stage(db, lead.ref, "proposal-sent", now=now, config=config)
    details = get_lead_details(db, lead.ref)
    state = ladder_state(details.row.lead, details.reminders, config)
    plan = ladder_plan(state, config, config.deadline_zone(details.zone), now)
    assert [p.step for p in plan] == [1, 2, 3, 4, 5, 6]
    assert [p.kind for p in plan[:2]] == ["check-receipt", "follow-up"]
    for planned in plan:
        pending = state_of(db, lead.ref, config).pending
        assert pending is not None and pending.step == planned.step
        assert pending.due_at == planned.due
        local = planned.due.astimezone(tokyo)
        assert local.weekday() < 5 and 9 <= local.hour < 18  # the client's working hours
        complete_reminder(db, pending.ref, now=planned.due, config=config)
    assert state_of(db, lead.ref, config).status == "cold"


def test_a_pending_step_past_due_counts_as_done_now_in_the_plan(
    db: Database, config: Config, now: datetime
) -> None:
    lead = add_lead(db, LeadDraft("Website"), now=now, config=config).lead
    change_stage(db, lead.ref, "proposal-sent", now=now, config=config)
    details = get_lead_details(db, lead.ref)
    state = ladder_state(details.row.lead, details.reminders, config)
    assert state.pending is not None
    late = state.pending.due_at + timedelta(days=2)
    plan = ladder_plan(state, config, config.timezone, late)
    assert plan[0].due == state.pending.due_at  # the pending step keeps its own date
    ladder = parse_ladder(config.followup_ladder)
    assert plan[1].due == step_due(late, ladder[1], config.timezone, config.working_hours)
    idle = add_lead(db, LeadDraft("Idle"), now=now, config=config).lead
    assert ladder_plan(state_of(db, idle.ref, config), config, config.timezone, now) == []

"""`ladder_state`: one lead's place on its follow-up ladder, from its reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.followups import ladder_state
from amtui.core.leads import LeadDraft, add_lead, get_lead_details
from amtui.core.pipeline import change_stage, log_lead
from amtui.core.reminders import add_reminder, complete_reminder


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

"""The follow-up ladder on stored leads: start, advance, stop, and the state of every lead.

A running ladder is exactly one open reminder of kind `check-receipt` (step 1) or `follow-up`
(steps 2…N) on the lead. Doing a step without a reply schedules the next one, counted from when
the step was done; a reply, a win or a loss stops the ladder (the pending step is removed and
the timeline says why); doing the last step marks the lead as gone cold. The timing rules are
the pure functions in `amtui.core.sla`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from amtui.core.activities import ActivityKind, add_effects, record_activity
from amtui.core.config import Config
from amtui.core.lead_queries import LeadRow, lead_rows
from amtui.core.members import EVERYONE, Scope
from amtui.core.models import (
    REMINDER_DUE_SQL,
    Activity,
    Client,
    Lead,
    Reminder,
    delete,
    first,
    get,
    insert,
    records,
    save,
)
from amtui.core.sla import (
    LadderState,
    ladder_state,
    parse_ladder,
    step_due,
    step_kind,
    step_text,
)
from amtui.core.sql import Database, Tx
from amtui.core.vocabulary import CLOSED_STAGES, LADDER_KINDS

_LADDER_KINDS = ", ".join(f"'{kind}'" for kind in LADDER_KINDS)


def lead_zone(tx: Tx, lead: Lead, config: Config) -> ZoneInfo:
    """The zone a lead's deadlines are counted in: its own, its client's, else the user's."""
    client = get(tx, Client, lead.client_id) if lead.client_id and not lead.timezone else None
    return config.deadline_zone(lead.timezone or (client.timezone if client else None))


def pending_step(tx: Tx, lead: Lead) -> Reminder | None:
    """The ladder step waiting to be done, if a ladder is running."""
    return first(
        tx,
        Reminder,
        f"SELECT * FROM reminder WHERE lead_id = :id AND kind IN ({_LADDER_KINDS}) "
        "AND done_at IS NULL ORDER BY id",
        {"id": lead.id},
    )


def _schedule(
    tx: Tx, lead: Lead, step: int, after: datetime, *, now: datetime, config: Config
) -> Reminder:
    ladder = parse_ladder(config.followup_ladder)
    interval = ladder[step - 1]
    due = step_due(after, interval, lead_zone(tx, lead, config), config.working_hours)
    reminder = Reminder(
        text=step_text(step, ladder),
        kind=step_kind(step),
        step=step,
        due_at=due,
        lead_id=lead.id,
        created_at=now,
    )
    return insert(tx, reminder)


def start_ladder(tx: Tx, lead: Lead, *, now: datetime, config: Config, entry: Activity) -> Reminder:
    """(Re)start the ladder at step 1, counted from `now` (a proposal or a message just sent).
    The action's timeline `entry` records it (one action, one entry); the caller saves `lead`
    and `entry`."""
    previous = pending_step(tx, lead)
    if previous is not None:
        delete(tx, previous)
    lead.cold_at = None
    reminder = _schedule(tx, lead, 1, now, now=now, config=config)
    add_effects(entry, ladder_started={"reminder": reminder.id, "ladder": config.followup_ladder})
    return reminder


def stop_ladder(
    tx: Tx, lead: Lead, *, now: datetime, reason: str, entry: Activity
) -> Reminder | None:
    """Stop a running ladder (a reply, a win, a loss): the pending step is removed, and the
    action's timeline `entry` says so (the caller saves it)."""
    pending = pending_step(tx, lead)
    if pending is None:
        return None
    add_effects(entry, ladder_stopped={"step": pending.step, "reason": reason})
    delete(tx, pending)
    return pending


def ladder_started_at(tx: Tx, lead: Lead) -> datetime | None:
    """When the running ladder began: the time of the action that started it (the proposal
    or the message sent awaiting a reply); None when no ladder has run."""
    for entry in records(
        tx,
        Activity,
        "SELECT * FROM activity WHERE lead_id = :id AND data IS NOT NULL ORDER BY id DESC",
        {"id": lead.id},
    ):
        if "ladder_started" in (entry.data or {}).get("effects", {}):
            return entry.occurred_at
    return None


def stop_ladder_on_reply(
    tx: Tx, lead: Lead, *, now: datetime, occurred: datetime, entry: Activity
) -> Reminder | None:
    """A reply stops the running ladder, unless it was received before the ladder began: a
    mail imported late, or logged afterwards, that predates the proposal does not answer it."""
    if pending_step(tx, lead) is None:
        return None
    started = ladder_started_at(tx, lead)
    if started is not None and occurred < started:
        return None
    return stop_ladder(tx, lead, now=now, reason="reply", entry=entry)


def advance_ladder(tx: Tx, done: Reminder, *, now: datetime, config: Config) -> Reminder | None:
    """A ladder step was done without a reply: schedule the next, or mark the lead cold."""
    lead = get(tx, Lead, done.lead_id)
    if lead is None or done.kind not in LADDER_KINDS or lead.stage in CLOSED_STAGES:
        return None
    ladder = parse_ladder(config.followup_ladder)
    step = done.step or 1
    entry = record_activity(
        tx,
        lead,
        ActivityKind.NOTE,
        f"follow-up step {step} done",
        now=now,
        data={"ladder": "step-done", "step": step},
    )
    if step >= len(ladder):
        lead.cold_at = now
        lead.updated_at = now
        add_effects(entry, cold=True)
        save(tx, lead)
        save(tx, entry)
        return None
    return _schedule(tx, lead, step + 1, now, now=now, config=config)


@dataclass
class FollowupState:
    """Where a lead stands on its ladder, with the zone its steps are counted in."""

    row: LeadRow
    ladder: LadderState[Reminder]
    zone: ZoneInfo

    @property
    def steps(self) -> int:
        return self.ladder.steps

    @property
    def done(self) -> int:
        return self.ladder.done

    @property
    def pending(self) -> Reminder | None:
        return self.ladder.pending

    @property
    def status(self) -> str:
        return self.ladder.status


def list_followups(
    db: Database,
    *,
    config: Config,
    include_idle: bool = False,
    limit: int | None = 200,
    scope: Scope = EVERYONE,
) -> list[FollowupState]:
    """The ladder state of open leads, the next step due first (cold and idle ones after);
    with `scope`, one member's (and nobody's) only."""
    with db.read() as tx:
        pending_due = (
            f"(SELECT min({REMINDER_DUE_SQL}) FROM reminder WHERE reminder.lead_id = lead.id "
            f"AND reminder.kind IN ({_LADDER_KINDS}) AND reminder.done_at IS NULL)"
        )
        params: dict[str, Any] = {"closed": CLOSED_STAGES}
        where = f"stage NOT IN :closed AND {scope.owned(params)}"
        if not include_idle:
            where += f" AND ({pending_due} IS NOT NULL OR cold_at IS NOT NULL)"
        order = f"CASE WHEN {pending_due} IS NULL THEN 1 ELSE 0 END, {pending_due}, id"
        sql = f"SELECT * FROM lead WHERE {where} ORDER BY {order}" + tx.page(limit)
        leads = records(tx, Lead, sql, params)
        ids = tuple(lead.id for lead in leads)
        pending = {
            r.lead_id: r
            for r in records(
                tx,
                Reminder,
                f"SELECT * FROM reminder WHERE lead_id IN :ids AND kind IN ({_LADDER_KINDS}) "
                "AND done_at IS NULL ORDER BY id",
                {"ids": ids},
            )
        }
        states = []
        for row in lead_rows(tx, leads):
            own = [pending[row.lead.id]] if row.lead.id in pending else []
            state = ladder_state(row.lead, own, config)  # only the pending step: idle is 0 done
            zone = lead_zone(tx, row.lead, config)
            states.append(FollowupState(row, state, zone))
        return states

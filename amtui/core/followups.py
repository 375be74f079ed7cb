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
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from amtui.core.activities import ActivityKind, add_effects, record_activity
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.lead_queries import LeadRow, lead_rows
from amtui.core.models import Activity, Client, Lead, Reminder
from amtui.core.sla import (
    LadderState,
    ladder_state,
    parse_ladder,
    step_due,
    step_kind,
    step_text,
)
from amtui.core.vocabulary import CLOSED_STAGES, LADDER_KINDS


def lead_zone(session: Session, lead: Lead, config: Config) -> ZoneInfo:
    """The zone a lead's deadlines are counted in: its own, its client's, else the user's."""
    client = session.get(Client, lead.client_id) if lead.client_id and not lead.timezone else None
    return config.deadline_zone(lead.timezone or (client.timezone if client else None))


def pending_step(session: Session, lead: Lead) -> Reminder | None:
    """The ladder step waiting to be done, if a ladder is running."""
    return session.exec(
        select(Reminder).where(
            col(Reminder.lead_id) == lead.id,
            col(Reminder.kind).in_(LADDER_KINDS),
            col(Reminder.done_at).is_(None),
        )
    ).first()


def _schedule(
    session: Session, lead: Lead, step: int, after: datetime, *, now: datetime, config: Config
) -> Reminder:
    ladder = parse_ladder(config.followup_ladder)
    interval = ladder[step - 1]
    due = step_due(after, interval, lead_zone(session, lead, config), config.working_hours)
    reminder = Reminder(
        text=step_text(step, ladder),
        kind=step_kind(step),
        step=step,
        due_at=due,
        lead_id=lead.id,
        created_at=now,
    )
    session.add(reminder)
    session.flush()
    return reminder


def start_ladder(
    session: Session, lead: Lead, *, now: datetime, config: Config, entry: Activity
) -> Reminder:
    """(Re)start the ladder at step 1, counted from `now` (a proposal or a message just sent).
    The action's timeline `entry` records it (one action, one entry)."""
    previous = pending_step(session, lead)
    if previous is not None:
        session.delete(previous)
    lead.cold_at = None
    reminder = _schedule(session, lead, 1, now, now=now, config=config)
    add_effects(entry, ladder_started={"reminder": reminder.id, "ladder": config.followup_ladder})
    return reminder


def stop_ladder(
    session: Session, lead: Lead, *, now: datetime, reason: str, entry: Activity
) -> Reminder | None:
    """Stop a running ladder (a reply, a win, a loss): the pending step is removed, and the
    action's timeline `entry` says so."""
    pending = pending_step(session, lead)
    if pending is None:
        return None
    add_effects(entry, ladder_stopped={"step": pending.step, "reason": reason})
    session.delete(pending)
    return pending


def advance_ladder(
    session: Session, done: Reminder, *, now: datetime, config: Config
) -> Reminder | None:
    """A ladder step was done without a reply: schedule the next, or mark the lead cold."""
    lead = session.get(Lead, done.lead_id) if done.lead_id else None
    if lead is None or done.kind not in LADDER_KINDS or lead.stage in CLOSED_STAGES:
        return None
    ladder = parse_ladder(config.followup_ladder)
    step = done.step or 1
    entry = record_activity(
        session,
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
        return None
    return _schedule(session, lead, step + 1, now, now=now, config=config)


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
    db: Database, *, config: Config, include_idle: bool = False, limit: int | None = 200
) -> list[FollowupState]:
    """The ladder state of open leads, the next step due first (cold and idle ones after)."""
    with db.read() as session:
        pending_due = (
            select(func.min(func.coalesce(Reminder.snoozed_until, Reminder.due_at)))
            .where(
                col(Reminder.lead_id) == Lead.id,
                col(Reminder.kind).in_(LADDER_KINDS),
                col(Reminder.done_at).is_(None),
            )
            .scalar_subquery()
        )
        query = select(Lead).where(col(Lead.stage).not_in(CLOSED_STAGES))
        if not include_idle:
            query = query.where(sa.or_(pending_due.is_not(None), col(Lead.cold_at).is_not(None)))
        query = query.order_by(
            sa.case((pending_due.is_(None), 1), else_=0), pending_due, col(Lead.id)
        )
        if limit is not None:
            query = query.limit(limit)
        leads = list(session.exec(query))
        ids = [lead.id for lead in leads]
        pending = {
            r.lead_id: r
            for r in session.exec(
                select(Reminder).where(
                    col(Reminder.lead_id).in_(ids),
                    col(Reminder.kind).in_(LADDER_KINDS),
                    col(Reminder.done_at).is_(None),
                )
            )
        }
        states = []
        for row in lead_rows(session, leads):
            own = [pending[row.lead.id]] if row.lead.id in pending else []
            state = ladder_state(row.lead, own, config)  # only the pending step: idle is 0 done
            zone = lead_zone(session, row.lead, config)
            states.append(FollowupState(row, state, zone))
        return states

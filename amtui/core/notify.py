"""What is due and not yet notified: reminders and lead deadlines, each reported once.

`collect_due` claims items with conditional UPDATE … RETURNING inside one write transaction
(`BEGIN IMMEDIATE` on SQLite), so two runs that overlap (a cron job and the TUI, or two cron
jobs) can never both report the same item. Lead deadlines are reported as early as they are
useful: a new lead's first response as soon as it arrives (the whole window is 15 minutes),
the substantive answer `answer_warning_minutes` before it is due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.lead_queries import LeadRow, lead_rows
from amtui.core.models import Client, Lead, Reminder, effective_due
from amtui.core.reminders import ReminderRow, reminder_rows
from amtui.core.sla import deadlines_of
from amtui.core.vocabulary import LEAD_ANSWER_PENDING_SQL, LEAD_WAITING_SQL


@dataclass
class DueItem:
    """One notification: a reminder, or a lead deadline (`first-response` / `answer`)."""

    kind: str  # "reminder", "first-response" or "answer"
    due: datetime
    zone: ZoneInfo | None  # the client's zone, when known
    reminder: ReminderRow | None = None
    lead: LeadRow | None = None

    @property
    def ref(self) -> str:
        if self.reminder is not None:
            return self.reminder.reminder.ref
        assert self.lead is not None
        return self.lead.lead.ref


def collect_due(db: Database, *, now: datetime, config: Config) -> list[DueItem]:
    """Claim and return everything due now that was not notified before (oldest first)."""
    with db.write() as session:
        reminder_ids = _claim(
            session,
            Reminder,
            Reminder.notified_at,
            sa.and_(
                col(Reminder.done_at).is_(None),
                col(Reminder.notified_at).is_(None),
                effective_due() <= now,
            ),
            now,
        )
        waiting_ids = _claim(
            session,
            Lead,
            Lead.response_notified_at,
            sa.and_(sa.text(LEAD_WAITING_SQL), col(Lead.response_notified_at).is_(None)),
            now,
        )
        warning = timedelta(minutes=config.answer_warning_minutes)
        answer_ids = _claim(
            session,
            Lead,
            Lead.answer_notified_at,
            sa.and_(
                sa.text(LEAD_ANSWER_PENDING_SQL),
                col(Lead.first_response_at).is_not(None),
                col(Lead.answer_notified_at).is_(None),
                col(Lead.answer_due_at) <= now + warning,
            ),
            now,
        )
        items: list[DueItem] = []
        reminders = list(session.exec(select(Reminder).where(col(Reminder.id).in_(reminder_ids))))
        for reminder_row in reminder_rows(session, reminders):
            # The client's zone as the agenda shows it: the lead's own, else its client's
            # (for reminders about a lead, a client or a task alike); None when unknown.
            zone = ZoneInfo(reminder_row.zone) if reminder_row.zone else None
            due = reminder_row.reminder.effective_due
            items.append(DueItem("reminder", due, zone, reminder=reminder_row))
        leads = list(session.exec(select(Lead).where(col(Lead.id).in_(waiting_ids + answer_ids))))
        for row in lead_rows(session, leads):
            lead = row.lead
            zone = _known_zone(session, lead)
            deadlines = deadlines_of(lead, config.response_rule)
            assert deadlines is not None  # claimed through conditions on open leads only
            for kind, ids in (("first-response", waiting_ids), ("answer", answer_ids)):
                if lead.id in ids:
                    items.append(DueItem(kind, deadlines.of(kind).due, zone, lead=row))
    items.sort(key=lambda item: (item.due, item.ref))
    return items


def _known_zone(session: Session, lead: Lead) -> ZoneInfo | None:
    """The lead's client zone when known (its own, else its client's); never the user's."""
    if lead.timezone:
        return ZoneInfo(lead.timezone)
    client = session.get(Client, lead.client_id) if lead.client_id else None
    return ZoneInfo(client.timezone) if client is not None and client.timezone else None


def _claim(
    session: Session, model: type, column: object, condition: sa.ColumnElement[bool], now: datetime
) -> list[int]:
    """Set `column` to now where `condition` holds, atomically; return the ids it set."""
    statement = (
        sa.update(model).where(condition).values({column: now}).returning(model.id)  # type: ignore[attr-defined]
    )
    return [row[0] for row in session.execute(statement)]

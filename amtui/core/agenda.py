"""The daily agenda, shared by `amtui agenda` and the TUI's agenda region.

All of it is computed for one local day of the user (DESIGN §3): what is overdue, what is due
that day (timed items by time, then all-day ones), which leads still wait for a first response,
which reminders fall due, and the deadlines of the next N days. Every section is a count plus
its first `limit` items, each fetched through a partial index, so the cost does not grow with
the size of the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from amtui.core.config import Config
from amtui.core.dates import day_bounds, local_today
from amtui.core.db import Database
from amtui.core.leads import LeadRow, lead_rows
from amtui.core.models import LEAD_WAITING_SQL, Lead, Reminder, Task
from amtui.core.reminders import ReminderRow, effective_due, reminder_rows
from amtui.core.tasks import TaskRow, rows_for


@dataclass
class AgendaItem:
    """One line of the agenda: a task, a lead waiting for a response, or a reminder."""

    due: date | datetime
    overdue: bool
    task: TaskRow | None = None
    lead: LeadRow | None = None
    reminder: ReminderRow | None = None

    @property
    def ref(self) -> str:
        if self.task:
            return f"T{self.task.task.id}"
        if self.lead:
            return f"L{self.lead.lead.id}"
        assert self.reminder is not None
        return f"R{self.reminder.reminder.id}"


@dataclass
class Section:
    total: int = 0
    items: list[AgendaItem] = field(default_factory=list)

    @property
    def more(self) -> int:
        """How many items the limit left out."""
        return self.total - len(self.items)


@dataclass
class Agenda:
    day: date
    now: datetime
    timezone: ZoneInfo
    days: int
    overdue: Section
    today: Section
    waiting: Section
    reminders: Section
    upcoming: Section

    @property
    def is_today(self) -> bool:
        return self.day == local_today(self.now, self.timezone)


def build_agenda(
    db: Database,
    *,
    now: datetime,
    config: Config,
    day: date | None = None,
    days: int | None = None,
    limit: int | None = 50,
) -> Agenda:
    """The agenda for `day` (default: the user's today) and the `days` after it."""
    tz = config.timezone
    today = local_today(now, tz)
    day = day or today
    days = config.agenda_days if days is None else days
    start, end = day_bounds(day, tz)
    # "Overdue" means before now on the current day, before the day's start on any other.
    cutoff = now if day == today else start
    horizon_date = day + timedelta(days=days)
    horizon = day_bounds(horizon_date, tz)[1]
    response_window = timedelta(minutes=config.first_response_minutes)
    with db.read() as session:
        tasks = _TaskWindow(session, limit)
        overdue = tasks.section(
            col(Task.due_at) < cutoff, col(Task.due_date) < day, cutoff=cutoff, tz=tz
        )
        due_today = tasks.section(
            sa.and_(col(Task.due_at) >= cutoff, col(Task.due_at) < end),
            col(Task.due_date) == day,
            cutoff=cutoff,
            tz=tz,
        )
        upcoming = tasks.section(
            sa.and_(col(Task.due_at) >= end, col(Task.due_at) < horizon),
            sa.and_(col(Task.due_date) > day, col(Task.due_date) <= horizon_date),
            cutoff=cutoff,
            tz=tz,
        )
        reminders = _ReminderWindow(session, limit)
        overdue = _merge(overdue, reminders.section(effective_due() < cutoff, cutoff), limit, tz)
        reminders_today = reminders.section(
            sa.and_(effective_due() >= cutoff, effective_due() < end), cutoff
        )
        waiting = _waiting_leads(session, limit, cutoff, response_window)
    return Agenda(day, now, tz, days, overdue, due_today, waiting, reminders_today, upcoming)


def sort_key(value: date | datetime, tz: ZoneInfo) -> datetime:
    """Order dates and instants together: an all-day item sorts at the end of its day."""
    if isinstance(value, datetime):
        return value
    return day_bounds(value, tz)[1] - timedelta(microseconds=1)


class _TaskWindow:
    """Open tasks due in a window: timed and all-day deadlines come from separate indexes."""

    def __init__(self, session: Session, limit: int | None) -> None:
        self.session, self.limit = session, limit

    def section(
        self,
        timed: sa.ColumnElement[bool],
        all_day: sa.ColumnElement[bool],
        *,
        cutoff: datetime,
        tz: ZoneInfo,
    ) -> Section:
        open_task = col(Task.done_at).is_(None)
        total = 0
        tasks: list[Task] = []
        for condition, order in ((timed, Task.due_at), (all_day, Task.due_date)):
            where = sa.and_(open_task, col(order).is_not(None), condition)
            total += self.session.exec(select(func.count()).select_from(Task).where(where)).one()
            query = select(Task).where(where).order_by(col(order), col(Task.id))
            if self.limit is not None:
                query = query.limit(self.limit)
            tasks.extend(self.session.exec(query))
        rows = rows_for(self.session, tasks)
        items = [
            AgendaItem(row.task.due or cutoff, is_overdue(row.task.due, cutoff, tz), task=row)
            for row in rows
        ]
        items.sort(key=lambda item: sort_key(item.due, tz))
        return Section(total, items[: self.limit] if self.limit is not None else items)


class _ReminderWindow:
    def __init__(self, session: Session, limit: int | None) -> None:
        self.session, self.limit = session, limit

    def section(self, condition: sa.ColumnElement[bool], cutoff: datetime) -> Section:
        where = sa.and_(col(Reminder.done_at).is_(None), condition)
        total = self.session.exec(select(func.count()).select_from(Reminder).where(where)).one()
        query = select(Reminder).where(where).order_by(effective_due(), col(Reminder.id))
        if self.limit is not None:
            query = query.limit(self.limit)
        rows = reminder_rows(self.session, list(self.session.exec(query)))
        items = [
            AgendaItem(
                row.reminder.effective_due, row.reminder.effective_due < cutoff, reminder=row
            )
            for row in rows
        ]
        return Section(total, items)


def _waiting_leads(
    session: Session, limit: int | None, cutoff: datetime, window: timedelta
) -> Section:
    where = sa.text(LEAD_WAITING_SQL)  # literal, so SQLite can use the partial index
    total = session.exec(select(func.count()).select_from(Lead).where(where)).one()
    query = select(Lead).where(where).order_by(col(Lead.received_at), col(Lead.id))
    if limit is not None:
        query = query.limit(limit)
    items = [
        AgendaItem(row.lead.received_at + window, row.lead.received_at + window < cutoff, lead=row)
        for row in lead_rows(session, list(session.exec(query)))
    ]
    return Section(total, items)


def _merge(first: Section, second: Section, limit: int | None, tz: ZoneInfo) -> Section:
    items = sorted([*first.items, *second.items], key=lambda item: sort_key(item.due, tz))
    return Section(first.total + second.total, items[:limit] if limit is not None else items)


def is_overdue(due: date | datetime | None, cutoff: datetime, tz: ZoneInfo) -> bool:
    """Past its deadline at `cutoff`: an all-day due counts until the end of its day."""
    if due is None:
        return False
    if isinstance(due, datetime):
        return due < cutoff
    return day_bounds(due, tz)[1] <= cutoff

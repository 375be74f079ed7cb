"""The daily agenda, shared by `amtui agenda` and the TUI's agenda region.

All of it is computed for one local day of the user (DESIGN §3): what is overdue, what is due
that day (timed items by time, then all-day ones), the leads' service-level deadlines (first
responses still owed, substantive answers due by the end of the day), which reminders fall due
(follow-up steps among them), and every deadline of the next N days (tasks, reminders and
follow-up steps, answers promised for a later day). Every section is a count plus
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
from amtui.core.dates import day_bounds, is_overdue, local_today
from amtui.core.db import Database
from amtui.core.lead_queries import LeadRow, lead_rows
from amtui.core.models import Client, Lead, Reminder, Task, effective_due
from amtui.core.reminders import ReminderRow, reminder_rows
from amtui.core.sla import ResponseRule, deadlines_of
from amtui.core.task_queries import TaskRow, rows_for
from amtui.core.vocabulary import LEAD_ANSWER_PENDING_SQL, LEAD_WAITING_SQL


@dataclass
class AgendaItem:
    """One line of the agenda: a task, a lead deadline, or a reminder."""

    due: date | datetime
    overdue: bool
    task: TaskRow | None = None
    lead: LeadRow | None = None
    reminder: ReminderRow | None = None
    deadline: str | None = None  # for a lead: "first-response" or "answer"
    zone: ZoneInfo | None = None  # the client's zone, to show the client's local time

    @property
    def ref(self) -> str:
        if self.task:
            return self.task.task.ref
        if self.lead:
            return self.lead.lead.ref
        assert self.reminder is not None
        return self.reminder.reminder.ref


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
    answers: Section
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
    client_id: int | None = None,
) -> Agenda:
    """The agenda for `day` (default: the user's today) and the `days` after it; with
    `client_id`, only what concerns that client (its tasks, leads and their reminders)."""
    tz = config.timezone
    today = local_today(now, tz)
    day = day or today
    days = config.agenda_days if days is None else days
    start, end = day_bounds(day, tz)
    # "Overdue" means before now on the current day, before the day's start on any other.
    cutoff = now if day == today else start
    horizon_date = day + timedelta(days=days)
    horizon = day_bounds(horizon_date, tz)[1]
    rule = config.response_rule
    task_of, lead_of, reminder_of = _client_filters(client_id)
    with db.read() as session:
        tasks = _TaskWindow(session, limit, task_of)
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
        reminders = _ReminderWindow(session, limit, reminder_of)
        overdue = _merge(overdue, reminders.section(effective_due() < cutoff, cutoff), limit, tz)
        reminders_today = reminders.section(
            sa.and_(effective_due() >= cutoff, effective_due() < end), cutoff
        )
        leads = _LeadWindow(session, limit, rule, cutoff)
        waiting = leads.section(
            sa.and_(sa.text(LEAD_WAITING_SQL), lead_of), Lead.received_at, "first-response"
        )
        answer_owed = sa.and_(
            sa.text(LEAD_ANSWER_PENDING_SQL), col(Lead.first_response_at).is_not(None), lead_of
        )
        answers = leads.section(
            sa.and_(answer_owed, col(Lead.answer_due_at) < end), Lead.answer_due_at, "answer"
        )
        # The next days hold every kind of deadline: tasks, reminders (follow-up steps among
        # them) and the answers promised for a later day.
        upcoming = _merge(
            upcoming,
            reminders.section(sa.and_(effective_due() >= end, effective_due() < horizon), cutoff),
            limit,
            tz,
        )
        upcoming = _merge(
            upcoming,
            leads.section(
                sa.and_(
                    answer_owed, col(Lead.answer_due_at) >= end, col(Lead.answer_due_at) < horizon
                ),
                Lead.answer_due_at,
                "answer",
            ),
            limit,
            tz,
        )
        for section in (overdue, due_today, upcoming, reminders_today, waiting, answers):
            _attach_zones(session, section.items)
    return Agenda(
        day, now, tz, days, overdue, due_today, waiting, answers, reminders_today, upcoming
    )


def _client_filters(
    client_id: int | None,
) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[bool], sa.ColumnElement[bool]]:
    """Conditions for tasks, leads and reminders of one client (all true when None)."""
    if client_id is None:
        return sa.true(), sa.true(), sa.true()
    leads = select(Lead.id).where(col(Lead.client_id) == client_id)
    tasks = select(Task.id).where(col(Task.client_id) == client_id)
    return (
        col(Task.client_id) == client_id,
        col(Lead.client_id) == client_id,
        sa.or_(
            col(Reminder.client_id) == client_id,
            col(Reminder.lead_id).in_(leads),
            col(Reminder.task_id).in_(tasks),
        ),
    )


def sort_key(value: date | datetime, tz: ZoneInfo) -> datetime:
    """Order dates and instants together: an all-day item sorts at the end of its day."""
    if isinstance(value, datetime):
        return value
    return day_bounds(value, tz)[1] - timedelta(microseconds=1)


class _TaskWindow:
    """Open tasks due in a window: timed and all-day deadlines come from separate indexes."""

    def __init__(self, session: Session, limit: int | None, scope: sa.ColumnElement[bool]) -> None:
        self.session, self.limit, self.scope = session, limit, scope

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
            where = sa.and_(open_task, col(order).is_not(None), condition, self.scope)
            total += self.session.exec(select(func.count()).select_from(Task).where(where)).one()
            query = select(Task).where(where).order_by(col(order), col(Task.id))
            if self.limit is not None:
                query = query.limit(self.limit)
            tasks.extend(self.session.exec(query))
        # Merge the two index walks and keep the first `limit` before decorating them.
        tasks.sort(key=lambda task: sort_key(task.due or cutoff, tz))
        if self.limit is not None:
            tasks = tasks[: self.limit]
        items = [
            AgendaItem(row.task.due or cutoff, is_overdue(row.task.due, cutoff, tz), task=row)
            for row in rows_for(self.session, tasks)
        ]
        return Section(total, items)


class _ReminderWindow:
    def __init__(self, session: Session, limit: int | None, scope: sa.ColumnElement[bool]) -> None:
        self.session, self.limit, self.scope = session, limit, scope

    def section(self, condition: sa.ColumnElement[bool], cutoff: datetime) -> Section:
        where = sa.and_(col(Reminder.done_at).is_(None), condition, self.scope)
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


class _LeadWindow:
    """Leads owing a response or an answer, the earliest deadline first (partial indexes);
    each item's time is the deadline as `sla` derives it."""

    def __init__(
        self, session: Session, limit: int | None, rule: ResponseRule, cutoff: datetime
    ) -> None:
        self.session, self.limit, self.rule, self.cutoff = session, limit, rule, cutoff

    def section(self, where: sa.ColumnElement[bool], order: object, kind: str) -> Section:
        total = self.session.exec(select(func.count()).select_from(Lead).where(where)).one()
        query = select(Lead).where(where).order_by(col(order), col(Lead.id))
        if self.limit is not None:
            query = query.limit(self.limit)
        items = []
        for row in lead_rows(self.session, list(self.session.exec(query))):
            deadlines = deadlines_of(row.lead, self.rule)
            assert deadlines is not None  # the conditions select open leads only
            due = deadlines.of(kind).due
            items.append(AgendaItem(due, due < self.cutoff, lead=row, deadline=kind))
        return Section(total, items)


def _attach_zones(session: Session, items: list[AgendaItem]) -> None:
    """Give each item its client's zone (lead zone first), with one query for all clients."""
    client_ids: dict[int, list[AgendaItem]] = {}
    for item in items:
        own = (
            item.lead.lead.timezone if item.lead else item.reminder.zone if item.reminder else None
        )
        if own:
            item.zone = ZoneInfo(own)
            continue
        client_id = None
        if item.task is not None:
            client_id = item.task.task.client_id
        elif item.lead is not None:
            client_id = item.lead.lead.client_id
        if client_id:
            client_ids.setdefault(client_id, []).append(item)
    if not client_ids:
        return
    zones = session.execute(
        select(Client.id, Client.timezone).where(col(Client.id).in_(list(client_ids)))
    )
    for client_id, zone in zones:
        if zone:
            for item in client_ids[client_id]:
                item.zone = ZoneInfo(zone)


def _merge(first: Section, second: Section, limit: int | None, tz: ZoneInfo) -> Section:
    items = sorted([*first.items, *second.items], key=lambda item: sort_key(item.due, tz))
    return Section(first.total + second.total, items[:limit] if limit is not None else items)

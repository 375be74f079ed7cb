"""The daily agenda, shared by `amtui agenda` and the TUI's agenda region.

All of it is computed for one local day of the user (DESIGN §3): what is overdue, what is due
that day (timed items by time, then all-day ones), the leads' service-level deadlines (first
responses still owed, substantive answers due by the end of the day), which reminders fall due
(follow-up steps among them), and every deadline of the next N days (tasks, reminders and
follow-up steps, answers promised for a later day), and the invoices owed that are overdue
or due within `[money] due_soon_days` of the day (`invoices.invoice_dues`). Every section is
a count plus
its first `limit` items, each fetched through a partial index, so the cost does not grow with
the size of the database.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from amtui.core.config import Config
from amtui.core.dates import day_bounds, is_overdue, local_today
from amtui.core.invoice_queries import InvoiceRow, invoice_dues
from amtui.core.lead_queries import LeadRow, lead_rows
from amtui.core.members import EVERYONE, Scope
from amtui.core.models import REMINDER_DUE_SQL, Lead, Reminder, Task, records
from amtui.core.reminders import ReminderRow, reminder_rows
from amtui.core.sla import ResponseRule, deadline_due
from amtui.core.sql import Database, Tx
from amtui.core.structs import field, struct
from amtui.core.task_queries import TaskRow, rows_for
from amtui.core.vocabulary import LEAD_ANSWER_PENDING_SQL, LEAD_WAITING_SQL

#: When a reminder is next due, in the words of its partial index.
_DUE = REMINDER_DUE_SQL

_R = TypeVar("_R", Task, Reminder)


@struct
class AgendaItem:
    """One line of the agenda: a task, a lead deadline, or a reminder."""

    due: date | datetime
    overdue: bool
    task: TaskRow | None = None
    lead: LeadRow | None = None
    reminder: ReminderRow | None = None
    deadline: str | None = None  # for a lead: "first-response" or "answer"
    zone: ZoneInfo | None = None  # the client's zone, to show the client's local time
    invoice: InvoiceRow | None = None

    @property
    def ref(self) -> str:
        if self.task:
            return self.task.task.ref
        if self.lead:
            return self.lead.lead.ref
        if self.invoice:
            return self.invoice.ref
        assert self.reminder is not None
        return self.reminder.reminder.ref


@struct
class Section:
    total: int = 0
    items: list[AgendaItem] = field(default_factory=list)

    @property
    def more(self) -> int:
        """How many items the limit left out."""
        return self.total - len(self.items)


@struct
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
    invoices: Section = field(default_factory=Section)
    #: Whose agenda: a member's handle (team mode), None for everyone's.
    owner: str | None = None

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
    scope: Scope = EVERYONE,
) -> Agenda:
    """The agenda for `day` (default: the user's today) and the `days` after it; with
    `client_id`, only what concerns that client (its tasks, leads and their reminders);
    with `scope`, only one member's (and nobody's) records."""
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
    params: dict[str, Any] = {
        "cutoff": cutoff,
        "end": end,
        "horizon": horizon,
        "day": day,
        "horizon_date": horizon_date,
        "client": client_id,
    }
    owned = scope.owned(params)
    task_of, lead_of = f"{task_of} AND {owned}", f"{lead_of} AND {owned}"
    reminder_of = f"{reminder_of} AND {scope.reminders(params)}"
    with db.read() as tx:
        tasks = _TaskWindow(tx, limit, task_of, params)
        overdue = tasks.section("due_at < :cutoff", "due_date < :day", cutoff=cutoff, tz=tz)
        due_today = tasks.section(
            "due_at >= :cutoff AND due_at < :end", "due_date = :day", cutoff=cutoff, tz=tz
        )
        upcoming = tasks.section(
            "due_at >= :end AND due_at < :horizon",
            "due_date > :day AND due_date <= :horizon_date",
            cutoff=cutoff,
            tz=tz,
        )
        reminders = _ReminderWindow(tx, limit, reminder_of, params)
        overdue = _merge(overdue, reminders.section(f"{_DUE} < :cutoff", cutoff), limit)
        reminders_today = reminders.section(f"{_DUE} >= :cutoff AND {_DUE} < :end", cutoff)
        leads = _LeadWindow(tx, limit, rule, cutoff, params)
        waiting = leads.section(
            f"{LEAD_WAITING_SQL} AND {lead_of}", "received_at", "first-response"
        )
        answer_owed = f"{LEAD_ANSWER_PENDING_SQL} AND first_response_at IS NOT NULL AND {lead_of}"
        answers = leads.section(
            f"{answer_owed} AND answer_due_at < :end", "answer_due_at", "answer"
        )
        # The next days hold every kind of deadline: tasks, reminders (follow-up steps among
        # them) and the answers promised for a later day.
        upcoming = _merge(
            upcoming,
            reminders.section(f"{_DUE} >= :end AND {_DUE} < :horizon", cutoff),
            limit,
        )
        upcoming = _merge(
            upcoming,
            leads.section(
                f"{answer_owed} AND answer_due_at >= :end AND answer_due_at < :horizon",
                "answer_due_at",
                "answer",
            ),
            limit,
        )
        shown = _decorate(tx, [overdue, due_today, waiting, answers, reminders_today, upcoming])
        invoices = _invoice_section(
            tx, day, today, config.money.due_soon_days, limit, client_id, scope
        )
    owner = scope.member.handle if scope.member else None
    return Agenda(
        day,
        now,
        tz,
        days,
        overdue=shown[0],
        today=shown[1],
        waiting=shown[2],
        answers=shown[3],
        reminders=shown[4],
        upcoming=shown[5],
        invoices=invoices,
        owner=owner,
    )


def _invoice_section(
    tx: Tx,
    day: date,
    today: date,
    soon: int,
    limit: int | None,
    client_id: int | None,
    scope: Scope,
) -> Section:
    """Invoices owed that are overdue on `day` or due within `soon` days of it, earliest
    first (their state as of `day`, so the agenda of another day reads as that day would)."""
    total, rows = invoice_dues(
        tx,
        today=day,
        due_soon_days=soon,
        until=day + timedelta(days=soon),
        client_id=client_id,
        limit=limit,
        scope=scope,
    )
    items = []
    for row in rows:
        assert row.invoice.due_on is not None  # invoice_dues: only invoices with a due date
        items.append(
            AgendaItem(row.invoice.due_on, row.invoice.due_on < day, invoice=row, zone=row.zone)
        )
    return Section(total, items)


def _client_filters(client_id: int | None) -> tuple[str, str, str]:
    """SQL conditions for tasks, leads and reminders of one client (`:client`; all true when
    `client_id` is None)."""
    if client_id is None:
        return "1 = 1", "1 = 1", "1 = 1"
    return (
        "client_id = :client",
        "client_id = :client",
        "(client_id = :client OR lead_id IN (SELECT id FROM lead WHERE client_id = :client) "
        "OR task_id IN (SELECT id FROM task WHERE client_id = :client))",
    )


def sort_key(value: date | datetime, tz: ZoneInfo) -> datetime:
    """Order dates and instants together: an all-day item sorts at the end of its day."""
    if isinstance(value, datetime):
        return value
    return day_bounds(value, tz)[1] - timedelta(microseconds=1)


class _Pending:
    """An item a window found, not yet read whole nor decorated: sections are merged and cut
    to their limit first, so that only the tasks and reminders the agenda shows are read
    (`SELECT *`, the windows read only ids and due times from their indexes) and decorated
    (client names, tags, what a reminder is about, zones), in one batch for all sections.

    A plain class with slots, not a struct: the windows make one for every item they find
    (~450 at 100k, a third of them then cut), and a struct's shared `__init__` cost ~10 k
    instructions each (bench/RESULTS.md, `s7agenda`). `key` is `sort_key(due)`, computed once
    for the merges."""

    __slots__ = ("deadline", "due", "id", "key", "lead", "overdue", "table")

    def __init__(
        self,
        due: date | datetime,
        key: datetime,
        overdue: bool,
        table: str,  # "task", "reminder" or "lead"
        record_id: int,
        lead: Lead | None = None,  # read whole by its window (its deadlines derive from it)
        deadline: str | None = None,  # for a lead: "first-response" or "answer"
    ) -> None:
        self.due, self.key, self.overdue, self.table, self.id = due, key, overdue, table, record_id
        self.lead, self.deadline = lead, deadline


@struct
class _Found:
    """A section before decoration: its count and its first `limit` pending items."""

    total: int
    items: list[_Pending]


class _TaskWindow:
    """Open tasks due in a window: timed and all-day deadlines come from separate indexes."""

    def __init__(self, tx: Tx, limit: int | None, scope: str, params: dict[str, Any]) -> None:
        self.tx, self.limit, self.scope, self.params = tx, limit, scope, params

    def section(self, timed: str, all_day: str, *, cutoff: datetime, tz: ZoneInfo) -> _Found:
        total = 0
        items: list[_Pending] = []
        for condition, order in ((timed, "due_at"), (all_day, "due_date")):
            where = f"done_at IS NULL AND {order} IS NOT NULL AND {condition} AND {self.scope}"
            total += int(self.tx.scalar(f"SELECT count(*) FROM task WHERE {where}", self.params))
            query = f"SELECT id, due_at, due_date FROM task WHERE {where} ORDER BY {order}, id"
            for task_id, due_at, due_date in self.tx.tuples(
                query + self.tx.page(self.limit), self.params
            ):
                due = Task.due_from(due_at, due_date) or cutoff
                key = sort_key(due, tz)
                items.append(_Pending(due, key, is_overdue(due, cutoff, tz), "task", task_id))
        # Merge the two index walks and keep the first `limit`.
        items.sort(key=_by_key)
        return _Found(total, items[: self.limit] if self.limit is not None else items)


class _ReminderWindow:
    def __init__(self, tx: Tx, limit: int | None, scope: str, params: dict[str, Any]) -> None:
        self.tx, self.limit, self.scope, self.params = tx, limit, scope, params

    def section(self, condition: str, cutoff: datetime) -> _Found:
        where = f"done_at IS NULL AND {condition} AND {self.scope}"
        total = int(self.tx.scalar(f"SELECT count(*) FROM reminder WHERE {where}", self.params))
        # When each is next due (`Reminder.effective_due`), in the words of its index.
        query = f'SELECT id, {_DUE} AS "due [DATETIME]" FROM reminder WHERE {where} '
        query += f"ORDER BY {_DUE}, id"
        found = self.tx.tuples(query + self.tx.page(self.limit), self.params)
        items = [_Pending(due, due, due < cutoff, "reminder", i) for i, due in found]
        return _Found(total, items)


class _LeadWindow:
    """Leads owing a response or an answer, the earliest deadline first (partial indexes);
    each item's time is the deadline as `sla` derives it."""

    def __init__(
        self,
        tx: Tx,
        limit: int | None,
        rule: ResponseRule,
        cutoff: datetime,
        params: dict[str, Any],
    ) -> None:
        self.tx, self.limit, self.rule, self.cutoff = tx, limit, rule, cutoff
        self.params = params

    def section(self, where: str, order: str, kind: str) -> _Found:
        total = int(self.tx.scalar(f"SELECT count(*) FROM lead WHERE {where}", self.params))
        query = f"SELECT * FROM lead WHERE {where} ORDER BY {order}, id"
        found = records(self.tx, Lead, query + self.tx.page(self.limit), self.params)
        items = []
        for lead in found:
            due = deadline_due(lead, self.rule, kind)  # the conditions select open leads only
            items.append(_Pending(due, due, due < self.cutoff, "lead", lead.id or 0, lead, kind))
        return _Found(total, items)


def _decorate(tx: Tx, found: list[_Found]) -> list[Section]:
    """The sections as the agenda shows them: the tasks and reminders they kept read whole,
    everything decorated in one batch per kind (`rows_for`, `reminder_rows`, `lead_rows`),
    and every item given its client's zone."""
    pending = [item for part in found for item in part.items]
    wanted: dict[str, list[int]] = {"task": [], "reminder": []}
    for item in pending:
        if item.lead is None:
            wanted[item.table].append(item.id)
    tasks = _read_whole(tx, Task, wanted["task"])
    reminders = _read_whole(tx, Reminder, wanted["reminder"])
    leads = [item.lead for item in pending if item.lead is not None]
    rows: dict[tuple[str, int], TaskRow | ReminderRow | LeadRow] = {}
    rows.update(zip([("task", task.id or 0) for task in tasks], rows_for(tx, tasks), strict=True))
    rows.update(
        zip([("reminder", r.id or 0) for r in reminders], reminder_rows(tx, reminders), strict=True)
    )
    rows.update(zip([("lead", lead.id or 0) for lead in leads], lead_rows(tx, leads), strict=True))
    sections = []
    shown: list[AgendaItem] = []
    for part in found:
        items = []
        for item in part.items:
            row = rows[item.table, item.id]
            # Every field by position: the struct's quick path (a keyword names each one).
            if isinstance(row, TaskRow):
                made = AgendaItem(item.due, item.overdue, row, None, None, None, None, None)
            elif isinstance(row, ReminderRow):
                made = AgendaItem(item.due, item.overdue, None, None, row, None, None, None)
            else:
                made = AgendaItem(
                    item.due, item.overdue, None, row, None, item.deadline, None, None
                )
            items.append(made)
        shown.extend(items)
        sections.append(Section(part.total, items))
    _attach_zones(tx, shown)
    return sections


def _read_whole(tx: Tx, model: type[_R], ids: list[int]) -> list[_R]:
    """The records of `ids`, in that order (one query)."""
    if not ids:
        return []
    found = {
        record.id: record
        for record in records(
            tx, model, f"SELECT * FROM {model.TABLE} WHERE id IN :ids", {"ids": tuple(ids)}
        )
    }
    return [found[i] for i in ids]


def _attach_zones(tx: Tx, items: list[AgendaItem]) -> None:
    """Give each item its client's zone (lead zone first), with one query for all clients
    (of every section)."""
    client_ids: dict[int, list[AgendaItem]] = {}
    # One ZoneInfo per name: the constructor looks in its cache through a Python-level
    # WeakValueDictionary.get, ~8 k instructions a call, and most items share a few zones.
    zones: dict[str, ZoneInfo] = {}
    for item in items:
        own = (
            item.lead.lead.timezone if item.lead else item.reminder.zone if item.reminder else None
        )
        if own:
            item.zone = zones.get(own) or zones.setdefault(own, ZoneInfo(own))
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
    found = tx.tuples(
        "SELECT id, timezone FROM client WHERE id IN :ids", {"ids": tuple(client_ids)}
    )
    for client_id, name in found:
        if name:
            zone = zones.get(name) or zones.setdefault(name, ZoneInfo(name))
            for item in client_ids[client_id]:
                item.zone = zone


def _by_key(item: _Pending) -> datetime:
    return item.key


def _merge(first: _Found, second: _Found, limit: int | None) -> _Found:
    items = sorted([*first.items, *second.items], key=_by_key)
    return _Found(first.total + second.total, items[:limit] if limit is not None else items)

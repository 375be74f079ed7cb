"""What amtui puts in a calendar: every open deadline as an event with an alarm (issue 11).

Each kind of event comes from one *source*: a function that reads its records in the export's
read transaction and returns `CalendarEvent`s, plain values that `amtui.io.ics` turns into
iCalendar. Adding a kind is one function appended to `SOURCES`. What an event says (summary,
description, alarm text) is decided here, once.

Only open things are exported: an open task with a due date, an open reminder (follow-up
steps included, at their snoozed time), the service-level deadlines a lead still owes
(first response, answer), and issued invoices that still owe money (their due date). A
finished one leaves the feed, and a subscribed calendar drops it.

UIDs are stable (`task-12-due.<database id>@amtui`): a re-export updates the same events. The
database id is derived from when its schema was created, so two databases (your own and the
demo) never share UIDs. Times are aware UTC; an all-day task is a `date`.

Reads through `amtui.core.sql` (stdlib sqlite3 / psycopg); no ORM.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from amtui.core.config import Config
from amtui.core.describe import View, reminder_text
from amtui.core.describe_leads import lead_origin
from amtui.core.members import EVERYONE, Scope
from amtui.core.refs import Kind, ref
from amtui.core.sla import deadlines_of
from amtui.core.sql import Database, Tx
from amtui.core.text import clean, one_line
from amtui.core.vocabulary import CLOSED_STAGES, LADDER_KINDS

#: How long before a timed task's deadline its alarm goes off.
TASK_ALARM = timedelta(minutes=15)
#: How long before a first response is due its alarm goes off (the window is 15 minutes).
FIRST_RESPONSE_ALARM = timedelta(minutes=5)


@dataclass(frozen=True)
class CalendarEvent:
    """One event. `start` is a `date` for an all-day event (it lasts that day), else an aware
    UTC instant (the event is a moment: it ends when it starts). The alarm is relative to
    the start: negative before it; for an all-day event, from the start of that day."""

    key: str  # unique in the database: `task-12-due`, `reminder-5`, `lead-7-answer`
    ref: str
    category: str  # task, reminder, follow-up, lead
    summary: str  # one line, every control and invisible character made visible
    description: str  # several lines, the same cleaning
    start: date | datetime
    alarm: timedelta
    alarm_text: str
    created: datetime
    revised: datetime  # when the record last changed: DTSTAMP and LAST-MODIFIED


@dataclass(frozen=True)
class CalendarData:
    """Everything one export holds: the events (by start, then key) and the database id."""

    database_id: str
    events: list[CalendarEvent]

    def uid(self, event: CalendarEvent) -> str:
        return f"{event.key}.{self.database_id}@amtui"


@dataclass(frozen=True)
class Context:
    """What a source needs besides the transaction: the config and the wording view."""

    config: Config
    view: View
    scope: Scope = EVERYONE  # whose deadlines (`--owner`); an invoice is its client owner's


Source = Callable[[Tx, Context], Iterable[CalendarEvent]]


def _work_start(config: Config) -> timedelta:
    """An all-day event's alarm: the start of the user's working day on that day."""
    return timedelta(hours=config.work_start.hour, minutes=config.work_start.minute)


def _lines(*items: tuple[str, str | None]) -> str:
    """`label: value` lines for the values that are there."""
    return "\n".join(f"{label}: {value}" for label, value in items if value)


def task_deadlines(tx: Tx, context: Context) -> Iterable[CalendarEvent]:
    """Open tasks (and subtasks) with a due date or time."""
    params: dict[str, Any] = {}
    rows = tx.all(
        "SELECT t.id, t.title, t.notes, t.due_date, t.due_at, t.priority, t.assignee,"
        " t.parent_id, t.created_at, t.updated_at, c.name AS client"
        " FROM task t LEFT JOIN client c ON c.id = t.client_id"
        " WHERE t.done_at IS NULL AND (t.due_at IS NOT NULL OR t.due_date IS NOT NULL)"
        f" AND {context.scope.owned(params, 't.owner_id')}",
        params,
    )
    tags = _tags(tx)
    for row in rows:
        reference = ref(Kind.TASK, row["id"])
        title = one_line(row["title"])
        client = one_line(row["client"]) if row["client"] else None
        timed = row["due_at"] is not None
        details = _lines(
            ("client", client),
            ("parent", ref(Kind.TASK, row["parent_id"]) if row["parent_id"] else None),
            ("priority", row["priority"] if row["priority"] != "normal" else None),
            ("assignee", one_line(row["assignee"]) if row["assignee"] else None),
            ("tags", " ".join(f"+{one_line(t)}" for t in tags.get(row["id"], ()))),
        )
        notes = clean(row["notes"] or "").strip()
        yield CalendarEvent(
            key=f"task-{row['id']}-due",
            ref=reference,
            category="task",
            summary=f"{reference} {title}" + (f" · {client}" if client else ""),
            description="\n\n".join(part for part in (details, notes) if part),
            start=row["due_at"] if timed else row["due_date"],
            alarm=-TASK_ALARM if timed else _work_start(context.config),
            alarm_text=f"Due: {reference} {title}",
            created=row["created_at"],
            revised=row["updated_at"],
        )


def _tags(tx: Tx) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = {}
    for task_id, tag in tx.tuples(
        "SELECT tag.task_id, tag.tag FROM task_tag tag JOIN task t ON t.id = tag.task_id"
        " WHERE t.done_at IS NULL ORDER BY tag.task_id, tag.tag"
    ):
        tags.setdefault(task_id, []).append(tag)
    return tags


#: A reminder's subject: its column, the column holding its title, its kind of reference.
_SUBJECTS = (
    ("lead_id", "lead_title", Kind.LEAD),
    ("task_id", "task_title", Kind.TASK),
    ("client_id", "client_name", Kind.CLIENT),
)


def reminders(tx: Tx, context: Context) -> Iterable[CalendarEvent]:
    """Open reminders, follow-up steps among them, at their snoozed time when snoozed."""
    params: dict[str, Any] = {}
    rows = tx.all(
        "SELECT r.id, r.text, r.kind, r.step, r.lead_id, r.task_id, r.client_id, r.created_at,"
        ' r.snoozed_until, coalesce(r.snoozed_until, r.due_at) AS "due [DATETIME]",'
        " l.title AS lead_title, t.title AS task_title, c.name AS client_name"
        " FROM reminder r LEFT JOIN lead l ON l.id = r.lead_id"
        " LEFT JOIN task t ON t.id = r.task_id LEFT JOIN client c ON c.id = r.client_id"
        f" WHERE r.done_at IS NULL AND {context.scope.reminders(params, 'r')}",
        params,
    )
    for row in rows:
        reference = ref(Kind.REMINDER, row["id"])
        text = reminder_text(context.view, SimpleNamespace(**row))  # type: ignore[arg-type]
        about = _about(row)
        ladder = row["kind"] in LADDER_KINDS
        yield CalendarEvent(
            key=f"reminder-{row['id']}",
            ref=reference,
            category="follow-up" if ladder else "reminder",
            summary=f"{reference} {text}" + (f" · {about}" if about else ""),
            description=_lines(("about", about), ("kind", row["kind"])),
            start=row["due"],
            alarm=timedelta(0),
            alarm_text=f"{reference} {text}",
            created=row["created_at"],
            # A snooze moves the event: the latest of creation and snooze is its revision.
            revised=max(row["created_at"], row["snoozed_until"] or row["created_at"]),
        )


def _about(row: dict[str, Any]) -> str | None:
    for column, title, kind in _SUBJECTS:
        if row[column] is not None:
            return f"{ref(kind, row[column])} {one_line(row[title] or '')}".rstrip()
    return None


def lead_deadlines(tx: Tx, context: Context) -> Iterable[CalendarEvent]:
    """What open leads still owe: the first response (15 minutes after arrival) and the
    substantive answer (one working day, in the client's zone)."""
    params: dict[str, Any] = {"closed": tuple(CLOSED_STAGES)}
    rows = tx.all(
        "SELECT l.id, l.title, l.source, l.partner, l.channel, l.stage, l.contact_name,"
        " l.contact_email, l.contact_phone, l.received_at, l.first_response_at,"
        " l.answer_due_at, l.answered_at, l.created_at, l.updated_at, c.name AS client"
        " FROM lead l LEFT JOIN client c ON c.id = l.client_id"
        " WHERE l.stage NOT IN :closed AND (l.first_response_at IS NULL OR l.answered_at IS NULL)"
        f" AND {context.scope.owned(params, 'l.owner_id')}",
        params,
    )
    warning = timedelta(minutes=context.config.answer_warning_minutes)
    for row in rows:
        lead = SimpleNamespace(**row)
        deadlines = deadlines_of(lead, context.view.rule)
        if deadlines is None:
            continue
        reference = ref(Kind.LEAD, row["id"])
        title = one_line(row["title"])
        client = one_line(row["client"]) if row["client"] else None
        description = _lines(
            ("from", lead_origin(lead)),  # type: ignore[arg-type]
            ("client", client),
            ("contact", one_line(row["contact_name"]) if row["contact_name"] else None),
            ("email", one_line(row["contact_email"]) if row["contact_email"] else None),
            ("phone", one_line(row["contact_phone"]) if row["contact_phone"] else None),
        )
        for deadline, what, alarm in (
            (deadlines.first_response, "first response", FIRST_RESPONSE_ALARM),
            (deadlines.answer, "answer", warning),
        ):
            if deadline.met_at is not None:
                continue
            yield CalendarEvent(
                key=f"lead-{row['id']}-{deadline.kind}",
                ref=reference,
                category="lead",
                summary=f"{reference} {what} due: {title}",
                description=description,
                start=deadline.due,
                alarm=-alarm,
                alarm_text=f"{what.capitalize()} due: {reference} {title}",
                created=row["created_at"],
                revised=row["updated_at"],
            )


def invoice_due_dates(tx: Tx, context: Context) -> Iterable[CalendarEvent]:
    """Issued invoices that still owe money, all day on their due date (what is owed in the
    summary, as the agenda says it), with the alarm at the start of the working day."""
    from amtui.core.dates import local_today
    from amtui.core.describe_money import invoice_state_part, invoice_summary
    from amtui.core.invoice_queries import invoice_dues

    config = context.config
    today = local_today(context.view.now, config.timezone)
    _, rows = invoice_dues(
        tx, today=today, due_soon_days=config.money.due_soon_days, scope=context.scope
    )
    for row in rows:
        invoice = row.invoice
        reference = row.ref
        summary = f"{reference} {invoice_summary(row)} due"
        yield CalendarEvent(
            key=f"invoice-{invoice.id}-due",
            ref=reference,
            category="invoice",
            summary=clean(summary),
            description=_lines(
                ("state", invoice_state_part(row).text),
                ("notes", clean(invoice.notes or "").strip() or None),
            ),
            start=invoice.due_on or today,  # invoice_dues reads only invoices with a due date
            alarm=_work_start(config),
            alarm_text=clean(f"Payment due: {reference} {invoice_summary(row)}"),
            created=invoice.created_at,
            revised=invoice.updated_at,
        )


#: Every kind of event, in the order they are read.
SOURCES: tuple[Source, ...] = (task_deadlines, reminders, lead_deadlines, invoice_due_dates)


def database_id(tx: Tx) -> str:
    """A short id of this database, stable for its life: a hash of when its schema was made."""
    created = tx.scalar("SELECT applied_at FROM amtui_schema WHERE version = 1")
    seed = created.isoformat() if isinstance(created, datetime) else str(created)
    return hashlib.sha256(seed.encode()).hexdigest()[:12]


def calendar_data(
    db: Database,
    *,
    config: Config,
    now: datetime,
    sources: Iterable[Source] = SOURCES,
    scope: Scope = EVERYONE,
) -> CalendarData:
    """Every event of every source, read in one snapshot, by start time then key; `scope`:
    one member's deadlines (and nobody's), as the agenda shows them."""
    context = Context(config, View(config, now), scope)
    with db.read() as tx:
        identity = database_id(tx)
        events = [event for source in sources for event in source(tx, context)]
    events.sort(key=lambda e: (_sort_start(e.start, config), e.key))
    return CalendarData(identity, events)


def _sort_start(start: date | datetime, config: Config) -> datetime:
    if isinstance(start, datetime):
        return start
    return config.work_start_at(start)

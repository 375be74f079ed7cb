"""`show` for every kind of record: a field list, related records and the timeline.

The fields and their words come from core (`amtui.core.describe`, `describe_leads`), as in the
app's detail view; this module lays them out as a table, Markdown or JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from amtui.cli.output import Format, heading, print_json, print_table, toned
from amtui.cli.serialize import (
    activity_json,
    client_json,
    contact_json,
    followups_json,
    lead_json,
    reminder_json,
    task_json,
)
from amtui.core.display import format_when

if TYPE_CHECKING:
    from amtui.cli.context import Runtime
    from amtui.core.describe import Field
    from amtui.core.models import Activity
    from amtui.core.reminders import ReminderRow


def _fields(fields: list[Field], fmt: Format) -> None:
    print_table(["FIELD", "VALUE"], [[f.label, toned(f.value)] for f in fields], fmt)


def _timeline(rt: Runtime, activities: list[Activity], fmt: Format) -> None:
    from amtui.core.activities import describe_activity

    if not activities:
        return
    heading("Timeline", fmt)
    tz = rt.config.timezone
    print_table(
        ["WHEN", "WHAT", "NOTE"],
        [
            [f"{a.occurred_at.astimezone(tz):%Y-%m-%d %H:%M}", a.kind, describe_activity(a, tz)]
            for a in activities
        ],
        fmt,
    )


def _reminders(rt: Runtime, rows: list[ReminderRow], fmt: Format) -> None:
    from amtui.core.describe import reminder_text

    if not rows:
        return
    heading("Reminders", fmt)
    tz = rt.config.timezone
    print_table(
        ["REF", "DUE", "KIND", "TEXT", "DONE"],
        [
            [
                r.reminder.ref,
                format_when(r.reminder.effective_due, tz, rt.now),
                r.reminder.kind,
                reminder_text(rt.view, r.reminder),
                "yes" if r.reminder.done_at else "",
            ]
            for r in rows
        ],
        fmt,
    )


def show_task(rt: Runtime, reference: str, fmt: Format) -> None:
    from amtui.core.describe import task_fields
    from amtui.core.reminders import ReminderRow
    from amtui.core.task_queries import get_task_details

    details = get_task_details(rt.db, reference)
    tz = rt.config.timezone
    task, row = details.row.task, details.row
    if fmt is Format.JSON:
        data = task_json(row, tz)
        data["subtask_list"] = [task_json(s, tz) for s in details.subtasks]
        data["reminders"] = [reminder_json(ReminderRow(r), tz) for r in details.reminders]
        data["timeline"] = [activity_json(a, tz) for a in details.activities]
        print_json(data)
        return
    heading(f"{task.ref}  {task.title}", fmt)
    _fields(task_fields(rt.view, details), fmt)
    if details.subtasks:
        heading(f"Subtasks {row.subtasks_done}/{row.subtasks_total}", fmt)
        print_table(
            ["", "REF", "TITLE", "DUE", "WHO"],
            [
                [
                    "[x]" if s.task.done_at else "[ ]",
                    s.task.ref,
                    s.task.title,
                    format_when(s.task.due, tz, rt.now) if s.task.due else "",
                    s.task.assignee,
                ]
                for s in details.subtasks
            ],
            fmt,
        )
    _reminders(rt, [ReminderRow(r) for r in details.reminders], fmt)
    _timeline(rt, details.activities, fmt)


def show_lead(rt: Runtime, reference: str, fmt: Format) -> None:
    from amtui.core.describe_leads import lead_fields
    from amtui.core.lead_queries import get_lead_details
    from amtui.core.reminders import ReminderRow

    details = get_lead_details(rt.db, reference)
    tz = rt.config.timezone
    lead, row = details.row.lead, details.row
    if fmt is Format.JSON:
        data = lead_json(row, tz, rt.config.response_rule)
        data["followups"] = followups_json(details, rt.config, rt.now)
        data["tasks"] = [t.ref for t in details.tasks]
        data["reminders"] = [reminder_json(ReminderRow(r), tz) for r in details.reminders]
        data["timeline"] = [activity_json(a, tz) for a in details.activities]
        print_json(data)
        return
    heading(f"{lead.ref}  {lead.title}", fmt)
    _fields(lead_fields(rt.view, details), fmt)
    if lead.brief:
        heading("Brief", fmt)
        print_table(["QUESTION", "ANSWER"], [[p["q"], p["a"]] for p in lead.brief], fmt)
    if details.tasks:
        heading("Tasks", fmt)
        print_table(
            ["REF", "COLUMN", "TITLE"],
            [[t.ref, t.column, t.title] for t in details.tasks],
            fmt,
        )
    _reminders(rt, [ReminderRow(r) for r in details.reminders], fmt)
    _timeline(rt, details.activities, fmt)


def show_client(rt: Runtime, reference: str, fmt: Format) -> None:
    from amtui.core.clients import get_client_details
    from amtui.core.describe import client_fields

    details = get_client_details(rt.db, reference)
    tz = rt.config.timezone
    client = details.client
    if fmt is Format.JSON:
        data = client_json(client, tz, owner=details.owner)
        data["contacts"] = [contact_json(c, client) for c in details.contacts]
        data["open_tasks"] = [t.ref for t in details.open_tasks]
        data["open_leads"] = [lead.ref for lead in details.open_leads]
        data["timeline"] = [activity_json(a, tz) for a in details.activities]
        data.update(_client_money_json(rt, client.id or 0))
        print_json(data)
        return
    heading(f"{client.ref}  {client.name}", fmt)
    _fields([f for f in client_fields(rt.view, details) if f.label != "contacts"], fmt)
    if details.contacts:
        heading("Contacts", fmt)
        print_table(
            ["NAME", "ROLE", "EMAIL", "PHONE"],
            [[c.name, c.role, c.email, c.phone] for c in details.contacts],
            fmt,
        )
    if details.open_leads:
        heading("Open leads", fmt)
        print_table(
            ["REF", "STAGE", "TITLE"],
            [[lead.ref, lead.stage, lead.title] for lead in details.open_leads],
            fmt,
        )
    if details.open_tasks:
        heading("Open tasks", fmt)
        print_table(
            ["REF", "COLUMN", "TITLE", "DUE"],
            [
                [t.ref, t.column, t.title, format_when(t.due, tz, rt.now) if t.due else ""]
                for t in details.open_tasks
            ],
            fmt,
        )
    _client_money(rt, client.id or 0, fmt)
    _timeline(rt, details.activities, fmt)


def _client_money_json(rt: Runtime, client_id: int) -> dict[str, object]:
    from amtui.cli.money_json import client_money_json, invoice_json
    from amtui.core.dates import local_today
    from amtui.core.invoices import list_invoices
    from amtui.core.money_views import client_money

    money = client_money(rt.db, client_id, now=rt.now, config=rt.config)
    today = local_today(rt.now, rt.config.timezone)
    rows = list_invoices(rt.db, today=today, config=rt.config, client=f"C{client_id}")
    return {"money": client_money_json(money), "invoices": [invoice_json(r) for r in rows]}


def _client_money(rt: Runtime, client_id: int, fmt: Format) -> None:
    """A client's money (won, invoiced, paid, outstanding per currency) and its invoices."""
    from amtui.core.dates import local_today
    from amtui.core.describe_money import amount_text, invoice_state_part, money_figures
    from amtui.core.invoices import list_invoices
    from amtui.core.money_views import client_money

    money = client_money(rt.db, client_id, now=rt.now, config=rt.config)
    if not money.empty:
        heading("Money", fmt)
        print_table(["", "AMOUNT"], [list(line) for line in money_figures(money)], fmt)
    today = local_today(rt.now, rt.config.timezone)
    rows = list_invoices(rt.db, today=today, config=rt.config, client=f"C{client_id}")
    if rows:
        heading("Invoices", fmt)
        print_table(
            ["REF", "NUMBER", "AMOUNT", "DUE", "STATE"],
            [
                [
                    r.ref,
                    r.invoice.number or "",
                    amount_text(r.invoice.amount_minor, r.invoice.currency),
                    r.invoice.due_on.isoformat() if r.invoice.due_on else "",
                    toned([invoice_state_part(r)]),
                ]
                for r in rows
            ],
            fmt,
        )


def show_reminder(rt: Runtime, reference: str, fmt: Format) -> None:
    from amtui.core.describe import reminder_fields, reminder_text
    from amtui.core.reminders import get_reminder

    row = get_reminder(rt.db, reference)
    tz = rt.config.timezone
    reminder = row.reminder
    if fmt is Format.JSON:
        print_json(reminder_json(row, tz))
        return
    heading(f"{reminder.ref}  {reminder_text(rt.view, reminder)}", fmt)
    _fields(reminder_fields(rt.view, row), fmt)

"""`show` for every kind of record: a field list, related records and the timeline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from amtui.cli.output import Format, heading, print_json, print_table
from amtui.cli.serialize import (
    activity_json,
    client_json,
    contact_json,
    iso,
    lead_json,
    reminder_json,
    task_json,
)
from amtui.core.display import (
    client_local_time,
    format_countdown,
    format_money,
    format_relative,
    format_span,
    format_when,
)
from amtui.core.refs import Kind, ref
from amtui.core.sla import deadlines_of
from amtui.core.text import one_line

if TYPE_CHECKING:
    from amtui.cli.context import Runtime
    from amtui.core.leads import LeadDetails
    from amtui.core.models import Activity
    from amtui.core.reminders import ReminderRow


def _fields(pairs: Sequence[tuple[str, str | None]], fmt: Format) -> None:
    rows = [[name, value] for name, value in pairs if value not in (None, "")]
    print_table(["FIELD", "VALUE"], rows, fmt)


def _timeline(rt: Runtime, activities: list[Activity], fmt: Format) -> None:
    if not activities:
        return
    heading("Timeline", fmt)
    tz = rt.config.timezone
    print_table(
        ["WHEN", "WHAT", "NOTE"],
        [
            [f"{a.occurred_at.astimezone(tz):%Y-%m-%d %H:%M}", a.kind, one_line(a.text)]
            for a in activities
        ],
        fmt,
    )


def _reminders(rt: Runtime, rows: list[ReminderRow], fmt: Format) -> None:
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
                r.reminder.text,
                "yes" if r.reminder.done_at else "",
            ]
            for r in rows
        ],
        fmt,
    )


def show_task(rt: Runtime, reference: str, fmt: Format) -> None:
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
    due = None
    if task.due is not None:
        due = format_when(task.due, tz, rt.now)
        if task.due_at is not None:
            due += f" ({format_relative(task.due_at, rt.now)})"
    _fields(
        [
            ("column", task.column),
            (
                "subtask of",
                f"{details.parent.ref} {details.parent.title}" if details.parent else None,
            ),
            (
                "client",
                f"{row.client_name} ({ref(Kind.CLIENT, task.client_id)})"
                if task.client_id
                else None,
            ),
            ("lead", f"{details.lead.ref} {details.lead.title}" if details.lead else None),
            ("due", due),
            ("priority", task.priority),
            ("assignee", task.assignee),
            ("tags", " ".join(f"+{t}" for t in row.tags)),
            ("estimate", f"{task.estimate_hours:g} h" if task.estimate_hours else None),
            ("done", format_when(task.done_at, tz, rt.now) if task.done_at else None),
            ("notes", task.notes),
        ],
        fmt,
    )
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
    from amtui.core.leads import get_lead_details
    from amtui.core.reminders import ReminderRow

    details = get_lead_details(rt.db, reference)
    tz = rt.config.timezone
    rule = rt.config.response_rule
    lead, row = details.row.lead, details.row
    if fmt is Format.JSON:
        data = lead_json(row, tz, rule)
        data["tasks"] = [t.ref for t in details.tasks]
        data["reminders"] = [reminder_json(ReminderRow(r), tz) for r in details.reminders]
        data["timeline"] = [activity_json(a, tz) for a in details.activities]
        print_json(data)
        return
    heading(f"{lead.ref}  {lead.title}", fmt)
    zone = ZoneInfo(lead.timezone) if lead.timezone else None
    zone = zone or (ZoneInfo(details.client_zone) if details.client_zone else None)

    def when(moment: datetime) -> str:
        text = format_when(moment, tz, rt.now)
        if zone is not None and zone != tz:
            text += f" (client {format_when(moment, zone, rt.now)})"
        return text

    deadlines = deadlines_of(lead, rule)
    if lead.first_response_at is None:
        respond_by = rule.due(lead.received_at)
        response = f"waiting; due {when(respond_by)} — {format_countdown(respond_by, rt.now)}"
    else:
        took = format_span(lead.first_response_at - lead.received_at)
        response = f"{format_when(lead.first_response_at, tz, rt.now)}, after {took}"
    if lead.answered_at is not None:
        answer = f"sent {format_when(lead.answered_at, tz, rt.now)}"
    elif deadlines is not None:
        due = deadlines.answer.due
        answer = f"due {when(due)} — {format_countdown(due, rt.now)}"
    else:
        answer = None
    upcoming = deadlines.next() if deadlines else None
    next_deadline = f"{upcoming.kind} {when(upcoming.due)}" if upcoming else None
    ladder = _ladder_text(rt, details, when)
    source = lead.source + (f" ({lead.partner})" if lead.partner else "")
    contact = " ".join(p for p in (lead.contact_name, lead.contact_email, lead.contact_phone) if p)
    local_time = f"{zone}, now {client_local_time(zone, rt.now)}" if zone else None
    _fields(
        [
            ("stage", lead.stage + (f" ({lead.lost_reason})" if lead.lost_reason else "")),
            ("source", source),
            ("channel", lead.channel),
            (
                "client",
                f"{row.client_name} ({ref(Kind.CLIENT, lead.client_id)})"
                if lead.client_id
                else None,
            ),
            ("contact", contact),
            ("value", format_money(lead.value_cents, lead.currency)),
            ("received", format_when(lead.received_at, tz, rt.now)),
            ("first response", response),
            ("answer", answer),
            ("next deadline", next_deadline),
            ("follow-ups", ladder),
            ("time zone", local_time),
            ("external id", lead.external_id),
            ("notes", lead.notes),
        ],
        fmt,
    )
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


def _ladder_text(rt: Runtime, details: LeadDetails, when: Callable[[datetime], str]) -> str | None:
    from amtui.core.followups import ladder_state

    state = ladder_state(details.row.lead, details.reminders, rt.config)
    if state.cold_at is not None:
        return f"gone cold {when(state.cold_at)}: the ladder ended without a reply"
    if state.pending is not None:
        step = state.pending
        return f"step {step.step}, next {step.ref} {when(step.effective_due)}"
    return f"{state.done} step(s) done, none pending" if state.done else None


def show_client(rt: Runtime, reference: str, fmt: Format) -> None:
    from amtui.core.clients import get_client_details, kam_quadrant

    details = get_client_details(rt.db, reference)
    tz = rt.config.timezone
    client = details.client
    if fmt is Format.JSON:
        data = client_json(client, tz)
        data["contacts"] = [contact_json(c, client) for c in details.contacts]
        data["open_tasks"] = [t.ref for t in details.open_tasks]
        data["open_leads"] = [lead.ref for lead in details.open_leads]
        data["timeline"] = [activity_json(a, tz) for a in details.activities]
        print_json(data)
        return
    heading(f"{client.ref}  {client.name}", fmt)
    zone = None
    if client.timezone:
        from zoneinfo import ZoneInfo

        zone = f"{client.timezone}, now {client_local_time(ZoneInfo(client.timezone), rt.now)}"
    scores = None
    if client.kam_attractiveness or client.kam_relationship:
        quadrant = kam_quadrant(client.kam_attractiveness, client.kam_relationship)
        scores = (
            f"attractiveness {client.kam_attractiveness or '-'}, "
            f"relationship {client.kam_relationship or '-'}"
            + (f" → {quadrant}" if quadrant else "")
        )
    _fields(
        [
            ("time zone", zone),
            ("owner", client.owner),
            ("KAM", scores),
            ("relationship stage", client.relationship_stage),
            ("archived", "yes" if client.archived else None),
            ("notes", client.notes),
        ],
        fmt,
    )
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
    _timeline(rt, details.activities, fmt)


def show_reminder(rt: Runtime, reference: str, fmt: Format) -> None:
    from amtui.core.reminders import get_reminder

    row = get_reminder(rt.db, reference)
    tz = rt.config.timezone
    reminder = row.reminder
    if fmt is Format.JSON:
        print_json(reminder_json(row, tz))
        return
    heading(f"{reminder.ref}  {reminder.text}", fmt)
    _fields(
        [
            ("due", format_when(reminder.effective_due, tz, rt.now)),
            (
                "snoozed from",
                format_when(reminder.due_at, tz, rt.now) if reminder.snoozed_until else None,
            ),
            ("kind", reminder.kind + (f" (step {reminder.step})" if reminder.step else "")),
            ("about", f"{row.subject_ref} {row.subject_title or ''}" if row.subject_ref else None),
            ("done", format_when(reminder.done_at, tz, rt.now) if reminder.done_at else None),
            ("notified", iso(reminder.notified_at, tz)),
        ],
        fmt,
    )

"""The detail view's parts: every field of a record, related records and the timeline.

Pure rendering of core dataclasses into `Content` (untrusted text through `safe`), plus the
subtask checklist, a small region with its own keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from textual.content import Content

from amtui.core.activities import describe_activity
from amtui.core.clients import ClientDetails, kam_quadrant
from amtui.core.config import Config
from amtui.core.describe import View, reminder_text
from amtui.core.display import (
    client_local_time,
    format_relative,
    format_when,
)
from amtui.core.models import Activity, Reminder, Task
from amtui.core.refs import Kind, ref
from amtui.core.reminders import ReminderRow
from amtui.core.task_queries import TaskDetails, TaskRow
from amtui.tui import render
from amtui.tui.keys import verb_bindings
from amtui.tui.render import MUTED, REF, RowData, safe, safe_block
from amtui.tui.widgets.rows import Region, RowList

LABEL_WIDTH = 15

Fields = Sequence[tuple[str, str | Content | None]]


def head(ref: str, title: str) -> Content:
    return Content.assemble((ref, REF), "  ", (safe(title, 500), "bold"))


def fields(pairs: Fields) -> Content:
    """`label          value` lines; empty values are left out, notes keep their lines."""
    lines = []
    for label, value in pairs:
        if value is None or value == "":
            continue
        text = value if isinstance(value, Content) else Content(value)
        pad = Content.styled(label.ljust(LABEL_WIDTH), MUTED)
        indent = Content(" " * LABEL_WIDTH)
        for index, line in enumerate(text.split("\n")):
            lines.append((pad if index == 0 else indent) + line)
    return Content("\n").join(lines)


def section(title: str, lines: Sequence[Content]) -> Content:
    if not lines:
        return Content("")
    return Content("\n").join([Content.styled(title, "bold underline"), *lines, Content("")])


def local_time(zone: str | None, now: datetime) -> str | None:
    if not zone:
        return None
    try:
        return f"{zone}, now {client_local_time(ZoneInfo(zone), now)}"
    except (ValueError, KeyError):
        return safe(zone)


def timeline(activities: list[Activity], config: Config) -> Content:
    tz = config.timezone
    lines = [
        Content.assemble(
            (f"{a.occurred_at.astimezone(tz):%Y-%m-%d %H:%M}", MUTED),
            "  ",
            (a.kind, "bold"),
            "  ",
            safe(describe_activity(a, tz), 300),  # the entry and what else it did
        )
        for a in activities
    ]
    return section(f"Timeline ({len(activities)})", lines)


def reminders(items: list[Reminder], now: datetime, config: Config) -> Content:
    lines = [
        Content.assemble(
            (r.ref, REF),
            "  ",
            format_when(r.effective_due, config.timezone, now),
            "  ",
            safe(reminder_text(View(config, now), r)),
            ("  done" if r.done_at else "", MUTED),
        )
        for r in items
    ]
    return section("Reminders", lines)


def task_lines(tasks: list[Task], now: datetime, config: Config) -> list[Content]:
    return [
        Content.assemble(
            (t.ref, REF),
            "  ",
            (safe(t.column, 30), MUTED),
            "  ",
            safe(t.title),
            ("  " + format_when(t.due, config.timezone, now) if t.due else "", MUTED),
        )
        for t in tasks
    ]


def task_fields(details: TaskDetails, zone: str | None, now: datetime, config: Config) -> Content:
    task, row = details.row.task, details.row
    tz = config.timezone
    due = None
    if task.due is not None:
        due = format_when(task.due, tz, now)
        if task.due_at is not None:
            due += f" ({format_relative(task.due_at, now)})"
    parent = details.parent
    return fields(
        [
            ("column", safe(task.column)),
            ("subtask of", f"{parent.ref} {safe(parent.title)}" if parent else None),
            (
                "client",
                f"{safe(row.client_name)} ({ref(Kind.CLIENT, task.client_id)})"
                if task.client_id
                else None,
            ),
            ("client time", local_time(zone, now)),
            ("lead", f"{details.lead.ref} {safe(details.lead.title)}" if details.lead else None),
            ("due", due),
            ("priority", task.priority),
            ("assignee", safe(task.assignee) if task.assignee else None),
            ("tags", " ".join(f"+{safe(t, 40)}" for t in row.tags)),
            ("estimate", f"{task.estimate_hours:g} h" if task.estimate_hours else None),
            ("done", format_when(task.done_at, tz, now) if task.done_at else None),
            ("created", format_when(task.created_at, tz, now)),
            ("notes", safe_block(task.notes)),
        ]
    )


def client_fields(details: ClientDetails, now: datetime) -> Content:
    client = details.client
    scores = None
    if client.kam_attractiveness or client.kam_relationship:
        quadrant = kam_quadrant(client.kam_attractiveness, client.kam_relationship)
        scores = (
            f"attractiveness {client.kam_attractiveness or '-'}, "
            f"relationship {client.kam_relationship or '-'}"
            + (f" → {quadrant}" if quadrant else "")
        )
    contacts = "\n".join(
        " · ".join(safe(p, 80) for p in (c.name, c.role, c.email, c.phone) if p)
        for c in details.contacts
    )
    return fields(
        [
            ("time zone", local_time(client.timezone, now)),
            ("owner", safe(client.owner) if client.owner else None),
            ("KAM", scores),
            ("stage", client.relationship_stage),
            ("archived", "yes" if client.archived else None),
            ("contacts", contacts),
            ("notes", safe_block(client.notes)),
        ]
    )


def reminder_fields(row: ReminderRow, now: datetime, config: Config) -> Content:
    reminder, tz = row.reminder, config.timezone
    about = f"{row.subject_ref} {safe(row.subject_title or '')}" if row.subject_ref else None
    return fields(
        [
            ("due", format_when(reminder.effective_due, tz, now)),
            (
                "snoozed from",
                format_when(reminder.due_at, tz, now) if reminder.snoozed_until else None,
            ),
            ("kind", reminder.kind + (f" (step {reminder.step})" if reminder.step else "")),
            ("about", about),
            ("done", format_when(reminder.done_at, tz, now) if reminder.done_at else None),
        ]
    )


def subtask_row(row: TaskRow, *, now: datetime, config: Config) -> RowData:
    task = row.task
    box = "[x]" if task.done_at else "[ ]"
    state = None if task.done_at else render.due_state(task.due, now, config)
    due = format_when(task.due, config.timezone, now) if task.due else ""
    who = f"@{safe(task.assignee, 30)}" if task.assignee else ""
    content = Content.assemble(
        (box, "bold"),
        " ",
        (task.ref, REF),
        " ",
        safe(task.title),
        (f"  {due}", render.LATE if state == "-overdue" else MUTED),
        (f"  {who}", MUTED),
    )
    classes = {"-done"} if task.done_at else ({state} if state else set())
    return RowData(task.ref, content, frozenset(classes))


class SubtaskList(Region):
    """A task's checklist: `x` ticks a subtask, J/K reorder it, Enter opens it."""

    PLACE = "subtasks"
    LIST_VERBS = ("open",)
    BINDING_GROUP_TITLE = "Subtasks"
    BINDINGS = verb_bindings(PLACE)

    def compose(self):  # type: ignore[no-untyped-def]
        yield RowList(empty="No subtasks: press a to add one")

    def show_rows(self, rows: list[TaskRow], *, now: datetime, config: Config) -> None:
        self.current_list().show([subtask_row(r, now=now, config=config) for r in rows])

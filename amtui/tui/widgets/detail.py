"""The detail view's parts: a record's fields (in core's words, `amtui.core.describe`),
related records and the timeline, plus the subtask checklist, a small region with its own keys.

Core decides what each field says and its tone; this lays the fields out in two columns and
styles the tones with the theme (untrusted text has been escaped by core, and is never markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Container
from textual.content import Content
from textual.widgets import Static

from amtui.core.activities import describe_activity
from amtui.core.config import Config
from amtui.core.describe import (
    Field,
    View,
    reminder_item,
    subtask_item,
    task_item,
)
from amtui.core.models import Activity, Reminder, Task
from amtui.core.task_queries import TaskRow
from amtui.tui import render
from amtui.tui.keys import verb_bindings
from amtui.tui.render import MUTED, REF, RowData, phrase, safe
from amtui.tui.widgets.rows import Region, RowList

MIN_LABEL_WIDTH = 15


def head(ref: str, title: str) -> Content:
    return Content.assemble((ref, REF), "  ", (safe(title, 500), "bold"))


class FieldTable(Container):
    """A record's fields as two columns: the labels as wide as the longest, each value
    wrapping under itself (a long ladder plan or note stays readable at 80 columns).

    A grid of two cells a field: a row of its own for each field (a `Horizontal` of the two)
    made the detail view's frame lay out one more widget a field, ~30% of opening the view."""

    DEFAULT_CSS = """
    FieldTable {
        layout: grid;
        grid-size: 2;
        grid-rows: auto;
        height: auto;
        margin-bottom: 1;
    }
    FieldTable .field-name {
        color: $text-muted;
    }
    FieldTable .field-value {
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fields: list[Field] = []

    async def show(self, items: Sequence[Field]) -> None:
        self.fields = list(items)
        await self.show_rows([(item.label, phrase(item.value)) for item in items])

    async def show_rows(self, rows: Sequence[tuple[str, Content]]) -> None:
        width = max([MIN_LABEL_WIDTH - 1, *(len(label) for label, _ in rows)]) + 1
        self.styles.grid_columns = f"{width} 1fr"
        widgets: list[Static] = []
        for label, content in rows:
            widgets.append(Static(Content(label), classes="field-name", markup=False))
            widgets.append(Static(content, classes="field-value", markup=False))
        async with self.batch():
            await self.remove_children()
            await self.mount_all(widgets)

    def text(self) -> dict[str, str]:
        """Each label and what its value says (tests read this, not the wrapped screen)."""
        return {item.label: item.text for item in self.fields}


def section(title: str, lines: Sequence[Content]) -> Content:
    if not lines:
        return Content("")
    return Content("\n").join([Content.styled(title, "bold underline"), *lines, Content("")])


def brief(pairs: Sequence[dict[str, str]]) -> Content:
    """A web brief's questions and answers, in the form's order (untrusted text, as data)."""
    lines = [
        Content.assemble(
            (safe(pair.get("q", ""), 200), MUTED), "\n  ", safe(pair.get("a", ""), 2000)
        )
        for pair in pairs
    ]
    return section("Brief", lines)


def timeline(activities: list[Activity], config: Config) -> list[tuple[str, Content]]:
    """`2026-11-25 09:00` | `proposal-sent  contacted → proposal-sent · …`, every time in the
    user's zone (core's words for what each entry did)."""
    tz = config.timezone
    return [
        (
            f"{a.occurred_at.astimezone(tz):%Y-%m-%d %H:%M}",
            Content.assemble((a.kind, "bold"), "  ", safe(describe_activity(a, tz), 300)),
        )
        for a in activities
    ]


def reminders(items: list[Reminder], view: View) -> Content:
    return section("Reminders", [phrase(reminder_item(view, r)) for r in items])


def task_lines(tasks: list[Task], view: View) -> list[Content]:
    return [phrase(task_item(view, t)) for t in tasks]


def subtask_row(row: TaskRow, *, now: datetime, config: Config) -> RowData:
    task = row.task
    state = None if task.done_at else render.due_state(task.due, now, config)
    classes = {"-done"} if task.done_at else ({state} if state else set())
    content = phrase(subtask_item(View(config, now), task))
    return RowData(task.ref, content, frozenset(classes))


class RecordList(Region):
    """A client's records in its view (leads, tasks, invoices, proposals) under their
    headings: the cursor picks one and Enter opens it; the view's own keys act on the client."""

    PLACE = "records"
    LIST_VERBS = ("open",)
    BINDING_GROUP_TITLE = "Records"

    def compose(self) -> ComposeResult:
        yield RowList(empty="No leads, tasks, invoices or proposals yet")

    def show_lines(self, lines: Sequence[tuple[str, Content]]) -> None:
        """`(reference, content)` per line; an empty reference is a heading."""
        rows = [
            RowData(key, content)
            if key
            else RowData("", content, frozenset({"-section"}), selectable=False)
            for key, content in lines
        ]
        self.display = bool(rows)
        self.current_list().show(rows)
        self.update_bindings()


class SubtaskList(Region):
    """A task's checklist: `x` ticks a subtask, J/K reorder it, Enter opens it."""

    PLACE = "subtasks"
    LIST_VERBS = ("open",)
    BINDING_GROUP_TITLE = "Subtasks"
    BINDINGS = verb_bindings(PLACE)

    def compose(self) -> ComposeResult:
        yield RowList(empty="No subtasks: press a to add one")

    def show_rows(self, rows: list[TaskRow], *, now: datetime, config: Config) -> None:
        self.current_list().show([subtask_row(r, now=now, config=config) for r in rows])

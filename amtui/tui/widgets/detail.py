"""The detail view's parts: a record's fields (in core's words, `amtui.core.describe`),
related records and the timeline, plus the subtask checklist, a small region with its own keys.

Core decides what each field says and its tone; this lays the fields out in two columns and
styles the tones with the theme (untrusted text has been escaped by core, and is never markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from textual.app import ComposeResult
from textual.content import Content
from textual.css.styles import RulesMap
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widget import Widget

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


class FieldTable(Widget):
    """A record's fields as two columns: the labels as wide as the longest, each value
    wrapping under itself (a long ladder plan or note stays readable at 80 columns).

    One widget that lays its lines out for the width it gets (`FieldColumns`). Two widgets a
    field (a grid of Statics, before that a `Horizontal` of two a field) made opening the
    detail view mount, style and arrange 20–40 widgets, the larger part of the key's frame.
    """

    COMPONENT_CLASSES = {"field-table--label"}
    DEFAULT_CSS = """
    FieldTable {
        height: auto;
        margin-bottom: 1;
    }
    FieldTable > .field-table--label {
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fields: list[Field] = []
        self.rows: list[tuple[str, Content]] = []
        self._columns: FieldColumns | None = None

    def show(self, items: Sequence[Field]) -> None:
        self.fields = list(items)
        self.show_rows([(item.label, phrase(item.value)) for item in items])

    def show_rows(self, rows: Sequence[tuple[str, Content]]) -> None:
        self.rows = list(rows)
        self._columns = None
        self.refresh(layout=True)

    def render(self) -> FieldColumns:
        # The labels' colour as a widget's `color: $text-muted` comes out on this background.
        style = self.get_visual_style("field-table--label")
        if self._columns is None or self._columns.label_style != style:
            self._columns = FieldColumns(self.rows, style)
        return self._columns

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        lines = self.render().lines(self.content_region.width)
        return selection.extract("\n".join(line.plain for line in lines)), "\n"

    def text(self) -> dict[str, str]:
        """Each label and what its value says (tests read this, not the wrapped screen)."""
        return {item.label: item.text for item in self.fields}


class FieldColumns(Visual):
    """Rows of `(label, value)` drawn as two columns at whatever width they are given: the
    label (in `label_style`) padded to the longest label + 1 (at least `MIN_LABEL_WIDTH`),
    the value wrapped into the rest, its further lines starting under its first."""

    def __init__(self, rows: Sequence[tuple[str, Content]], label_style: Style) -> None:
        self.rows = rows
        self.label_style = label_style
        self.label_width = max([MIN_LABEL_WIDTH - 1, *(len(label) for label, _ in rows)]) + 1
        self._lines: tuple[int, list[Content]] = (-1, [])

    def lines(self, width: int) -> list[Content]:
        """The laid-out lines at `width` (the last width's are kept)."""
        if self._lines[0] == width:
            return self._lines[1]
        label_width = min(self.label_width, max(width - 1, 0))
        value_width = max(width - label_width, 1)
        indent = Content.styled(" " * label_width, self.label_style)
        lines: list[Content] = []
        for label, value in self.rows:
            head = Content.styled(label[:label_width].ljust(label_width), self.label_style)
            for index, line in enumerate(value.wrap(value_width)):
                lines.append((head if index == 0 else indent) + line)
        self._lines = (width, lines)
        return lines

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return Content("\n").join(self.lines(width)).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.lines(width))


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

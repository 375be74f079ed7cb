"""How records look on screen: core data in, `Content` out (literal text, never markup).

Every string that came from outside goes through `safe` (amtui.core.text.one_line, which turns
control characters, C1 and bidi overrides into visible escapes, then a length cap) before it is
placed in a `Content`. Styles are theme variables, so the app follows the user's theme. A list
row is a `RowData`: the record's reference, its `Content` and its state classes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from textual.content import Content

from amtui.core.agenda import AgendaItem
from amtui.core.config import Config
from amtui.core.describe import Part, Tone, View
from amtui.core.describe_agenda import agenda_line, due_line
from amtui.core.describe_leads import lead_origin, next_action
from amtui.core.display import (
    format_span,
    format_when,
)
from amtui.core.lead_queries import LeadRow
from amtui.core.recurrence import repeat_mark
from amtui.core.task_queries import TaskRow
from amtui.tui.logic.text import MAX_CELL, safe, safe_block

if TYPE_CHECKING:
    from amtui.core.notify import DueItem  # after the first frame (`amtui.tui.app.DEFERRED`)

__all__ = ["MAX_CELL", "RowData", "safe", "safe_block"]

REF = "bold $text-accent"
MUTED = "$text-muted"
LATE = "bold $text-error"
SOON = "$text-warning"
PRIORITY_MARK = {"urgent": ("!! ", LATE), "high": ("! ", SOON)}
#: Core's tones (`amtui.core.describe.Tone`) in the theme's colours.
TONE_STYLES = {
    Tone.NORMAL: "",
    Tone.MUTED: MUTED,
    Tone.ACCENT: REF,
    Tone.STRONG: "bold",
    Tone.WARNING: SOON,
    Tone.LATE: LATE,
}


def phrase(parts: Iterable[Part]) -> Content:
    """Core's words, styled by tone (the parts are plain text, escaped by core)."""
    return Content.assemble(*((part.text, TONE_STYLES[part.tone]) for part in parts))


@dataclass(frozen=True)
class RowData:
    """One row of a list: `key` is the record's reference (empty for a section heading)."""

    key: str
    content: Content
    classes: frozenset[str] = frozenset()
    selectable: bool = True


def due_state(due: date | datetime | None, now: datetime, config: Config) -> str | None:
    """`-overdue`, `-due-today` or None: the state class a card or agenda row carries (core's
    due tone, `View.due_tone`, as a class)."""
    return DUE_CLASSES.get(View(config, now).due_tone(due))


DUE_CLASSES = {Tone.LATE: "-overdue", Tone.WARNING: "-due-today"}


def _due_style(state: str | None) -> str:
    return {"-overdue": LATE, "-due-today": SOON}.get(state or "", "")


DEADLINES = ("first-response", "answer")  # next actions shown as a countdown


def lead_row(row: LeadRow, *, now: datetime, config: Config) -> RowData:
    """Inbox row: `L2  respond late 26m  SEO audit…` / `email from partner Pixel · 40m`.

    The status is the lead's next action (`respond 12:04 left`, `answer late 2h 10m`,
    `follow-up 2 Mon 10:00`), red once it is late; a lead with nothing due shows its stage.
    """
    lead = row.lead
    classes = set()
    if lead.first_response_at is None:
        classes.add("-waiting")
    action = row.next_action
    if action is not None:
        status = next_action(View(config, now), action).text
        late = action.due < now
        if late:
            classes.add("-overdue")
        status_style = LATE if late else (SOON if action.kind in DEADLINES else "")
    else:
        status, status_style = lead.stage, MUTED
    # The stage, unless the status shows it already or "respond" says it ("new").
    details = [safe(lead_origin(lead), 80)]
    if action is not None and lead.stage != "new":
        details.insert(0, lead.stage)
    if row.client_name:
        details.append(safe(row.client_name, 60))
    details.append(format_span(now - lead.received_at))
    if row.owner:
        details.append(f"{row.owner}'s")
    content = Content.assemble(
        (lead.ref, REF),
        " ",
        (status, status_style),
        " ",
        safe(lead.title),
        "\n",
        (" · ".join(details), MUTED),
    )
    return RowData(lead.ref, content, frozenset(classes))


def card(row: TaskRow, *, now: datetime, config: Config) -> RowData:
    """Board card: title, then due and client, then the repeat mark, subtask progress,
    assignee and tags."""
    task = row.task
    state = None if task.done_at else due_state(task.due, now, config)
    classes = {state} if state else set()
    if task.done_at:
        classes.add("-done")
    mark, mark_style = PRIORITY_MARK.get(task.priority, ("", ""))
    first = Content.assemble((task.ref, REF), " ", (mark, mark_style), safe(task.title))
    second: list[str | tuple[str, str]] = []
    if task.due is not None:
        second.append((format_when(task.due, config.timezone, now), _due_style(state)))
    if row.client_name:
        if second:
            second.append((" · ", MUTED))
        second.append((safe(row.client_name, 60), MUTED))
    third = []
    repeats = repeat_mark(task.recur)  # here, not beside the due: the client stays in view
    if repeats:
        third.append(repeats)
    if row.subtasks_total:
        third.append(f"{row.subtasks_done}/{row.subtasks_total}")
    if task.assignee:
        third.append(f"@{safe(task.assignee, 40)}")
    third.extend(f"+{safe(tag, 30)}" for tag in row.tags)
    if row.owner:
        third.append(f"{row.owner}'s")
    lines = [first]
    if second:
        lines.append(Content.assemble(*second))
    if third:
        lines.append(Content.styled(" ".join(third), MUTED))
    return RowData(task.ref, Content("\n").join(lines), frozenset(classes))


def heading(title: str, total: int, shown: int) -> RowData:
    more = f" (showing {shown})" if shown < total else ""
    content = Content.assemble((title, "bold"), (f" {total}{more}", MUTED))
    return RowData("", content, frozenset({"-section"}), selectable=False)


def agenda_row(item: AgendaItem, *, now: datetime, config: Config) -> RowData:
    """Agenda line in core's words (`amtui agenda` says the same): reference, when (a
    countdown for a lead's deadline), what, and the client's time when it differs."""
    line = agenda_line(View(config, now), item)
    classes = set()
    if item.overdue or line.when.tone is Tone.LATE:
        classes.add("-overdue")
    elif line.when.tone is Tone.WARNING and item.deadline is None:
        classes.add("-due-today")
    if item.deadline == "first-response":
        classes.add("-waiting")
    content = Content.assemble(
        (item.ref, REF),
        " ",
        (line.when.text, TONE_STYLES[line.when.tone]),
        " ",
        safe(line.what),
        (f" · {line.client_time}" if line.client_time else "", MUTED),
    )
    return RowData(item.ref, content, frozenset(classes))


def due_text(item: DueItem, config: Config, now: datetime) -> str:
    """A due toast, in the wording of `amtui remind due` (core builds it, escaped)."""
    return safe(due_line(View(config, now), item), 400)

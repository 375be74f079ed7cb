"""What a record says, decided once for both front ends (DESIGN §2): labelled parts with a tone.

A `View` holds what wording depends on (the user's zone, the clock, the rules from the
config). The functions here and in `amtui.core.describe_leads` return `Part`s (text and a
`Tone`) or `Field`s (a label and parts); the CLI styles a tone with Rich on a terminal and
prints plain text elsewhere, the TUI with its theme. Which facts are shown, in which words and
order, is decided here; a front end never re-words them.

Pure: core dataclasses and plain values in, no database and no ORM at run time. Untrusted text
inside a part (a title, a name) has been through `text.one_line` (notes through `text.clean`):
every part is safe to print as it is, and is never markup.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from amtui.core.dates import is_overdue, local_today
from amtui.core.display import client_local_time, format_relative, format_when
from amtui.core.kam import QUADRANTS, RELATIONSHIP_STAGES, kam_quadrant
from amtui.core.patterns import lazy
from amtui.core.refs import Kind, ref
from amtui.core.structs import struct
from amtui.core.text import clean, one_line
from amtui.core.vocabulary import LADDER_KINDS

if TYPE_CHECKING:
    from amtui.core.clients import ClientDetails
    from amtui.core.config import Config
    from amtui.core.models import Client, Lead, Reminder, Task
    from amtui.core.reminders import ReminderRow
    from amtui.core.sla import ResponseRule
    from amtui.core.task_queries import TaskDetails, TaskRow


class Tone(StrEnum):
    """How a part should stand out; each front end maps tones to its own styles."""

    NORMAL = "normal"
    MUTED = "muted"  # secondary detail
    ACCENT = "accent"  # a reference, a name to pick out
    STRONG = "strong"  # a heading, a step number
    WARNING = "warning"  # a deadline running, due today
    LATE = "late"  # missed, overdue, gone cold


@struct(frozen=True)
class Part:
    text: str
    tone: Tone = Tone.NORMAL


Phrase = tuple[Part, ...]


@struct(frozen=True)
class Field:
    """One line of a record's detail: `label` and what it says."""

    label: str
    value: Phrase

    @property
    def text(self) -> str:
        return plain(self.value)


def plain(phrase: Phrase) -> str:
    """The words of a phrase without tones (JSON, Markdown, plain text, toasts)."""
    return "".join(part.text for part in phrase)


def phrase(*items: str | Part | None) -> Phrase:
    """Build a phrase: strings are NORMAL parts; None and empty strings are left out."""
    return tuple(
        item if isinstance(item, Part) else Part(item)
        for item in items
        if item is not None and item != "" and not (isinstance(item, Part) and not item.text)
    )


def field(label: str, *items: str | Part | None) -> Field | None:
    """A field, or None when it would say nothing (front ends leave those out)."""
    value = phrase(*items)
    return Field(label, value) if value else None


def fields(*items: Field | None) -> list[Field]:
    return [item for item in items if item is not None]


@struct(frozen=True)
class View:
    """What wording depends on: the user's zone, the clock, the rules of the config."""

    config: Config
    now: datetime

    @property
    def tz(self) -> tzinfo:
        return self.config.timezone

    @property
    def rule(self) -> ResponseRule:
        return self.config.response_rule

    @property
    def steps(self) -> int:
        return self.config.ladder_length

    def when(self, moment: date | datetime, zone: tzinfo | None = None) -> str:
        """`today 15:00`, with the client's time when their zone differs from the user's:
        `today 15:00 (client today 09:00)`."""
        text = format_when(moment, self.tz, self.now)
        theirs = self.client_when(moment, zone)
        return f"{text} (client {theirs})" if theirs else text

    def client_when(self, moment: date | datetime, zone: tzinfo | None) -> str | None:
        """`today 09:00` at the client's, or None when their clock shows what the user's does
        (no zone known, the same zone, the same offset, or an all-day date)."""
        if zone is None or zone == self.tz or not isinstance(moment, datetime):
            return None
        if moment.astimezone(zone).utcoffset() == moment.astimezone(self.tz).utcoffset():
            return None
        return format_when(moment, zone, self.now)

    def due_tone(self, due: date | datetime | None) -> Tone:
        """LATE when past due (an all-day due lasts its whole day), WARNING when due today."""
        if due is None:
            return Tone.NORMAL
        if is_overdue(due, self.now, self.tz):
            return Tone.LATE
        day = due.astimezone(self.tz).date() if isinstance(due, datetime) else due
        return Tone.WARNING if day == local_today(self.now, self.tz) else Tone.NORMAL


def zone_named(name: str | None) -> ZoneInfo | None:
    """A stored IANA zone name as a zone (None when unset or unknown to this system)."""
    try:
        return ZoneInfo(name) if name else None
    except (ValueError, KeyError):
        return None


def client_time(view: View, zone: tzinfo | None) -> str | None:
    """`Asia/Tokyo, now Tue 18:05 (UTC+09:00)`: the clock at the client's."""
    return f"{zone}, now {client_local_time(zone, view.now)}" if zone is not None else None


def named(reference: str, title: str | None) -> str:
    """`T3 Write the brief`: a related record by reference and title."""
    return f"{reference} {one_line(title or '')}".rstrip()


# --- tasks ------------------------------------------------------------------------------------


def task_summary(view: View, row: TaskRow, *, with_due: bool = True) -> str:
    """`Send estimate · due today 15:00 · Granel · +urgent · @copywriter · 2/5`."""
    task = row.task
    parts = [one_line(task.title)]
    if with_due and task.due is not None:
        parts.append(f"due {format_when(task.due, view.tz, view.now)}")
    if row.client_name:
        parts.append(one_line(row.client_name))
    parts.extend(f"+{one_line(tag)}" for tag in row.tags)
    if task.assignee:
        parts.append(f"@{one_line(task.assignee)}")
    if row.subtasks_total:
        parts.append(f"{row.subtasks_done}/{row.subtasks_total}")
    return " · ".join(parts)


def task_fields(view: View, details: TaskDetails) -> list[Field]:
    """Every field of a task's detail (`amtui show T12`, the app's detail view)."""
    task, row = details.row.task, details.row
    due = None
    if task.due is not None:
        relative = f" ({format_relative(task.due_at, view.now)})" if task.due_at else ""
        state = None if task.done_at else view.due_tone(task.due)
        due = Part(format_when(task.due, view.tz, view.now) + relative, state or Tone.NORMAL)
    parent, lead = details.parent, details.lead
    client = f"{one_line(row.client_name or '')} ({ref(Kind.CLIENT, task.client_id)})"
    return fields(
        field("column", one_line(task.column)),
        field("owner", row.owner),
        field("subtask of", named(parent.ref, parent.title) if parent else None),
        field("client", client if task.client_id else None),
        field("client time", client_time(view, zone_named(details.client_zone))),
        field("lead", named(lead.ref, lead.title) if lead else None),
        field("due", due),
        field("priority", task.priority),
        field("assignee", one_line(task.assignee) if task.assignee else None),
        field("tags", " ".join(f"+{one_line(t)}" for t in row.tags)),
        field("estimate", f"{task.estimate_hours:g} h" if task.estimate_hours else None),
        field("repeats", _repeats(task)),
        field("done", format_when(task.done_at, view.tz, view.now) if task.done_at else None),
        field("created", format_when(task.created_at, view.tz, view.now)),
        field("notes", clean(task.notes)),
    )


def _due_part(view: View, task: Task, prefix: str = "") -> Part | None:
    """A task's due among other facts: muted unless it is late or today (and still open)."""
    if task.due is None:
        return None
    tone = Tone.MUTED if task.done_at else view.due_tone(task.due)
    tone = Tone.MUTED if tone is Tone.NORMAL else tone
    return Part(prefix + format_when(task.due, view.tz, view.now), tone)


def task_item(view: View, task: Task) -> Phrase:
    """`T3  To do  Write the brief  Fri 15:00`: one of a lead's or a client's tasks."""
    return phrase(
        Part(task.ref, Tone.ACCENT),
        "  ",
        Part(one_line(task.column), Tone.MUTED),
        "  ",
        one_line(task.title),
        _due_part(view, task, "  "),
    )


def subtask_item(view: View, task: Task) -> Phrase:
    """`[x] T5 Script  Fri 15:00  @copywriter`: one line of a task's checklist."""
    return phrase(
        Part("[x]" if task.done_at else "[ ]", Tone.STRONG),
        " ",
        Part(task.ref, Tone.ACCENT),
        " ",
        one_line(task.title),
        _due_part(view, task, "  "),
        Part(f"  @{one_line(task.assignee)}", Tone.MUTED) if task.assignee else None,
    )


def lead_item(lead: Lead) -> Phrase:
    """`L7  briefed  Website redesign`: one of a client's leads."""
    return phrase(
        Part(lead.ref, Tone.ACCENT), "  ", Part(lead.stage, Tone.MUTED), "  ", one_line(lead.title)
    )


def _repeats(task: Task) -> str | None:
    """`every month (rec:+1m), series T3`."""
    if not task.recur:
        return None
    from amtui.core.recurrence import parse_rule

    rule = parse_rule(task.recur)
    return f"{rule.label} (rec:{rule.text}), series {ref(Kind.TASK, task.series_id or task.id)}"


# --- clients ----------------------------------------------------------------------------------


def kam_text(client: Client) -> str | None:
    """`Star (attractiveness 5, relationship 3): attractive, relationship still to build`; the
    scores alone until both are known; None when neither is."""
    a, r = client.kam_attractiveness, client.kam_relationship
    if a is None and r is None:
        return None
    scores = f"attractiveness {'-' if a is None else a}, relationship {'-' if r is None else r}"
    quadrant = kam_quadrant(a, r)
    return f"{quadrant} ({scores}): {QUADRANTS[quadrant]}" if quadrant else scores


def relationship_text(stage: str) -> str:
    """`operational (2 of 4)`: where the relationship stands on tactical → … → strategic."""
    if stage in RELATIONSHIP_STAGES:
        return f"{stage} ({RELATIONSHIP_STAGES.index(stage) + 1} of {len(RELATIONSHIP_STAGES)})"
    return one_line(stage)


def client_fields(view: View, details: ClientDetails) -> list[Field]:
    """Every field of a client's detail (`amtui show C3`, the app's detail view)."""
    client = details.client
    contacts = "\n".join(
        " · ".join(one_line(p) for p in (c.name, c.role, c.email, c.phone) if p)
        for c in details.contacts
    )
    return fields(
        field("time zone", client_time(view, zone_named(client.timezone)) or None),
        field("owner", details.owner),
        field("KAM", kam_text(client)),
        field("relationship stage", relationship_text(client.relationship_stage)),
        field("documents in", one_line(client.locale) if client.locale else None),
        field("archived", "yes" if client.archived else None),
        field("contacts", contacts),
        field("notes", clean(client.notes)),
    )


# --- reminders --------------------------------------------------------------------------------

#: Ladder steps created before the step number moved out of the text said it twice.
_OLD_STEP_SUFFIX = lazy(r"\s*\(step \d+ of \d+\)\s*$")


def step_label(view: View, step: int | None) -> str:
    """`step 2 of 6`."""
    return f"step {step or 1} of {view.steps}"


def reminder_title(reminder: Reminder) -> str:
    """A reminder's own words (a ladder step's without the step number older versions added
    to the stored text)."""
    text = one_line(reminder.text)
    if reminder.kind not in LADDER_KINDS or "(step " not in text:  # the suffix's own words
        return text
    return _OLD_STEP_SUFFIX.sub("", text)


def reminder_text(view: View, reminder: Reminder) -> str:
    """What a reminder says; a follow-up step names its step once: `step 2 of 6 · Follow up:
    no reply after 3 days`."""
    if reminder.kind not in LADDER_KINDS:
        return reminder_title(reminder)
    return f"{step_label(view, reminder.step)} · {reminder_title(reminder)}"


def about(row: ReminderRow) -> str | None:
    """`L7 Website redesign`: what a reminder is about."""
    return named(row.subject_ref, row.subject_title) if row.subject_ref else None


def reminder_line(view: View, row: ReminderRow) -> str:
    """`step 2 of 6 · Follow up… (about L7 Website redesign)` for one-line displays."""
    subject = about(row)
    text = reminder_text(view, row.reminder)
    return f"{text} (about {subject})" if subject else text


def reminder_item(view: View, reminder: Reminder) -> Phrase:
    """`R5  today 16:00  step 2 of 6 · Follow up…`: one of a record's reminders (`  done` once
    done); an open one's due in its due tone."""
    due = reminder.effective_due
    done = reminder.done_at is not None
    return phrase(
        Part(reminder.ref, Tone.ACCENT),
        "  ",
        Part(format_when(due, view.tz, view.now), Tone.MUTED if done else view.due_tone(due)),
        "  ",
        reminder_text(view, reminder),
        Part("  done", Tone.MUTED) if done else None,
    )


def reminder_fields(view: View, row: ReminderRow) -> list[Field]:
    """Every field of a reminder's detail (`amtui show R5`, the app's detail view)."""
    reminder = row.reminder
    due = reminder.effective_due
    open_ = reminder.done_at is None
    kind = reminder.kind
    if reminder.kind in LADDER_KINDS:
        kind += f" ({step_label(view, reminder.step)})"
    return fields(
        field(
            "due",
            Part(
                view.when(due, zone_named(row.zone)), view.due_tone(due) if open_ else Tone.NORMAL
            ),
        ),
        field("snoozed from", view.when(reminder.due_at) if reminder.snoozed_until else None),
        field("kind", kind),
        field("about", about(row)),
        field("done", view.when(reminder.done_at) if reminder.done_at else None),
        field("notified", view.when(reminder.notified_at) if reminder.notified_at else None),
    )

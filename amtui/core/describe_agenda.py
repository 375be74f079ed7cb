"""What the agenda and due notifications say (see `amtui.core.describe`): the sections in their
order with their names, and one line per item: when (a countdown for a lead's deadline), what,
and the client's time when it differs from the user's.

`amtui agenda`, `amtui remind due`, the app's agenda and its toasts all word items here. Pure,
like `describe`.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from amtui.core.describe import (
    Part,
    Tone,
    View,
    about,
    reminder_line,
    reminder_text,
    task_summary,
)
from amtui.core.describe_leads import countdown, lead_origin
from amtui.core.describe_money import invoice_state_part, invoice_summary
from amtui.core.display import (
    clock_changes,
    countdown_changes,
    earliest,
    format_when,
    passes,
)
from amtui.core.structs import struct
from amtui.core.text import one_line

if TYPE_CHECKING:
    from amtui.core.agenda import Agenda, AgendaItem, Section
    from amtui.core.notify import DueItem


@struct(frozen=True)
class AgendaSection:
    """One section of the agenda: `key` names it in JSON, `title` on screen."""

    key: str
    title: str
    tone: Tone
    section: Section


def agenda_title(agenda: Agenda) -> str:
    """`Agenda for Wed 25 Nov 2026 (Europe/Berlin)`; `… · anna` when it is one member's."""
    whose = f" · {agenda.owner}" if agenda.owner else ""
    return f"Agenda for {agenda.day:%a %-d %b %Y} ({agenda.timezone}){whose}"


def agenda_sections(agenda: Agenda) -> list[AgendaSection]:
    """The agenda's sections in the order a day is read: what is late, what is due today,
    the leads waiting on us, reminders and follow-ups, the next days, then the money owed
    to us (invoices overdue or due soon)."""
    return [
        AgendaSection("overdue", "Overdue", Tone.LATE, agenda.overdue),
        AgendaSection("today", "Today", Tone.WARNING, agenda.today),
        AgendaSection(
            "waiting_leads", "Waiting for a first response", Tone.WARNING, agenda.waiting
        ),
        AgendaSection("answers_due", "Answers due", Tone.WARNING, agenda.answers),
        AgendaSection("reminders", "Reminders and follow-ups", Tone.ACCENT, agenda.reminders),
        AgendaSection("upcoming", f"Next {agenda.days} days", Tone.NORMAL, agenda.upcoming),
        AgendaSection("invoices", "Invoices due", Tone.WARNING, agenda.invoices),
    ]


def client_when(view: View, moment: date | datetime, zone: tzinfo | None) -> str | None:
    """`client today 10:00 America/New_York` when the client's clock differs from the user's."""
    theirs = view.client_when(moment, zone)
    return f"client {theirs} {one_line(str(zone))}" if theirs else None


@struct(frozen=True)
class AgendaLine:
    """An agenda item: its reference, when (toned), what it is, and the client's time."""

    ref: str
    when: Part
    what: str
    client_time: str | None

    @property
    def text(self) -> str:
        """`what · client today 10:00 America/New_York` (the when is a column of its own)."""
        return f"{self.what} · {self.client_time}" if self.client_time else self.what


def agenda_line(view: View, item: AgendaItem) -> AgendaLine:
    """One agenda item. A lead's deadline counts down (`14:32 left`, `late 3m`); anything else
    says when (`today 15:00`), LATE when overdue and WARNING when due today."""
    if item.invoice is not None:
        state = invoice_state_part(item.invoice)
        when = Part(format_when(item.due, view.tz, view.now), state.tone)
        return AgendaLine(item.ref, when, f"{invoice_summary(item.invoice)} · {state.text}", None)
    if item.deadline is not None and isinstance(item.due, datetime):
        when = countdown(view, item.due)
    else:
        tone = Tone.LATE if item.overdue else view.due_tone(item.due)
        when = Part(format_when(item.due, view.tz, view.now), tone)
    if item.task is not None:  # a task line names no client time (its client is in its text)
        return AgendaLine(item.ref, when, task_summary(view, item.task, with_due=False), None)
    zone = client_when(view, item.due, item.zone)
    if item.lead is not None:
        lead = item.lead.lead
        what = "answer due: " if item.deadline == "answer" else ""
        client = f" · {one_line(item.lead.client_name)}" if item.lead.client_name else ""
        text = f"{what}{one_line(lead.title)} · {lead_origin(lead)}{client}"
        return AgendaLine(item.ref, when, text, zone)
    assert item.reminder is not None
    return AgendaLine(item.ref, when, reminder_line(view, item.reminder), zone)


def agenda_line_changes(view: View, item: AgendaItem) -> datetime | None:
    """When `agenda_line` may next read differently with the clock alone: a deadline's
    countdown at its next turn; anything else when it turns late or the day changes (the
    invoice's state and an item's section are what the agenda was read with)."""
    if item.invoice is None and item.deadline is not None and isinstance(item.due, datetime):
        return countdown_changes(item.due, view.now)
    late = passes(item.due, view.now) if isinstance(item.due, datetime) else None
    return earliest(late, clock_changes(view.now))


def due_line(view: View, item: DueItem) -> str:
    """One due item on one line (`remind due`, desktop notifications, the app's toasts):
    `first response due today 10:15 (client today 18:15 Asia/Tokyo): Title · email from
    client` or `due today 16:00: step 2 of 6 · Follow up… · L7 Title`."""
    when = format_when(item.due, view.tz, view.now)
    zone = client_when(view, item.due, item.zone)
    client = f" ({zone})" if zone else ""
    if item.reminder is not None:
        row = item.reminder
        subject = f" · {about(row)}" if row.subject_ref else ""
        return f"due {when}{client}: {reminder_text(view, row.reminder)}{subject}"
    if item.invoice is not None:
        state = invoice_state_part(item.invoice).text
        return f"{invoice_summary(item.invoice)} · {state}"
    assert item.lead is not None
    lead = item.lead.lead
    what = "first response" if item.kind == "first-response" else "answer"
    return f"{what} due {when}{client}: {one_line(lead.title)} · {lead_origin(lead)}"

"""The lead's part of the detail view: both service-level deadlines (and which is next), the
client's local time for each, and where the lead stands on its follow-up ladder.

The rules come from core (`sla.deadlines_of`, `followups.ladder_state`); this only renders
them, like `amtui show L7` does, with late times in the theme's error colour.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from textual.content import Content

from amtui.core.config import Config
from amtui.core.display import (
    format_countdown,
    format_money,
    format_relative,
    format_span,
    format_when,
)
from amtui.core.followups import LadderState, ladder_state
from amtui.core.lead_queries import LeadDetails
from amtui.core.refs import Kind, ref
from amtui.core.sla import Deadline, deadlines_of
from amtui.tui.render import LATE, MUTED, SOON, safe, safe_block
from amtui.tui.widgets.detail import fields, local_time

DEADLINE_NAMES = {"first-response": "first response", "answer": "answer"}


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ValueError, KeyError):
        return None


class _Times:
    """`today 15:00 (client today 09:00)`: the user's time, and the client's when it differs."""

    def __init__(self, tz: tzinfo, client: ZoneInfo | None, now: datetime) -> None:
        self.tz, self.client, self.now = tz, client, now

    def __call__(self, moment: datetime) -> str:
        text = format_when(moment, self.tz, self.now)
        if self.client is not None and self.client != self.tz:
            text += f" (client {format_when(moment, self.client, self.now)})"
        return text


def _open(deadline: Deadline, when: _Times, now: datetime, is_next: bool) -> Content:
    late = deadline.is_late(now)
    return Content.assemble(
        "due ",
        when(deadline.due),
        " — ",
        (format_countdown(deadline.due, now), LATE if late else SOON),
        ("  ← next" if is_next else "", "bold"),
    )


def _met(deadline: Deadline, received: datetime, when: _Times, verb: str) -> Content:
    assert deadline.met_at is not None
    took = format_span(deadline.met_at - received)
    late = deadline.met_at > deadline.due
    return Content.assemble(
        f"{verb}{format_when(deadline.met_at, when.tz, when.now)}, after {took}",
        (" (late)" if late else "", LATE),
    )


def ladder_text(state: LadderState, when: _Times, now: datetime) -> Content | None:
    """`step 2 of 6 · R9 due Mon 10:00 · 1 done`, `gone cold …`, or `3 steps done`."""
    if state.cold_at is not None:
        return Content.styled(
            f"gone cold {when(state.cold_at)}: the ladder ended without a reply", LATE
        )
    pending = state.pending
    if pending is not None:
        due = pending.effective_due
        snoozed = " (snoozed)" if pending.snoozed_until else ""
        done = f" · {state.done} done" if state.done else ""
        return Content.assemble(
            f"step {pending.step or 1} of {state.steps} · ",
            (pending.ref, "bold"),
            " due ",
            (when(due), LATE if due < now else ""),
            snoozed,
            (done, MUTED),
        )
    if state.done:
        return Content(f"{state.done} step{'s' if state.done != 1 else ''} done, none pending")
    return None


def lead_fields(details: LeadDetails, zone: str | None, now: datetime, config: Config) -> Content:
    lead, row = details.row.lead, details.row
    tz, received = config.timezone, lead.received_at
    client_zone = _zone(lead.timezone) or _zone(zone)
    when = _Times(tz, client_zone, now)
    deadlines = deadlines_of(lead, config.response_rule)
    upcoming = deadlines.next() if deadlines else None
    response: Content | None = None
    answer: Content | None = None
    if deadlines is not None:
        first, owed = deadlines.first_response, deadlines.answer
        if first.met_at is None:
            response = Content("waiting; ") + _open(first, when, now, upcoming is first)
        else:
            response = _met(first, received, when, "")
        if owed.met_at is None:
            answer = _open(owed, when, now, upcoming is owed)
        else:
            answer = _met(owed, received, when, "sent ")
    else:
        if lead.first_response_at is not None:
            took = format_span(lead.first_response_at - received)
            response = Content(f"{format_when(lead.first_response_at, tz, now)}, after {took}")
        if lead.answered_at is not None:
            answer = Content(f"sent {format_when(lead.answered_at, tz, now)}")
    next_deadline = (
        f"{DEADLINE_NAMES.get(upcoming.kind, upcoming.kind)} {when(upcoming.due)}"
        if upcoming
        else None
    )
    ladder = ladder_text(ladder_state(lead, details.reminders, config), when, now)
    source = lead.source + (f" ({safe(lead.partner)})" if lead.partner else "")
    contact = " ".join(
        safe(p, 100) for p in (lead.contact_name, lead.contact_email, lead.contact_phone) if p
    )
    brief = "\n".join(f"{safe(p.get('q'), 100)}: {safe(p.get('a'), 300)}" for p in lead.brief)
    closed = format_when(lead.closed_at, tz, now) if lead.closed_at else None
    return fields(
        [
            ("stage", lead.stage + (f" ({safe(lead.lost_reason)})" if lead.lost_reason else "")),
            ("closed", closed),
            ("source", source),
            ("channel", lead.channel),
            (
                "client",
                f"{safe(row.client_name)} ({ref(Kind.CLIENT, lead.client_id)})"
                if lead.client_id
                else None,
            ),
            ("client time", local_time(lead.timezone or zone, now)),
            ("contact", contact),
            ("value", format_money(lead.value_cents, lead.currency)),
            ("received", f"{format_when(received, tz, now)} ({format_relative(received, now)})"),
            ("first response", response),
            ("answer", answer),
            ("next deadline", next_deadline),
            ("follow-ups", ladder),
            ("external id", safe(lead.external_id) if lead.external_id else None),
            ("brief", brief),
            ("notes", safe_block(lead.notes)),
        ]
    )

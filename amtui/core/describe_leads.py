"""What a lead says (see `amtui.core.describe`): its deadlines, which is next and whether it is
late, its follow-up ladder (step N of M, the next step, the planned dates of the rest, gone
cold), its next action in a list, and what a pipeline move did.

The rules come from `amtui.core.sla` (`deadlines_of`, `ladder_state`, `ladder_plan`); this
module only words them. Pure, like `describe`.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from amtui.core.describe import (
    Field,
    Part,
    Tone,
    View,
    client_time,
    field,
    fields,
    step_label,
    zone_named,
)
from amtui.core.display import (
    clock_changes,
    countdown_changes,
    earliest,
    format_countdown,
    format_relative,
    format_span,
    format_when,
    passes,
)
from amtui.core.money import format_value
from amtui.core.refs import Kind, ref
from amtui.core.sla import (
    Deadline,
    LadderState,
    NextAction,
    PlannedStep,
    deadlines_of,
    ladder_plan,
    ladder_state,
)
from amtui.core.text import clean, one_line

if TYPE_CHECKING:
    from amtui.core.lead_queries import LeadDetails
    from amtui.core.models import Lead, Reminder
    from amtui.core.pipeline import StageResult

#: How a deadline or a reminder kind is named in a sentence.
KIND_WORDS = {
    "first-response": "first response",
    "answer": "answer",
    "custom": "reminder",
    "check-receipt": "check receipt",
    "follow-up": "follow-up",
    "call": "call",
    "payment": "payment",
}
#: The verb a next action shows in a list (`respond 12:04 left`).
_ACTION_VERBS = {"first-response": "respond", "answer": "answer"}


def lead_origin(lead: Lead) -> str:
    """`email from partner Pixel Partners`, `phone from client`."""
    origin = f"partner {one_line(lead.partner)}" if lead.partner else lead.source
    return f"{lead.channel} from {origin}"


def countdown(view: View, deadline: datetime) -> Part:
    """`14:32 left` (WARNING) or `late 3m` (LATE)."""
    late = deadline < view.now
    return Part(format_countdown(deadline, view.now), Tone.LATE if late else Tone.WARNING)


def next_action(view: View, action: NextAction) -> Part:
    """A lead's next action in a list: `respond 12:04 left`, `answer late 2h 10m`,
    `follow-up 2 tomorrow 10:00`, `call Mon`; LATE once past, WARNING for a running deadline."""
    late = action.due < view.now
    verb = _ACTION_VERBS.get(action.kind)
    if verb is not None:
        running = countdown(view, action.due)
        return Part(f"{verb} {running.text}", running.tone)
    step = f" {action.step}" if action.step else ""
    when = format_when(action.due, view.tz, view.now)
    text = f"{KIND_WORDS.get(action.kind, action.kind)}{step} {when}"
    return Part(text, Tone.LATE if late else Tone.NORMAL)


def next_action_changes(view: View, action: NextAction) -> datetime | None:
    """When `next_action` may next read differently with the clock alone: its countdown's
    next turn, else the moment it turns late or the day changes (`tomorrow 10:00`)."""
    if action.kind in _ACTION_VERBS:
        return countdown_changes(action.due, view.now)
    return earliest(passes(action.due, view.now), clock_changes(view.now))


def _open_deadline(
    view: View, deadline: Deadline, zone: tzinfo | None, is_next: bool
) -> tuple[Part, ...]:
    """`due today 10:15 (client today 18:15) — 12:04 left  ← next`."""
    return (
        Part(f"due {view.when(deadline.due, zone)} — "),
        countdown(view, deadline.due),
        Part("  ← next" if is_next else "", Tone.STRONG),
    )


def _met(
    view: View, met_at: datetime, due: datetime | None, received: datetime, verb: str
) -> tuple[Part, ...]:
    """`sent today 11:00, after 1h 00m (late)`."""
    took = format_span(met_at - received)
    late = due is not None and met_at > due
    return (
        Part(f"{verb}{format_when(met_at, view.tz, view.now)}, after {took}"),
        Part(" (late)" if late else "", Tone.LATE),
    )


def deadline_fields(view: View, lead: Lead, zone: tzinfo | None) -> list[Field]:
    """`first response`, `answer` and `next deadline` of a lead, in the user's time and the
    client's (`zone`, when known). A closed lead shows when each was met."""
    deadlines = deadlines_of(lead, view.rule)
    received = lead.received_at
    if deadlines is None:  # won or lost: what happened, not what is due
        responded, answered = lead.first_response_at, lead.answered_at
        response = _met(view, responded, None, received, "") if responded else ()
        answer = _met(view, answered, None, received, "sent ") if answered else ()
        return fields(field("first response", *response), field("answer", *answer))
    upcoming = deadlines.next()
    first, owed = deadlines.first_response, deadlines.answer
    if first.met_at is None:
        response = (Part("waiting; "), *_open_deadline(view, first, zone, upcoming is first))
    else:
        response = _met(view, first.met_at, first.due, received, "")
    if owed.met_at is None:
        answer = _open_deadline(view, owed, zone, upcoming is owed)
    else:
        answer = _met(view, owed.met_at, owed.due, received, "sent ")
    next_deadline = None
    if upcoming is not None:
        tone = Tone.LATE if upcoming.is_late(view.now) else Tone.WARNING
        words = f"{KIND_WORDS[upcoming.kind]} {view.when(upcoming.due, zone)}"
        next_deadline = Part(words, tone)
    return fields(
        field("first response", *response),
        field("answer", *answer),
        field("next deadline", next_deadline),
    )


def ladder_summary(
    view: View, state: LadderState[Reminder], zone: tzinfo | None
) -> tuple[Part, ...]:
    """`step 2 of 6 · R9 due Mon 10:00 (client Mon 04:00) · 1 done`, `gone cold …`,
    `3 steps done, none pending`; nothing when no ladder ever ran."""
    if state.cold_at is not None:
        words = f"gone cold {view.when(state.cold_at, zone)}: the ladder ended without a reply"
        return (Part(words, Tone.LATE),)
    pending = state.pending
    if pending is not None:
        due = pending.effective_due
        return (
            Part(f"{step_label(view, pending.step)} · "),
            Part(pending.ref, Tone.ACCENT),
            Part(" due "),
            Part(view.when(due, zone), Tone.LATE if due < view.now else Tone.NORMAL),
            Part(" (snoozed)" if pending.snoozed_until else "", Tone.MUTED),
            Part(f" · {state.done} done" if state.done else "", Tone.MUTED),
        )
    if state.done:
        return (Part(f"{state.done} step{'s' if state.done != 1 else ''} done, none pending"),)
    return ()


def planned_steps(view: View, plan: list[PlannedStep]) -> tuple[Part, ...]:
    """`step 3 Tue 1 Dec 10:00 · step 4 Tue 8 Dec 10:00 · …`: when the steps after the pending
    one fall if no reply comes (each counted from the one before, as the ladder does)."""
    later = [f"step {p.step} {format_when(p.due, view.tz, view.now)}" for p in plan[1:]]
    return (Part(" · ".join(later), Tone.MUTED),) if later else ()


def lead_fields(view: View, details: LeadDetails) -> list[Field]:
    """Every field of a lead's detail (`amtui show L7`, the app's detail view)."""
    lead, row = details.row.lead, details.row
    zone = zone_named(details.zone)
    state = ladder_state(lead, details.reminders, view.config)
    plan = ladder_plan(state, view.config, view.config.deadline_zone(details.zone), view.now)
    contact = " ".join(
        one_line(p) for p in (lead.contact_name, lead.contact_email, lead.contact_phone) if p
    )
    received = lead.received_at
    client = f"{one_line(row.client_name or '')} ({ref(Kind.CLIENT, lead.client_id)})"
    stage = lead.stage + (f" ({one_line(lead.lost_reason)})" if lead.lost_reason else "")
    return fields(
        field("stage", stage),
        field("owner", row.owner),
        field("closed", view.when(lead.closed_at) if lead.closed_at else None),
        field("source", lead.source + (f" ({one_line(lead.partner)})" if lead.partner else "")),
        field("channel", lead.channel),
        field("client", client if lead.client_id else None),
        field("client time", client_time(view, zone)),
        field("contact", contact),
        field("value", format_value(lead.value_minor, lead.currency)),
        field("received", f"{view.when(received)} ({format_relative(received, view.now)})"),
        *deadline_fields(view, lead, zone),
        field("follow-ups", *ladder_summary(view, state, zone)),
        field("then, if no reply", *planned_steps(view, plan)),
        field("external id", one_line(lead.external_id) if lead.external_id else None),
        field("notes", clean(lead.notes)),
    )


def step_line(view: View, step: Reminder) -> str:
    """`R2 step 2 of 6 due Mon 09:00`: a scheduled ladder step."""
    when = format_when(step.effective_due, view.tz, view.now)
    return f"{step.ref} {step_label(view, step.step)} due {when}"


def stage_outcome(view: View, result: StageResult) -> list[str]:
    """What a pipeline call did, in order: `first response recorded`, `stage new →
    contacted`, `ladder started: R1 step 1 of 6 due tomorrow 10:00`, `ladder stopped at
    step 2`; the stage when nothing else changed."""
    parts = [e for e in result.events if not e.startswith("follow-up ladder")]
    if result.ladder_step is not None:
        parts.append(f"ladder started: {step_line(view, result.ladder_step)}")
    elif result.stopped is not None:
        parts.append(f"ladder stopped at step {result.stopped.step or 1}")
    return parts or [result.lead.stage]

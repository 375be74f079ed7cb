"""The lead workflow and reminder verbs ↔ core: form fields, the writes, what the toasts say.

No Textual here: these functions run in worker threads and raise `AmtuiError` (an
`InputError` for bad input), which the form shows inline or the app shows as a toast. Every
note is built from references, stage names and times, with untrusted text through `safe`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from amtui.core import reminders
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.describe import View
from amtui.core.describe_leads import stage_outcome
from amtui.core.display import format_when
from amtui.core.drafts import draft_from_text
from amtui.core.errors import InputError
from amtui.core.followups import LADDER_KINDS, ladder_state
from amtui.core.lead_queries import get_lead_details
from amtui.core.models import Reminder, Stage
from amtui.core.pipeline import (
    StageResult,
    change_stage,
    log_lead,
    lose_lead,
    reopen_lead,
    respond_lead,
    win_lead,
)
from amtui.core.pipeline_rules import LogKind
from amtui.core.sla import response_owed
from amtui.core.vocabulary import OPEN_STAGES
from amtui.tui.edits import shown
from amtui.tui.render import safe
from amtui.tui.screens.forms import Check, FieldSpec, Saved, date_check, when_label

Clock = Callable[[], datetime]


def respond(db: Database, config: Config, now: Clock, ref: str, verb: str) -> Saved:
    """`respond` (r on a waiting lead) or `answer` (r once responded): one core call that
    records whichever is owed. Refused when the screen was behind: the other one was owed."""
    lead = get_lead_details(db, ref).row.lead
    if response_owed(lead, config.response_rule) != verb:
        done = "the first response" if verb == "respond" else "the answer"
        raise InputError(f"{ref}: {done} is not owed any more (the screen was behind)")
    at = now()
    result = respond_lead(db, ref, now=at, config=config)
    return Saved(f"{ref}: {', '.join(stage_outcome(View(config, at), result))}", ref)


def stage_note(result: StageResult, config: Config, now: datetime) -> str:
    """`L7 proposal-sent · ladder started, step 1 Mon 10:00` (plus first response / answer)."""
    lead = result.lead
    return " · ".join([f"L{lead.id} {lead.stage}", *outcome(result, config, now)])


def outcome(result: StageResult, config: Config, now: datetime) -> list[str]:
    """What a pipeline call did besides the stage: responses, and the ladder with its times."""
    parts = [
        event
        for event in result.events
        if not event.startswith(("stage ", "follow-up ladder", "answer promised"))
    ]
    if result.ladder_step is not None:
        step = result.ladder_step
        when = format_when(step.effective_due, config.timezone, now)
        parts.append(f"ladder started, step {step.step or 1} {when}")
    elif result.stopped is not None:
        parts.append(f"ladder stopped at step {result.stopped.step or 1}")
    return parts


# --- log ---------------------------------------------------------------------------------------

LOG_KINDS = (
    (LogKind.EMAIL_OUT.value, "email-out: we wrote"),
    (LogKind.EMAIL_IN.value, "email-in: the client replied (stops the ladder)"),
    (LogKind.CALL.value, "call: a conversation (stops the ladder)"),
    (LogKind.CALL_OUT.value, "call-out: we called, no answer"),
    (LogKind.MEETING.value, "meeting (stops the ladder)"),
    (LogKind.NOTE.value, "note"),
)


def log_fields(config: Config, now: Clock) -> list[FieldSpec]:
    return [
        FieldSpec("kind", "Kind", options=tuple((label, kind) for kind, label in LOG_KINDS)),
        FieldSpec("text", "Text", "what was said (optional)"),
        FieldSpec(
            "awaits",
            "Reply?",
            options=(
                ("no reply needed", "no"),
                ("awaits a reply: (re)start the follow-up ladder", "yes"),
            ),
            shown_if=("kind", LogKind.EMAIL_OUT.value),
        ),
        FieldSpec(
            "at", "When", "now; or 9:30, -2h, yesterday 16:00", check=date_check(config, now)
        ),
    ]


def save_log(db: Database, config: Config, now: Clock, ref: str, values: dict[str, str]) -> Saved:
    kind = values.get("kind") or LogKind.NOTE.value
    awaits = kind == LogKind.EMAIL_OUT.value and values.get("awaits") == "yes"
    result = log_lead(
        db,
        ref,
        kind,
        values.get("text", "").strip(),
        now=now(),
        config=config,
        awaits_reply=awaits,
        at=values.get("at", "").strip() or None,
    )
    return Saved(" · ".join([f"{ref}: {kind} logged", *outcome(result, config, now())]), ref)


# --- stage -------------------------------------------------------------------------------------

_STAGE_HINTS = {
    Stage.CONTACTED.value: "→ the first response was made",
    Stage.BRIEFED.value: "→ the brief is in: counts as the answer",
    Stage.PROPOSAL_SENT.value: "→ starts the follow-up ladder (step 1: check it arrived)",
    Stage.NEGOTIATING.value: "→ the client answered: a running ladder stops",
}


def stage_choices(current: str) -> list[str]:
    """The open stages a lead at `current` can move to (never back to new)."""
    return [s for s in OPEN_STAGES if s not in (current, Stage.NEW.value)]


def next_stage(current: str) -> str | None:
    """The next open stage after `current` (the default of the stage key)."""
    choices = stage_choices(current)
    if not choices:
        return None
    later = [s for s in choices if OPEN_STAGES.index(s) > OPEN_STAGES.index(current)]
    return later[0] if later else choices[-1]


def stage_fields(current: str) -> list[FieldSpec]:
    return [
        FieldSpec(
            "stage",
            "Stage",
            options=tuple((stage, stage) for stage in stage_choices(current)),
            check=lambda stage: _STAGE_HINTS.get(stage, ""),
        ),
        FieldSpec("note", "Note", "for the timeline (optional)"),
    ]


def save_stage(db: Database, config: Config, now: Clock, ref: str, values: dict[str, str]) -> Saved:
    at = now()
    result = change_stage(
        db, ref, values["stage"], now=at, config=config, note=values.get("note", "").strip()
    )
    return Saved(stage_note(result, config, at), ref)


# --- win, lose, reopen --------------------------------------------------------------------------


def win_question(db: Database, config: Config, now: Clock, ref: str) -> tuple[str | None, str]:
    """The lead's client (None: ask for one) and what winning adds, for the confirmation."""
    row = get_lead_details(db, ref).row
    if row.lead.stage in (Stage.WON.value, Stage.LOST.value):
        raise InputError(f"{ref} is {row.lead.stage} already")
    at = now()
    titles = [draft_from_text(line, now=at, config=config).title for line in config.win_tasks]
    adds = (
        "Adds the starter tasks: " + ", ".join(safe(t, 40) for t in titles)
        if titles
        else "No starter tasks are configured (win_tasks)."
    )
    return row.client_name, adds


def save_win(db: Database, config: Config, now: Clock, ref: str, client: str | None) -> Saved:
    result = win_lead(db, ref, now=now(), config=config, client=client)
    owner = result.client
    note = f"Won {ref} · client {safe(owner.name, 40)} (C{owner.id})"
    if result.created_client:
        note += " (new)"
    if result.tasks:
        refs = ", ".join(f"T{task.id}" for task in result.tasks)
        note += f" · starter tasks {refs}"
    return Saved(note, ref)


def save_lose(db: Database, now: Clock, ref: str, reason: str) -> Saved:
    result = lose_lead(db, ref, reason, now=now())
    note = f"{ref} lost ({safe(reason, 60)})"
    if result.stopped is not None:
        note += f" · ladder stopped at step {result.stopped.step or 1}"
    return Saved(note, None)


def save_reopen(db: Database, config: Config, now: Clock, ref: str) -> Saved:
    at = now()
    result = reopen_lead(db, ref, now=at, config=config)
    return Saved(f"{ref} reopened · {stage_note(result, config, at)}", ref)


# --- reminders ----------------------------------------------------------------------------------


def snooze_target(db: Database, config: Config, ref: str) -> tuple[str, datetime]:
    """The reminder a snooze on `ref` acts on (a lead: its pending ladder step) and when it is
    due now."""
    if ref[0] == "R":
        reminder = reminders.get_reminder(db, ref).reminder
    else:
        details = get_lead_details(db, ref)
        pending = ladder_state(details.row.lead, details.reminders, config).pending
        if pending is None:
            raise InputError(f"{ref} has no follow-up step pending; select a reminder to snooze")
        reminder = pending
    if reminder.done_at is not None:
        raise InputError(f"R{reminder.id} is done; nothing to snooze")
    return f"R{reminder.id}", reminder.effective_due


def snooze_check(config: Config, now: Clock, due: datetime) -> Check:
    """`→ Fri 27 Nov 12:00`: what the snooze resolves to, by the core rule."""

    def check(text: str) -> str:
        at = now()
        until = reminders.snooze_until(due, text, now=at, config=config)
        return f"→ {when_label(until, config, at)}"

    return check


def save_snooze(db: Database, config: Config, now: Clock, ref: str, until: str) -> Saved:
    row = reminders.snooze_reminder(db, ref, until.strip(), now=now(), config=config)
    when = format_when(row.reminder.effective_due, config.timezone, now())
    return Saved(f"Snoozed {ref} until {when}", ref)


def complete(db: Database, config: Config, now: Clock, ref: str) -> Saved:
    """A reminder done; for a follow-up step the toast names the next step, or says the lead
    has gone cold."""
    at = now()
    result = reminders.complete_reminder(db, ref, now=at, config=config)
    note = f"{ref} done"
    if result.next_step is not None:
        step = result.next_step
        when = format_when(step.effective_due, config.timezone, at)
        note += f" · next: R{step.id} step {step.step} {when}"
    if result.went_cold:
        note += f" · {result.row.subject_ref} has gone cold: the ladder ended without a reply"
    return Saved(note, ref)


def reminder_fields(config: Config, now: Clock, kind: str) -> list[FieldSpec]:
    fields = [
        FieldSpec("text", "Text", "Call Anna about the estimate"),
        FieldSpec(
            "when", "When", "tomorrow 10:00, fri, +2h", check=date_check(config, now, reminder=True)
        ),
    ]
    if kind in reminders.MANUAL_KINDS:
        fields.append(
            FieldSpec("kind", "Kind", options=tuple((k, k) for k in reminders.MANUAL_KINDS))
        )
    return fields


def reminder_values(db: Database, config: Config, ref: str) -> tuple[str, dict[str, str]]:
    reminder = reminders.get_reminder(db, ref).reminder
    if reminder.done_at is not None:
        raise InputError(f"{ref} is done; nothing to edit")
    when = f"{reminder.effective_due.astimezone(config.timezone):%Y-%m-%d %H:%M}"
    return reminder.kind, {"text": shown(reminder.text), "when": when, "kind": reminder.kind}


def save_reminder_edit(
    db: Database,
    config: Config,
    now: Clock,
    ref: str,
    original: dict[str, str],
    values: dict[str, str],
) -> Saved:
    """Only what changed: a new time clears a snooze; an untouched text is not rewritten."""
    changes: dict[str, str] = {}
    for name in ("text", "when", "kind"):
        value = values.get(name, "").strip()
        if name in values and value != original.get(name, ""):
            changes[name] = value
    if not changes:
        return Saved(f"{ref}: nothing changed", ref)
    if "when" in changes and not changes["when"]:
        raise InputError("a reminder needs a time: tomorrow 10:00, fri, +2h, …")
    reminders.edit_reminder(
        db,
        ref,
        now=now(),
        config=config,
        text=changes.get("text"),
        when=changes.get("when"),
        kind=changes.get("kind"),
    )
    return Saved(f"Saved {ref}", ref)


def reminder_delete_plan(db: Database, ref: str) -> tuple[str, str, Callable[[], Saved]]:
    reminder: Reminder = reminders.get_reminder(db, ref).reminder
    detail = ""
    if reminder.kind in LADDER_KINDS and reminder.done_at is None:
        detail = "It is the pending follow-up step: the ladder stops there."

    def delete() -> Saved:
        reminders.delete_reminder(db, ref)
        return Saved(f"Deleted {ref}", None)

    return f"Delete {ref} {safe(reminder.text, 80)}?", detail, delete

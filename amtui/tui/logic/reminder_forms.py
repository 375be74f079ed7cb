"""Reminders and follow-up steps: new, edit, snooze, done, delete.

A snooze on a lead acts on its pending follow-up step. Snooze times read as `amtui remind
snooze` reads them: an offset counts from when the reminder is due, and a trailing `client`
means the client's zone (the preview under the prompt says what the text resolves to).
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from amtui.core import reminders
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.describe import View
from amtui.core.describe_leads import step_line
from amtui.core.display import format_when
from amtui.core.errors import InputError
from amtui.core.followups import ladder_state
from amtui.core.lead_queries import get_lead_details
from amtui.core.reminders import ReminderRow
from amtui.core.vocabulary import LADDER_KINDS, MANUAL_KINDS
from amtui.tui.logic.fields import (
    Check,
    Clock,
    ConfirmSpec,
    FieldSpec,
    FormLoad,
    FormSpec,
    PromptLoad,
    PromptSpec,
    Saved,
    date_check,
    reference_check,
    when_label,
)
from amtui.tui.logic.text import safe, shown

SNOOZE_DEFAULT = "+2h"
WHEN_PLACEHOLDER = "tomorrow 10:00, fri, +2h, mon 9:00 client"


def new_reminder_form(db: Database, config: Config, now: Clock, about: str | None) -> FormSpec:
    """A reminder about the selected lead, task or client (any other selection: none)."""
    fields = [
        FieldSpec("text", "Text", "Call Anna about the estimate"),
        FieldSpec("when", "When", WHEN_PLACEHOLDER, check=date_check(config, now, reminder=True)),
        FieldSpec("about", "About", "L7, T12 or C3 (optional)", check=reference_check),
    ]
    values = {"about": about if about and about[0] in "TLC" else ""}
    return FormSpec("New reminder", fields, values, partial(save_reminder, db, config, now))


def save_reminder(db: Database, config: Config, now: Clock, values: dict[str, str]) -> Saved:
    field = {name: value.strip() for name, value in values.items()}
    if not field.get("when"):
        raise InputError("a reminder needs a time: tomorrow 10:00, fri, +2h, …")
    row = reminders.add_reminder(
        db,
        field.get("text", ""),
        field["when"],
        now=now(),
        config=config,
        about=field.get("about") or None,
    )
    return Saved(f"Added {row.reminder.ref}: {safe(row.reminder.text, 60)}", row.reminder.ref)


# --- edit ------------------------------------------------------------------------------------


def reminder_fields(config: Config, now: Clock, *, zone: str | None = None) -> list[FieldSpec]:
    return [
        FieldSpec("text", "Text", "Call Anna about the estimate"),
        FieldSpec(
            "when",
            "When",
            WHEN_PLACEHOLDER,
            check=date_check(config, now, reminder=True, client_zone=zone),
        ),
        FieldSpec("kind", "Kind", options=tuple((k, k) for k in MANUAL_KINDS)),
    ]


def edit_reminder_form(db: Database, config: Config, now: Clock, ref: str) -> FormSpec:
    """`e` on a reminder; a follow-up step keeps its kind (the kind field is left out)."""
    original: dict[str, str] = {}

    def load() -> FormLoad:
        row = reminders.get_reminder(db, ref)
        reminder = row.reminder
        if reminder.done_at is not None:
            raise InputError(f"{ref} is done; nothing to edit")
        when = f"{reminder.effective_due.astimezone(config.timezone):%Y-%m-%d %H:%M}"
        original.update({"text": shown(reminder.text), "when": when, "kind": reminder.kind})
        fields = reminder_fields(config, now, zone=row.zone)
        if reminder.kind not in MANUAL_KINDS:
            fields = fields[:2]
        return FormLoad(values=dict(original), fields=tuple(fields), replace=True)

    return FormSpec(
        f"Edit {ref}",
        reminder_fields(config, now)[:2],
        {},
        lambda values: save_reminder_edit(db, config, now, ref, original, values),
        load=load,
        wait_for_load=True,
    )


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


# --- snooze and done ---------------------------------------------------------------------------


def pending_step(db: Database, config: Config, lead_ref: str) -> str:
    """The reference of a lead's pending follow-up step (`R9`), or why there is none."""
    details = get_lead_details(db, lead_ref)
    pending = ladder_state(details.row.lead, details.reminders, config).pending
    if pending is None:
        raise InputError(f"{lead_ref} has no follow-up step pending; select a reminder to snooze")
    return pending.ref


def snooze_target(db: Database, config: Config, ref: str) -> ReminderRow:
    """The reminder a snooze on `ref` acts on (a lead: its pending follow-up step)."""
    row = reminders.get_reminder(db, ref if ref[0] == "R" else pending_step(db, config, ref))
    if row.reminder.done_at is not None:
        raise InputError(f"{row.reminder.ref} is done; nothing to snooze")
    return row


def snooze_check(config: Config, now: Clock, due: datetime, zone: str | None) -> Check:
    """`→ Fri 27 Nov 12:00`: what the snooze resolves to, by the core rule (a trailing
    `client` in the client's zone)."""

    def check(text: str) -> str:
        at = now()
        until = reminders.snooze_until(due, text, now=at, config=config, zone=zone)
        return f"→ {when_label(until, config, at)}"

    return check


def snooze_prompt(db: Database, config: Config, now: Clock, ref: str) -> PromptSpec:
    """`z`: `+2h` unless another time is typed (the default is selected, so typing replaces
    it). Opens at once; the preview starts once the reminder's due time is read."""

    def load() -> PromptLoad:
        row = snooze_target(db, config, ref)
        target = row.reminder.ref
        check = snooze_check(config, now, row.reminder.effective_due, row.zone)
        return PromptLoad(title=f"Snooze {target} until", check=check)

    title = f"Snooze {ref} until" if ref[0] == "R" else f"Snooze {ref}'s follow-up step until"
    return PromptSpec(
        title,
        SNOOZE_DEFAULT,
        keys="Enter snooze · Esc cancel",
        required="when? +2h, tomorrow 9am, fri 10:00, mon 9:00 client",
        load=load,
    )


def save_snooze(db: Database, config: Config, now: Clock, ref: str, until: str) -> Saved:
    """Snooze `ref` (a lead: its pending step, found again at the moment of writing)."""
    target = snooze_target(db, config, ref).reminder.ref
    row = reminders.snooze_reminder(db, target, until.strip(), now=now(), config=config)
    when = format_when(row.reminder.effective_due, config.timezone, now())
    return Saved(f"Snoozed {target} until {when}", target)


def complete(db: Database, config: Config, now: Clock, ref: str) -> Saved:
    """A reminder done (a lead: its pending follow-up step); for a follow-up step the note
    names the next step, or says the lead has gone cold."""
    if ref[0] != "R":
        ref = pending_step(db, config, ref)
    at = now()
    result = reminders.complete_reminder(db, ref, now=at, config=config)
    note = f"{ref} done"
    if result.next_step is not None:
        note += f" · next: {step_line(View(config, at), result.next_step)}"
    if result.went_cold:
        note += f" · {result.row.subject_ref} has gone cold: the ladder ended without a reply"
    return Saved(note, ref)


def delete_reminder_question(db: Database, clock: Clock, ref: str) -> ConfirmSpec:
    """Ask before deleting `ref`; the delete is journalled at `clock()` (the app's clock, as
    the CLI passes its own)."""
    reminder = reminders.get_reminder(db, ref).reminder
    detail = ""
    if reminder.kind in LADDER_KINDS and reminder.done_at is None:
        detail = "It is the pending follow-up step: the ladder stops there."
    return ConfirmSpec(
        f"Delete {ref} {safe(reminder.text, 80)}?",
        detail,
        partial(_delete_reminder, db, clock, ref),
    )


def _delete_reminder(db: Database, clock: Clock, ref: str) -> Saved:
    reminders.delete_reminder(db, ref, now=clock())
    return Saved(f"Deleted {ref} (u undoes it)", None)

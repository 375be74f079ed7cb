"""Reminders: a time at which something about a lead, client or task needs doing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

# The writes import the undo journal, notices and the follow-up ladder themselves: the agenda
# reads reminders (`reminder_rows`) without loading them.
from amtui.core.config import Config
from amtui.core.dates import to_utc
from amtui.core.errors import InputError
from amtui.core.members import EVERYONE, Scope
from amtui.core.models import (
    REMINDER_DUE_SQL,
    Client,
    Lead,
    Reminder,
    Task,
    delete,
    get,
    insert,
    records,
    save,
)
from amtui.core.refs import Kind, parse_ref, ref
from amtui.core.sql import Database, Tx
from amtui.core.structs import struct
from amtui.core.validate import check_choice, check_name
from amtui.core.vocabulary import LADDER_KINDS, MANUAL_KINDS, ReminderKind


@struct
class ReminderRow:
    reminder: Reminder
    subject_ref: str | None = None
    subject_title: str | None = None
    zone: str | None = None  # the client's IANA zone (the lead's own first), when known


def resolve_when(
    value: str | date | datetime, *, now: datetime, config: Config, zone: str | None = None
) -> datetime:
    """A reminder time as a UTC instant; a date alone means the start of that working day."""
    if isinstance(value, str):
        return config.read_instant(value, now=now, zones={"client": ZoneInfo(zone)} if zone else {})
    if not isinstance(value, datetime):
        value = config.work_start_at(value)
    return to_utc(value)


def add_reminder(
    db: Database,
    text: str,
    when: str | date | datetime,
    *,
    now: datetime,
    config: Config,
    about: str | None = None,
    kind: str = ReminderKind.CUSTOM.value,
) -> ReminderRow:
    """Schedule a reminder, optionally about a lead, client or task (`about="L7"`)."""
    from amtui.core import journal
    from amtui.core.activities import ActivityKind, record_activity
    from amtui.core.lookup import fetch_any

    text = check_name(text, "reminder text")
    kind = check_choice(kind, MANUAL_KINDS, "reminder kind")
    with db.write() as tx:
        subject = fetch_any(tx, about) if about else None
        if isinstance(subject, Reminder):
            raise InputError("a reminder can be about a lead, client or task, not another reminder")
        zone = _subject_zone(tx, subject)
        reminder = Reminder(
            text=text,
            kind=kind,
            due_at=resolve_when(when, now=now, config=config, zone=zone),
            lead_id=subject.id if isinstance(subject, Lead) else None,
            client_id=subject.id if isinstance(subject, Client) else None,
            task_id=subject.id if isinstance(subject, Task) else None,
            created_at=now,
        )
        insert(tx, reminder)
        if isinstance(subject, Lead | Client | Task):
            record_activity(
                tx, subject, ActivityKind.NOTE, f"reminder {reminder.ref}: {text}", now=now
            )
        journal.note(tx, "remind add", _said(reminder), now=now)
        (row,) = reminder_rows(tx, [reminder])
    return row


@struct
class Completed:
    row: ReminderRow
    next_step: Reminder | None = None  # the follow-up ladder's next step, if one was scheduled
    went_cold: bool = False  # the ladder's last step was done: the lead has gone cold


def complete_reminder(db: Database, reference: str, *, now: datetime, config: Config) -> Completed:
    """Mark a reminder done; a follow-up step done without a reply schedules the next one."""
    return complete_reminders(db, [reference], now=now, config=config)[0]


def complete_reminders(
    db: Database, references: Sequence[str], *, now: datetime, config: Config
) -> list[Completed]:
    """Mark several reminders done in one transaction: all or nothing. An unknown reference,
    one given twice or a reminder already done refuses the lot before anything changes."""
    from amtui.core import journal
    from amtui.core.followups import advance_ladder
    from amtui.core.lookup import fetch_each

    with db.write() as tx:
        reminders = fetch_each(tx, Reminder, references)
        done = [r.ref for r in reminders if r.done_at is not None]
        if done:
            raise InputError(f"{', '.join(done)} {'is' if len(done) == 1 else 'are'} already done")
        results = []
        for reminder in reminders:
            reminder.done_at = now
            save(tx, reminder)
            result = Completed(reminder_rows(tx, [reminder])[0])
            if reminder.kind in LADDER_KINDS:
                result.next_step = advance_ladder(tx, reminder, now=now, config=config)
                lead = get(tx, Lead, reminder.lead_id)
                result.went_cold = (
                    result.next_step is None and lead is not None and bool(lead.cold_at)
                )
            results.append(result)
        journal.note(tx, "remind done", ", ".join(_said(r) for r in reminders), now=now)
    return results


def snooze_until(
    due: datetime,
    until: str | datetime,
    *,
    now: datetime,
    config: Config,
    zone: str | None = None,
) -> datetime:
    """When a snooze puts a reminder off to. An offset (`+2h`, `in 1 day`) counts from when the
    reminder is due, or from now if that has passed, so a snooze never brings it forward; a
    time (`tomorrow 9am`) is taken as given but must be later than both."""
    base = max(now, due)
    relative = isinstance(until, str) and until.strip().lower().startswith(("+", "in "))
    moment = resolve_when(until, now=base if relative else now, config=config, zone=zone)
    if moment <= now:
        raise InputError("snooze to a time in the future, e.g. +2h or tomorrow 9am")
    if moment <= due:
        raise InputError(
            f"that is before it is due ({due:%Y-%m-%d %H:%M} UTC); snooze puts it off, "
            "so give a later time or an offset such as +2h"
        )
    return moment


def snooze_reminder(
    db: Database, reference: str, until: str | datetime, *, now: datetime, config: Config
) -> ReminderRow:
    """Put a reminder off (`+2h`, `tomorrow 9am`, see `snooze_until`); it will be notified
    again when due."""
    from amtui.core import journal, notices
    from amtui.core.activities import ActivityKind, record_activity
    from amtui.core.lookup import fetch

    with db.write() as tx:
        reminder = fetch(tx, Reminder, reference)
        if reminder.done_at is not None:
            raise InputError(f"{reminder.ref} is done; nothing to snooze")
        zone = _subject_zone(tx, _subject(tx, reminder))
        moment = snooze_until(reminder.effective_due, until, now=now, config=config, zone=zone)
        reminder.snoozed_until = moment
        notices.forget(tx, reminder, "notified_at")
        save(tx, reminder)
        subject = _subject(tx, reminder)
        if subject is not None:
            # The time goes in the data, so every timeline shows it in its reader's zone.
            record_activity(
                tx,
                subject,
                ActivityKind.NOTE,
                f"{reminder.ref} snoozed",
                now=now,
                data={"effects": {"snoozed_until": moment.isoformat()}},
            )
        journal.note(tx, "remind snooze", _said(reminder), now=now)
        (row,) = reminder_rows(tx, [reminder])
    return row


def edit_reminder(
    db: Database,
    reference: str,
    *,
    now: datetime,
    config: Config,
    text: str | None = None,
    when: str | datetime | None = None,
    kind: str | None = None,
) -> ReminderRow:
    """Change what a reminder says, when it is due (clearing any snooze) or its kind."""
    from amtui.core import journal, notices
    from amtui.core.lookup import fetch

    if text is None and when is None and kind is None:
        raise InputError("nothing to change; give new text, --at or --kind")
    with db.write() as tx:
        reminder = fetch(tx, Reminder, reference)
        if text is not None:
            reminder.text = check_name(text, "reminder text")
        if kind is not None:
            if reminder.kind not in MANUAL_KINDS:
                raise InputError(f"{reminder.ref} is a {reminder.kind} step; its kind stays")
            reminder.kind = check_choice(kind, MANUAL_KINDS, "reminder kind")
        if when is not None:
            zone = _subject_zone(tx, _subject(tx, reminder))
            reminder.due_at = resolve_when(when, now=now, config=config, zone=zone)
            reminder.snoozed_until = None
            notices.forget(tx, reminder, "notified_at")
        save(tx, reminder)
        journal.note(tx, "remind edit", _said(reminder), now=now)
        (row,) = reminder_rows(tx, [reminder])
    return row


def delete_reminder(db: Database, reference: str, *, now: datetime | None = None) -> ReminderRow:
    """Delete a reminder (callers confirm first). A pending follow-up step can be deleted too:
    the ladder then stops there. `now` dates the undo journal's entry."""
    from amtui.core import journal
    from amtui.core.lookup import fetch

    with db.write() as tx:
        reminder = fetch(tx, Reminder, reference)
        (row,) = reminder_rows(tx, [reminder])
        journal.note(tx, "remind delete", _said(reminder), now=now)
        delete(tx, reminder)
    return row


def _said(reminder: Reminder) -> str:
    """A reminder as the journal names it."""
    return f"{reminder.ref} {reminder.text}"


def _subject(tx: Tx, reminder: Reminder) -> Lead | Client | Task | None:
    if reminder.lead_id:
        return get(tx, Lead, reminder.lead_id)
    if reminder.task_id:
        return get(tx, Task, reminder.task_id)
    if reminder.client_id:
        return get(tx, Client, reminder.client_id)
    return None


def list_reminders(
    db: Database,
    *,
    include_done: bool = False,
    about: str | None = None,
    limit: int | None = 200,
    scope: Scope = EVERYONE,
) -> list[ReminderRow]:
    """Open reminders by when they are due (snoozes counted); `include_done` adds the rest;
    `scope`: those about one member's (or nobody's) leads and tasks."""
    with db.read() as tx:
        params: dict[str, Any] = {}
        where = [scope.reminders(params)]
        if not include_done:
            where.append("done_at IS NULL")
        if about:
            reference = parse_ref(about)
            column = {
                Kind.LEAD: "lead_id",
                Kind.CLIENT: "client_id",
                Kind.TASK: "task_id",
            }.get(reference.kind)
            if column is None:
                raise InputError("reminders are about a lead, client or task (L7, C3, T12)")
            where.append(f"{column} = :about")
            params["about"] = reference.id
        sql = "SELECT * FROM reminder" + (f" WHERE {' AND '.join(where)}" if where else "")
        sql += f" ORDER BY {REMINDER_DUE_SQL}, id" + tx.page(limit)
        return reminder_rows(tx, records(tx, Reminder, sql, params))


#: What a reminder can be about: (its column, the subject's table, the title column, the
#: subject's own zone column or NULL, the client id column).
_SUBJECTS = (
    ("lead_id", "lead", "title", "timezone", "client_id"),
    ("task_id", "task", "title", "NULL", "client_id"),
    ("client_id", "client", "name", "timezone", "id"),
)


def reminder_rows(tx: Tx, reminders: list[Reminder]) -> list[ReminderRow]:
    """Attach what each reminder is about, and the client's zone (a few batch queries)."""
    subjects: dict[tuple[str, int], tuple[str, str | None, int | None]] = {}
    for attribute, table, title, own, client in _SUBJECTS:
        ids = tuple({getattr(r, attribute) for r in reminders if getattr(r, attribute)})
        if not ids:
            continue
        query = f"SELECT id, {title}, {own}, {client} FROM {table} WHERE id IN :ids"
        for record_id, name, own_zone, client_id in tx.tuples(query, {"ids": ids}):
            subjects[(attribute, record_id)] = (name, own_zone, client_id)
    client_ids = tuple({c for _, zone, c in subjects.values() if c and not zone})
    client_zones: dict[int, str | None] = {}
    if client_ids:
        zones = "SELECT id, timezone FROM client WHERE id IN :ids"
        client_zones = dict(tx.tuples(zones, {"ids": client_ids}))
    rows = []
    for reminder in reminders:
        row = ReminderRow(reminder, None, None, None)  # by position: the struct's quick path
        for attribute, kind in (
            ("lead_id", Kind.LEAD),
            ("task_id", Kind.TASK),
            ("client_id", Kind.CLIENT),
        ):
            subject_id = getattr(reminder, attribute)
            if subject_id:
                name, zone, client_id = subjects.get((attribute, subject_id), (None, None, None))
                row.subject_ref = ref(kind, subject_id)
                row.subject_title = name
                row.zone = zone or (client_zones.get(client_id) if client_id else None)
        rows.append(row)
    return rows


def _subject_zone(tx: Tx, subject: object) -> str | None:
    """The client's zone for a reminder about a client, or about its lead or task."""
    if isinstance(subject, Client):
        return subject.timezone
    if isinstance(subject, Lead):
        if subject.timezone:
            return subject.timezone
        client_id = subject.client_id
    elif isinstance(subject, Task):
        client_id = subject.client_id
    else:
        return None
    client = get(tx, Client, client_id)
    return client.timezone if client else None


def get_reminder(db: Database, reference: str) -> ReminderRow:
    """One reminder with what it is about."""
    from amtui.core.lookup import fetch

    with db.read() as tx:
        (row,) = reminder_rows(tx, [fetch(tx, Reminder, reference)])
    return row

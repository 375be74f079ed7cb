"""Forms ↔ core: which fields each form has, what they start with, and how saving calls core.

No Textual here: these functions run in worker threads and raise `AmtuiError` (an
`InputError` for bad input) that the form shows inline.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from amtui.core import drafts, lead_queries, leads, reminders, task_queries, tasks
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.errors import InputError
from amtui.core.models import Channel, Priority
from amtui.core.text import one_line
from amtui.tui.render import safe
from amtui.tui.screens.forms import (
    FieldSpec,
    Saved,
    date_check,
    money_check,
    quick_add_check,
    reference_check,
)

Clock = Callable[[], datetime]


def _words(text: str) -> list[str]:
    return [word.lstrip("+") for word in text.split() if word.lstrip("+")]


def shown(text: str | None) -> str:
    """A stored value as an input shows it: control characters as visible escapes.

    Saving compares against this same text, so an untouched field is never rewritten.
    """
    return one_line(text or "")


def _clients(names: list[str]) -> tuple[str, ...]:
    # A name with control characters would be inserted escaped and miss its client.
    return tuple(name for name in names if safe(name) == name)


# --- tasks -------------------------------------------------------------------------------------


def task_fields(
    config: Config, now: Clock, clients: list[str], *, subtask: bool
) -> list[FieldSpec]:
    fields = [
        FieldSpec(
            "title",
            "Title",
            "Send estimate due:fri 15:00 client:Granel +urgent @copywriter",
            check=quick_add_check(config, now),
        ),
        FieldSpec(
            "due", "Due", "fri 15:00, tomorrow, +3d, 2026-12-01", check=date_check(config, now)
        ),
        FieldSpec(
            "client", "Client", "name or C3 (a new name creates it)", suggestions=_clients(clients)
        ),
        FieldSpec("assignee", "Assignee", "a person or a role: copywriter, seo"),
        FieldSpec("tags", "Tags", "urgent seo (space-separated)"),
        FieldSpec("priority", "Priority", options=tuple((p.value, p.value) for p in Priority)),
    ]
    if not subtask:
        fields.append(FieldSpec("column", "Column", options=tuple((c, c) for c in config.columns)))
    return fields


def _due_text(task: tasks.Task, config: Config) -> str:
    if task.due_at is not None:
        return f"{task.due_at.astimezone(config.timezone):%Y-%m-%d %H:%M}"
    return task.due_date.isoformat() if task.due_date else ""


def task_values(db: Database, ref: str, config: Config) -> dict[str, str]:
    details = task_queries.get_task_details(db, ref)
    task = details.row.task
    return {
        "title": shown(task.title),
        "due": _due_text(task, config),
        "client": shown(details.row.client_name),
        "assignee": shown(task.assignee),
        "tags": " ".join(shown(tag) for tag in details.row.tags),
        "priority": task.priority,
        "column": task.column,
    }


def save_task(
    db: Database,
    config: Config,
    now: Clock,
    ref: str | None,
    parent: str | None,
    original: dict[str, str],
    values: dict[str, str],
) -> Saved:
    """Add (ref None) or edit a task. Quick-add tokens in the title fill the empty fields."""
    at = now()
    draft = drafts.draft_from_text(values.get("title", ""), now=at, config=config)
    field = {name: values.get(name, "").strip() for name in values}
    if ref is None:
        draft.due = field.get("due") or draft.due
        draft.client = field.get("client") or draft.client
        draft.assignee = field.get("assignee", "").lstrip("@") or draft.assignee
        draft.tags = [*draft.tags, *_words(field.get("tags", ""))]
        if field.get("priority") not in (None, "", "normal") or not draft.priority:
            draft.priority = field.get("priority") or None
        draft.parent = parent
        if parent is None and not draft.column:
            draft.column = field.get("column") or None
        result = tasks.add_task(db, draft, now=at, config=config)
        note = f"Added T{result.task.id}: {safe(result.task.title, 60)}"
        if result.created_client and result.client is not None:
            note += f" (new client {safe(result.client.name, 40)})"
        return Saved(note, parent or f"T{result.task.id}")
    patch = drafts.TaskPatch()
    if values.get("title", "") == original.get("title"):
        draft = drafts.TaskDraft(title=original.get("title", ""))  # untouched: no tokens to read
    elif draft.title != original.get("title"):
        patch.title = draft.title
    for name, token in (("due", draft.due), ("client", draft.client), ("assignee", draft.assignee)):
        text = field.get(name, "")
        if name == "assignee":
            text = text.lstrip("@")
        if text != original.get(name, ""):
            setattr(patch, name, text or None)
        elif token:
            setattr(patch, name, token)
    old_tags = set(_words(original.get("tags", "")))
    new_tags = set(_words(field.get("tags", ""))) | set(draft.tags)
    patch.add_tags = sorted(new_tags - old_tags)
    patch.remove_tags = sorted(old_tags - new_tags)
    if field.get("priority") and field["priority"] != original.get("priority"):
        patch.priority = field["priority"]
    elif draft.priority:
        patch.priority = draft.priority
    column = None
    if field.get("column") and field["column"] != original.get("column"):
        column = field["column"]
    elif draft.column:
        column = draft.column
    if patch.is_empty() and column is None:
        return Saved(f"{ref}: nothing changed", ref)
    tasks.edit_task(db, ref, patch, now=at, config=config, column=column)
    return Saved(f"Saved {ref}", ref)


def toggle_task(db: Database, ref: str, now: Clock, config: Config, verb: str) -> Saved:
    """`done` completes a task; `toggle` (the subtask checklist) also reopens a done one."""
    if verb == "toggle" and task_queries.get_task_details(db, ref).row.task.done_at is not None:
        tasks.reopen_task(db, ref, now=now(), config=config)
        return Saved(f"{ref} reopened", ref)
    result = tasks.complete_task(db, ref, now=now(), config=config)
    extra = f" with {result.completed_subtasks} subtasks" if result.completed_subtasks else ""
    return Saved(f"{ref} done{extra}", ref)


def moved(result: tasks.TaskResult, ref: str) -> Saved:
    return Saved(f"{ref} → {safe(result.task.column, 40)}", ref)


def delete_plan(db: Database, ref: str) -> tuple[str, str, Callable[[], Saved]]:
    """The confirmation question for deleting `ref`, and the deletion itself."""
    if ref[0] == "T":
        row = task_queries.get_task_details(db, ref).row
        count = row.subtasks_total
        detail = f"Its {count} subtasks, reminders and timeline go too." if count else ""

        def delete_task() -> Saved:
            tasks.delete_task(db, ref)
            return Saved(f"Deleted {ref}", None)

        return f"Delete {ref} {safe(row.task.title, 80)}?", detail, delete_task
    if ref[0] == "L":
        lead = lead_queries.get_lead_details(db, ref).row.lead

        def delete_lead() -> Saved:
            leads.delete_lead(db, ref)
            return Saved(f"Deleted {ref}", None)

        detail = "Its reminders and timeline go too; its tasks stay."
        return f"Delete {ref} {safe(lead.title, 80)}?", detail, delete_lead
    raise InputError(f"{ref} cannot be deleted here")


# --- leads -------------------------------------------------------------------------------------


def lead_fields(config: Config, clients: list[str]) -> list[FieldSpec]:
    return [
        FieldSpec("title", "Title", "SEO audit for a hotel chain"),
        FieldSpec("partner", "Partner", "agency that passed it on (blank: the client directly)"),
        FieldSpec("channel", "Channel", options=tuple((c.value, c.value) for c in Channel)),
        FieldSpec("contact_name", "Contact", "name"),
        FieldSpec("contact_email", "Email", "name@example.com"),
        FieldSpec("contact_phone", "Phone", "+49 …"),
        FieldSpec(
            "client", "Client", "name or C3 (a new name creates it)", suggestions=_clients(clients)
        ),
        FieldSpec(
            "value", "Value", "12000, 12k, 1 250.50", check=money_check(config.default_currency)
        ),
        FieldSpec("currency", "Currency", config.default_currency or "EUR"),
    ]


def _amount(cents: int | None) -> str:
    if cents is None:
        return ""
    whole, fraction = divmod(cents, 100)
    return f"{whole}.{fraction:02d}" if fraction else str(whole)


def lead_values(db: Database, ref: str) -> dict[str, str]:
    row = lead_queries.get_lead_details(db, ref).row
    lead = row.lead
    return {
        "title": shown(lead.title),
        "partner": shown(lead.partner),
        "channel": lead.channel,
        "contact_name": shown(lead.contact_name),
        "contact_email": shown(lead.contact_email),
        "contact_phone": shown(lead.contact_phone),
        "client": shown(row.client_name),
        "value": _amount(lead.value_cents),
        "currency": lead.currency or "",
    }


def save_lead(
    db: Database,
    config: Config,
    now: Clock,
    ref: str | None,
    original: dict[str, str],
    values: dict[str, str],
) -> Saved:
    field = {name: value.strip() for name, value in values.items()}
    if ref is None:
        draft = leads.LeadDraft(
            title=field["title"],
            source="partner" if field.get("partner") else "client",
            partner=field.get("partner") or None,
            channel=field.get("channel") or "email",
            contact_name=field.get("contact_name") or None,
            contact_email=field.get("contact_email") or None,
            contact_phone=field.get("contact_phone") or None,
            client=field.get("client") or None,
            value=field.get("value") or None,
            currency=field.get("currency") or None,
        )
        result = leads.add_lead(db, draft, now=now(), config=config)
        return Saved(
            f"Added L{result.lead.id}: {safe(result.lead.title, 60)}", f"L{result.lead.id}"
        )
    changes: dict[str, object] = {}
    for name, value in field.items():
        if value == original.get(name, ""):
            continue
        if name == "partner":
            changes["source"] = "partner" if value else "client"
            changes["partner"] = value or None
        elif name in ("title", "channel"):
            changes[name] = value
        else:
            changes[name] = value or None
    if not changes:
        return Saved(f"{ref}: nothing changed", ref)
    leads.edit_lead(db, ref, now=now(), config=config, **changes)  # type: ignore[arg-type]
    return Saved(f"Saved {ref}", ref)


# --- reminders ---------------------------------------------------------------------------------


def reminder_fields(config: Config, now: Clock) -> list[FieldSpec]:
    return [
        FieldSpec("text", "Text", "Call Anna about the estimate"),
        FieldSpec(
            "when", "When", "tomorrow 10:00, fri, +2h", check=date_check(config, now, reminder=True)
        ),
        FieldSpec("about", "About", "L7, T12 or C3 (optional)", check=reference_check),
    ]


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
    return Saved(f"Added R{row.reminder.id}: {safe(row.reminder.text, 60)}", f"R{row.reminder.id}")

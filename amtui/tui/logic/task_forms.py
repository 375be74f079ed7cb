"""Tasks: the new/edit form, and the writes behind the board's keys (done, move, delete).

A new task reads its quick-add title and the form's fields through core's one merge
(`drafts.task_draft`): a field the user filled is an option beside the text, and the two must
agree. An edit changes only what was changed (`drafts.task_patch`), so an untouched field,
even one holding control characters, is never rewritten.
"""

from __future__ import annotations

from functools import partial

from amtui.core import board, drafts, task_queries, tasks
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.errors import InputError
from amtui.core.recurrence import describe_next, parse_rule
from amtui.core.validate import UNSET
from amtui.core.vocabulary import PRIORITIES
from amtui.tui.logic.clients import client_field
from amtui.tui.logic.fields import (
    Clock,
    ConfirmSpec,
    FieldSpec,
    FormLoad,
    FormSpec,
    Saved,
    date_check,
    quick_add_check,
)
from amtui.tui.logic.text import safe, shown

TITLE_PLACEHOLDER = "Send estimate due:fri 15:00 client:Granel +urgent @copywriter"


def _words(text: str) -> list[str]:
    return [word.lstrip("+") for word in text.split() if word.lstrip("+")]


def task_fields(config: Config, now: Clock, *, subtask: bool) -> list[FieldSpec]:
    fields = [
        FieldSpec("title", "Title", TITLE_PLACEHOLDER, check=quick_add_check(config, now)),
        FieldSpec(
            "due", "Due", "fri 15:00, tomorrow, +3d, 2026-12-01", check=date_check(config, now)
        ),
        client_field(),
        FieldSpec("assignee", "Assignee", "a person or a role: copywriter, seo"),
        FieldSpec("tags", "Tags", "urgent seo (space-separated)"),
        FieldSpec("priority", "Priority", options=tuple((p, p) for p in PRIORITIES)),
    ]
    if not subtask:
        fields.append(
            FieldSpec(
                "recur",
                "Repeat",
                "+1m every month, 2w after done, empty: once",
                check=_repeat_check,
            )
        )
        fields.append(FieldSpec("column", "Column", options=tuple((c, c) for c in config.columns)))
    return fields


def _repeat_check(text: str) -> str:
    """`→ every month (rec:+1m)`: what the repeat field says, or why it cannot be read."""
    rule = parse_rule(text)
    return f"→ {rule.label} (rec:{rule.text})"


def task_form(
    db: Database,
    config: Config,
    now: Clock,
    *,
    ref: str | None = None,
    column: str | None = None,
    parent: str | None = None,
) -> FormSpec:
    """The new-task form (in `column`, or a subtask of `parent`), or the edit form of `ref`.
    It opens empty at once; the load brings the client names (and an edit's values)."""
    subtask = parent is not None
    values = {"column": column or config.new_task_column, "priority": "normal"}
    if ref is not None:
        title = f"Edit {ref}"
    else:
        title = f"New subtask of {parent}" if parent else "New task"
    original: dict[str, str] = dict(values)

    def load() -> FormLoad:
        names = board.client_choices(db)
        loaded = task_values(db, ref, config) if ref is not None else {}
        original.update(loaded)
        return FormLoad(values=loaded, fields=(client_field(names),), replace=ref is not None)

    def save(values: dict[str, str]) -> Saved:
        if ref is None:
            return save_new_task(db, config, now, parent, original, values)
        return save_task_edit(db, config, now, ref, original, values)

    return FormSpec(
        title,
        task_fields(config, now, subtask=subtask),
        values,
        save,
        load=load,
        wait_for_load=ref is not None,
    )


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
        "recur": task.recur or "",
        "tags": " ".join(shown(tag) for tag in details.row.tags),
        "priority": task.priority,
        "column": task.column,
    }


def _changed(values: dict[str, str], original: dict[str, str], name: str) -> str | None:
    """The field's new text when the user changed it (stripped), else None."""
    value = values.get(name, "").strip()
    return value if name in values and value != original.get(name, "").strip() else None


def save_new_task(
    db: Database,
    config: Config,
    now: Clock,
    parent: str | None,
    original: dict[str, str],
    values: dict[str, str],
) -> Saved:
    """Quick-add tokens in the title and the fields the user filled, merged by core (a token
    and a field that disagree are refused; a default the user left alone yields to a token)."""
    at = now()
    options = drafts.TaskOptions(
        due=values.get("due", "").strip() or None,
        client=values.get("client", "").strip() or None,
        assignee=values.get("assignee", "").strip().lstrip("@") or None,
        recur=values.get("recur", "").strip() or None,
        priority=_changed(values, original, "priority"),
        column=None if parent else _changed(values, original, "column"),
        parent=parent,
        tags=_words(values.get("tags", "")),
    )
    draft = drafts.task_draft(values.get("title", ""), options, now=at, config=config)
    if parent is None and draft.column is None:
        draft.column = values.get("column") or None
    result = tasks.add_task(db, draft, now=at, config=config)
    note = f"Added {result.task.ref}: {safe(result.task.title, 60)}"
    if result.created_client and result.client is not None:
        note += f" (new client {safe(result.client.name, 40)})"
    return Saved(note, parent or result.task.ref)


def save_task_edit(
    db: Database,
    config: Config,
    now: Clock,
    ref: str,
    original: dict[str, str],
    values: dict[str, str],
) -> Saved:
    """Only what changed: a changed title is read for quick-edit tokens; a field emptied
    clears it; tags are compared word by word."""
    at = now()
    options = drafts.TaskOptions(
        priority=_changed(values, original, "priority"),
        column=_changed(values, original, "column"),
    )
    for name in ("due", "client", "assignee", "recur"):
        value = _changed(values, original, name)
        if value is not None:
            setattr(options, name, value.lstrip("@") or drafts.NONE)
    text = values["title"] if _changed(values, original, "title") is not None else ""
    patch, column = drafts.task_patch(text, options, now=at, config=config)
    if patch.title is not UNSET and patch.title == original.get("title"):
        patch.title = UNSET  # only tokens were added to the title
    if patch.title is not UNSET and not str(patch.title).strip():
        raise InputError("a task needs a title")
    old_tags = set(_words(original.get("tags", "")))
    new_tags = set(_words(values.get("tags", ""))) | set(patch.add_tags)
    patch.add_tags = sorted(new_tags - old_tags)
    patch.remove_tags = sorted((old_tags - new_tags) | set(patch.remove_tags))
    if patch.is_empty() and column is None:
        return Saved(f"{ref}: nothing changed", ref)
    tasks.edit_task(db, ref, patch, now=at, config=config, column=column)
    return Saved(f"Saved {ref}", ref)


# --- the board's keys --------------------------------------------------------------------------


def toggle_task(db: Database, config: Config, now: Clock, ref: str, *, reopen: bool) -> Saved:
    """Done (a card goes to the done column with its open subtasks); with `reopen` (the
    subtask checklist's tick) a done task is opened again instead."""
    if reopen and task_queries.get_task_details(db, ref).row.task.done_at is not None:
        result = tasks.reopen_task(db, ref, now=now(), config=config)
        return Saved(f"{ref} reopened{_repeats(result, config, now)}", ref)
    result = tasks.complete_task(db, ref, now=now(), config=config)
    extra = f" with {result.completed_subtasks} subtasks" if result.completed_subtasks else ""
    return Saved(f"{ref} done{extra}{_repeats(result, config, now)}", ref)


def _repeats(result: tasks.TaskResult, config: Config, now: Clock) -> str:
    """What a recurring card's done or reopen did with its next occurrence."""
    if result.reopened_next is not None:
        return f"; {result.reopened_next.said}"
    following = result.next_task
    if following is None or following.due is None:
        return ""
    return f"; {describe_next(following.ref, following.due, config.timezone, now())}"


def shift_task(db: Database, config: Config, now: Clock, ref: str, steps: int) -> Saved:
    """H/L: the card one column left (-1) or right (+1)."""
    result = tasks.shift_task(db, ref, steps, now=now(), config=config)
    return Saved(f"{ref} → {safe(result.task.column, 40)}{_repeats(result, config, now)}", ref)


def reorder_task(db: Database, now: Clock, ref: str, offset: int) -> Saved:
    """K/J: the card (or subtask) one place up (-1) or down (+1); no note, the card moves."""
    tasks.reorder_task(db, ref, offset, now=now())
    return Saved("", ref)


def delete_task_question(db: Database, clock: Clock, ref: str) -> ConfirmSpec:
    """Ask before deleting `ref`; the delete is journalled at `clock()` (the app's clock, as
    the CLI passes its own)."""
    row = task_queries.get_task_details(db, ref).row
    count = row.subtasks_total
    detail = f"Its {count} subtasks, reminders and timeline go too." if count else ""
    return ConfirmSpec(
        f"Delete {ref} {safe(row.task.title, 80)}?", detail, partial(_delete_task, db, clock, ref)
    )


def _delete_task(db: Database, clock: Clock, ref: str) -> Saved:
    tasks.delete_task(db, ref, now=clock())
    return Saved(f"Deleted {ref} (u undoes it)", None)

"""Tasks: kanban cards with subtasks, due dates, tags and assignees: every write.

Board rules, kept here so both front ends share them: a new or moved card goes to the top of
its column (subtasks are a checklist and go to the end); moving a card into the last column
marks it done and moving it out reopens it; completing a card completes its open subtasks.
What a user asks for (drafts, patches, quick-add text) is read in `amtui.core.drafts`; lists
and details are read in `amtui.core.task_queries`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from amtui.core.activities import ActivityKind, record_activity
from amtui.core.clients import ensure_client
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.drafts import (
    TaskDraft,
    TaskPatch,
    clean_tags,
    resolve_column,
    resolve_due,
    resolve_estimate,
    resolve_priority,
)
from amtui.core.errors import InputError
from amtui.core.lookup import fetch, fetch_each, find_client
from amtui.core.models import Client, Lead, Task, TaskTag
from amtui.core.refs import Kind, ref
from amtui.core.task_queries import tags_of
from amtui.core.validate import UNSET, check_name
from amtui.core.vocabulary import Priority


@dataclass
class TaskResult:
    task: Task
    tags: list[str]
    client: Client | None
    created_client: bool = False
    completed_subtasks: int = 0


# --- services --------------------------------------------------------------------------------


def add_task(db: Database, draft: TaskDraft, *, now: datetime, config: Config) -> TaskResult:
    """Create a task (or a subtask with `parent`); a new `client` name creates the client."""
    with db.write() as session:
        return add_task_in_session(session, draft, now=now, config=config)


def add_task_in_session(
    session: Session, draft: TaskDraft, *, now: datetime, config: Config
) -> TaskResult:
    """`add_task` inside the caller's transaction (winning a lead adds its starter tasks)."""
    title = check_name(draft.title, "task title")
    priority = resolve_priority(draft.priority) if draft.priority else Priority.NORMAL.value
    tags = clean_tags(draft.tags)
    estimate = resolve_estimate(draft.estimate)
    column = resolve_column(draft.column, config) if draft.column else None
    parent = fetch(session, Task, draft.parent) if draft.parent else None
    lead = fetch(session, Lead, draft.lead) if draft.lead else None
    client, created = None, False
    if draft.client:
        client = find_client(session, draft.client)
        if client is None:
            client, created = ensure_client(session, draft.client, now=now)
    elif parent is not None and parent.client_id:
        client = session.get(Client, parent.client_id)
    elif lead is not None and lead.client_id:
        client = session.get(Client, lead.client_id)
    due_date, due_at = resolve_due(
        draft.due, now=now, config=config, zone=client.timezone if client else None
    )
    if parent is not None:
        if parent.parent_id is not None:
            raise InputError(f"{parent.ref} is itself a subtask; subtasks are one level deep")
        column = parent.column
    column = column or config.new_task_column
    task = Task(
        title=title,
        notes=draft.notes,
        client_id=client.id if client else None,
        lead_id=lead.id if lead else (parent.lead_id if parent else None),
        parent_id=parent.id if parent else None,
        column=column,
        position=_edge_position(session, column, parent.id if parent else None, top=not parent),
        due_date=due_date,
        due_at=due_at,
        priority=priority,
        assignee=draft.assignee,
        estimate_hours=estimate,
        # A card added straight to the done column is done; a new subtask is always open.
        done_at=now if column == config.done_column and parent is None else None,
        created_at=now,
        updated_at=now,
    )
    session.add(task)
    session.flush()
    session.add_all(TaskTag(task_id=task.id or 0, tag=tag) for tag in tags)
    record_activity(session, task, ActivityKind.CREATED, now=now)
    return TaskResult(task, tags, client, created)


def edit_task(
    db: Database,
    reference: str,
    patch: TaskPatch,
    *,
    now: datetime,
    config: Config,
    column: str | None = None,
) -> TaskResult:
    """Apply a patch (and optionally a column move) to a task in one transaction."""
    if patch.is_empty() and column is None:
        raise InputError("nothing to change; give a new title, due:, +tag, -tag, @who, …")
    target_column = resolve_column(column, config) if column else None
    with db.write() as session:
        task = fetch(session, Task, reference)
        created = False
        client = session.get(Client, task.client_id) if task.client_id else None
        changed: list[str] = []

        def change(name: str, value: object) -> None:
            if getattr(task, name) != value:
                setattr(task, name, value)
                changed.append(name)

        if isinstance(patch.title, str):
            change("title", check_name(patch.title, "task title"))
        if isinstance(patch.notes, str):
            change("notes", patch.notes)
        if patch.client is not UNSET:
            if patch.client is None:
                client = None
            else:
                client = find_client(session, str(patch.client))
                if client is None:
                    client, created = ensure_client(session, str(patch.client), now=now)
            change("client_id", client.id if client else None)
        if patch.lead is not UNSET:
            lead = fetch(session, Lead, str(patch.lead)) if patch.lead is not None else None
            change("lead_id", lead.id if lead else None)
        if patch.due is not UNSET:
            zone = client.timezone if client else None
            due_date, due_at = resolve_due(patch.due, now=now, config=config, zone=zone)  # type: ignore[arg-type]
            change("due_date", due_date)
            change("due_at", due_at)
        if isinstance(patch.priority, str):
            change("priority", resolve_priority(patch.priority))
        if patch.assignee is not UNSET:
            change("assignee", patch.assignee)
        if patch.estimate is not UNSET:
            change("estimate_hours", resolve_estimate(patch.estimate))  # type: ignore[arg-type]
        tags = tags_of(session, [task.id or 0]).get(task.id or 0, [])
        for tag in clean_tags(patch.remove_tags):
            if tag in tags:
                session.execute(
                    sa.delete(TaskTag).where(
                        col(TaskTag.task_id) == task.id, col(TaskTag.tag) == tag
                    )
                )
                tags.remove(tag)
                changed.append(f"-{tag}")
        for tag in clean_tags(patch.add_tags):
            if tag not in tags:
                session.add(TaskTag(task_id=task.id or 0, tag=tag))
                tags.append(tag)
                changed.append(f"+{tag}")
        if changed:
            task.updated_at = now
            record_activity(session, task, ActivityKind.EDITED, ", ".join(changed), now=now)
        completed = 0
        if target_column is not None and target_column != task.column:
            completed = _move(session, task, target_column, now=now, config=config)
        elif not changed:
            raise InputError(f"{task.ref} already looks like that; nothing changed")
    return TaskResult(task, sorted(tags), client, created, completed)


def move_task(
    db: Database, reference: str, column: str, *, now: datetime, config: Config
) -> TaskResult:
    """Move a card to the top of another column (the last column means done)."""
    target = resolve_column(column, config)
    with db.write() as session:
        task = _top_level(session, reference, "moved between columns")
        if task.column == target:
            raise InputError(f"{task.ref} is already in {target}")
        completed = _move(session, task, target, now=now, config=config)
    return TaskResult(task, [], None, completed_subtasks=completed)


def shift_task(
    db: Database, reference: str, steps: int, *, now: datetime, config: Config
) -> TaskResult:
    """Move a card `steps` columns right (positive) or left (negative): the board's H/L."""
    with db.write() as session:
        task = _top_level(session, reference, "moved between columns")
        columns = list(config.columns)
        index = columns.index(task.column) if task.column in columns else 0
        target = columns[max(0, min(len(columns) - 1, index + steps))]
        if target == task.column:
            edge = "first" if steps < 0 else "last"
            raise InputError(f"{task.ref} is already in the {edge} column ({target})")
        completed = _move(session, task, target, now=now, config=config)
    return TaskResult(task, [], None, completed_subtasks=completed)


def reorder_task(db: Database, reference: str, offset: int, *, now: datetime) -> Task:
    """Swap a card with its neighbour above (offset -1) or below (+1): the board's K/J."""
    if offset not in (-1, 1):
        raise InputError("a card moves one place at a time (offset -1 or +1)")
    with db.write() as session:
        task = fetch(session, Task, reference)
        # Cards are reordered within their column; subtasks within their parent's checklist.
        siblings = select(Task).where(_parent_is(task.parent_id))
        if task.parent_id is None:
            siblings = siblings.where(col(Task.column) == task.column)
        if offset < 0:
            siblings = siblings.where(
                sa.or_(
                    col(Task.position) < task.position,
                    sa.and_(col(Task.position) == task.position, col(Task.id) < task.id),
                )
            ).order_by(col(Task.position).desc(), col(Task.id).desc())
        else:
            siblings = siblings.where(
                sa.or_(
                    col(Task.position) > task.position,
                    sa.and_(col(Task.position) == task.position, col(Task.id) > task.id),
                )
            ).order_by(col(Task.position), col(Task.id))
        neighbour = session.exec(siblings.limit(1)).first()
        if neighbour is None:
            where = "top" if offset < 0 else "bottom"
            raise InputError(f"{task.ref} is already at the {where} of {task.column}")
        if neighbour.position == task.position:
            # Equal positions (ties broken by id): open a gap so the swap is visible.
            task.position = neighbour.position + offset
        else:
            task.position, neighbour.position = neighbour.position, task.position
        task.updated_at = now
    return task


def complete_task(db: Database, reference: str, *, now: datetime, config: Config) -> TaskResult:
    """Mark a task done; a card goes to the done column and its open subtasks are done too."""
    return complete_tasks(db, [reference], now=now, config=config)[0]


def complete_tasks(
    db: Database, references: Sequence[str], *, now: datetime, config: Config
) -> list[TaskResult]:
    """Mark several tasks done in one transaction: all or nothing. An unknown reference, one
    given twice or a task already done refuses the lot before anything changes. A subtask of
    a card in the same call is done with its card (and reported with it)."""
    with db.write() as session:
        tasks = fetch_each(session, Task, references)
        done = [task.ref for task in tasks if task.done_at is not None]
        if done:
            raise InputError(f"{', '.join(done)} {'is' if len(done) == 1 else 'are'} already done")
        results = []
        for task in tasks:
            if task.done_at is not None:  # a subtask of a card done earlier in this call
                continue
            if task.parent_id is not None:
                task.done_at = now
                task.updated_at = now
                record_activity(session, task, ActivityKind.DONE, now=now)
                completed = 0
            else:
                completed = _move(session, task, config.done_column, now=now, config=config)
                for other in tasks:  # its subtasks were done in bulk: see that in this call
                    if other.parent_id == task.id:
                        session.refresh(other)
            results.append(TaskResult(task, [], None, completed_subtasks=completed))
    return results


def reopen_task(db: Database, reference: str, *, now: datetime, config: Config) -> TaskResult:
    """Undo `done`: the task is open again (a card goes back to the new-task column)."""
    with db.write() as session:
        task = fetch(session, Task, reference)
        if task.done_at is None:
            raise InputError(f"{task.ref} is not done")
        if task.parent_id is not None:
            task.done_at = None
            task.updated_at = now
            record_activity(session, task, ActivityKind.REOPENED, now=now)
        else:
            _move(session, task, config.new_task_column, now=now, config=config)
    return TaskResult(task, [], None)


@dataclass(frozen=True)
class Deleted:
    title: str
    subtasks: int


def delete_task(db: Database, reference: str) -> Deleted:
    """Delete a task with its subtasks, reminders and timeline (callers confirm first)."""
    with db.write() as session:
        task = fetch(session, Task, reference)
        subtasks = session.exec(
            select(func.count()).select_from(Task).where(col(Task.parent_id) == task.id)
        ).one()
        title = task.title
        session.delete(task)
    return Deleted(title, subtasks)


# --- internals -------------------------------------------------------------------------------


def _top_level(session: Session, reference: str, action: str) -> Task:
    task = fetch(session, Task, reference)
    if task.parent_id is not None:
        parent = ref(Kind.TASK, task.parent_id)
        raise InputError(f"{task.ref} is a subtask of {parent}; only cards are {action}")
    return task


def _parent_is(parent_id: int | None) -> sa.ColumnElement[bool]:
    return col(Task.parent_id).is_(None) if parent_id is None else col(Task.parent_id) == parent_id


def _edge_position(session: Session, column: str, parent_id: int | None, *, top: bool) -> int:
    """A position above (top) or below every sibling: one indexed MIN/MAX lookup."""
    aggregate = func.min(col(Task.position)) if top else func.max(col(Task.position))
    query = select(aggregate).where(_parent_is(parent_id))
    if parent_id is None:
        query = query.where(col(Task.column) == column)
    edge = session.exec(query).one()
    if edge is None:
        return 0
    return int(edge) - 1 if top else int(edge) + 1


def _move(session: Session, task: Task, column: str, *, now: datetime, config: Config) -> int:
    """Put a card at the top of `column`, keeping done_at in step with the done column."""
    before = task.column
    task.column = column
    task.position = _edge_position(session, column, None, top=True)
    task.updated_at = now
    completed = 0
    if column == config.done_column and task.done_at is None:
        task.done_at = now
        completed = _complete_subtasks(session, task, now=now)
        record_activity(session, task, ActivityKind.DONE, f"{before} → {column}", now=now)
    elif column != config.done_column and task.done_at is not None:
        task.done_at = None
        record_activity(session, task, ActivityKind.REOPENED, f"{before} → {column}", now=now)
    else:
        record_activity(session, task, ActivityKind.MOVED, f"{before} → {column}", now=now)
    return completed


def _complete_subtasks(session: Session, task: Task, *, now: datetime) -> int:
    result = session.execute(
        sa.update(Task)
        .where(col(Task.parent_id) == task.id, col(Task.done_at).is_(None))
        .values(done_at=now, updated_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]

"""Reading tasks: board-ordered lists, rows with what a card shows, one task's details.

Rows are decorated in batches (client names, tags, subtask progress: one query each for a
whole page), never one query per card.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from amtui.core.activities import list_activities
from amtui.core.config import Config
from amtui.core.db import Database, folded
from amtui.core.drafts import resolve_column
from amtui.core.errors import NotFoundError
from amtui.core.lookup import fetch, find_client
from amtui.core.models import Activity, Client, Lead, Reminder, Task, TaskTag
from amtui.core.text import fold, one_line


@dataclass
class TaskRow:
    """A task with what a list or a card shows next to it (loaded in batches, not per row)."""

    task: Task
    client_name: str | None = None
    tags: list[str] = field(default_factory=list)
    subtasks_done: int = 0
    subtasks_total: int = 0


@dataclass
class TaskDetails:
    row: TaskRow
    lead: Lead | None
    parent: Task | None
    subtasks: list[TaskRow]
    reminders: list[Reminder]
    activities: list[Activity]
    client_zone: str | None = None  # the client's IANA zone, when known


def list_tasks(
    db: Database,
    *,
    config: Config,
    column: str | None = None,
    client: str | None = None,
    tag: str | None = None,
    assignee: str | None = None,
    include_done: bool = False,
    limit: int | None = 200,
    offset: int = 0,
) -> list[TaskRow]:
    """Top-level cards in board order (column, then position), filtered as asked."""
    with db.read() as session:
        query = select(Task).where(col(Task.parent_id).is_(None))
        if column is not None:
            query = query.where(col(Task.column) == resolve_column(column, config))
        if client is not None:
            found = find_client(session, client)
            if found is None:
                raise NotFoundError(f"no client named {one_line(client)!r}")
            query = query.where(col(Task.client_id) == found.id)
        if tag is not None:
            query = query.where(
                col(Task.id).in_(
                    select(TaskTag.task_id).where(TaskTag.tag == tag.lower().lstrip("+"))
                )
            )
        if assignee is not None:
            # folded(), not SQL lower(): SQLite's lower() leaves "Анна" as it is.
            query = query.where(folded(col(Task.assignee)) == fold(assignee.lstrip("@")))
        if not include_done:
            query = query.where(col(Task.done_at).is_(None))
        order = sa.case({name: i for i, name in enumerate(config.columns)}, value=col(Task.column))
        query = query.order_by(order, col(Task.position), col(Task.id)).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return rows_for(session, list(session.exec(query)))


def rows_for(session: Session, tasks: list[Task]) -> list[TaskRow]:
    """Decorate tasks with client names, tags and subtask progress in three batch queries."""
    ids = [task.id or 0 for task in tasks]
    if not ids:
        return []
    tags = tags_of(session, ids)
    client_ids = {task.client_id for task in tasks if task.client_id}
    names = (
        dict(
            session.execute(
                select(Client.id, Client.name).where(col(Client.id).in_(client_ids))
            ).all()
        )
        if client_ids
        else {}
    )
    progress: dict[int, tuple[int, int]] = {}
    query = (
        select(
            Task.parent_id,
            func.count(col(Task.done_at)),
            func.count(),
        )
        .where(col(Task.parent_id).in_(ids))
        .group_by(col(Task.parent_id))
    )
    for parent_id, done, total in session.execute(query):
        progress[parent_id or 0] = (done, total)
    return [
        TaskRow(
            task,
            names.get(task.client_id) if task.client_id else None,
            tags.get(task.id or 0, []),
            *progress.get(task.id or 0, (0, 0)),
        )
        for task in tasks
    ]


def get_task_details(db: Database, reference: str) -> TaskDetails:
    """Everything the detail view and `amtui show T12` print about one task."""
    with db.read() as session:
        task = fetch(session, Task, reference)
        (row,) = rows_for(session, [task])
        subtasks = list(
            session.exec(
                select(Task)
                .where(col(Task.parent_id) == task.id)
                .order_by(col(Task.position), col(Task.id))
            )
        )
        reminders = list(
            session.exec(
                select(Reminder)
                .where(col(Reminder.task_id) == task.id)
                .order_by(col(Reminder.due_at))
            )
        )
        client = session.get(Client, task.client_id) if task.client_id else None
        return TaskDetails(
            row=row,
            lead=session.get(Lead, task.lead_id) if task.lead_id else None,
            parent=session.get(Task, task.parent_id) if task.parent_id else None,
            subtasks=rows_for(session, subtasks),
            reminders=reminders,
            activities=list_activities(session, task),
            client_zone=client.timezone if client is not None else None,
        )


def count_subtasks(db: Database, reference: str) -> int:
    """How many subtasks a delete would take with it (for the confirmation question)."""
    with db.read() as session:
        task = fetch(session, Task, reference)
        return session.exec(
            select(func.count()).select_from(Task).where(col(Task.parent_id) == task.id)
        ).one()


def tags_of(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Each task's tags in name order (one query for the whole list)."""
    tags: dict[int, list[str]] = defaultdict(list)
    query = select(TaskTag.task_id, TaskTag.tag).where(col(TaskTag.task_id).in_(ids))
    for task_id, tag in session.execute(query.order_by(col(TaskTag.tag))):
        tags[task_id].append(tag)
    return tags

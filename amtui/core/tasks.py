"""Tasks: kanban cards with subtasks, due dates, tags and assignees.

Board rules, kept here so both front ends share them: a new or moved card goes to the top of
its column (subtasks are a checklist and go to the end); moving a card into the last column
marks it done and moving it out reopens it; completing a card completes its open subtasks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from amtui.core.activities import ActivityKind, list_activities, record_activity
from amtui.core.clients import ensure_client
from amtui.core.config import Config
from amtui.core.dates import DateParseError, to_utc
from amtui.core.db import Database, folded
from amtui.core.errors import InputError, NotFoundError
from amtui.core.lookup import fetch, find_client
from amtui.core.models import Activity, Client, Lead, Priority, Reminder, Task, TaskTag
from amtui.core.quickadd import Tokens, parse_tokens
from amtui.core.text import fold, one_line
from amtui.core.validate import UNSET, check_choice, check_name, parse_hours

PRIORITIES = [p.value for p in Priority]
_PRIORITY_DIGITS = {"1": "low", "2": "normal", "3": "high", "4": "urgent"}
_NONE = "none"


@dataclass
class TaskDraft:
    """A task to create. `due` may be raw text, resolved against the client's zone."""

    title: str
    notes: str = ""
    client: str | None = None
    lead: str | None = None
    parent: str | None = None
    column: str | None = None
    due: str | date | datetime | None = None
    priority: str | None = None
    tags: Sequence[str] = ()
    assignee: str | None = None
    estimate: str | float | None = None


@dataclass
class TaskPatch:
    """Changes to a task; fields left UNSET stay as they are, None clears a field."""

    title: str | object = UNSET
    notes: str | object = UNSET
    client: str | object | None = UNSET
    lead: str | object | None = UNSET
    due: str | date | datetime | object | None = UNSET
    priority: str | object = UNSET
    add_tags: Sequence[str] = ()
    remove_tags: Sequence[str] = ()
    assignee: str | object | None = UNSET
    estimate: str | float | object | None = UNSET

    def is_empty(self) -> bool:
        return (
            not self.add_tags
            and not self.remove_tags
            and all(
                getattr(self, name) is UNSET
                for name in (
                    "title",
                    "notes",
                    "client",
                    "lead",
                    "due",
                    "priority",
                    "assignee",
                    "estimate",
                )
            )
        )


@dataclass
class TaskRow:
    """A task with what a list or a card shows next to it (loaded in batches, not per row)."""

    task: Task
    client_name: str | None = None
    tags: list[str] = field(default_factory=list)
    subtasks_done: int = 0
    subtasks_total: int = 0


@dataclass
class TaskResult:
    task: Task
    tags: list[str]
    client: Client | None
    created_client: bool = False
    completed_subtasks: int = 0


@dataclass
class TaskDetails:
    row: TaskRow
    lead: Lead | None
    parent: Task | None
    subtasks: list[TaskRow]
    reminders: list[Reminder]
    activities: list[Activity]


# --- parsing helpers -------------------------------------------------------------------------


def date_checker(config: Config, now: datetime) -> Callable[[str], bool]:
    """A predicate for the quick-add parser: does this phrase read as a date expression?"""
    zones = {"client": ZoneInfo("UTC")}  # a stand-in: only the shape is checked here

    def is_date(text: str) -> bool:
        try:
            config.read_when(text, now=now, zones=zones)
        except (DateParseError, ValueError):
            return False
        return True

    return is_date


def _reader(config: Config, now: datetime) -> Callable[[str], object]:
    """The parser itself, for the quick-add parser's message about a half-read date."""
    zones = {"client": ZoneInfo("UTC")}
    return lambda text: config.read_when(text, now=now, zones=zones)


def draft_from_text(text: str, *, now: datetime, config: Config) -> TaskDraft:
    """`Send estimate due:fri 15:00 client:Granel +urgent @copywriter` → a TaskDraft."""
    tokens = parse_tokens(text, is_date=date_checker(config, now), read_date=_reader(config, now))
    fields = tokens.fields
    return TaskDraft(
        title=tokens.title,
        client=fields.get("client"),
        lead=fields.get("lead"),
        parent=fields.get("parent"),
        column=fields.get("col"),
        due=fields.get("due"),
        priority=fields.get("pri"),
        tags=tokens.add_tags,
        assignee=tokens.assignee,
        estimate=fields.get("est"),
    )


def patch_from_text(text: str, *, now: datetime, config: Config) -> tuple[TaskPatch, str | None]:
    """Quick-edit tokens (`due:mon -urgent +later @seo`) → a patch and an optional column."""
    tokens: Tokens = parse_tokens(
        text, is_date=date_checker(config, now), allow_removal=True, read_date=_reader(config, now)
    )
    patch = TaskPatch(add_tags=tokens.add_tags, remove_tags=tokens.remove_tags)
    if tokens.title:
        patch.title = tokens.title
    if tokens.assignee is not None:
        patch.assignee = None if tokens.assignee.lower() == _NONE else tokens.assignee
    names = {"due": "due", "client": "client", "lead": "lead", "pri": "priority", "est": "estimate"}
    for key, attribute in names.items():
        if key in tokens.fields:
            value = tokens.fields[key]
            cleared = value.lower() == _NONE and key != "pri"
            setattr(patch, attribute, None if cleared else value)
    if "parent" in tokens.fields:
        raise InputError("parent: cannot be changed by editing; add a new subtask instead")
    return patch, tokens.fields.get("col")


def resolve_column(text: str, config: Config) -> str:
    """A board column by name, case-insensitively, or by unambiguous prefix (`prog`)."""

    def key(name: str) -> str:  # `in-progress` finds "In progress", `follow-up` "Follow-up"
        return " ".join(name.casefold().replace("-", " ").replace("_", " ").split())

    wanted = key(text)
    columns = list(config.columns)
    exact = [c for c in columns if key(c) == wanted]
    if exact:
        return exact[0]
    partial = [c for c in columns if wanted and wanted in key(c)]
    if len(partial) == 1:
        return partial[0]
    raise InputError(f"unknown column {one_line(text)!r}; columns are: {', '.join(columns)}")


def resolve_priority(text: str) -> str:
    return check_choice(_PRIORITY_DIGITS.get(text.strip(), text), PRIORITIES, "priority")


def resolve_due(
    value: str | date | datetime | None,
    *,
    now: datetime,
    config: Config,
    client: Client | None,
) -> tuple[date | None, datetime | None]:
    """(due_date, due_at): an all-day date or a UTC instant. Text is parsed strictly."""
    if value is None:
        return None, None
    if isinstance(value, str):
        zones = {"client": ZoneInfo(client.timezone)} if client and client.timezone else {}
        value = config.read_when(value, now=now, zones=zones)
    if isinstance(value, datetime):
        return None, to_utc(value)
    return value, None


def _clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned = []
    for tag in tags:
        tag = tag.strip().lstrip("+").lower()
        if not tag or any(ch.isspace() for ch in tag):
            raise InputError(f"{one_line(tag)!r} is not a tag; tags are single words like +urgent")
        if tag not in cleaned:
            cleaned.append(tag)
    return cleaned


def _estimate(value: str | float | None) -> float | None:
    if value is None or isinstance(value, float | int):
        return None if value is None else float(value)
    return parse_hours(value)


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
    tags = _clean_tags(draft.tags)
    estimate = _estimate(draft.estimate)
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
    due_date, due_at = resolve_due(draft.due, now=now, config=config, client=client)
    if parent is not None:
        if parent.parent_id is not None:
            raise InputError(f"T{parent.id} is itself a subtask; subtasks are one level deep")
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
            due_date, due_at = resolve_due(patch.due, now=now, config=config, client=client)  # type: ignore[arg-type]
            change("due_date", due_date)
            change("due_at", due_at)
        if isinstance(patch.priority, str):
            change("priority", resolve_priority(patch.priority))
        if patch.assignee is not UNSET:
            change("assignee", patch.assignee)
        if patch.estimate is not UNSET:
            change("estimate_hours", _estimate(patch.estimate))  # type: ignore[arg-type]
        tags = _tags_of(session, [task.id or 0]).get(task.id or 0, [])
        for tag in _clean_tags(patch.remove_tags):
            if tag in tags:
                session.execute(
                    sa.delete(TaskTag).where(
                        col(TaskTag.task_id) == task.id, col(TaskTag.tag) == tag
                    )
                )
                tags.remove(tag)
                changed.append(f"-{tag}")
        for tag in _clean_tags(patch.add_tags):
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
            raise InputError(f"T{task.id} already looks like that; nothing changed")
    return TaskResult(task, sorted(tags), client, created, completed)


def move_task(
    db: Database, reference: str, column: str, *, now: datetime, config: Config
) -> TaskResult:
    """Move a card to the top of another column (the last column means done)."""
    target = resolve_column(column, config)
    with db.write() as session:
        task = _top_level(session, reference, "moved between columns")
        if task.column == target:
            raise InputError(f"T{task.id} is already in {target}")
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
            raise InputError(f"T{task.id} is already in the {edge} column ({target})")
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
            raise InputError(f"T{task.id} is already at the {where} of {task.column}")
        if neighbour.position == task.position:
            # Equal positions (ties broken by id): open a gap so the swap is visible.
            task.position = neighbour.position + offset
        else:
            task.position, neighbour.position = neighbour.position, task.position
        task.updated_at = now
    return task


def complete_task(db: Database, reference: str, *, now: datetime, config: Config) -> TaskResult:
    """Mark a task done; a card goes to the done column and its open subtasks are done too."""
    with db.write() as session:
        task = fetch(session, Task, reference)
        if task.done_at is not None:
            raise InputError(f"T{task.id} is already done")
        if task.parent_id is not None:
            task.done_at = now
            task.updated_at = now
            record_activity(session, task, ActivityKind.DONE, now=now)
            completed = 0
        else:
            completed = _move(session, task, config.done_column, now=now, config=config)
    return TaskResult(task, [], None, completed_subtasks=completed)


def reopen_task(db: Database, reference: str, *, now: datetime, config: Config) -> TaskResult:
    """Undo `done`: the task is open again (a card goes back to the new-task column)."""
    with db.write() as session:
        task = fetch(session, Task, reference)
        if task.done_at is None:
            raise InputError(f"T{task.id} is not done")
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


def count_subtasks(db: Database, reference: str) -> int:
    """How many subtasks a delete would take with it (for the confirmation question)."""
    with db.read() as session:
        task = fetch(session, Task, reference)
        return session.exec(
            select(func.count()).select_from(Task).where(col(Task.parent_id) == task.id)
        ).one()


# --- queries ---------------------------------------------------------------------------------


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
    tags = _tags_of(session, ids)
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
        return TaskDetails(
            row=row,
            lead=session.get(Lead, task.lead_id) if task.lead_id else None,
            parent=session.get(Task, task.parent_id) if task.parent_id else None,
            subtasks=rows_for(session, subtasks),
            reminders=reminders,
            activities=list_activities(session, task),
        )


# --- internals -------------------------------------------------------------------------------


def _top_level(session: Session, reference: str, action: str) -> Task:
    task = fetch(session, Task, reference)
    if task.parent_id is not None:
        raise InputError(f"T{task.id} is a subtask of T{task.parent_id}; only cards are {action}")
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


def _tags_of(session: Session, ids: list[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = defaultdict(list)
    query = select(TaskTag.task_id, TaskTag.tag).where(col(TaskTag.task_id).in_(ids))
    for task_id, tag in session.execute(query.order_by(col(TaskTag.tag))):
        tags[task_id].append(tag)
    return tags

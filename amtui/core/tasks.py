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
from datetime import date, datetime, timedelta

from amtui.core.activities import ActivityKind, record_activity
from amtui.core.clients import ensure_client
from amtui.core.config import Config
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
from amtui.core.journal import note
from amtui.core.lookup import fetch, fetch_each, find_client
from amtui.core.members import default_owner, named_owner
from amtui.core.models import (
    Client,
    Lead,
    Task,
    delete,
    first,
    get,
    insert,
    records,
    refresh,
    save,
)
from amtui.core.recurrence import next_due, parse_rule
from amtui.core.refs import Kind, ref
from amtui.core.sql import Database, Tx
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
    next_task: Task | None = None  # a recurring task's next occurrence, made when it was done
    #: A finished recurring card was reopened: what became of the next occurrence that
    #: finishing it made.
    reopened_next: NextOccurrence | None = None


@dataclass(frozen=True)
class NextOccurrence:
    """Reopening a finished recurring card takes back what finishing it did, so the series
    does not end up with two open occurrences: the next occurrence it made is deleted when
    nobody touched it since (journalled: `undo` brings it back), and kept, saying why, when
    someone did (it is done, edited, moved, has timeline entries or reminders)."""

    ref: str
    removed: bool
    reason: str = ""  # why it stays

    @property
    def said(self) -> str:
        """`next occurrence T13 removed (untouched)`, or why it stays and what to do."""
        if self.removed:
            return f"next occurrence {self.ref} removed (untouched since it was made)"
        return f"next occurrence {self.ref} kept: {self.reason}; delete it if it is not needed"


@dataclass(frozen=True)
class _Moved:
    completed: int  # subtasks done with the card
    following: Task | None  # the next occurrence made by finishing it
    reopened_next: NextOccurrence | None  # what reopening it did with that one


# --- services --------------------------------------------------------------------------------


def add_task(db: Database, draft: TaskDraft, *, now: datetime, config: Config) -> TaskResult:
    """Create a task (or a subtask with `parent`); a new `client` name creates the client."""
    with db.write() as tx:
        return create_task(tx, draft, now=now, config=config)


def create_task(tx: Tx, draft: TaskDraft, *, now: datetime, config: Config) -> TaskResult:
    """`add_task` inside the caller's transaction (winning a lead adds its starter tasks)."""
    title = check_name(draft.title, "task title")
    priority = resolve_priority(draft.priority) if draft.priority else Priority.NORMAL.value
    tags = clean_tags(draft.tags)
    estimate = resolve_estimate(draft.estimate)
    column = resolve_column(draft.column, config) if draft.column else None
    parent = fetch(tx, Task, draft.parent) if draft.parent else None
    lead = fetch(tx, Lead, draft.lead) if draft.lead else None
    client, created = None, False
    if draft.client:
        client = find_client(tx, draft.client)
        if client is None:
            client, created = ensure_client(tx, draft.client, now=now)
    elif parent is not None and parent.client_id:
        client = get(tx, Client, parent.client_id)
    elif lead is not None and lead.client_id:
        client = get(tx, Client, lead.client_id)
    due_date, due_at = resolve_due(
        draft.due, now=now, config=config, zone=client.timezone if client else None
    )
    if parent is not None:
        if parent.parent_id is not None:
            raise InputError(f"{parent.ref} is itself a subtask; subtasks are one level deep")
        column = parent.column
    recur = _check_recur(draft.recur, due_date or due_at, subtask=parent is not None)
    column = column or config.new_task_column
    # Whom the user named; else a subtask is its card owner's, a lead's task its lead
    # owner's, and anything else the user's own.
    if draft.owner:
        named = named_owner(tx, draft.owner, config)
        owner_id = named.id if named else None
    else:
        owner_id = (
            (parent.owner_id if parent else None)
            or (lead.owner_id if lead else None)
            or default_owner(tx, config)
        )
    task = Task(
        title=title,
        notes=draft.notes,
        client_id=client.id if client else None,
        lead_id=lead.id if lead else (parent.lead_id if parent else None),
        parent_id=parent.id if parent else None,
        column=column,
        position=_edge_position(tx, column, parent.id if parent else None, top=not parent),
        due_date=due_date,
        due_at=due_at,
        priority=priority,
        assignee=draft.assignee,
        estimate_hours=estimate,
        # A card added straight to the done column is done; a new subtask is always open.
        done_at=now if column == config.done_column and parent is None else None,
        created_at=now,
        updated_at=now,
        recur=recur,
        owner_id=owner_id,
    )
    insert(tx, task)
    tx.insert_many("task_tag", [{"task_id": task.id, "tag": tag} for tag in tags])
    record_activity(tx, task, ActivityKind.CREATED, now=now)
    note(tx, "task add", _said(task), now=now)
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
    with db.write() as tx:
        task = fetch(tx, Task, reference)
        created = False
        client = get(tx, Client, task.client_id)
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
                client = find_client(tx, str(patch.client))
                if client is None:
                    client, created = ensure_client(tx, str(patch.client), now=now)
            change("client_id", client.id if client else None)
        if patch.lead is not UNSET:
            lead = fetch(tx, Lead, str(patch.lead)) if patch.lead is not None else None
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
        if patch.recur is not UNSET or (task.recur and patch.due is not UNSET):
            rule = task.recur if patch.recur is UNSET else patch.recur
            recur = _check_recur(rule, task.due, subtask=task.parent_id is not None)  # type: ignore[arg-type]
            change("recur", recur)
        tags = tags_of(tx, [task.id or 0]).get(task.id or 0, [])
        for tag in clean_tags(patch.remove_tags):
            if tag in tags:
                tx.run(
                    "DELETE FROM task_tag WHERE task_id = :id AND tag = :tag",
                    {"id": task.id, "tag": tag},
                )
                tags.remove(tag)
                changed.append(f"-{tag}")
        for tag in clean_tags(patch.add_tags):
            if tag not in tags:
                tx.insert("task_tag", {"task_id": task.id, "tag": tag}, returning=None)
                tags.append(tag)
                changed.append(f"+{tag}")
        if changed:
            task.updated_at = now
            record_activity(tx, task, ActivityKind.EDITED, ", ".join(changed), now=now)
        moved = _Moved(0, None, None)
        if target_column is not None and target_column != task.column:
            moved = _move(tx, task, target_column, now=now, config=config)
        elif not changed:
            raise InputError(f"{task.ref} already looks like that; nothing changed")
        save(tx, task)
        note(tx, "task edit", _said(task), now=now)
    return _result(task, moved, sorted(tags), client, created)


def move_task(
    db: Database, reference: str, column: str, *, now: datetime, config: Config
) -> TaskResult:
    """Move a card to the top of another column (the last column means done)."""
    target = resolve_column(column, config)
    with db.write() as tx:
        task = _top_level(tx, reference, "moved between columns")
        if task.column == target:
            raise InputError(f"{task.ref} is already in {target}")
        moved = _move(tx, task, target, now=now, config=config)
    return _result(task, moved)


def shift_task(
    db: Database, reference: str, steps: int, *, now: datetime, config: Config
) -> TaskResult:
    """Move a card `steps` columns right (positive) or left (negative): the board's H/L."""
    with db.write() as tx:
        task = _top_level(tx, reference, "moved between columns")
        columns = list(config.columns)
        index = columns.index(task.column) if task.column in columns else 0
        target = columns[max(0, min(len(columns) - 1, index + steps))]
        if target == task.column:
            edge = "first" if steps < 0 else "last"
            raise InputError(f"{task.ref} is already in the {edge} column ({target})")
        moved = _move(tx, task, target, now=now, config=config)
    return _result(task, moved)


def reorder_task(db: Database, reference: str, offset: int, *, now: datetime) -> Task:
    """Swap a card with its neighbour above (offset -1) or below (+1): the board's K/J."""
    if offset not in (-1, 1):
        raise InputError("a card moves one place at a time (offset -1 or +1)")
    with db.write() as tx:
        task = fetch(tx, Task, reference)
        # Cards are reordered within their column; subtasks within their parent's checklist.
        where, params = _siblings(task.column, task.parent_id)
        params.update(position=task.position, id=task.id)
        if offset < 0:
            step = (
                "(position < :position OR (position = :position AND id < :id)) "
                "ORDER BY position DESC, id DESC"
            )
        else:
            step = (
                "(position > :position OR (position = :position AND id > :id)) "
                "ORDER BY position, id"
            )
        neighbour = first(tx, Task, f"SELECT * FROM task WHERE {where} AND {step} LIMIT 1", params)
        if neighbour is None:
            where_to = "top" if offset < 0 else "bottom"
            raise InputError(f"{task.ref} is already at the {where_to} of {task.column}")
        if neighbour.position == task.position:
            # Equal positions (ties broken by id): open a gap so the swap is visible.
            task.position = neighbour.position + offset
        else:
            task.position, neighbour.position = neighbour.position, task.position
        task.updated_at = now
        save(tx, task)
        save(tx, neighbour)
        note(tx, "task reorder", _said(task), now=now)
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
    with db.write() as tx:
        tasks = fetch_each(tx, Task, references)
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
                save(tx, task)
                record_activity(tx, task, ActivityKind.DONE, now=now)
                moved = _Moved(0, None, None)
            else:
                moved = _move(tx, task, config.done_column, now=now, config=config)
                for other in tasks:  # its subtasks were done in bulk: see that in this call
                    if other.parent_id == task.id:
                        refresh(tx, other)
            results.append(_result(task, moved))
        note(tx, "task done", ", ".join(_said(r.task) for r in results), now=now)
    return results


def reopen_task(db: Database, reference: str, *, now: datetime, config: Config) -> TaskResult:
    """Undo `done`: the task is open again (a card goes back to the new-task column). A
    recurring card's next occurrence, made when it was done, goes away if untouched
    (`NextOccurrence`)."""
    with db.write() as tx:
        task = fetch(tx, Task, reference)
        if task.done_at is None:
            raise InputError(f"{task.ref} is not done")
        moved = _Moved(0, None, None)
        if task.parent_id is not None:
            task.done_at = None
            task.updated_at = now
            save(tx, task)
            record_activity(tx, task, ActivityKind.REOPENED, now=now)
        else:
            moved = _move(tx, task, config.new_task_column, now=now, config=config)
        note(tx, "task reopen", _said(task), now=now)
    return _result(task, moved)


@dataclass(frozen=True)
class Deleted:
    title: str
    subtasks: int


def delete_task(db: Database, reference: str, *, now: datetime | None = None) -> Deleted:
    """Delete a task with its subtasks, reminders and timeline (callers confirm first);
    `now` dates the undo journal's entry."""
    with db.write() as tx:
        task = fetch(tx, Task, reference)
        subtasks = int(
            tx.scalar("SELECT count(*) FROM task WHERE parent_id = :id", {"id": task.id})
        )
        title = task.title
        note(tx, "task delete", _said(task), now=now)
        delete(tx, task)
    return Deleted(title, subtasks)


# --- internals -------------------------------------------------------------------------------


def _said(task: Task) -> str:
    """A task as the journal names it."""
    return f"{task.ref} {task.title}"


def _top_level(tx: Tx, reference: str, action: str) -> Task:
    task = fetch(tx, Task, reference)
    if task.parent_id is not None:
        parent = ref(Kind.TASK, task.parent_id)
        raise InputError(f"{task.ref} is a subtask of {parent}; only cards are {action}")
    return task


def _siblings(column: str, parent_id: int | None) -> tuple[str, dict[str, object]]:
    """SQL for a card's column (top-level cards) or a subtask's checklist."""
    if parent_id is None:
        return 'parent_id IS NULL AND "column" = :column', {"column": column}
    return "parent_id = :parent", {"parent": parent_id}


def _edge_position(tx: Tx, column: str, parent_id: int | None, *, top: bool) -> int:
    """A position above (top) or below every sibling: one indexed MIN/MAX lookup."""
    where, params = _siblings(column, parent_id)
    edge = tx.scalar(f"SELECT {'min' if top else 'max'}(position) FROM task WHERE {where}", params)
    if edge is None:
        return 0
    return int(edge) - 1 if top else int(edge) + 1


def _result(
    task: Task,
    moved: _Moved,
    tags: list[str] | None = None,
    client: Client | None = None,
    created: bool = False,
) -> TaskResult:
    return TaskResult(
        task,
        tags or [],
        client,
        created,
        completed_subtasks=moved.completed,
        next_task=moved.following,
        reopened_next=moved.reopened_next,
    )


def _move(tx: Tx, task: Task, column: str, *, now: datetime, config: Config) -> _Moved:
    """Put a card at the top of `column`, keeping done_at in step with the done column; the
    subtasks it completed, a recurring card's next occurrence (made when it is done), and
    what became of that occurrence when the card is reopened (taken out of the done
    column)."""
    before = task.column
    task.column = column
    # Stored before the top of the column is read, so the card itself counts among the cards
    # there (as it always has: a card already on top stays above the rest).
    save(tx, task)
    task.position = _edge_position(tx, column, None, top=True)
    task.updated_at = now
    completed, following, reopened_next = 0, None, None
    if column == config.done_column and task.done_at is None:
        task.done_at = now
        completed = _complete_subtasks(tx, task, now=now)
        record_activity(tx, task, ActivityKind.DONE, f"{before} → {column}", now=now)
        following = _next_occurrence(tx, task, now=now, config=config)
    elif column != config.done_column and task.done_at is not None:
        finished, task.done_at = task.done_at, None
        record_activity(tx, task, ActivityKind.REOPENED, f"{before} → {column}", now=now)
        reopened_next = _take_back_next_occurrence(tx, task, finished)
    else:
        record_activity(tx, task, ActivityKind.MOVED, f"{before} → {column}", now=now)
    save(tx, task)
    note(tx, "task move", f"{_said(task)}: {before} → {column}", now=now)
    return _Moved(completed, following, reopened_next)


def _take_back_next_occurrence(tx: Tx, task: Task, finished: datetime) -> NextOccurrence | None:
    """The card, finished at `finished`, is open again: delete the next occurrence that
    finishing it made (same series, made at that instant, its timeline says it repeats this
    card) when nobody touched it since; else keep it and say why."""
    if not (task.recur or task.series_id):
        return None
    following = first(
        tx,
        Task,
        "SELECT * FROM task WHERE id > :id AND series_id = :series AND parent_id IS NULL "
        "AND created_at = :finished ORDER BY id DESC LIMIT 1",
        {"id": task.id, "series": task.series_id or task.id, "finished": finished},
    )
    if following is None or not tx.scalar(
        "SELECT count(*) FROM activity WHERE task_id = :id AND kind = :kind AND text LIKE :text",
        {"id": following.id, "kind": ActivityKind.CREATED.value, "text": f"repeats {task.ref} (%"},
    ):
        return None
    reason = _touched_since_made(tx, following)
    if reason is not None:
        return NextOccurrence(following.ref, removed=False, reason=reason)
    delete(tx, following)  # with its subtasks, tags and timeline entry
    return NextOccurrence(following.ref, removed=True)


def _touched_since_made(tx: Tx, task: Task) -> str | None:
    """Why an occurrence counts as someone's work since it was made, or None: done, changed
    (title, due, column, tags, owner…), subtasks added or changed, timeline entries or
    reminders added."""
    made = task.created_at
    if task.done_at is not None:
        return "it is done"
    if task.updated_at != made:
        return "it was changed since it was made"
    subtasks = records(tx, Task, "SELECT * FROM task WHERE parent_id = :id", {"id": task.id})
    if any(sub.created_at != made or sub.updated_at != made for sub in subtasks):
        return "its subtasks were changed since it was made"
    ids = (task.id, *(sub.id for sub in subtasks))
    if int(tx.scalar("SELECT count(*) FROM activity WHERE task_id IN :ids", {"ids": ids})) > 1:
        return "its timeline has entries since it was made"
    if tx.scalar("SELECT count(*) FROM reminder WHERE task_id IN :ids", {"ids": ids}):
        return "it has reminders"
    return None


def _check_recur(rule: str | None, due: object, *, subtask: bool) -> str | None:
    """A repeat rule as stored (`+1m`), or None; refused on a subtask (it repeats with its
    card) and, for a fixed schedule, on a task without a due date."""
    if rule is None:
        return None
    parsed = parse_rule(rule)
    if subtask:
        raise InputError("a subtask repeats with its card; give rec: to the card")
    if parsed.from_due and due is None:
        raise InputError(
            f"rec:{parsed.text} repeats from the due date; give one (due:…), or repeat from "
            f"when it is done (rec:{parsed.count}{parsed.unit})"
        )
    return parsed.text


def _next_occurrence(tx: Tx, task: Task, *, now: datetime, config: Config) -> Task | None:
    """A recurring card was done: its next occurrence, at the top of the new-task column, with
    the card's fields, tags and subtasks (open again, their dues moved as far as the card's)."""
    if not task.recur or task.parent_id is not None:
        return None
    rule = parse_rule(task.recur)
    head_id = task.series_id or task.id
    head = task if head_id == task.id else (get(tx, Task, head_id) or task)
    anchor = head.due_at.astimezone(config.timezone).date() if head.due_at else head.due_date
    due = next_due(
        rule,
        due=task.due,
        done_at=now,
        tz=config.timezone,
        anchor_day=anchor.day if anchor else None,
        workdays=config.work_days,
    )
    following = _copy(tx, task, due, now=now, config=config, parent=None, series=head_id)
    record_activity(
        tx, following, ActivityKind.CREATED, f"repeats {task.ref} ({rule.label})", now=now
    )
    shift = _shift(task.due, due)
    for sub in records(
        tx, Task, "SELECT * FROM task WHERE parent_id = :id ORDER BY position, id", {"id": task.id}
    ):
        moved = sub.due + shift if sub.due is not None and shift is not None else None
        _copy(tx, sub, moved, now=now, config=config, parent=following, series=None)
    return following


def _shift(old: date | datetime | None, new: date | datetime) -> timedelta | None:
    """How far an occurrence moved (to move its subtasks' dues alike), when that is known."""
    if isinstance(old, datetime) and isinstance(new, datetime):
        return new - old
    if isinstance(old, date) and not isinstance(old, datetime) and not isinstance(new, datetime):
        return new - old
    return None


def _copy(
    tx: Tx,
    task: Task,
    due: date | datetime | None,
    *,
    now: datetime,
    config: Config,
    parent: Task | None,
    series: int | None,
) -> Task:
    column = parent.column if parent is not None else config.new_task_column
    copy = Task(
        title=task.title,
        notes=task.notes,
        client_id=task.client_id,
        lead_id=task.lead_id,
        parent_id=parent.id if parent is not None else None,
        column=column,
        position=_edge_position(tx, column, parent.id if parent else None, top=parent is None),
        due_date=due if not isinstance(due, datetime) else None,
        due_at=due if isinstance(due, datetime) else None,
        priority=task.priority,
        assignee=task.assignee,
        estimate_hours=task.estimate_hours,
        created_at=now,
        updated_at=now,
        recur=task.recur,
        series_id=series,
        owner_id=task.owner_id,  # the next one is the same member's
    )
    insert(tx, copy)
    tags = tags_of(tx, [task.id or 0]).get(task.id or 0, [])
    tx.insert_many("task_tag", [{"task_id": copy.id, "tag": tag} for tag in tags])
    return copy


def _complete_subtasks(tx: Tx, task: Task, *, now: datetime) -> int:
    return tx.run(
        "UPDATE task SET done_at = :now, updated_at = :now "
        "WHERE parent_id = :id AND done_at IS NULL",
        {"now": now, "id": task.id},
    )

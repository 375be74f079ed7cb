"""Reading tasks: board-ordered lists, rows with what a card shows, one task's details.

Rows are decorated in batches (client names, tags, subtask progress: one query each for a
whole page), never one query per card.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from amtui.core.config import Config
from amtui.core.errors import NotFoundError
from amtui.core.members import EVERYONE, Scope, member_handles
from amtui.core.models import Activity, Client, Lead, Reminder, Task, get, records
from amtui.core.sql import Database, Tx, folded
from amtui.core.structs import field, struct
from amtui.core.text import fold, one_line


@struct
class TaskRow:
    """A task with what a list or a card shows next to it (loaded in batches, not per row)."""

    task: Task
    client_name: str | None = None
    tags: list[str] = field(default_factory=list)
    subtasks_done: int = 0
    subtasks_total: int = 0
    owner: str | None = None  # the owner's handle (team mode)


@struct
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
    scope: Scope = EVERYONE,
) -> list[TaskRow]:
    """Top-level cards in board order (column, then position), filtered as asked (`scope`:
    one member's and nobody's)."""
    from amtui.core.lookup import find_client

    with db.read() as tx:
        params: dict[str, Any] = {}
        where = ["parent_id IS NULL", scope.owned(params)]
        if column is not None:
            where.append('"column" = :column')
            from amtui.core.drafts import resolve_column  # quick-add's parser: only here

            params["column"] = resolve_column(column, config)
        if client is not None:
            found = find_client(tx, client)
            if found is None:
                raise NotFoundError(f"no client named {one_line(client)!r}")
            where.append("client_id = :client")
            params["client"] = found.id
        if tag is not None:
            where.append("id IN (SELECT task_id FROM task_tag WHERE tag = :tag)")
            params["tag"] = tag.lower().lstrip("+")
        if assignee is not None:
            # folded(), not SQL lower(): SQLite's lower() leaves "Анна" as it is.
            where.append(f"{folded('assignee', tx.dialect)} = :assignee")
            params["assignee"] = fold(assignee.lstrip("@"))
        if not include_done:
            where.append("done_at IS NULL")
        return rows_for(tx, _in_board_order(tx, where, params, config, limit, offset))


def _in_board_order(
    tx: Tx,
    where: list[str],
    params: dict[str, Any],
    config: Config,
    limit: int | None,
    offset: int,
) -> list[Task]:
    """The cards `where` selects in board order: by their column's place on the board (a
    column no longer in the config last), then position, then id.

    Read column by column through the board index, each already in (position, id) order, so
    a page reads about as many rows as it shows. One ORDER BY over every open card sorted
    them all first (~20 000 at 100 000 tasks: half of `amtui task list` there; issue 9)."""
    names = {f"col_{i}": name for i, name in enumerate(config.columns)}
    known = ", ".join(f":{key}" for key in names)
    arms = [f'"column" = :{key}' for key in names] + [f'"column" NOT IN ({known})']
    wanted = None if limit is None else offset + limit
    found: list[Task] = []
    for arm in arms:
        left = None if wanted is None else wanted - len(found)
        if left is not None and left <= 0:
            break
        sql = f"SELECT * FROM task WHERE {' AND '.join([*where, arm])} ORDER BY position, id"
        found.extend(records(tx, Task, sql + tx.page(left), {**params, **names}))
    return found[offset:wanted]


def rows_for(tx: Tx, tasks: list[Task]) -> list[TaskRow]:
    """Decorate tasks with client names, tags and subtask progress in three batch queries."""
    ids = [task.id or 0 for task in tasks]
    if not ids:
        return []
    tags = tags_of(tx, ids)
    client_ids = tuple({task.client_id for task in tasks if task.client_id})
    names: dict[int, str] = (
        dict(tx.tuples("SELECT id, name FROM client WHERE id IN :ids", {"ids": client_ids}))
        if client_ids
        else {}
    )
    progress: dict[int, tuple[int, int]] = {}
    query = (
        "SELECT parent_id, count(done_at), count(*) FROM task WHERE parent_id IN :ids "
        "GROUP BY parent_id"
    )
    for parent_id, done, total in tx.tuples(query, {"ids": tuple(ids)}):
        progress[parent_id or 0] = (done, total)
    owners = member_handles(tx, {task.owner_id for task in tasks})
    # Every field by position: the struct's quick path (with a keyword it names each one).
    return [
        TaskRow(
            task,
            names.get(task.client_id) if task.client_id else None,
            tags.get(task.id or 0, []),
            *progress.get(task.id or 0, (0, 0)),
            owners.get(task.owner_id or 0),
        )
        for task in tasks
    ]


def get_task_details(db: Database, reference: str) -> TaskDetails:
    """Everything the detail view and `amtui show T12` print about one task."""
    from amtui.core.activities import list_activities
    from amtui.core.lookup import fetch

    with db.read() as tx:
        task = fetch(tx, Task, reference)
        (row,) = rows_for(tx, [task])
        params = {"id": task.id}
        subtasks = records(
            tx, Task, "SELECT * FROM task WHERE parent_id = :id ORDER BY position, id", params
        )
        reminders = records(
            tx, Reminder, "SELECT * FROM reminder WHERE task_id = :id ORDER BY due_at, id", params
        )
        client = get(tx, Client, task.client_id)
        return TaskDetails(
            row=row,
            lead=get(tx, Lead, task.lead_id),
            parent=get(tx, Task, task.parent_id),
            subtasks=rows_for(tx, subtasks),
            reminders=reminders,
            activities=list_activities(tx, task),
            client_zone=client.timezone if client is not None else None,
        )


def count_subtasks(db: Database, reference: str) -> int:
    """How many subtasks a delete would take with it (for the confirmation question)."""
    from amtui.core.lookup import fetch

    with db.read() as tx:
        task = fetch(tx, Task, reference)
        return int(tx.scalar("SELECT count(*) FROM task WHERE parent_id = :id", {"id": task.id}))


def tags_of(tx: Tx, ids: list[int]) -> dict[int, list[str]]:
    """Each task's tags in name order (one query for the whole list)."""
    tags: dict[int, list[str]] = defaultdict(list)
    query = "SELECT task_id, tag FROM task_tag WHERE task_id IN :ids ORDER BY tag"
    for task_id, tag in tx.tuples(query, {"ids": tuple(ids)}):
        tags[task_id].append(tag)
    return tags

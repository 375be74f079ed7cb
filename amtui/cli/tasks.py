"""`amtui task …` and its shortcut `amtui add …`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from amtui.cli import completion
from amtui.cli.context import runtime
from amtui.cli.output import (
    Cell,
    Format,
    confirm,
    format_option,
    limit_option,
    new_owner_option,
    owner_option,
    print_json,
    print_table,
    say,
    undo_hint,
)
from amtui.cli.owners import owner_commands
from amtui.core import vocabulary
from amtui.core.refs import Kind

if TYPE_CHECKING:
    from amtui.cli.context import Runtime
    from amtui.core.tasks import TaskResult

app = typer.Typer(help="Tasks: kanban cards with subtasks, due dates, tags and assignees.")

PRI = completion.choices(*vocabulary.PRIORITIES)
Ref = Annotated[
    str,
    typer.Argument(
        help="Task reference, e.g. T12 (or just 12).",
        autocompletion=completion.task_references,
    ),
]


def add(
    ctx: typer.Context,
    text: Annotated[
        list[str],
        typer.Argument(
            help="Title with optional tokens: due:WHEN client:NAME lead:L7 col:COLUMN "
            "pri:PRIORITY est:2h parent:T3 rec:+1m owner:anna @assignee +tag."
        ),
    ],
    due: Annotated[str | None, typer.Option(help="Due date or time, e.g. 'fri 15:00'.")] = None,
    client: Annotated[
        str | None,
        typer.Option(help="Client name or C-reference.", autocompletion=completion.client_names),
    ] = None,
    lead: Annotated[
        str | None,
        typer.Option(
            help="Lead this task belongs to (L7).",
            autocompletion=completion.open_lead_references,
        ),
    ] = None,
    parent: Annotated[
        str | None,
        typer.Option(
            help="Make it a subtask of this task (T3).",
            autocompletion=completion.open_task_references,
        ),
    ] = None,
    column: Annotated[str | None, typer.Option("--col", help="Board column.")] = None,
    priority: Annotated[
        str | None, typer.Option("--pri", help="low, normal, high or urgent.", autocompletion=PRI)
    ] = None,
    tag: Annotated[list[str] | None, typer.Option(help="A tag (repeatable).")] = None,
    assignee: Annotated[str | None, typer.Option(help="Person or role, e.g. copywriter.")] = None,
    estimate: Annotated[str | None, typer.Option(help="Estimate, e.g. 2h, 90m, 1d.")] = None,
    rec: Annotated[
        str | None,
        typer.Option(help="Repeat: +1m (every month from the due date), 2w (2 weeks after done)."),
    ] = None,
    notes: Annotated[str, typer.Option(help="Longer notes.")] = "",
    owner: str | None = new_owner_option(
        "the card's owner for a subtask, the lead's for a lead's task, else yours"
    ),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the reference.")] = False,
) -> None:
    """Add a task.

    Example: amtui add "Send estimate due:fri 15:00 client:Granel +urgent @copywriter"
    """
    from amtui.cli.hot import add as body

    body(
        runtime(ctx),
        text=text,
        due=due,
        client=client,
        lead=lead,
        parent=parent,
        column=column,
        priority=priority,
        tag=tag,
        assignee=assignee,
        estimate=estimate,
        rec=rec,
        notes=notes,
        owner=owner,
        quiet=quiet,
    )


app.command("add")(add)


@app.command("list")
def list_(
    ctx: typer.Context,
    column: Annotated[str | None, typer.Option("--col", help="Only this column.")] = None,
    client: Annotated[
        str | None,
        typer.Option(help="Only this client (name or C3).", autocompletion=completion.client_names),
    ] = None,
    tag: Annotated[str | None, typer.Option(help="Only tasks with this tag.")] = None,
    assignee: Annotated[
        str | None, typer.Option(help="Only tasks for this person or role.")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include done tasks.")] = False,
    owner: str | None = owner_option(),
    limit: int = limit_option(),
    fmt: Format = format_option(),
) -> None:
    """List open cards in board order.

    Example: amtui task list --client Granel --format json
    """
    from amtui.cli.serialize import task_json
    from amtui.core.dates import is_overdue
    from amtui.core.display import format_when
    from amtui.core.members import resolve_scope
    from amtui.core.recurrence import repeat_mark
    from amtui.core.task_queries import list_tasks

    rt = runtime(ctx)
    scope = resolve_scope(rt.db, owner, rt.config)
    rows = list_tasks(
        rt.db,
        config=rt.config,
        column=column,
        client=client,
        tag=tag,
        assignee=assignee,
        include_done=all_,
        limit=limit or None,
        scope=scope,
    )
    tz = rt.config.timezone
    if fmt is Format.JSON:
        print_json([task_json(row, tz) for row in rows])
        return
    table = []
    team = any(row.owner for row in rows) or not scope.everyone
    now = rt.now
    for row in rows:
        task = row.task
        when = task.due
        due = format_when(when, tz, now) if when else ""
        repeats = repeat_mark(task.recur)
        if repeats:  # the rule next to the date it moves
            due = f"{due} {repeats}".strip()
        overdue = task.done_at is None and is_overdue(when, now, tz)
        table.append(
            [
                task.ref,
                task.column,
                task.title,
                Cell(due, "bold red") if overdue else due,
                row.client_name,
                f"@{task.assignee}" if task.assignee else "",
                " ".join(f"+{t}" for t in row.tags),
                f"{row.subtasks_done}/{row.subtasks_total}" if row.subtasks_total else "",
                *([row.owner or "-"] if team else []),
            ]
        )
    headers = ["REF", "COLUMN", "TITLE", "DUE", "CLIENT", "WHO", "TAGS", "SUB"]
    print_table([*headers, *(["OWNER"] if team else [])], table, fmt)


@app.command("show")
def show(ctx: typer.Context, reference: Ref, fmt: Format = format_option()) -> None:
    """Show a task with its subtasks, reminders and timeline.

    Example: amtui task show T12
    """
    from amtui.cli.records import show_task

    show_task(runtime(ctx), reference, fmt)


# `-tag` removes a tag, so unknown short options are tokens here, not usage errors; `-h…` is a
# tag too (`-hot`), which is why this command's help is `--help` only.
@app.command(
    "edit", context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]}
)
def edit(
    ctx: typer.Context,
    reference: Ref,
    tokens: Annotated[
        list[str] | None,
        typer.Argument(
            help="New title words and tokens: due:WHEN (due:none clears) client: lead: "
            "pri: est: col: rec: @who +tag -tag."
        ),
    ] = None,
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    notes: Annotated[str | None, typer.Option(help="Replace the notes.")] = None,
    due: Annotated[str | None, typer.Option(help="New due date ('none' clears).")] = None,
    client: Annotated[
        str | None,
        typer.Option(
            help="Client name or C3 ('none' clears).", autocompletion=completion.client_names
        ),
    ] = None,
    priority: Annotated[
        str | None, typer.Option("--pri", help="low, normal, high, urgent.", autocompletion=PRI)
    ] = None,
    assignee: Annotated[str | None, typer.Option(help="Person or role ('none' clears).")] = None,
    estimate: Annotated[str | None, typer.Option(help="Estimate, e.g. 2h ('none' clears).")] = None,
    rec: Annotated[
        str | None, typer.Option(help="Repeat rule, e.g. +1m or 2w ('none' stops it).")
    ] = None,
) -> None:
    """Change a task.

    Example: amtui task edit T12 due:mon -urgent +later @seo
    """
    from amtui.core.drafts import TaskOptions, task_patch
    from amtui.core.errors import InputError
    from amtui.core.tasks import edit_task

    rt = runtime(ctx)
    for token in tokens or []:
        if token.startswith("--"):
            raise InputError(f"no such option: {token} (see `amtui task edit --help`)")
    options = TaskOptions(
        title=title,
        notes=notes,
        due=due,
        client=client,
        priority=priority,
        assignee=assignee,
        estimate=estimate,
        recur=rec,
    )
    patch, column = task_patch(" ".join(tokens or []), options, now=rt.now, config=rt.config)
    result = edit_task(rt.db, reference, patch, now=rt.now, config=rt.config, column=column)
    _report(rt, result)


def _report(rt: Runtime, result: TaskResult) -> None:
    from amtui.core.describe import task_summary
    from amtui.core.task_queries import TaskRow

    task = result.task
    row = TaskRow(task, result.client.name if result.client else None, result.tags)
    say(f"{task.ref} [{task.column}] {task_summary(rt.view, row)}")
    if result.created_client and result.client is not None:
        say(f"New client {result.client.name} ({result.client.ref}) was created.")
    if result.completed_subtasks:
        say(f"Also completed {result.completed_subtasks} open subtask(s).")
    _say_next(rt, result)


def _say_next(rt: Runtime, result: TaskResult) -> None:
    from amtui.cli.hot import say_next

    say_next(rt, result)


@app.command("done")
def done(
    ctx: typer.Context,
    references: Annotated[
        list[str],
        typer.Argument(
            help="One or more tasks, e.g. T12 T13.",
            autocompletion=completion.open_task_references,
        ),
    ],
) -> None:
    """Mark tasks done (a card moves to the last column).

    Example: amtui task done T12
    """
    from amtui.cli.hot import done as body

    body(runtime(ctx), references=references)


@app.command("reopen")
def reopen(ctx: typer.Context, reference: Ref) -> None:
    """Undo done: the task is open again. A recurring task's next occurrence, made when it
    was done, is removed if nobody touched it since (else it stays, and the output says why).

    Example: amtui task reopen T12
    """
    from amtui.core.tasks import reopen_task

    rt = runtime(ctx)
    result = reopen_task(rt.db, reference, now=rt.now, config=rt.config)
    say(f"Reopened {result.task.ref} in {result.task.column}: {result.task.title}")
    _say_next(rt, result)


@app.command("move")
def move(
    ctx: typer.Context,
    reference: Ref,
    column: Annotated[
        str | None, typer.Argument(help="Target column (name or unique part of it).")
    ] = None,
    up: Annotated[bool, typer.Option("--up", help="One place up within the column.")] = False,
    down: Annotated[bool, typer.Option("--down", help="One place down within the column.")] = False,
) -> None:
    """Move a card to another column, or up/down in its column.

    Example: amtui task move T12 review
    """
    from amtui.core.errors import InputError
    from amtui.core.tasks import move_task, reorder_task

    rt = runtime(ctx)
    if sum((column is not None, up, down)) != 1:
        raise InputError("give exactly one of: a COLUMN, --up or --down")
    if column is not None:
        result = move_task(rt.db, reference, column, now=rt.now, config=rt.config)
        say(f"Moved {result.task.ref} to {result.task.column}")
        if result.completed_subtasks:
            say(f"Also completed {result.completed_subtasks} open subtask(s).")
        _say_next(rt, result)
        return
    task = reorder_task(rt.db, reference, -1 if up else 1, now=rt.now)
    say(f"Moved {task.ref} {'up' if up else 'down'} in {task.column}")


@app.command("rm")
def remove(
    ctx: typer.Context,
    reference: Ref,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a task with its subtasks, reminders and timeline.

    Example: amtui task rm T12 --yes
    """
    from amtui.core.refs import Kind, parse_ref
    from amtui.core.task_queries import count_subtasks
    from amtui.core.tasks import delete_task

    rt = runtime(ctx)
    name = str(parse_ref(reference, Kind.TASK))
    subtasks = count_subtasks(rt.db, reference)
    extra = f" and its {subtasks} subtask(s)" if subtasks else ""
    confirm(f"Delete {name}{extra}?", yes=yes)
    deleted = delete_task(rt.db, reference, now=rt.now)
    say(f"Deleted {name}: {deleted.title}{extra}")
    undo_hint()


owner_commands(app, Kind.TASK, Ref, "T12")

"""The hot commands' bodies and their options, without Typer: `amtui agenda`, `amtui add …`
(and `amtui task add …`), `amtui remind due` and `amtui task done T…`.

Each body takes the command's `Runtime` and its parameters by name and returns its exit code
(None for 0). The Typer commands (`amtui.cli.agenda`, `tasks`, `reminders`) declare the
options, help and completion and call these bodies; the fast path (`amtui.cli.fast`) reads a
command line against `HOT` and calls them directly. tests/cli/test_fast.py holds every `Hot`
equal to its Typer command's parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from amtui.cli.fast import Argument, Hot, Option
from amtui.cli.output import MAX_DAYS, MAX_LIMIT, Format, say

if TYPE_CHECKING:
    from amtui.cli.context import Runtime
    from amtui.core.agenda import Agenda
    from amtui.core.describe import View
    from amtui.core.notify import DueItem
    from amtui.core.tasks import TaskResult


FORMAT = Option("fmt", ("--format", "-f"), Format, Format.TEXT)
OWNER = Option("owner", ("--owner",))


# --- amtui agenda ---------------------------------------------------------------------------


def agenda(
    rt: Runtime,
    *,
    date: str | None = None,
    days: int | None = None,
    limit: int = 50,
    client: str | None = None,
    owner: str | None = None,
    fmt: Format = Format.TEXT,
) -> None:
    """`amtui agenda`: the day's sections as text, Markdown or JSON."""
    from amtui.core.agenda import build_agenda
    from amtui.core.members import resolve_scope

    day = None
    if date is not None:
        day = rt.config.read_day(date, now=rt.now)
    client_id = None
    if client is not None:
        from amtui.core.board import find_client_choice

        client_id = find_client_choice(rt.db, client).id
    scope = resolve_scope(rt.db, owner, rt.config)
    result = build_agenda(
        rt.db,
        now=rt.now,
        config=rt.config,
        day=day,
        days=days,
        limit=limit or None,
        client_id=client_id,
        scope=scope,
    )
    if fmt is Format.JSON:
        from amtui.cli.output import print_json
        from amtui.cli.serialize import agenda_json

        print_json(agenda_json(result, rt.config.response_rule))
    else:
        _print_agenda(rt, result, fmt)


def _print_agenda(rt: Runtime, result: Agenda, fmt: Format) -> None:
    """The agenda's sections, names and lines as core words them (`describe_agenda`)."""
    from amtui.cli.output import TONE_STYLES, styled
    from amtui.core.describe import Tone
    from amtui.core.describe_agenda import agenda_line, agenda_sections, agenda_title
    from amtui.core.text import markdown

    lines: list[str] = []
    if fmt is Format.TEXT and styled():
        emit = _styled_printer()
    else:

        def emit(text: str, style: str = "") -> None:
            lines.append(text)

    title = agenda_title(result)
    emit(f"# {title}" if fmt is Format.MD else title, "bold")
    for part in agenda_sections(result):
        section = part.section
        emit("")
        heading = f"{part.title} ({section.total})"
        emit(f"## {heading}" if fmt is Format.MD else heading, "bold")
        if not section.items:
            emit("- nothing" if fmt is Format.MD else "  nothing")
        for item in section.items:
            line = agenda_line(rt.view, item)
            tone = Tone.LATE if line.when.tone is Tone.LATE else part.tone
            if fmt is Format.MD:
                emit(f"- **{line.ref}** {line.when.text} — {markdown(line.text)}")
            else:
                emit(f"  {line.ref:<7} {line.when.text:<18} {line.text}", TONE_STYLES[tone] or "")
        if section.more:
            emit(f"  … and {section.more} more (use --limit 0 to see all)")
    if lines:  # plain text in one print, not one per line (each a system call when stdout
        # is unbuffered, as under PYTHONUNBUFFERED)
        print("\n".join(lines))


def _styled_printer() -> Callable[..., None]:
    """Colour for a terminal; Rich (~11 ms of imports) is loaded only then."""
    from rich.console import Console
    from rich.text import Text

    console = Console(markup=False, highlight=False, emoji=False, soft_wrap=True)

    def emit(text: str, style: str = "") -> None:
        console.print(Text(text, style=style))

    return emit


# --- amtui add, amtui task add ----------------------------------------------------------------


def add(
    rt: Runtime,
    *,
    text: Sequence[str],
    due: str | None = None,
    client: str | None = None,
    lead: str | None = None,
    parent: str | None = None,
    column: str | None = None,
    priority: str | None = None,
    tag: Sequence[str] | None = None,
    assignee: str | None = None,
    estimate: str | None = None,
    rec: str | None = None,
    notes: str = "",
    owner: str | None = None,
    quiet: bool = False,
) -> None:
    """`amtui add TEXT…`: a task from a quick-add line and options."""
    from amtui.core.drafts import TaskOptions, task_draft
    from amtui.core.tasks import add_task

    options = TaskOptions(
        notes=notes,
        due=due,
        client=client,
        lead=lead,
        parent=parent,
        column=column,
        priority=priority,
        assignee=assignee,
        estimate=estimate,
        recur=rec,
        owner=owner,
        tags=tag or (),
    )
    draft = task_draft(" ".join(text), options, now=rt.now, config=rt.config)
    result = add_task(rt.db, draft, now=rt.now, config=rt.config)
    if quiet:
        print(result.task.ref)
        return
    from amtui.core.describe import task_summary
    from amtui.core.task_queries import TaskRow

    row = TaskRow(result.task, result.client.name if result.client else None, result.tags)
    say(f"Added {result.task.ref}: {task_summary(rt.view, row)}")
    if result.created_client and result.client is not None:
        say(f"New client {result.client.name} ({result.client.ref}) was created.")


# --- amtui task done --------------------------------------------------------------------------


def done(rt: Runtime, *, references: Sequence[str]) -> None:
    """`amtui task done T…`: every task done in one transaction (`T1 T999` changes nothing)."""
    from amtui.core.tasks import complete_tasks

    for result in complete_tasks(rt.db, list(references), now=rt.now, config=rt.config):
        extra = f" (and {result.completed_subtasks} subtasks)" if result.completed_subtasks else ""
        say(f"Done {result.task.ref}: {result.task.title}{extra}")
        say_next(rt, result)


def say_next(rt: Runtime, result: TaskResult) -> None:
    """A recurring card was done: where its next occurrence is; reopened: what became of
    that occurrence."""
    from amtui.core.recurrence import describe_next

    following = result.next_task
    if following is not None and following.due is not None:
        say(f"Repeats, {describe_next(following.ref, following.due, rt.config.timezone, rt.now)}")
    if result.reopened_next is not None:
        say(f"Repeats: {result.reopened_next.said}")


# --- amtui remind due -------------------------------------------------------------------------


def remind_due(
    rt: Runtime, *, notify: bool = False, owner: str | None = None, fmt: Format = Format.TEXT
) -> int:
    """`amtui remind due`: what fell due since the last run, marked notified; exit 1 when
    nothing did (for cron)."""
    from amtui.cli.output import print_json
    from amtui.cli.serialize import due_json
    from amtui.core.describe_agenda import due_line
    from amtui.core.members import resolve_scope
    from amtui.core.notify import collect_due
    from amtui.core.text import markdown

    scope = resolve_scope(rt.db, owner, rt.config)
    items = collect_due(rt.db, now=rt.now, config=rt.config, scope=scope)
    tz = rt.config.timezone
    if fmt is Format.JSON:
        print_json([due_json(item, tz, rt.config.response_rule) for item in items])
    else:
        for item in items:
            text = due_line(rt.view, item)
            line = (
                f"- **{item.ref}** {markdown(text)}"
                if fmt is Format.MD
                else f"{item.ref:<7} {text}"
            )
            print(line)
    if notify and items:
        _desktop_notify(items, rt.view)
    return 0 if items else 1


def _desktop_notify(items: list[DueItem], view: View) -> None:
    import shutil
    import subprocess

    from amtui.cli.output import note
    from amtui.core.describe_agenda import due_line
    from amtui.core.text import notification

    program = shutil.which("notify-send")
    if program is None:
        note("amtui: notify-send was not found; install libnotify-bin for desktop notifications")
        return
    for item in items:
        ref, text = item.ref, due_line(view, item)
        urgency = "critical" if item.kind != "reminder" else "normal"
        # A list of arguments, never a shell: the text is data (DESIGN §8).
        try:
            subprocess.run(
                [
                    program,
                    "--app-name=amtui",
                    f"--urgency={urgency}",
                    "--",  # a text starting with "-" is the body, never an option
                    f"amtui {ref}",
                    notification(text),
                ],
                check=False,
                timeout=10,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            note(f"amtui: notify-send failed ({error}); the items above were printed only")
            return


# --- the declarations the fast path reads -----------------------------------------------------

_CLIENT = Option("client", ("--client",))

#: The hot commands as their Typer commands declare them (tests/cli/test_fast.py).
HOT = (
    Hot(
        (("agenda",),),
        "amtui.cli.hot:agenda",
        (
            Option("date", ("--date",)),
            Option("days", ("--days",), int, None, 0, MAX_DAYS),
            Option("limit", ("--limit",), int, 50, 0, MAX_LIMIT),
            _CLIENT,
            OWNER,
            FORMAT,
        ),
    ),
    Hot(
        (("add",), ("task", "add")),
        "amtui.cli.hot:add",
        (
            Option("due", ("--due",)),
            _CLIENT,
            Option("lead", ("--lead",)),
            Option("parent", ("--parent",)),
            Option("column", ("--col",)),
            Option("priority", ("--pri",)),
            Option("tag", ("--tag",), multiple=True),
            Option("assignee", ("--assignee",)),
            Option("estimate", ("--estimate",)),
            Option("rec", ("--rec",)),
            Option("notes", ("--notes",), default=""),
            OWNER,
            Option("quiet", ("--quiet", "-q"), bool, False),
        ),
        Argument("text"),
    ),
    Hot((("task", "done"),), "amtui.cli.hot:done", (), Argument("references")),
    Hot(
        (("remind", "due"),),
        "amtui.cli.hot:remind_due",
        (Option("notify", ("--notify",), bool, False), OWNER, FORMAT),
    ),
)

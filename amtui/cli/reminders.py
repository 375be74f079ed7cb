"""`amtui remind …`: reminders about leads, clients and tasks."""

from __future__ import annotations

from typing import Annotated

import typer

from amtui.cli import completion
from amtui.cli.context import runtime
from amtui.cli.output import (
    Cell,
    Format,
    format_option,
    limit_option,
    owner_option,
    print_json,
    print_table,
    say,
)
from amtui.core import vocabulary

app = typer.Typer(help="Reminders: a time at which something about a lead, client or task is due.")

Ref = Annotated[
    str,
    typer.Argument(
        help="Reminder reference, e.g. R5 (or just 5).",
        autocompletion=completion.reminder_references,
    ),
]
KINDS = completion.choices(*vocabulary.MANUAL_KINDS)


@app.command("add")
def add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="What to do, e.g. 'Call Anna about the brief'.")],
    at: Annotated[
        str, typer.Option("--at", help="When: any date expression; a date alone means 09:00.")
    ],
    about: Annotated[
        str | None,
        typer.Option(
            help="The lead, client or task it is about: L7, C3 or T12.",
            autocompletion=completion.subject_references,
        ),
    ] = None,
    kind: Annotated[
        str, typer.Option(help="custom, call or payment.", autocompletion=KINDS)
    ] = "custom",
) -> None:
    """Add a reminder. A trailing 'client' in --at means the client's time zone.

    Example: amtui remind add "Call Anna" --at "tomorrow 10:00 client" --about L7 --kind call
    """
    from amtui.core.display import format_when
    from amtui.core.reminders import add_reminder

    rt = runtime(ctx)
    row = add_reminder(rt.db, text, at, now=rt.now, config=rt.config, about=about, kind=kind)
    when = format_when(row.reminder.due_at, rt.config.timezone, rt.now)
    about_text = f" about {row.subject_ref}" if row.subject_ref else ""
    say(f"Added {row.reminder.ref}: {row.reminder.text}{about_text} · {when}")


@app.command("list")
def list_(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Include done reminders.")] = False,
    about: Annotated[
        str | None,
        typer.Option(
            help="Only reminders about L7, C3 or T12.",
            autocompletion=completion.subject_references,
        ),
    ] = None,
    owner: str | None = owner_option(),
    limit: int = limit_option(),
    fmt: Format = format_option(),
) -> None:
    """List open reminders by when they are due.

    Example: amtui remind list --about L7
    """
    from amtui.cli.serialize import reminder_json
    from amtui.core.describe import reminder_text
    from amtui.core.display import format_when
    from amtui.core.reminders import list_reminders

    rt = runtime(ctx)
    from amtui.core.members import resolve_scope

    scope = resolve_scope(rt.db, owner, rt.config)
    rows = list_reminders(rt.db, include_done=all_, about=about, limit=limit or None, scope=scope)
    tz = rt.config.timezone
    if fmt is Format.JSON:
        print_json([reminder_json(row, tz) for row in rows])
        return
    table: list[list[str | Cell | None]] = []
    for row in rows:
        reminder = row.reminder
        due = reminder.effective_due
        late = reminder.done_at is None and due < rt.now
        table.append(
            [
                reminder.ref,
                Cell(format_when(due, tz, rt.now), "bold red" if late else None),
                reminder.kind,
                reminder_text(rt.view, reminder),
                f"{row.subject_ref} {row.subject_title or ''}" if row.subject_ref else "",
                "done" if reminder.done_at else "",
            ]
        )
    print_table(["REF", "DUE", "KIND", "TEXT", "ABOUT", ""], table, fmt)


@app.command("done")
def done(
    ctx: typer.Context,
    references: Annotated[
        list[str],
        typer.Argument(
            help="One or more reminders, e.g. R5 R6.",
            autocompletion=completion.open_reminder_references,
        ),
    ],
) -> None:
    """Mark reminders done; a follow-up step done without a reply schedules the next step.

    Example: amtui remind done R5
    """
    from amtui.core.describe import reminder_text, reminder_title
    from amtui.core.describe_leads import step_line
    from amtui.core.reminders import complete_reminders

    rt = runtime(ctx)
    # One transaction: `remind done R1 R999` changes nothing.
    for result in complete_reminders(rt.db, references, now=rt.now, config=rt.config):
        reminder = result.row.reminder
        say(f"Done {reminder.ref}: {reminder_text(rt.view, reminder)}")
        if result.next_step is not None:
            step = result.next_step
            say(f"Next: {step_line(rt.view, step)} · {reminder_title(step)}")
        if result.went_cold:
            say(f"{result.row.subject_ref} has gone cold: the ladder ended without a reply.")


@app.command("edit")
def edit(
    ctx: typer.Context,
    reference: Ref,
    text: Annotated[str | None, typer.Option(help="New text.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="New time (clears a snooze).")] = None,
    kind: Annotated[
        str | None, typer.Option(help="custom, call or payment.", autocompletion=KINDS)
    ] = None,
) -> None:
    """Change a reminder's text, time or kind.

    Example: amtui remind edit R5 --at "fri 10:00"
    """
    from amtui.core.describe import reminder_text
    from amtui.core.display import format_when
    from amtui.core.reminders import edit_reminder

    rt = runtime(ctx)
    row = edit_reminder(
        rt.db, reference, now=rt.now, config=rt.config, text=text, when=at, kind=kind
    )
    when = format_when(row.reminder.effective_due, rt.config.timezone, rt.now)
    say(f"{row.reminder.ref}: {reminder_text(rt.view, row.reminder)} · {when}")


@app.command("rm")
def remove(
    ctx: typer.Context,
    reference: Ref,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a reminder (a pending follow-up step: the ladder stops there).

    Example: amtui remind rm R5 --yes
    """
    from amtui.cli.output import confirm, undo_hint
    from amtui.core.reminders import delete_reminder, get_reminder

    rt = runtime(ctx)
    row = get_reminder(rt.db, reference)
    confirm(f"Delete {row.reminder.ref} {row.reminder.text!r}?", yes=yes)
    delete_reminder(rt.db, reference, now=rt.now)
    say(f"Deleted {row.reminder.ref}: {row.reminder.text}")
    undo_hint()


@app.command("snooze")
def snooze(
    ctx: typer.Context,
    reference: Ref,
    until: Annotated[str, typer.Argument(help="How long or until when: +2h, +1d, 'tomorrow 9am'.")],
) -> None:
    """Put a reminder off; it is notified again when the snooze ends.

    Example: amtui remind snooze R5 +2h
    """
    from amtui.core.describe import reminder_text
    from amtui.core.display import format_when
    from amtui.core.reminders import snooze_reminder

    rt = runtime(ctx)
    row = snooze_reminder(rt.db, reference, until, now=rt.now, config=rt.config)
    when = format_when(row.reminder.effective_due, rt.config.timezone, rt.now)
    say(f"Snoozed {row.reminder.ref} until {when}: {reminder_text(rt.view, row.reminder)}")


@app.command("due")
def due(
    ctx: typer.Context,
    notify: Annotated[
        bool, typer.Option("--notify", help="Also send desktop notifications (notify-send).")
    ] = False,
    owner: str | None = owner_option(),
    fmt: Format = format_option(),
) -> None:
    """Print reminders and lead deadlines that are due and that you were not told of yet, and
    mark them told (per member: on a team each person's cron reports their own deadlines and
    those nobody owns, once each). Exits 0 when there were some, 1 when none: made for cron or
    a systemd timer.

    Example: amtui remind due --notify
    """
    from amtui.cli.hot import remind_due

    code = remind_due(runtime(ctx), notify=notify, owner=owner, fmt=fmt)
    if code:
        raise typer.Exit(code)

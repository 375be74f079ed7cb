"""`amtui remind …`: reminders about leads, clients and tasks."""

from __future__ import annotations

from typing import Annotated

import typer

from amtui.cli.context import runtime
from amtui.cli.output import Cell, Format, format_option, print_json, print_table, say

app = typer.Typer(help="Reminders: a time at which something about a lead, client or task is due.")

Ref = Annotated[str, typer.Argument(help="Reminder reference, e.g. R5 (or just 5).")]


@app.command("add")
def add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="What to do, e.g. 'Call Anna about the brief'.")],
    at: Annotated[
        str, typer.Option("--at", help="When: any date expression; a date alone means 09:00.")
    ],
    about: Annotated[
        str | None, typer.Option(help="The lead, client or task it is about: L7, C3 or T12.")
    ] = None,
    kind: Annotated[str, typer.Option(help="custom, call or payment.")] = "custom",
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
    say(f"Added R{row.reminder.id}: {row.reminder.text}{about_text} · {when}")


@app.command("list")
def list_(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Include done reminders.")] = False,
    about: Annotated[str | None, typer.Option(help="Only reminders about L7, C3 or T12.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (0: no limit).", min=0)] = 200,
    fmt: Format = format_option(),
) -> None:
    """List open reminders by when they are due.

    Example: amtui remind list --about L7
    """
    from amtui.cli.serialize import reminder_json
    from amtui.core.display import format_when
    from amtui.core.reminders import list_reminders

    rt = runtime(ctx)
    rows = list_reminders(rt.db, include_done=all_, about=about, limit=limit or None)
    tz = rt.config.timezone
    if fmt is Format.JSON:
        print_json([reminder_json(row, tz) for row in rows])
        return
    table = []
    for row in rows:
        reminder = row.reminder
        due = reminder.effective_due
        late = reminder.done_at is None and due < rt.now
        kind = reminder.kind + (f" {reminder.step}" if reminder.step else "")
        table.append(
            [
                f"R{reminder.id}",
                Cell(format_when(due, tz, rt.now), "bold red" if late else None),
                kind,
                reminder.text,
                f"{row.subject_ref} {row.subject_title or ''}" if row.subject_ref else "",
                "done" if reminder.done_at else "",
            ]
        )
    print_table(["REF", "DUE", "KIND", "TEXT", "ABOUT", ""], table, fmt)


@app.command("done")
def done(
    ctx: typer.Context,
    references: Annotated[list[str], typer.Argument(help="One or more reminders, e.g. R5 R6.")],
) -> None:
    """Mark reminders done.

    Example: amtui remind done R5
    """
    from amtui.core.reminders import complete_reminder

    rt = runtime(ctx)
    for reference in references:
        row = complete_reminder(rt.db, reference, now=rt.now)
        say(f"Done R{row.reminder.id}: {row.reminder.text}")

"""`amtui undo`: take back the latest change; `--list` shows the recent ones."""

from __future__ import annotations

from typing import Annotated

import typer

from amtui.cli.context import runtime
from amtui.cli.output import Format, format_option, limit_option, print_json, print_table, say


def undo(
    ctx: typer.Context,
    show_list: Annotated[
        bool, typer.Option("--list", "-l", help="Show the recent changes instead (newest first).")
    ] = False,
    limit: int = limit_option(20, "With --list: at most this many changes.", minimum=1),
    fmt: Format = format_option(),
) -> None:
    """Take back the latest change made through amtui (an import run as a whole), and say
    what it was. A change that a later one built on, or that was changed since (here or in
    another program), is refused with the reason and nothing is undone.

    Example: amtui undo   (or: amtui undo --list)
    """
    from amtui.core.display import format_when
    from amtui.core.journal import entries, undo_latest

    rt = runtime(ctx)
    if show_list:
        found = entries(rt.db, limit=limit)
        if fmt is Format.JSON:
            print_json(
                [
                    {
                        "id": e.id,
                        "action": e.action,
                        "summary": e.summary,
                        "at": e.created_at.astimezone(rt.config.timezone).isoformat(),
                        "undone_at": e.undone_at.astimezone(rt.config.timezone).isoformat()
                        if e.undone_at
                        else None,
                        "added": e.added,
                        "changed": e.changed,
                        "removed": e.removed,
                    }
                    for e in found
                ]
            )
            return
        if not found:
            from amtui.core.errors import NotFoundError

            raise NotFoundError("no changes recorded yet")
        tz, now = rt.config.timezone, rt.now
        print_table(
            ["#", "WHEN", "CHANGE", "ROWS", ""],
            [
                [
                    e.ref,
                    format_when(e.created_at, tz, now),
                    e.title,
                    e.size,
                    f"undone {format_when(e.undone_at, tz, now)}" if e.undone_at else "",
                ]
                for e in found
            ],
            fmt,
        )
        return
    done = undo_latest(rt.db, now=rt.now)
    say(f"Undid {done.entry.ref} {done.entry.title} ({done.entry.size})")

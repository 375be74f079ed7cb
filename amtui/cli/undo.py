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
    everyone: Annotated[
        bool,
        typer.Option(
            "--all",
            "-a",
            help="Everyone's changes, not only yours (team mode: when `me` is a member).",
        ),
    ] = False,
    limit: int = limit_option(20, "With --list: at most this many changes.", minimum=1),
    fmt: Format = format_option(),
) -> None:
    """Take back your latest change made through amtui (an import run as a whole), and say
    what it was. In team mode (`me` names a member) that is your own latest change, not a
    teammate's; --all takes back the latest of anyone's. Without `me`, the latest change of
    anyone. A change that a later one built on, or that was changed since (by you, a teammate
    or another program), is refused with the reason and nothing is undone.

    Example: amtui undo   (or: amtui undo --list, amtui undo --all)
    """
    from amtui.core.display import format_when
    from amtui.core.journal import entries, undo_latest

    rt = runtime(ctx)
    actor = None if everyone else rt.db.actor
    if show_list:
        found = entries(rt.db, limit=limit, actor=actor)
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
                        "by": e.actor,
                    }
                    for e in found
                ]
            )
            return
        if not found:
            from amtui.core.errors import NotFoundError

            if actor is not None:
                raise NotFoundError(
                    f"no changes of yours ({actor}) recorded yet; --all lists everyone's"
                )
            raise NotFoundError("no changes recorded yet")
        tz, now = rt.config.timezone, rt.now
        team = any(e.actor for e in found)  # who made each, once members made any
        print_table(
            ["#", "WHEN", *(["BY"] if team else []), "CHANGE", "ROWS", ""],
            [
                [
                    e.ref,
                    format_when(e.created_at, tz, now),
                    *([e.by] if team else []),
                    e.title,
                    e.size,
                    f"undone {format_when(e.undone_at, tz, now)}" if e.undone_at else "",
                ]
                for e in found
            ],
            fmt,
        )
        return
    done = undo_latest(rt.db, now=rt.now, actor=actor)
    by = f" by {done.entry.actor}" if done.entry.actor and done.entry.actor != actor else ""
    say(f"Undid {done.entry.ref} {done.entry.title}{by} ({done.entry.size})")

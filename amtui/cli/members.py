"""`amtui member …`: the team sharing this database: add, list, edit and remove members, and
hand one member's work over."""

from __future__ import annotations

from typing import Annotated

import typer

from amtui.cli.context import runtime
from amtui.cli.output import (
    Format,
    confirm,
    format_option,
    print_json,
    print_table,
    say,
    undo_hint,
)

app = typer.Typer(help="Team members: who owns which leads and tasks on a shared database.")


@app.command("add")
def add(
    ctx: typer.Context,
    handle: Annotated[
        str, typer.Argument(help="Short lower-case name used everywhere, e.g. anna.")
    ],
    name: Annotated[str, typer.Argument(help="Full name, e.g. 'Anna Berg'.")],
    email: Annotated[str | None, typer.Option(help="Email address.")] = None,
    role: Annotated[str | None, typer.Option(help="Role, e.g. 'account manager'.")] = None,
    tz: Annotated[
        str | None, typer.Option("--tz", help="IANA time zone, e.g. Europe/Berlin.")
    ] = None,
) -> None:
    """Add a team member. Put `me = "HANDLE"` in your config (or set AMTUI_ME) to be them.

    Example: amtui member add anna "Anna Berg" --email anna@agency.example --tz Europe/Berlin
    """
    from amtui.core.members import add_member

    rt = runtime(ctx)
    member = add_member(rt.db, handle, name, now=rt.now, email=email, role=role, timezone=tz)
    say(f"Added member {member.handle}: {member.name}")
    if rt.config.me is None:
        say(f'To work as {member.handle}, put me = "{member.handle}" in {rt.config.path}')


@app.command("list")
def list_(ctx: typer.Context, fmt: Format = format_option()) -> None:
    """List the team's members, with how many open leads and tasks each one owns.

    Example: amtui member list --format json
    """
    from amtui.core.members import list_members, open_counts

    rt = runtime(ctx)
    members = list_members(rt.db)
    counts = open_counts(rt.db)
    if fmt is Format.JSON:
        print_json(
            [
                {
                    "handle": m.handle,
                    "name": m.name,
                    "email": m.email,
                    "role": m.role,
                    "timezone": m.timezone,
                    "me": m.handle == rt.config.me,
                    "open_leads": counts.get(m.id or 0, (0, 0))[0],
                    "open_tasks": counts.get(m.id or 0, (0, 0))[1],
                }
                for m in members
            ]
        )
        return
    rows = [
        [
            m.handle + (" (me)" if m.handle == rt.config.me else ""),
            m.name,
            m.email,
            m.role,
            m.timezone,
            str(counts.get(m.id or 0, (0, 0))[0]),
            str(counts.get(m.id or 0, (0, 0))[1]),
        ]
        for m in members
    ]
    print_table(["HANDLE", "NAME", "EMAIL", "ROLE", "ZONE", "LEADS", "TASKS"], rows, fmt)


@app.command("handover")
def handover(
    ctx: typer.Context,
    giver: Annotated[str, typer.Argument(help="Whose open leads and tasks (handle, or me).")],
    to: Annotated[str, typer.Option("--to", help="Who takes them over (handle, or me).")],
) -> None:
    """Hand every open lead and task of one member to another (a holiday, a leaver); each
    record's timeline says so.

    Example: amtui member handover anna --to ben
    """
    from amtui.core.members import hand_over

    rt = runtime(ctx)
    changes = hand_over(rt.db, giver, to, now=rt.now, config=rt.config)
    if not changes:
        say(f"{giver!r} has no open leads or tasks; nothing to hand over")
        raise typer.Exit(1)
    for change in changes:
        say(f"  {change.ref} {change.title}")
    say(f"Handed {len(changes)} open records to {changes[0].owner.handle}")


@app.command("edit")
def edit(
    ctx: typer.Context,
    member: Annotated[str, typer.Argument(help="Whom: a handle, a full name, or me.")],
    name: Annotated[str | None, typer.Option(help="Full name.")] = None,
    email: Annotated[str | None, typer.Option(help="Email address ('none' clears).")] = None,
    role: Annotated[str | None, typer.Option(help="Role ('none' clears).")] = None,
    tz: Annotated[
        str | None, typer.Option("--tz", help="IANA time zone, e.g. Europe/Berlin ('none' clears).")
    ] = None,
) -> None:
    """Change a member's name, email, role or time zone. The handle stays: timelines, configs
    (`me`) and cron jobs name the member by it.

    Example: amtui member edit anna --email anna.berg@agency.example --tz Europe/Lisbon
    """
    from amtui.core.members import edit_member

    rt = runtime(ctx)
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = name
    for key, value in (("email", email), ("role", role), ("timezone", tz)):
        if value is not None:
            changes[key] = None if value.strip().lower() == "none" else value
    found, changed = edit_member(rt.db, member, now=rt.now, config=rt.config, **changes)
    if not changed:
        say(f"{found.handle} has these values already; nothing changed")
        raise typer.Exit(1)
    say(f"Updated {found.handle}: {', '.join(changed)}")


@app.command("rm")
def rm(
    ctx: typer.Context,
    member: Annotated[str, typer.Argument(help="Whom: a handle, a full name, or me.")],
    handover: Annotated[
        str | None,
        typer.Option(
            "--handover", help="Who takes over their open leads, tasks and clients (handle, or me)."
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove a team member. Refused while they own open leads, tasks or clients, unless
    --handover names who takes them over (each record's timeline says so); their closed
    records become nobody's. `amtui undo` brings the member back.

    Example: amtui member rm ben --handover anna
    """
    from amtui.core.members import check_removal, remove_member

    rt = runtime(ctx)
    found = check_removal(rt.db, member, config=rt.config, handover=handover)
    extra = f" and hand their open records to {handover}" if handover else ""
    confirm(f"Remove member {found.handle} ({found.name}){extra}?", yes=yes)
    removed = remove_member(rt.db, member, now=rt.now, config=rt.config, handover=handover)
    for change in removed.handed:
        say(f"  {change.ref} {change.title} → {change.owner.handle}")
    say(f"Removed member {removed.member.handle}: {removed.member.name}")
    undo_hint()

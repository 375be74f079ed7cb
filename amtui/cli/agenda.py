"""`amtui agenda`: the day at a glance, for a terminal, a script, a cron job or a status bar.

Its body is `amtui.cli.hot.agenda`, which the fast path (`amtui.cli.fast`) also runs."""

from __future__ import annotations

from typing import Annotated

import typer

from amtui.cli import completion
from amtui.cli.context import runtime
from amtui.cli.output import MAX_DAYS, Format, format_option, limit_option, owner_option


def agenda(
    ctx: typer.Context,
    date: Annotated[
        str | None, typer.Option("--date", help="Which day (any date expression; default today).")
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(help="How many days of upcoming deadlines (default 7).", min=0, max=MAX_DAYS),
    ] = None,
    limit: int = limit_option(50, "At most this many items per section (0: all)."),
    client: Annotated[
        str | None,
        typer.Option(
            help="Only what concerns this client (name or C3).",
            autocompletion=completion.client_names,
        ),
    ] = None,
    owner: str | None = owner_option(),
    fmt: Format = format_option(),
) -> None:
    """Print the day's agenda: overdue items, today's tasks by time, leads waiting for a first
    response, reminders due, and the deadlines of the next days, in your time zone.

    Example: amtui agenda --format json | jq '.overdue.total'
    """
    from amtui.cli.hot import agenda as body

    body(runtime(ctx), date=date, days=days, limit=limit, client=client, owner=owner, fmt=fmt)

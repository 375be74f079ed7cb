"""`amtui agenda`: the day at a glance, for a terminal, a script, a cron job or a status bar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from amtui.cli.context import runtime
from amtui.cli.output import Format, format_option

if TYPE_CHECKING:
    from amtui.cli.context import Runtime
    from amtui.core.agenda import Agenda, AgendaItem


def agenda(
    ctx: typer.Context,
    date: Annotated[
        str | None, typer.Option("--date", help="Which day (any date expression; default today).")
    ] = None,
    days: Annotated[
        int | None, typer.Option(help="How many days of upcoming deadlines (default 7).", min=0)
    ] = None,
    limit: Annotated[
        int, typer.Option(help="At most this many items per section (0: all).", min=0)
    ] = 50,
    client: Annotated[
        str | None, typer.Option(help="Only what concerns this client (name or C3).")
    ] = None,
    fmt: Format = format_option(),
) -> None:
    """Print the day's agenda: overdue items, today's tasks by time, leads waiting for a first
    response, reminders due, and the deadlines of the next days, in your time zone.

    Example: amtui agenda --format json | jq '.overdue.total'
    """
    from amtui.cli.output import print_json
    from amtui.cli.serialize import agenda_json
    from amtui.core.agenda import build_agenda

    rt = runtime(ctx)
    day = None
    if date is not None:
        day = rt.config.read_day(date, now=rt.now)
    client_id = None
    if client is not None:
        from amtui.core.board import find_client_choice

        client_id = find_client_choice(rt.db, client).id
    result = build_agenda(
        rt.db,
        now=rt.now,
        config=rt.config,
        day=day,
        days=days,
        limit=limit or None,
        client_id=client_id,
    )
    if fmt is Format.JSON:
        print_json(agenda_json(result, rt.config.response_rule))
    else:
        _print_agenda(rt, result, fmt)


def _print_agenda(rt: Runtime, result: Agenda, fmt: Format) -> None:
    from amtui.cli.output import styled
    from amtui.core.text import markdown

    tz = result.timezone
    emit = _styled_printer() if fmt is Format.TEXT and styled() else _plain

    title = f"Agenda for {result.day:%a %-d %b %Y} ({tz})"
    emit(f"# {title}" if fmt is Format.MD else title, "bold")
    sections = [
        ("Overdue", result.overdue, "bold red"),
        ("Today", result.today, "yellow"),
        ("Waiting for a first response", result.waiting, "magenta"),
        ("Answers due", result.answers, "magenta"),
        ("Reminders and follow-ups", result.reminders, "cyan"),
        (f"Next {result.days} days", result.upcoming, ""),
    ]
    for name, section, style in sections:
        emit("")
        emit(
            f"## {name} ({section.total})" if fmt is Format.MD else f"{name} ({section.total})",
            "bold",
        )
        if not section.items:
            emit("- nothing" if fmt is Format.MD else "  nothing")
        for item in section.items:
            when = _when(item, rt)
            text = _describe(item, rt)
            item_style = "bold red" if item.overdue else style
            if fmt is Format.MD:
                emit(f"- **{item.ref}** {when} — {markdown(text)}")
            else:
                emit(f"  {item.ref:<7} {when:<18} {text}", item_style)
        if section.more:
            emit(f"  … and {section.more} more (use --limit 0 to see all)")


def _plain(text: str, style: str = "") -> None:
    print(text)


def _styled_printer() -> Callable[..., None]:
    """Colour for a terminal; Rich (~11 ms of imports) is loaded only then."""
    from rich.console import Console
    from rich.text import Text

    console = Console(markup=False, highlight=False, emoji=False, soft_wrap=True)

    def emit(text: str, style: str = "") -> None:
        console.print(Text(text, style=style))

    return emit


def _when(item: AgendaItem, rt: Runtime) -> str:
    from amtui.core.display import format_countdown, format_when

    if item.deadline is not None and isinstance(item.due, datetime):
        return format_countdown(item.due, rt.now)
    return format_when(item.due, rt.config.timezone, rt.now)


def _describe(item: AgendaItem, rt: Runtime) -> str:
    from amtui.cli.serialize import task_summary
    from amtui.core.display import format_when
    from amtui.core.reminders import describe
    from amtui.core.text import one_line

    client_time = ""
    if item.zone is not None and item.zone != rt.config.timezone and item.task is None:
        client_time = f" · client {format_when(item.due, item.zone, rt.now)} {item.zone}"
    if item.task is not None:
        # The due date has its own column already.
        return task_summary(item.task, rt.config.timezone, rt.now, with_due=False)
    if item.lead is not None:
        lead = item.lead.lead
        origin = f"partner {lead.partner}" if lead.partner else lead.source
        client = f" · {item.lead.client_name}" if item.lead.client_name else ""
        what = "answer due: " if item.deadline == "answer" else ""
        return one_line(f"{what}{lead.title} · {lead.channel} from {origin}{client}{client_time}")
    assert item.reminder is not None
    step = item.reminder.reminder.step
    prefix = f"[step {step}] " if step else ""
    return prefix + describe(item.reminder) + one_line(client_time)

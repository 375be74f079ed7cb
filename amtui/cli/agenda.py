"""`amtui agenda`: the day at a glance, for a terminal, a script, a cron job or a status bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from amtui.cli import completion
from amtui.cli.context import runtime
from amtui.cli.output import MAX_DAYS, Format, format_option, limit_option, owner_option

if TYPE_CHECKING:
    from amtui.cli.context import Runtime
    from amtui.core.agenda import Agenda


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
    from amtui.core.members import resolve_scope

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
        print_json(agenda_json(result, rt.config.response_rule))
    else:
        _print_agenda(rt, result, fmt)


def _print_agenda(rt: Runtime, result: Agenda, fmt: Format) -> None:
    """The agenda's sections, names and lines as core words them (`describe_agenda`)."""
    from amtui.cli.output import TONE_STYLES, styled
    from amtui.core.describe import Tone
    from amtui.core.describe_agenda import agenda_line, agenda_sections, agenda_title
    from amtui.core.text import markdown

    emit = _styled_printer() if fmt is Format.TEXT and styled() else _plain
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

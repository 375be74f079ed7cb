"""`amtui followups` and `amtui report`: the lead desk's follow-up ladder and its figures."""

from __future__ import annotations

from typing import Annotated

import typer

from amtui.cli.context import runtime
from amtui.cli.output import (
    Cell,
    Format,
    format_option,
    limit_option,
    owner_option,
    print_json,
    print_table,
)


def followups(
    ctx: typer.Context,
    all_: Annotated[
        bool, typer.Option("--all", help="Also open leads with no ladder running.")
    ] = False,
    limit: int = limit_option(),
    owner: str | None = owner_option(),
    fmt: Format = format_option(),
) -> None:
    """The follow-up ladder of every open lead: step, next follow-up and the client's time.

    Example: amtui followups --format json
    """
    from amtui.cli.serialize import iso, next_step_json
    from amtui.core.display import format_when
    from amtui.core.followups import list_followups
    from amtui.core.members import resolve_scope

    rt = runtime(ctx)
    scope = resolve_scope(rt.db, owner, rt.config)
    states = list_followups(
        rt.db, config=rt.config, include_idle=all_, limit=limit or None, scope=scope
    )
    tz = rt.config.timezone
    if fmt is Format.JSON:
        print_json(
            [
                {
                    "lead": s.row.lead.ref,
                    "title": s.row.lead.title,
                    "stage": s.row.lead.stage,
                    "client": s.row.client_name,
                    "status": s.status,
                    "steps": s.steps,
                    "done": s.done,
                    "next": None if s.pending is None else next_step_json(s.pending, tz, s.zone),
                    "cold_at": iso(s.row.lead.cold_at, tz),
                }
                for s in states
            ]
        )
        return
    rows: list[list[str | Cell | None]] = []
    for s in states:
        lead = s.row.lead
        next_text: Cell | str
        if s.pending is not None:
            due = s.pending.effective_due
            step = f"{s.pending.step}/{s.steps}"
            late = due < rt.now
            next_text = Cell(format_when(due, tz, rt.now), "bold red" if late else None)
            # Only a zone other than the user's is worth a column (as in the agenda).
            client_time = "" if s.zone == tz else f"{format_when(due, s.zone, rt.now)} {s.zone}"
        else:
            step, next_text, client_time = ("cold" if s.status == "cold" else "-"), "", ""
        rows.append(
            [lead.ref, lead.stage, lead.title, s.row.client_name, step, next_text, client_time]
        )
    print_table(["LEAD", "STAGE", "TITLE", "CLIENT", "STEP", "NEXT", "CLIENT TIME"], rows, fmt)


def report(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--from", help="First day (any date expression).")] = "-30d",
    until: Annotated[str, typer.Option("--to", help="Last day, included.")] = "today",
    fmt: Format = format_option(),
) -> None:
    """Lead figures for a date range: volume by source and channel, first-response times,
    the share answered within the target, proposals, replies, win rate and cold leads; and
    the money by client: won, invoiced, paid, outstanding.

    Example: amtui report --from som --to today --format md
    """

    from amtui.cli.money import MONEY_REPORT_HEADERS, money_report_rows
    from amtui.cli.money_json import money_report_json
    from amtui.cli.output import heading
    from amtui.cli.serialize import report_json
    from amtui.core.money_views import money_report
    from amtui.core.report import build_report

    rt = runtime(ctx)
    start = rt.config.read_day(since, now=rt.now)
    end = rt.config.read_day(until, now=rt.now)
    result = build_report(rt.db, start=start, end=end, config=rt.config, now=rt.now)
    money = money_report(rt.db, start=start, end=end, now=rt.now, config=rt.config)
    if fmt is Format.JSON:
        print_json({**report_json(result), "money": money_report_json(money)})
        return
    from amtui.cli.serialize import report_rows

    print_table(["FIGURE", "VALUE"], report_rows(result), fmt)
    heading("Money: won, invoiced and paid in the period; outstanding and overdue today", fmt)
    if money.rows:
        print_table(MONEY_REPORT_HEADERS, money_report_rows(money), fmt)
    else:
        print("nothing won, invoiced, paid or owed")

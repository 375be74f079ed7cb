"""`amtui proposal …`: costed proposals of leads, their versions, documents and sending."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from amtui.cli.context import runtime
from amtui.cli.output import Format, format_option, say

if TYPE_CHECKING:
    from amtui.cli.context import Runtime
    from amtui.core.proposals import ProposalDetails

app = typer.Typer(help="Proposals: costed offers to leads, in versions, as PDF, XLSX or Markdown.")

ProposalRef = Annotated[str, typer.Argument(help="A proposal: P3, or a lead and version: L7-v2.")]
DOC_FORMATS = "pdf, xlsx, md or html"


def _summary(details: ProposalDetails) -> str:
    from amtui.core.describe_money import sums_text

    head = f"{details.proposal.ref} {details.proposal.number}"
    lines = len(details.items)
    if not lines:
        return f"{head}: no lines yet"
    plural = "s" if lines != 1 else ""
    return f"{head}: {lines} line{plural}, {sums_text(details.totals.totals)}"


@app.command("new")
def new(
    ctx: typer.Context,
    lead: Annotated[str, typer.Argument(help="The lead it is for, e.g. L7.")],
    title: Annotated[str | None, typer.Option(help="Title (default: the lead's).")] = None,
    valid_until: Annotated[
        str | None, typer.Option("--valid-until", help="Until when it holds (any date expression).")
    ] = None,
    intro: Annotated[str, typer.Option(help="A paragraph above the estimate.")] = "",
    notes: Annotated[str, typer.Option(help="Assumptions and terms under it.")] = "",
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Start empty instead of copying the last version.")
    ] = False,
) -> None:
    """Start the lead's next proposal version (a copy of the last one's lines unless --fresh).

    Example: amtui proposal new L7 --valid-until +30d
    """
    from amtui.core.dates import local_today
    from amtui.core.proposals import new_proposal

    rt = runtime(ctx)
    until = rt.config.read_optional_day(valid_until, now=rt.now)
    details = new_proposal(
        rt.db,
        lead,
        now=rt.now,
        today=local_today(rt.now, rt.config.timezone),
        title=title,
        valid_until=until,
        intro=intro,
        notes=notes,
        copy=not fresh,
    )
    say(f"Added {_summary(details)}")


@app.command("add")
def add(
    ctx: typer.Context,
    proposal: ProposalRef,
    stage: Annotated[str, typer.Argument(help="Project stage, e.g. Design.")],
    who: Annotated[str, typer.Argument(help="Person or role, e.g. 'art director'.")],
    hours: Annotated[str, typer.Argument(help="Hours: 12, 1.5, 90m, 1h30m.")],
    rate: Annotated[str, typer.Argument(help="Rate per hour: 95, 1 500,50, 12k.")],
    currency: Annotated[
        str | None,
        typer.Option(help="ISO 4217 code (default: the proposal's, the lead's, the config's)."),
    ] = None,
    description: Annotated[
        str, typer.Option("--description", "-d", help="What is done, under the role.")
    ] = "",
) -> None:
    """Add a line to a draft proposal: stage, who, hours and rate per hour.

    Example: amtui proposal add P3 Design "art director" 12 95 --currency EUR
    """
    from amtui.core.proposals import add_item

    rt = runtime(ctx)
    details = add_item(
        rt.db,
        proposal,
        stage=stage,
        who=who,
        hours=hours,
        rate=rate,
        currency=currency,
        description=description,
        now=rt.now,
        config=rt.config,
    )
    say(f"Updated {_summary(details)}")


@app.command("remove-line")
def remove_line(
    ctx: typer.Context,
    proposal: ProposalRef,
    line: Annotated[int, typer.Argument(help="Line number, as `proposal show` numbers them.")],
) -> None:
    """Remove a line from a draft proposal.

    Example: amtui proposal remove-line P3 2
    """
    from amtui.core.proposals import remove_item

    rt = runtime(ctx)
    say(f"Updated {_summary(remove_item(rt.db, proposal, line, now=rt.now))}")


@app.command("edit")
def edit(
    ctx: typer.Context,
    proposal: ProposalRef,
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    valid_until: Annotated[
        str | None, typer.Option("--valid-until", help="Any date expression ('none' clears).")
    ] = None,
    intro: Annotated[str | None, typer.Option(help="Replace the intro.")] = None,
    notes: Annotated[str | None, typer.Option(help="Replace the notes.")] = None,
) -> None:
    """Change a draft's title, validity, intro or notes.

    Example: amtui proposal edit L7-v2 --valid-until eom
    """
    from amtui.core.dates import local_today
    from amtui.core.errors import InputError
    from amtui.core.proposals import edit_proposal

    rt = runtime(ctx)
    changes: dict[str, object] = {}
    if title is not None:
        changes["title"] = title
    if valid_until is not None:
        none = valid_until.strip().lower() == "none"
        changes["valid_until"] = None if none else rt.config.read_day(valid_until, now=rt.now)
    if intro is not None:
        changes["intro"] = intro
    if notes is not None:
        changes["notes"] = notes
    if not changes:
        raise InputError("nothing to change; give --title, --valid-until, --intro or --notes")
    today = local_today(rt.now, rt.config.timezone)
    details = edit_proposal(rt.db, proposal, now=rt.now, today=today, **changes)
    say(f"Updated {_summary(details)}")


@app.command("show")
def show(ctx: typer.Context, proposal: ProposalRef, fmt: Format = format_option()) -> None:
    """Show a proposal: its fields, its lines by stage and the totals.

    Example: amtui proposal show L7-v2
    """
    show_proposal(runtime(ctx), proposal, fmt)


def show_proposal(rt: Runtime, reference: str, fmt: Format) -> None:
    """`proposal show` and `show P3`."""
    from amtui.cli.money_json import proposal_json
    from amtui.cli.output import heading, print_json, print_table, toned
    from amtui.core.describe_money import amount_text, hours_text, proposal_fields
    from amtui.core.proposals import get_proposal

    details = get_proposal(rt.db, reference)
    if fmt is Format.JSON:
        print_json(proposal_json(details, rt.config.timezone))
        return
    heading(f"{details.proposal.ref}  {details.proposal.number}  {details.proposal.title}", fmt)
    print_table(
        ["FIELD", "VALUE"],
        [[f.label, toned(f.value)] for f in proposal_fields(rt.view, details)],
        fmt,
    )
    if details.items:
        heading("Lines", fmt)
        rows = []
        for number, item in enumerate(details.line_items, start=1):
            rows.append(
                [
                    str(number),
                    item.stage,
                    item.who + (f" — {item.description}" if item.description else ""),
                    hours_text(item.centihours),
                    amount_text(item.rate_minor, item.currency),
                    amount_text(item.amount_minor, item.currency),
                ]
            )
        for stage in details.totals.stages:
            for currency, amount in stage.totals.items():
                rows.append(
                    [
                        "",
                        stage.stage,
                        "stage total",
                        hours_text(stage.centihours),
                        "",
                        amount_text(amount, currency),
                    ]
                )
        print_table(["#", "STAGE", "WHO", "HOURS", "RATE", "AMOUNT"], rows, fmt)


@app.command("list")
def list_(
    ctx: typer.Context,
    lead: Annotated[str | None, typer.Option(help="Only this lead's, e.g. L7.")] = None,
    fmt: Format = format_option(),
) -> None:
    """List proposals, newest first.

    Example: amtui proposal list --lead L7
    """
    from amtui.cli.money_json import proposal_json
    from amtui.cli.output import print_json, print_table, toned
    from amtui.core.describe_money import proposal_status, sums_text
    from amtui.core.proposals import list_proposals

    rt = runtime(ctx)
    found = list_proposals(rt.db, lead=lead)
    if fmt is Format.JSON:
        print_json([proposal_json(d, rt.config.timezone) for d in found])
        return
    print_table(
        ["REF", "NUMBER", "TITLE", "STATUS", "TOTAL"],
        [
            [
                d.proposal.ref,
                d.proposal.number,
                d.proposal.title,
                toned([proposal_status(rt.view, d)]),
                sums_text(d.totals.totals),
            ]
            for d in found
        ],
        fmt,
    )


@app.command("render")
def render(
    ctx: typer.Context,
    proposal: ProposalRef,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (its suffix names the format)."),
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help=f"Format: {DOC_FORMATS} (default pdf).")
    ] = None,
) -> None:
    """Write the proposal as a document a client can receive: PDF, XLSX, Markdown or HTML, in
    the client's locale (`client edit --locale`), with your `[agency]` details.

    Example: amtui proposal render L7-v2 --to xlsx
    """
    from amtui.core.dates import local_today
    from amtui.core.proposals import get_proposal, proposal_doc
    from amtui.io.documents import write_proposal

    rt = runtime(ctx)
    details = get_proposal(rt.db, proposal)
    doc = proposal_doc(details, rt.config, today=local_today(rt.now, rt.config.timezone))
    path = document_path(output, to, details.proposal.number)
    write_proposal(doc, path, fmt=to, template=rt.config.money.proposal_template)
    say(f"Wrote {path}")


def document_path(output: Path | None, to: str | None, name: str) -> Path:
    """The file to write: `--output`, else `NAME.pdf` (or NAME.<--to>) here."""
    from amtui.io.documents import format_for

    if output is not None:
        return output
    kind = format_for(Path("x"), to) if to else "pdf"
    return Path(f"{name}.{kind}")


@app.command("send")
def send(ctx: typer.Context, proposal: ProposalRef) -> None:
    """Mark a proposal sent: its lines freeze, the lead's timeline records it, and the lead
    moves to proposal-sent (starting the follow-up ladder) unless it is further on.

    Example: amtui proposal send L7-v2
    """
    from amtui.core.describe_leads import stage_outcome
    from amtui.core.proposals import send_proposal

    rt = runtime(ctx)
    sent = send_proposal(rt.db, proposal, now=rt.now, config=rt.config)
    say(f"Sent {_summary(sent.details)}")
    for line in stage_outcome(rt.view, sent.lead):
        say(f"  {line}")

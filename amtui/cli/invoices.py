"""`amtui invoice …`: invoices of clients, their numbers, payments and documents."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from amtui.cli import completion
from amtui.cli.context import runtime
from amtui.cli.output import Format, format_option, say

if TYPE_CHECKING:
    from datetime import date

    from amtui.cli.context import Runtime
    from amtui.core.invoices import InvoiceRow

app = typer.Typer(help="Invoices: numbered when issued, paid in parts, overdue derived.")

InvoiceRef = Annotated[str, typer.Argument(help="An invoice: I4, or its number, e.g. 2026-0003.")]


def _summary(row: InvoiceRow) -> str:
    from amtui.core.describe_money import invoice_brief

    return invoice_brief(row)


def _today(rt: Runtime) -> date:
    from amtui.core.dates import local_today

    return local_today(rt.now, rt.config.timezone)


@app.command("new")
def new(
    ctx: typer.Context,
    client: Annotated[
        str | None,
        typer.Argument(
            help="Client name or C3 (not with --proposal).", autocompletion=completion.client_names
        ),
    ] = None,
    text: Annotated[str | None, typer.Argument(help="A first line's description.")] = None,
    amount: Annotated[str | None, typer.Argument(help="Its amount: 1200, 1 200,50, 12k.")] = None,
    proposal: Annotated[
        str | None,
        typer.Option(help="Invoice a proposal (P3 or L7-v2): a line per stage."),
    ] = None,
    percent: Annotated[
        int,
        typer.Option(help="With --proposal: bill this share of it (an advance).", min=1, max=100),
    ] = 100,
    currency: Annotated[str | None, typer.Option(help="ISO 4217 code.")] = None,
    lead: Annotated[str | None, typer.Option(help="The lead it bills, e.g. L7.")] = None,
    due: Annotated[str | None, typer.Option(help="Due date (any date expression).")] = None,
    notes: Annotated[str, typer.Option(help="Payment terms, a contract reference.")] = "",
) -> None:
    """Make a draft invoice: of a client with a first line, or of a proposal (a line per stage).

    Example: amtui invoice new Granel "Design, November" 1200 --currency EUR
    Example: amtui invoice new --proposal L7-v2 --percent 50
    """
    from amtui.core.errors import InputError
    from amtui.core.invoices import first_line, invoice_from_proposal, new_invoice

    rt = runtime(ctx)
    due_on = rt.config.read_optional_day(due, now=rt.now)
    if proposal is not None:
        if client is not None or lead is not None:
            raise InputError(
                "an invoice of a proposal is for its lead's client; drop CLIENT and --lead"
            )
        row = invoice_from_proposal(
            rt.db,
            proposal,
            now=rt.now,
            config=rt.config,
            currency=currency,
            percent=percent,
            due_on=due_on,
            notes=notes,
        )
    else:
        if client is None:
            raise InputError("name the client (or invoice a proposal with --proposal P3)")
        lines = first_line(text, amount)
        if percent != 100:
            raise InputError("--percent is for invoicing a proposal (--proposal)")
        row = new_invoice(
            rt.db,
            client,
            now=rt.now,
            config=rt.config,
            lines=lines,
            currency=currency,
            lead=lead,
            due_on=due_on,
            notes=notes,
        )
    say(f"Added {_summary(row)}")


@app.command("add")
def add(
    ctx: typer.Context,
    invoice: InvoiceRef,
    text: Annotated[str, typer.Argument(help="What the line bills.")],
    amount: Annotated[str, typer.Argument(help="Its amount, in the invoice's currency.")],
) -> None:
    """Add a line to a draft invoice.

    Example: amtui invoice add I4 "Hosting, December" 45
    """
    from amtui.core.invoices import add_invoice_line

    rt = runtime(ctx)
    row = add_invoice_line(rt.db, invoice, text, amount, now=rt.now, config=rt.config)
    say(f"Updated {_summary(row)}")


@app.command("remove-line")
def remove_line(
    ctx: typer.Context,
    invoice: InvoiceRef,
    line: Annotated[int, typer.Argument(help="Line number, as `invoice show` numbers them.")],
) -> None:
    """Remove a line from a draft invoice.

    Example: amtui invoice remove-line I4 2
    """
    from amtui.core.invoices import remove_invoice_line

    rt = runtime(ctx)
    row = remove_invoice_line(rt.db, invoice, line, now=rt.now, config=rt.config)
    say(f"Updated {_summary(row)}")


@app.command("edit")
def edit(
    ctx: typer.Context,
    invoice: InvoiceRef,
    due: Annotated[
        str | None, typer.Option(help="New due date ('none' clears, drafts only).")
    ] = None,
    notes: Annotated[str | None, typer.Option(help="Replace the notes (drafts only).")] = None,
) -> None:
    """Change a draft's due date or notes, or move an issued invoice's due date.

    Example: amtui invoice edit 2026-0003 --due 2027-01-15
    """
    from amtui.core.errors import InputError
    from amtui.core.invoices import edit_invoice

    rt = runtime(ctx)
    changes: dict[str, object] = {}
    if due is not None:
        none = due.strip().lower() == "none"
        changes["due_on"] = None if none else rt.config.read_day(due, now=rt.now)
    if notes is not None:
        changes["notes"] = notes
    if not changes:
        raise InputError("nothing to change; give --due or --notes")
    row = edit_invoice(rt.db, invoice, now=rt.now, config=rt.config, **changes)
    say(f"Updated {_summary(row)}")


@app.command("issue")
def issue(
    ctx: typer.Context,
    invoice: InvoiceRef,
    on: Annotated[str | None, typer.Option("--on", help="Issue date (default today).")] = None,
    due: Annotated[
        str | None, typer.Option(help="Due date (default: the draft's, else 14 days after).")
    ] = None,
) -> None:
    """Issue a draft: it gets the next invoice number (no gaps, never reused) and a due date.

    Example: amtui invoice issue I4 --due +30d
    """
    from amtui.core.invoices import issue_invoice

    rt = runtime(ctx)
    row = issue_invoice(
        rt.db,
        invoice,
        now=rt.now,
        config=rt.config,
        issued_on=rt.config.read_optional_day(on, now=rt.now),
        due_on=rt.config.read_optional_day(due, now=rt.now),
    )
    say(f"Issued {_summary(row)}")


@app.command("pay")
def pay(
    ctx: typer.Context,
    invoice: InvoiceRef,
    amount: Annotated[str, typer.Argument(help="What was received, in the invoice's currency.")],
    on: Annotated[str | None, typer.Option("--on", help="When (default today).")] = None,
    reference: Annotated[str, typer.Option("--ref", help="Bank reference or note.")] = "",
) -> None:
    """Record a payment received (a part is fine; more than is owed is refused).

    Example: amtui invoice pay 2026-0003 400 --on yesterday
    """
    from amtui.core.invoices import record_payment

    rt = runtime(ctx)
    row = record_payment(
        rt.db,
        invoice,
        amount,
        now=rt.now,
        config=rt.config,
        paid_on=rt.config.read_optional_day(on, now=rt.now),
        note=reference,
    )
    say(f"Paid {_summary(row)}")


@app.command("void")
def void(
    ctx: typer.Context,
    invoice: InvoiceRef,
    reason: Annotated[str, typer.Argument(help="Why it is cancelled.")],
) -> None:
    """Cancel an issued invoice: it keeps its number and owes nothing.

    Example: amtui invoice void 2026-0003 "wrong client"
    """
    from amtui.core.invoices import void_invoice

    rt = runtime(ctx)
    say(f"Voided {_summary(void_invoice(rt.db, invoice, reason, now=rt.now, config=rt.config))}")


@app.command("rm")
def remove(
    ctx: typer.Context,
    invoice: InvoiceRef,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Delete a draft invoice (issued ones are voided instead).

    Example: amtui invoice rm I4 --yes
    """
    from amtui.cli.output import confirm
    from amtui.core.invoices import delete_invoice, get_invoice

    rt = runtime(ctx)
    row = get_invoice(rt.db, invoice, today=_today(rt), config=rt.config)
    if row.invoice.status == "draft":
        confirm(f"Delete {_summary(row)}?", yes=yes)
    say(f"Deleted {delete_invoice(rt.db, invoice, now=rt.now)}")


@app.command("show")
def show(ctx: typer.Context, invoice: InvoiceRef, fmt: Format = format_option()) -> None:
    """Show an invoice: amount, state, lines and payments.

    Example: amtui invoice show 2026-0003
    """
    show_invoice(runtime(ctx), invoice, fmt)


def show_invoice(rt: Runtime, reference: str, fmt: Format) -> None:
    """`invoice show` and `show I4`."""
    from amtui.cli.money_json import invoice_json
    from amtui.cli.output import heading, print_json, print_table, toned
    from amtui.core.describe_money import amount_text, invoice_fields, invoice_title
    from amtui.core.invoices import get_invoice

    row = get_invoice(rt.db, reference, today=_today(rt), config=rt.config)
    if fmt is Format.JSON:
        print_json(invoice_json(row))
        return
    heading(f"{row.ref}  {invoice_title(row)}", fmt)
    print_table(
        ["FIELD", "VALUE"], [[f.label, toned(f.value)] for f in invoice_fields(rt.view, row)], fmt
    )
    if row.lines:
        heading("Lines", fmt)
        cur = row.invoice.currency
        print_table(
            ["#", "DESCRIPTION", "AMOUNT"],
            [
                [str(n), line.description, amount_text(line.amount_minor, cur)]
                for n, line in enumerate(row.lines, 1)
            ],
            fmt,
        )


def _print_rows(rt: Runtime, rows: list[InvoiceRow], fmt: Format) -> None:
    from amtui.cli.money_json import invoice_json
    from amtui.cli.output import print_json, print_table, toned
    from amtui.core.describe_money import amount_text, invoice_state_part

    if fmt is Format.JSON:
        print_json([invoice_json(row) for row in rows])
        return
    print_table(
        ["REF", "NUMBER", "CLIENT", "AMOUNT", "OWED", "DUE", "STATE"],
        [
            [
                row.ref,
                row.invoice.number or "",
                row.client_name,
                amount_text(row.invoice.amount_minor, row.invoice.currency),
                amount_text(row.state.outstanding_minor, row.invoice.currency)
                if row.state.outstanding_minor
                else "",
                row.invoice.due_on.isoformat() if row.invoice.due_on else "",
                toned([invoice_state_part(row)]),
            ]
            for row in rows
        ],
        fmt,
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    client: Annotated[
        str | None,
        typer.Option(
            help="Only this client's (name or C3).", autocompletion=completion.client_names
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="draft, issued, void, or as of today: owing, open, due-soon, overdue, paid."
        ),
    ] = None,
    fmt: Format = format_option(),
) -> None:
    """List invoices, newest first, with what each still owes.

    Example: amtui invoice list --status owing --format md
    """
    from amtui.core.invoices import list_invoices

    rt = runtime(ctx)
    rows = list_invoices(rt.db, today=_today(rt), config=rt.config, client=client, status=status)
    _print_rows(rt, rows, fmt)


@app.command("overdue")
def overdue(ctx: typer.Context, fmt: Format = format_option()) -> None:
    """List issued invoices past their due date and not fully paid; exits 1 when there are
    none (for scripts).

    Example: amtui invoice overdue --format json
    """
    from amtui.core.invoices import list_invoices

    rt = runtime(ctx)
    rows = list_invoices(rt.db, today=_today(rt), config=rt.config, status="overdue")
    rows.sort(key=lambda row: (row.invoice.due_on, row.invoice.id))
    _print_rows(rt, rows, fmt)
    if not rows:
        raise typer.Exit(1)


@app.command("render")
def render(
    ctx: typer.Context,
    invoice: InvoiceRef,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (its suffix names the format)."),
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Format: pdf, xlsx, md or html (default pdf).")
    ] = None,
) -> None:
    """Write the invoice as a document (paid and owed as of today), in the client's locale,
    with your `[agency]` details.

    Example: amtui invoice render 2026-0003 -o ~/invoices/2026-0003.pdf
    """
    from amtui.cli.proposals import document_path
    from amtui.core.invoices import get_invoice, invoice_doc
    from amtui.core.lookup import get_client
    from amtui.io.documents import write_invoice

    rt = runtime(ctx)
    today = _today(rt)
    row = get_invoice(rt.db, invoice, today=today, config=rt.config)
    with rt.db.read() as tx:
        client = get_client(tx, f"C{row.invoice.client_id}")
    doc = invoice_doc(row, client, rt.config)
    name = row.invoice.number or f"{row.ref}-draft"
    path = document_path(output, to, name.replace("/", "-"))
    write_invoice(doc, path, today=today, fmt=to, template=rt.config.money.invoice_template)
    say(f"Wrote {path}")

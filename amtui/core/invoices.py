"""Invoices of clients and their payments: writing them (reading is `invoice_queries`, the
rules are `amtui.core.invoicing`).

An invoice is a draft until it is issued: a draft has lines (description and amount), may be
edited or deleted, and has no number. Issuing gives it the next number of the configured
pattern (`2026-0001`) inside the same write transaction, so issued invoices are numbered
without gaps and a number is never given twice (a unique index holds it too); from then on it
is the client's document: its lines are frozen, it cannot be deleted, only voided (keeping its
number). Payments are separate records, in the invoice's currency, never more than it still
owes. Paid, partly paid, due soon and overdue are derived on the user's day, never stored.

"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from amtui.core import journal, notices
from amtui.core.activities import record_activity
from amtui.core.config import Config
from amtui.core.currencies import check_currency
from amtui.core.dates import local_today
from amtui.core.describe import zone_named
from amtui.core.documents import InvoiceDoc, Party, agency_party
from amtui.core.documents import InvoiceLine as DocLine
from amtui.core.errors import InputError
from amtui.core.invoice_queries import (
    InvoiceRow,
    find_invoice,
    get_invoice,
    invoice_dues,
    invoice_rows,
    list_invoices,
)
from amtui.core.invoice_queries import invoice_row as _row
from amtui.core.invoicing import (
    InvoiceStatus,
    check_issue_date,
    check_payment,
    next_invoice_number,
)
from amtui.core.invoicing import Payment as PaymentValue
from amtui.core.lookup import fetch, get_client
from amtui.core.models import (
    Client,
    Invoice,
    InvoiceLine,
    Lead,
    Payment,
    get,
    insert,
    records,
    save,
)
from amtui.core.money import MAX_MINOR, format_amount, parse_amount, percent_of
from amtui.core.proposals import find_proposal, proposal_details
from amtui.core.sql import Database, Tx
from amtui.core.text import one_line
from amtui.core.validate import UNSET, check_line, check_name

#: Payment terms when `invoice issue` is given no due date: net 14 days.
DEFAULT_TERMS_DAYS = 14

__all__ = [
    "InvoiceRow",
    "find_invoice",
    "get_invoice",
    "invoice_dues",
    "invoice_rows",
    "list_invoices",
]

# --- writing ---------------------------------------------------------------------------------


def _default_currency(tx: Tx, client: Client, config: Config) -> str | None:
    """What a new invoice of this client is in when not told: its last invoice's currency,
    else its won leads', else the config's default currency."""
    return (
        tx.scalar(
            "SELECT currency FROM invoice WHERE client_id = :id ORDER BY id DESC LIMIT 1",
            {"id": client.id},
        )
        or tx.scalar(
            "SELECT currency FROM lead WHERE client_id = :id AND currency IS NOT NULL "
            "ORDER BY id DESC LIMIT 1",
            {"id": client.id},
        )
        or config.default_currency
    )


def _billed_lead(tx: Tx, owner: Client, lead: str | None) -> Lead | None:
    """The lead an invoice of `owner` bills (None: none named); one of another client is
    refused."""
    if lead is None:
        return None
    found = fetch(tx, Lead, lead)
    if found.client_id != owner.id:
        raise InputError(f"{found.ref} is not a lead of {one_line(owner.name)} ({owner.ref})")
    return found


def _currency_for(tx: Tx, owner: Client, lead: Lead | None, config: Config) -> str | None:
    return (lead.currency if lead else None) or _default_currency(tx, owner, config)


def invoice_defaults(
    db: Database, client: str | None, *, config: Config, lead: str | None = None
) -> tuple[Client, str | None]:
    """Whom a new invoice is for (`client`, else the client of `lead`) and the currency it
    gets when not told (`new_invoice`'s choice: the lead's, the client's last invoice's, its
    leads', the config's)."""
    with db.read() as tx:
        if client is None:
            if lead is None:
                raise InputError("an invoice is of a client: name one (or its lead)")
            found = fetch(tx, Lead, lead)
            if found.client_id is None:
                raise InputError(
                    f"{found.ref} has no client yet; win it or link it to a client first"
                )
            client = f"C{found.client_id}"
        owner = get_client(tx, client)
        return owner, _currency_for(tx, owner, _billed_lead(tx, owner, lead), config)


def _add_lines(tx: Tx, invoice: Invoice, lines: Sequence[tuple[str, int]]) -> None:
    start = int(
        tx.scalar(
            "SELECT coalesce(max(position), 0) FROM invoice_line WHERE invoice_id = :id",
            {"id": invoice.id},
        )
    )
    for offset, (description, amount) in enumerate(lines, start=1):
        insert(
            tx,
            InvoiceLine(
                invoice_id=invoice.id or 0,
                position=start + offset,
                description=check_name(description, "line description"),
                amount_minor=amount,
            ),
        )
    _retotal(tx, invoice)


def _retotal(tx: Tx, invoice: Invoice) -> None:
    total = int(
        tx.scalar(
            "SELECT coalesce(sum(amount_minor), 0) FROM invoice_line WHERE invoice_id = :id",
            {"id": invoice.id},
        )
    )
    if total > MAX_MINOR:
        raise InputError("the invoice total is too large")
    invoice.amount_minor = total
    save(tx, invoice)


def first_line(text: str | None, amount: str | None) -> list[tuple[str, str]]:
    """A new invoice's first line as typed: its description and its amount, or neither (a
    draft may start empty); one without the other is refused."""
    text, amount = (text or "").strip(), (amount or "").strip()
    if bool(text) != bool(amount):
        raise InputError(
            'a first line needs a description and an amount, e.g. "Design, November" 1200'
        )
    return [(text, amount)] if text else []


def _line_amount(text: str, currency: str) -> int:
    return parse_amount(text, currency, allow_zero=False)


def new_invoice(
    db: Database,
    client: str,
    *,
    now: datetime,
    config: Config,
    lines: Sequence[tuple[str, str]] = (),
    currency: str | None = None,
    lead: str | None = None,
    due_on: date | None = None,
    notes: str = "",
) -> InvoiceRow:
    """A draft invoice of a client (name or `C3`), with lines (description, amount as typed)
    in `currency` (default: the client's last invoice's, its leads', the config's)."""
    code = check_currency(currency) if currency else None
    with db.write() as tx:
        owner = get_client(tx, client)
        billed = _billed_lead(tx, owner, lead)
        lead_id = billed.id if billed else None
        code = code or _currency_for(tx, owner, billed, config)
        if code is None:
            raise InputError("which currency? give --currency EUR (or set default_currency)")
        parsed = [(text, _line_amount(amount, code)) for text, amount in lines]
        invoice = _insert_draft(tx, owner, code, now, lead_id=lead_id, due_on=due_on, notes=notes)
        _add_lines(tx, invoice, parsed)
        journal.note(tx, "invoice new", f"{invoice.ref} {owner.name}", now=now)
        return _row(tx, invoice, local_today(now, config.timezone), config)


def _insert_draft(
    tx: Tx,
    owner: Client,
    currency: str,
    now: datetime,
    *,
    lead_id: int | None = None,
    proposal_id: int | None = None,
    due_on: date | None = None,
    notes: str = "",
) -> Invoice:
    return insert(
        tx,
        Invoice(
            client_id=owner.id or 0,
            lead_id=lead_id,
            proposal_id=proposal_id,
            currency=currency,
            amount_minor=0,
            due_on=due_on,
            notes=notes.strip(),
            created_at=now,
            updated_at=now,
        ),
    )


def invoice_from_proposal(
    db: Database,
    proposal: str,
    *,
    now: datetime,
    config: Config,
    currency: str | None = None,
    percent: int = 100,
    due_on: date | None = None,
    notes: str = "",
) -> InvoiceRow:
    """A draft invoice of a proposal's lead's client: one line per stage (its hours and total),
    in the proposal's currency (`currency` picks one when it has several); `percent` bills a
    share of each stage (an advance of 50%)."""
    if isinstance(percent, bool) or not 0 < percent <= 100:
        raise InputError("the share to invoice must be a percent above 0 and at most 100")
    with db.write() as tx:
        details = proposal_details(tx, find_proposal(tx, proposal))
        found, lead, owner = details.proposal, details.lead, details.client
        if owner is None:
            raise InputError(
                f"{lead.ref} has no client yet; win it (amtui lead win {lead.ref} --client NAME) "
                "or link it to a client first"
            )
        totals = details.totals
        if not totals.currencies:
            raise InputError(f"{found.ref} has no lines to invoice")
        code = check_currency(currency) if currency else None
        if code is None:
            if len(totals.currencies) > 1:
                raise InputError(
                    f"{found.ref} is in {', '.join(totals.currencies)}; "
                    "pick one with --currency (an invoice has one currency)"
                )
            code = totals.currencies[0]
        elif code not in totals.currencies:
            raise InputError(
                f"{found.ref} has no lines in {code}; it is in {', '.join(totals.currencies)}"
            )
        share = "" if percent == 100 else f" ({percent}%)"
        lines = []
        for stage in totals.stages:
            amount = stage.totals.get(code)
            if amount:
                billed = percent_of(amount, percent)
                if billed > 0:
                    lines.append((f"{stage.stage}{share}", billed))
        if not lines:
            raise InputError(f"{percent}% of {found.ref} is nothing to invoice")
        note = notes.strip() or f"Proposal {found.number}: {found.title}"
        invoice = _insert_draft(
            tx, owner, code, now, lead_id=lead.id, proposal_id=found.id, due_on=due_on, notes=note
        )
        _add_lines(tx, invoice, lines)
        journal.note(tx, "invoice new", f"{invoice.ref} of {found.ref}", now=now)
        return _row(tx, invoice, local_today(now, config.timezone), config)


def _saved(tx: Tx, invoice: Invoice, now: datetime, config: Config) -> InvoiceRow:
    """Store what changed on `invoice` (now its last change) and read it back as a row."""
    invoice.updated_at = now
    save(tx, invoice)
    return _row(tx, invoice, local_today(now, config.timezone), config)


def check_draft(invoice: Invoice) -> None:
    """Only a draft's lines change and only a draft is deleted (the app asks before offering)."""
    if invoice.status != InvoiceStatus.DRAFT:
        raise InputError(
            f"{invoice.ref} is {invoice.status} ({invoice.number}); an issued invoice stays as "
            "the client received it: void it and make a new one"
        )


def check_voidable(invoice: Invoice, payments: int) -> None:
    """Only an issued invoice without payments is voided (`void_invoice`'s rule; the app
    checks it before asking)."""
    if invoice.status == InvoiceStatus.DRAFT:
        raise InputError(f"{invoice.ref} is a draft; delete it instead (amtui invoice rm)")
    if invoice.status == InvoiceStatus.VOID:
        raise InputError(f"{invoice.ref} is void already")
    if payments:
        raise InputError(
            f"{invoice.ref} has payments against it; it cannot be voided (issue a credit note)"
        )


def read_percent(text: str) -> int:
    """The share of a proposal to invoice as typed: `50`, `50%`."""
    raw = text.strip().removesuffix("%").strip()
    percent = int(raw) if raw.isdigit() else 0
    if not 0 < percent <= 100:
        raise InputError(
            f"{one_line(text)!r}: the share to invoice must be a percent above 0 and at most 100"
        )
    return percent


def _draft(tx: Tx, reference: str) -> Invoice:
    invoice = find_invoice(tx, reference)
    check_draft(invoice)
    return invoice


def add_invoice_line(
    db: Database, reference: str, description: str, amount: str, *, now: datetime, config: Config
) -> InvoiceRow:
    """Add a line to a draft invoice (the amount as typed, in the invoice's currency)."""
    with db.write() as tx:
        invoice = _draft(tx, reference)
        _add_lines(tx, invoice, [(description, _line_amount(amount, invoice.currency))])
        journal.note(tx, "invoice add line", invoice.ref, now=now)
        return _saved(tx, invoice, now, config)


def remove_invoice_line(
    db: Database, reference: str, line: int, *, now: datetime, config: Config
) -> InvoiceRow:
    """Remove line number `line` (1-based, as `invoice show` numbers them) from a draft."""
    with db.write() as tx:
        invoice = _draft(tx, reference)
        ids = tx.column(
            "SELECT id FROM invoice_line WHERE invoice_id = :id ORDER BY position, id",
            {"id": invoice.id},
        )
        check_line(invoice.ref, line, len(ids))
        tx.run("DELETE FROM invoice_line WHERE id = :id", {"id": ids[line - 1]})
        _retotal(tx, invoice)
        journal.note(tx, "invoice remove line", f"{invoice.ref} line {line}", now=now)
        return _saved(tx, invoice, now, config)


def edit_invoice(
    db: Database,
    reference: str,
    *,
    now: datetime,
    config: Config,
    due_on: date | object | None = UNSET,
    notes: str | object = UNSET,
) -> InvoiceRow:
    """Change a draft's due date or notes (an issued invoice's due date may move too: a
    client asked for more time, which the document then shows)."""
    with db.write() as tx:
        invoice = find_invoice(tx, reference)
        if invoice.status == InvoiceStatus.VOID:
            raise InputError(f"{invoice.ref} is void; nothing about it can change")
        if due_on is not UNSET:
            if due_on is None and invoice.status == InvoiceStatus.ISSUED:
                raise InputError("an issued invoice keeps a due date; give another day")
            if isinstance(due_on, date) and invoice.issued_on and due_on < invoice.issued_on:
                raise InputError(
                    f"the due date cannot be before the issue date {invoice.issued_on}"
                )
            invoice.due_on = due_on  # type: ignore[assignment]
            notices.forget(tx, invoice, "soon_notified_at", "overdue_notified_at")
        if isinstance(notes, str):
            if invoice.status != InvoiceStatus.DRAFT:
                raise InputError(
                    f"{invoice.ref} was issued; its notes stay as the client read them"
                )
            invoice.notes = notes.strip()
        journal.note(tx, "invoice edit", invoice.ref, now=now)
        return _saved(tx, invoice, now, config)


def issue_invoice(
    db: Database,
    reference: str,
    *,
    now: datetime,
    config: Config,
    issued_on: date | None = None,
    due_on: date | None = None,
) -> InvoiceRow:
    """Issue a draft: it gets the next number (gapless, see the module doc), its issue date
    (default: the user's today; never later than today, `check_issue_date`) and a due date
    (its own, else `due_on`, else net 14 days)."""
    today = local_today(now, config.timezone)
    issued = issued_on or today
    with db.write() as tx:
        invoice = _draft(tx, reference)
        if invoice.amount_minor <= 0:
            raise InputError(
                f"{invoice.ref} has no lines yet; add one: "
                f"amtui invoice add {invoice.ref} TEXT AMOUNT"
            )
        owner = get(tx, Client, invoice.client_id)
        assert owner is not None
        zone = zone_named(owner.timezone)
        check_issue_date(issued, today=today, client_today=local_today(now, zone) if zone else None)
        due = due_on or invoice.due_on or issued + timedelta(days=DEFAULT_TERMS_DAYS)
        if due < issued:
            raise InputError(f"the due date {due} is before the issue date {issued}")
        taken = tx.column("SELECT number FROM invoice WHERE number IS NOT NULL")
        invoice.number = next_invoice_number(config.money.invoice_number, issued, taken)
        journal.note(tx, "invoice issue", f"{invoice.ref} {invoice.number}", now=now)
        invoice.status = InvoiceStatus.ISSUED.value
        invoice.issued_on = issued
        invoice.due_on = due
        invoice.updated_at = now
        save(tx, invoice)
        total = format_amount(invoice.amount_minor, invoice.currency)
        record_activity(
            tx,
            owner,
            "invoice-issued",
            f"invoice {invoice.number} ({invoice.ref}) issued: {total}, due {due}",
            now=now,
            data={"invoice": invoice.id},
        )
        return _row(tx, invoice, today, config)


def void_invoice(
    db: Database, reference: str, reason: str, *, now: datetime, config: Config
) -> InvoiceRow:
    """Cancel an issued invoice: it keeps its number (numbers are never reused) and owes
    nothing. One with payments is refused: the money was received against it."""
    reason = check_name(reason, "reason for voiding the invoice")
    with db.write() as tx:
        invoice = find_invoice(tx, reference)
        payments = tx.scalar(
            "SELECT count(*) FROM payment WHERE invoice_id = :id", {"id": invoice.id}
        )
        check_voidable(invoice, int(payments or 0))
        invoice.status = InvoiceStatus.VOID.value
        journal.note(tx, "invoice void", f"{invoice.ref} {invoice.number}", now=now)
        invoice.updated_at = now
        save(tx, invoice)
        owner = get(tx, Client, invoice.client_id)
        assert owner is not None
        record_activity(
            tx,
            owner,
            "invoice-void",
            f"invoice {invoice.number} ({invoice.ref}) voided: {reason}",
            now=now,
            data={"invoice": invoice.id},
        )
        return _row(tx, invoice, local_today(now, config.timezone), config)


def delete_invoice(db: Database, reference: str, *, now: datetime | None = None) -> str:
    """Delete a draft (issued invoices are voided, never deleted); what was deleted. `now`
    dates the undo journal's entry."""
    with db.write() as tx:
        invoice = _draft(tx, reference)
        tx.run("DELETE FROM invoice WHERE id = :id", {"id": invoice.id})
        journal.note(tx, "invoice rm", invoice.ref, now=now)
        return invoice.ref


def record_payment(
    db: Database,
    reference: str,
    amount: str,
    *,
    now: datetime,
    config: Config,
    paid_on: date | None = None,
    note: str = "",
) -> InvoiceRow:
    """A payment received against an issued invoice (the amount as typed, in its currency; not
    more than it still owes; not dated in the future)."""
    today = local_today(now, config.timezone)
    paid_on = paid_on or today
    if paid_on > today:
        raise InputError(f"a payment cannot be dated in the future ({paid_on})")
    with db.write() as tx:
        invoice = find_invoice(tx, reference)
        minor = parse_amount(amount, invoice.currency, allow_zero=False)
        existing = records(
            tx, Payment, "SELECT * FROM payment WHERE invoice_id = :id", {"id": invoice.id}
        )
        journal.note(tx, "invoice pay", f"{invoice.ref} {invoice.number}", now=now)
        check_payment(
            minor,
            invoice_amount_minor=invoice.amount_minor,
            status=invoice.status,
            payments=[PaymentValue(p.amount_minor, p.paid_on) for p in existing],
            currency=invoice.currency,
        )
        insert(
            tx,
            Payment(
                invoice_id=invoice.id or 0,
                amount_minor=minor,
                paid_on=paid_on,
                reference=note.strip(),
                created_at=now,
            ),
        )
        owner = get(tx, Client, invoice.client_id)
        assert owner is not None
        record_activity(
            tx,
            owner,
            "payment",
            f"payment of {format_amount(minor, invoice.currency)} "
            f"on invoice {invoice.number} ({invoice.ref})",
            now=now,
            data={"invoice": invoice.id, "amount_minor": minor, "paid_on": paid_on.isoformat()},
        )
        return _row(tx, invoice, today, config)


def invoice_doc(row: InvoiceRow, client: Client, config: Config) -> InvoiceDoc:
    """What the document says: the invoice, its client and the agency from the config; money
    in the client's locale, else the config's."""
    invoice = row.invoice
    if not row.lines:
        raise InputError(f"{invoice.ref} has no lines yet; add some before rendering it")
    settings = config.money
    return InvoiceDoc(
        number=invoice.number or f"{invoice.ref} (draft)",
        client=Party(name=one_line(client.name)),
        agency=agency_party(settings),
        currency=invoice.currency,
        issued_on=invoice.issued_on or invoice.created_at.astimezone(config.timezone).date(),
        lines=[DocLine(line.description, line.amount_minor) for line in row.lines],
        due_on=invoice.due_on,
        status=invoice.status,
        payments=[PaymentValue(p.amount_minor, p.paid_on) for p in row.payments],
        notes=invoice.notes,
        locale=client.locale or settings.locale,
    )

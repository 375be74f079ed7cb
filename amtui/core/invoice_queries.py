"""Reading invoices: one invoice with its lines and payments, lists by client and state, and
`invoice_dues`, the one query of issued invoices that still owe money, by due date (the
agenda, `remind due` and the calendar read invoice deadlines through it).

Light on purpose (no pipeline or document code): the agenda imports it. Writing is
`amtui.core.invoices`; the rules are `amtui.core.invoicing`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from amtui.core.config import Config
from amtui.core.errors import InputError
from amtui.core.invoicing import InvoiceState, PaymentState, invoice_state
from amtui.core.invoicing import Payment as PaymentValue
from amtui.core.members import EVERYONE, Scope
from amtui.core.models import Invoice, InvoiceLine, Payment, records
from amtui.core.refs import Kind, parse_ref
from amtui.core.sql import Database, Tx
from amtui.core.structs import field, struct
from amtui.core.text import one_line

#: SQL: what the payments of `invoice` add up to.
PAID_SQL = (
    "coalesce((SELECT sum(payment.amount_minor) FROM payment "
    "WHERE payment.invoice_id = invoice.id), 0)"
)
#: SQL: an issued invoice that still owes money (the agenda, `remind due`, the calendar).
OWING_SQL = f"invoice.status = 'issued' AND invoice.amount_minor > {PAID_SQL}"


@struct
class InvoiceRow:
    """An invoice with what its state depends on and what lists show next to it."""

    invoice: Invoice
    client_name: str
    client_zone: str | None
    payments: list[Payment]
    state: InvoiceState  # on the day it was read for
    lines: list[InvoiceLine] = field(default_factory=list)  # filled by `get_invoice` only

    @property
    def ref(self) -> str:
        return self.invoice.ref

    @property
    def label(self) -> str:
        """`I4 2026-0003`, or `I4 (draft)` before it has a number."""
        number = self.invoice.number
        return f"{self.ref} {number}" if number else f"{self.ref} ({self.invoice.status})"

    @property
    def zone(self) -> ZoneInfo | None:
        return ZoneInfo(self.client_zone) if self.client_zone else None


def _state(invoice: Invoice, payments: Sequence[Payment], today: date, soon: int) -> InvoiceState:
    return invoice_state(
        amount_minor=invoice.amount_minor,
        status=invoice.status,
        due_on=invoice.due_on,
        payments=[PaymentValue(p.amount_minor, p.paid_on) for p in payments],
        today=today,
        due_soon_days=soon,
    )


def invoice_rows(
    tx: Tx, invoices: list[Invoice], *, today: date, due_soon_days: int
) -> list[InvoiceRow]:
    """Decorate invoices with their client and payments (one query each for all of them)."""
    if not invoices:
        return []
    ids = tuple(i.id for i in invoices)
    payments: dict[int, list[Payment]] = {}
    for payment in records(
        tx,
        Payment,
        "SELECT * FROM payment WHERE invoice_id IN :ids ORDER BY paid_on, id",
        {"ids": ids},
    ):
        payments.setdefault(payment.invoice_id, []).append(payment)
    clients = {
        row[0]: (row[1], row[2])
        for row in tx.tuples(
            "SELECT id, name, timezone FROM client WHERE id IN :ids",
            {"ids": tuple({i.client_id for i in invoices})},
        )
    }
    rows = []
    for invoice in invoices:
        paid = payments.get(invoice.id or 0, [])
        name, zone = clients[invoice.client_id]
        state = _state(invoice, paid, today, due_soon_days)
        rows.append(InvoiceRow(invoice, name, zone, paid, state))
    return rows


def find_invoice(tx: Tx, text: str) -> Invoice:
    """The invoice `I4` names, or the one numbered `text` (`2026-0003`)."""
    from amtui.core.lookup import fetch

    found = records(
        tx, Invoice, "SELECT * FROM invoice WHERE number = :n", {"n": (text or "").strip()}
    )
    if found:
        return found[0]
    return fetch(tx, Invoice, parse_ref(text, Kind.INVOICE))


def invoice_row(tx: Tx, invoice: Invoice, today: date, config: Config) -> InvoiceRow:
    row = invoice_rows(tx, [invoice], today=today, due_soon_days=config.money.due_soon_days)[0]
    row.lines = records(
        tx,
        InvoiceLine,
        "SELECT * FROM invoice_line WHERE invoice_id = :id ORDER BY position, id",
        {"id": invoice.id},
    )
    return row


def get_invoice(db: Database, reference: str, *, today: date, config: Config) -> InvoiceRow:
    """An invoice by `I4` or its number, with its lines, payments and state on `today`."""
    with db.read() as tx:
        return invoice_row(tx, find_invoice(tx, reference), today, config)


#: `invoice list --status`: the stored statuses and the derived states.
LIST_FILTERS = ("draft", "issued", "void", "open", "overdue", "due-soon", "paid", "owing")


def list_invoices(
    db: Database,
    *,
    today: date,
    config: Config,
    client: str | None = None,
    status: str | None = None,
) -> list[InvoiceRow]:
    """Invoices, newest first; of one client, and/or in one status or state (`LIST_FILTERS`:
    `owing` is every issued invoice not fully paid, `overdue` those past their due date)."""
    from amtui.core.lookup import get_client

    if status is not None and status not in LIST_FILTERS:
        raise InputError(
            f"unknown invoice status {one_line(status)!r}; use {', '.join(LIST_FILTERS)}"
        )
    with db.read() as tx:
        where: list[str] = ["1 = 1"]
        params: dict[str, object] = {}
        if client is not None:
            where.append("client_id = :client")
            params["client"] = get_client(tx, client).id
        if status in ("draft", "issued", "void"):
            where.append("status = :status")
            params["status"] = status
        elif status is not None:
            where.append("status = 'issued'")
        found = records(
            tx,
            Invoice,
            f"SELECT * FROM invoice WHERE {' AND '.join(where)} "
            "ORDER BY coalesce(issued_on, due_on) DESC, id DESC",
            params,
        )
        rows = invoice_rows(tx, found, today=today, due_soon_days=config.money.due_soon_days)
    wanted = {
        "open": (PaymentState.OPEN, PaymentState.DUE_SOON, PaymentState.OVERDUE),
        "owing": (PaymentState.OPEN, PaymentState.DUE_SOON, PaymentState.OVERDUE),
        "overdue": (PaymentState.OVERDUE,),
        "due-soon": (PaymentState.DUE_SOON,),
        "paid": (PaymentState.PAID,),
    }.get(status or "")
    return [row for row in rows if wanted is None or row.state.state in wanted]


def invoice_dues(
    tx: Tx,
    *,
    today: date,
    due_soon_days: int,
    until: date | None = None,
    client_id: int | None = None,
    limit: int | None = None,
    scope: Scope = EVERYONE,
) -> tuple[int, list[InvoiceRow]]:
    """Issued invoices that still owe money and have a due date on or before `until` (every
    one without `until`), the earliest due first: (how many, the first `limit` of them).
    The agenda, `remind due` and the calendar feed read invoice deadlines through this."""
    where = f"{OWING_SQL} AND invoice.due_on IS NOT NULL"
    params: dict[str, object] = {}
    if until is not None:
        where += " AND invoice.due_on <= :until"
        params["until"] = until
    if client_id is not None:
        where += " AND invoice.client_id = :client"
        params["client"] = client_id
    if not scope.everyone:
        where += f" AND {scope.invoices(params)}"
    total = int(tx.scalar(f"SELECT count(*) FROM invoice WHERE {where}", params))
    found = records(
        tx,
        Invoice,
        f"SELECT * FROM invoice WHERE {where} ORDER BY due_on, id" + tx.page(limit),
        params,
    )
    return total, invoice_rows(tx, found, today=today, due_soon_days=due_soon_days)

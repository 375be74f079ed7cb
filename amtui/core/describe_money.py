"""What proposals, invoices and money figures say (see `amtui.core.describe`), for both front
ends: amounts with their currency, sums that never cross currencies, an invoice's state with
its tone, a proposal's status, and their detail fields.

Amounts here are plain and locale-free (`12 000.50 EUR`, thin spaces between thousands, the
currency's own decimals): fast to format in any shell command. Documents a client receives
write money the client's way (`amtui.core.money_locale`). Pure, like `describe`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from amtui.core.describe import Field, Part, Tone, View, field, fields, named
from amtui.core.display import format_when
from amtui.core.invoicing import PaymentState, describe_invoice_state
from amtui.core.money import format_amount, hours_decimal
from amtui.core.refs import Kind, ref
from amtui.core.text import clean, one_line

if TYPE_CHECKING:
    from amtui.core.invoice_queries import InvoiceRow
    from amtui.core.money_views import ClientMoney
    from amtui.core.proposals import ProposalDetails


def amount_text(minor: int, currency: str) -> str:
    """`12 000.50 EUR` (`money.format_amount`)."""
    return format_amount(minor, currency)


def sums_text(sums: Mapping[str, int], empty: str = "") -> str:
    """Amounts in several currencies side by side, never added: `1 200.00 EUR + 300.00 USD`."""
    return " + ".join(amount_text(amount, cur) for cur, amount in sums.items()) or empty


def money_figures(money: ClientMoney) -> list[tuple[str, str]]:
    """A client's money as (label, amounts) lines, in the order a manager reads them; figures
    with nothing in them are left out."""
    kinds = ("won", "invoiced", "paid", "outstanding", "overdue")
    return [(kind, sums_text(getattr(money, kind))) for kind in kinds if getattr(money, kind)]


def hours_text(centihours: int) -> str:
    """`1.5 h`."""
    return f"{hours_decimal(centihours)} h"


_STATE_TONES = {
    PaymentState.OVERDUE: Tone.LATE,
    PaymentState.DUE_SOON: Tone.WARNING,
    PaymentState.OPEN: Tone.NORMAL,
    PaymentState.PAID: Tone.MUTED,
    PaymentState.VOID: Tone.MUTED,
    PaymentState.DRAFT: Tone.MUTED,
}


def invoice_state_part(row: InvoiceRow) -> Part:
    """`overdue 5 days · 400.00 of 1000.00 EUR paid`, LATE; `due in 3 days`, WARNING…"""
    state = row.state
    return Part(describe_invoice_state(state, row.invoice.currency), _STATE_TONES[state.state])


def invoice_title(row: InvoiceRow) -> str:
    """`invoice 2026-0003 · Гранель`, or `draft invoice · Гранель`."""
    number = row.invoice.number
    head = f"invoice {one_line(number)}" if number else f"{row.invoice.status} invoice"
    return f"{head} · {one_line(row.client_name)}"


def invoice_brief(row: InvoiceRow) -> str:
    """`I4 2026-0003 · Гранель: 1 200.00 EUR, partly paid…`: what a change reports."""
    amount = amount_text(row.invoice.amount_minor, row.invoice.currency)
    return f"{row.ref} {invoice_title(row)}: {amount}, {invoice_state_part(row).text}"


def invoice_summary(row: InvoiceRow) -> str:
    """One line for the agenda and `remind due`: `invoice 2026-0003 · Гранель · 600.00 EUR
    owed` (what is still owed, or the total when nothing is)."""
    state = row.state
    owed = state.outstanding_minor
    money = (
        f"{amount_text(owed, row.invoice.currency)} owed"
        if owed
        else amount_text(state.amount_minor, row.invoice.currency)
    )
    return f"{invoice_title(row)} · {money}"


def invoice_fields(view: View, row: InvoiceRow) -> list[Field]:
    """Every field of an invoice's detail (`amtui invoice show`, the app)."""
    invoice, state = row.invoice, row.state
    currency = invoice.currency
    payments = "\n".join(
        f"{p.paid_on.isoformat()}  {amount_text(p.amount_minor, currency)}"
        + (f"  {one_line(p.reference)}" if p.reference else "")
        for p in row.payments
    )
    return fields(
        field("number", one_line(invoice.number) if invoice.number else None),
        field("client", f"{one_line(row.client_name)} ({ref(Kind.CLIENT, invoice.client_id)})"),
        field("status", invoice.status),
        field("state", invoice_state_part(row)),
        field("amount", amount_text(invoice.amount_minor, currency)),
        field("paid", amount_text(state.paid_minor, currency) if state.paid_minor else None),
        field(
            "owed",
            Part(amount_text(state.outstanding_minor, currency), invoice_state_part(row).tone)
            if state.outstanding_minor
            else None,
        ),
        field("issued", invoice.issued_on.isoformat() if invoice.issued_on else None),
        field("due", invoice.due_on.isoformat() if invoice.due_on else None),
        field("lead", ref(Kind.LEAD, invoice.lead_id) if invoice.lead_id else None),
        field("proposal", ref(Kind.PROPOSAL, invoice.proposal_id) if invoice.proposal_id else None),
        field("payments", payments),
        field("notes", clean(invoice.notes)),
        field("created", format_when(invoice.created_at, view.tz, view.now)),
    )


def proposal_status(view: View, details: ProposalDetails) -> Part:
    """`draft`, `sent 25 Nov`, `sent 25 Nov · superseded by v3` (an older version)."""
    proposal = details.proposal
    text = proposal.status
    if proposal.sent_at is not None:
        text = f"sent {format_when(proposal.sent_at.astimezone(view.tz).date(), view.tz, view.now)}"
    if details.superseded:
        return Part(f"{text} · superseded by v{details.latest_version}", Tone.MUTED)
    return Part(text, Tone.ACCENT if proposal.status == "draft" else Tone.NORMAL)


def proposal_fields(view: View, details: ProposalDetails) -> list[Field]:
    """Every field of a proposal's detail, above its lines."""
    proposal, lead = details.proposal, details.lead
    totals = details.totals
    client = details.client
    return fields(
        field("number", proposal.number),
        field("title", one_line(proposal.title)),
        field("lead", named(lead.ref, lead.title)),
        field("client", named(client.ref, client.name) if client else None),
        field("status", proposal_status(view, details)),
        field("valid until", proposal.valid_until.isoformat() if proposal.valid_until else None),
        field("hours", hours_text(totals.centihours) if totals.centihours else None),
        field("total", sums_text(totals.totals) or None),
        field("intro", clean(proposal.intro)),
        field("notes", clean(proposal.notes)),
        field("created", format_when(proposal.created_at, view.tz, view.now)),
    )

"""The JSON shapes of the money records (proposals, invoices, money figures) that every money
command prints, and the agenda and `remind due` for their invoices. Typer-free, so that the
fast path's `agenda --format json` can write an invoice without loading the CLI framework
(importing `amtui.cli.money` costs ~150 M instructions, Typer and all).

Amounts in JSON are objects per currency: `{"EUR": {"minor": 104075, "amount": "1040.75"}}`
(minor units, exact, and the same as a decimal string); nothing is ever added across
currencies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import tzinfo

    from amtui.core.invoices import InvoiceRow
    from amtui.core.money_views import ClientMoney, MoneyReport
    from amtui.core.proposals import ProposalDetails


def money_json(minor: int, currency: str) -> dict[str, Any]:
    from amtui.core.money import plain_amount

    return {"currency": currency, "minor": minor, "amount": plain_amount(minor, currency)}


def sums_json(sums: Mapping[str, int]) -> dict[str, Any]:
    """Per currency: `{"EUR": {"minor": 104075, "amount": "1040.75"}}`."""
    from amtui.core.money import plain_amount

    return {cur: {"minor": v, "amount": plain_amount(v, cur)} for cur, v in sums.items()}


def client_money_json(money: ClientMoney) -> dict[str, Any]:
    return {
        kind: sums_json(getattr(money, kind))
        for kind in ("won", "invoiced", "paid", "outstanding", "overdue")
    }


def proposal_json(details: ProposalDetails, tz: tzinfo) -> dict[str, Any]:
    from amtui.cli.serialize import iso
    from amtui.core.money import hours_decimal

    proposal, totals = details.proposal, details.totals
    return {
        "ref": proposal.ref,
        "number": proposal.number,
        "lead": details.lead.ref,
        "client": details.client.ref if details.client else None,
        "version": proposal.version,
        "title": proposal.title,
        "status": proposal.status,
        "superseded": details.superseded,
        "valid_until": proposal.valid_until.isoformat() if proposal.valid_until else None,
        "sent_at": iso(proposal.sent_at, tz),
        "intro": proposal.intro,
        "notes": proposal.notes,
        "items": [
            {
                "line": number,
                "stage": item.stage,
                "who": item.who,
                "description": item.description,
                "hours": str(hours_decimal(item.centihours)),
                "rate": money_json(item.rate_minor, item.currency),
                "amount": money_json(item.amount_minor, item.currency),
            }
            for number, item in enumerate(details.line_items, start=1)
        ],
        "stages": [
            {
                "stage": s.stage,
                "hours": str(hours_decimal(s.centihours)),
                "totals": sums_json(s.totals),
            }
            for s in totals.stages
        ],
        "hours": str(hours_decimal(totals.centihours)),
        "totals": sums_json(totals.totals),
    }


def invoice_json(row: InvoiceRow) -> dict[str, Any]:
    invoice, state, cur = row.invoice, row.state, row.invoice.currency
    return {
        "ref": invoice.ref,
        "number": invoice.number,
        "client": {"ref": f"C{invoice.client_id}", "name": row.client_name},
        "lead": f"L{invoice.lead_id}" if invoice.lead_id else None,
        "proposal": f"P{invoice.proposal_id}" if invoice.proposal_id else None,
        "status": invoice.status,
        "state": state.state.value,
        "currency": cur,
        "amount": money_json(invoice.amount_minor, cur),
        "paid": money_json(state.paid_minor, cur),
        "outstanding": money_json(state.outstanding_minor, cur),
        "issued_on": invoice.issued_on.isoformat() if invoice.issued_on else None,
        "due_on": invoice.due_on.isoformat() if invoice.due_on else None,
        "days_overdue": state.days_overdue,
        "notes": invoice.notes,
        "lines": [
            {
                "line": n,
                "description": line.description,
                "amount": money_json(line.amount_minor, cur),
            }
            for n, line in enumerate(row.lines, start=1)
        ],
        "payments": [
            {
                "paid_on": p.paid_on.isoformat(),
                "amount": money_json(p.amount_minor, cur),
                "reference": p.reference,
            }
            for p in row.payments
        ],
    }


def money_report_json(report: MoneyReport) -> dict[str, Any]:
    return {
        "clients": [
            {"ref": row.client.ref, "name": row.client.name, **client_money_json(row.money)}
            for row in report.rows
        ],
        "totals": client_money_json(report.totals),
    }

"""Invoices and payments: what an invoice's state is, which payment is acceptable, and how
invoices are numbered (pure: plain values in, plain values out; dates, never the clock).

An invoice stores only what was decided: amount and currency, issued and due dates, and a
status of draft, issued or void. Whether it is paid, partly paid, overdue or due soon is
derived here from its payments and `today` (the user's local day), never stored, so it can
never disagree with the payments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum

from amtui.core.errors import InputError
from amtui.core.money import format_amount
from amtui.core.money_config import NUMBER_FIELD, check_number_pattern
from amtui.core.structs import struct


class InvoiceStatus(StrEnum):
    """What the account manager decided; stored."""

    DRAFT = "draft"  # being prepared: no number yet, owes nothing
    ISSUED = "issued"  # sent to the client: owed until paid
    VOID = "void"  # cancelled after issuing: owes nothing, keeps its number


INVOICE_STATUSES = tuple(s.value for s in InvoiceStatus)


class PaymentState(StrEnum):
    """What follows from the invoice, its payments and today; derived, never stored."""

    DRAFT = "draft"
    VOID = "void"
    PAID = "paid"
    OVERDUE = "overdue"  # issued, not fully paid, the due date has passed
    DUE_SOON = "due soon"  # issued, not fully paid, due within the warning window
    OPEN = "open"  # issued, not fully paid, due later (or no due date)


@struct(frozen=True)
class Payment:
    """One payment received against an invoice, in the invoice's currency."""

    amount_minor: int
    paid_on: date


@struct(frozen=True)
class InvoiceState:
    state: PaymentState
    amount_minor: int
    paid_minor: int  # sum of the payments (never more than the amount: see check_payment)
    outstanding_minor: int  # what is still owed: 0 for draft, void and paid invoices
    partly_paid: bool  # something was paid and something is still owed
    days_overdue: int  # days past the due date (0 unless overdue)
    days_left: int | None  # days until the due date (None without a due date or once late)
    settled_on: date | None  # the day the last payment made it paid

    @property
    def counts_as_owed(self) -> bool:
        """Issued and not fully paid: what the agenda and the money report count."""
        return self.outstanding_minor > 0


def invoice_state(
    *,
    amount_minor: int,
    status: str,
    due_on: date | None,
    payments: Iterable[Payment],
    today: date,
    due_soon_days: int = 7,
) -> InvoiceState:
    """Derive the state of one invoice on `today` (the due date itself is still on time)."""
    status = InvoiceStatus(status)
    ordered = sorted(payments, key=lambda p: p.paid_on)
    paid = sum(p.amount_minor for p in ordered)
    settled_on = None
    running = 0
    for payment in ordered:
        running += payment.amount_minor
        if running >= amount_minor:
            settled_on = payment.paid_on
            break
    if status is not InvoiceStatus.ISSUED:
        state = PaymentState.DRAFT if status is InvoiceStatus.DRAFT else PaymentState.VOID
        return InvoiceState(state, amount_minor, paid, 0, False, 0, None, None)
    outstanding = max(amount_minor - paid, 0)
    if outstanding == 0:
        return InvoiceState(PaymentState.PAID, amount_minor, paid, 0, False, 0, None, settled_on)
    partly = paid > 0
    if due_on is None:
        return InvoiceState(
            PaymentState.OPEN, amount_minor, paid, outstanding, partly, 0, None, None
        )
    left = (due_on - today).days
    if left < 0:
        state = PaymentState.OVERDUE
    elif left <= due_soon_days:
        state = PaymentState.DUE_SOON
    else:
        state = PaymentState.OPEN
    return InvoiceState(
        state,
        amount_minor,
        paid,
        outstanding,
        partly,
        max(-left, 0),
        left if left >= 0 else None,
        None,
    )


def describe_invoice_state(state: InvoiceState, currency: str) -> str:
    """The words both front ends show: `overdue 5 days · 400.00 of 1000.00 EUR paid`."""
    match state.state:
        case PaymentState.OVERDUE:
            days = state.days_overdue
            head = f"overdue {days} day{'s' if days != 1 else ''}"
        case PaymentState.DUE_SOON | PaymentState.OPEN if state.days_left is not None:
            left = state.days_left
            head = (
                "due today" if left == 0 else "due tomorrow" if left == 1 else f"due in {left} days"
            )
        case PaymentState.PAID if state.settled_on is not None:
            head = f"paid {state.settled_on.isoformat()}"
        case _:
            head = state.state.value
    if state.partly_paid:
        paid = format_amount(state.paid_minor, currency).removesuffix(f" {currency}")
        total = format_amount(state.amount_minor, currency)
        head += f" · {paid} of {total} paid"
    return head


def check_payment(
    amount_minor: int,
    *,
    invoice_amount_minor: int,
    status: str,
    payments: Sequence[Payment],
    currency: str,
) -> int:
    """A payment about to be recorded: above 0, on an issued invoice, and not more than what
    is still owed (an overpayment is refused; record it as a credit elsewhere)."""
    if amount_minor <= 0:
        raise InputError("a payment must be more than 0")
    status = InvoiceStatus(status)
    if status is not InvoiceStatus.ISSUED:
        raise InputError(
            f"a {status.value} invoice takes no payments; "
            + ("issue it first" if status is InvoiceStatus.DRAFT else "it was cancelled")
        )
    owed = invoice_amount_minor - sum(p.amount_minor for p in payments)
    if amount_minor > owed:
        owed_text = format_amount(max(owed, 0), currency)
        raise InputError(
            f"a payment of {format_amount(amount_minor, currency)} is more than the "
            f"{owed_text} still owed on this invoice"
        )
    return amount_minor


def check_issue_date(issued_on: date, *, today: date, client_today: date | None = None) -> None:
    """An invoice is dated the day it is issued, or earlier (one entered late); never later.

    A post-dated invoice claims money before the work or the date it bills, and its number
    would sit among later ones out of order. `today` is the user's local day; a client whose
    zone is already on the next day may get that day's date (`client_today`): it is today
    where the invoice is received. Earlier dates are fine (an invoice issued on paper last
    week, entered now).
    """
    latest = max(today, client_today or today)
    if issued_on > latest:
        raise InputError(
            f"an invoice cannot be dated after today: {issued_on} is later than {latest}; "
            "issue it on the day it goes out (today or an earlier date)"
        )


def _number_regex(pattern: str, year: int) -> re.Pattern[str]:
    parts: list[str] = []
    position = 0
    for match in NUMBER_FIELD.finditer(pattern):
        parts.append(re.escape(pattern[position : match.start()]))
        parts.append(str(year) if match.group(1) == "year" else r"(\d+)")
        position = match.end()
    parts.append(re.escape(pattern[position:]))
    return re.compile("".join(parts))


def next_invoice_number(pattern: str, issued_on: date, taken: Iterable[str]) -> str:
    """The number the next issued invoice gets: one more than the highest sequence among
    `taken` numbers of the same pattern (and of the same year when the pattern has `{year}`).

    Numbers are given when an invoice is issued, not to drafts, so that issued invoices run
    without gaps (what VAT rules in the EU and Russia ask for). Storage must call this inside
    the write transaction that issues the invoice and keep a unique index on the number.
    """
    check_number_pattern(pattern)
    regex = _number_regex(pattern, issued_on.year)
    highest = 0
    for number in taken:
        match = regex.fullmatch(number)
        if match:
            highest = max(highest, int(match.group(1)))
    return pattern.format(year=issued_on.year, seq=highest + 1)

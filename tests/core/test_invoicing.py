"""Invoice state, payments and numbering (pure rules, pinned `today`)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amtui.core.errors import InputError
from amtui.core.invoicing import (
    Payment,
    PaymentState,
    check_issue_date,
    check_payment,
    describe_invoice_state,
    invoice_state,
    next_invoice_number,
)
from amtui.core.money_config import check_number_pattern

TODAY = date(2026, 11, 25)


def state(
    status: str = "issued",
    due: date | None = TODAY,
    paid: tuple[int, ...] = (),
    amount: int = 100_000,
    soon: int = 7,
):  # type: ignore[no-untyped-def]
    payments = [Payment(p, TODAY - timedelta(days=10 - i)) for i, p in enumerate(paid)]
    return invoice_state(
        amount_minor=amount,
        status=status,
        due_on=due,
        payments=payments,
        today=TODAY,
        due_soon_days=soon,
    )


def test_draft_and_void_owe_nothing() -> None:
    for status, expected in (("draft", PaymentState.DRAFT), ("void", PaymentState.VOID)):
        s = state(status, due=TODAY - timedelta(days=30))
        assert s.state is expected and s.outstanding_minor == 0 and not s.counts_as_owed


def test_the_due_date_itself_is_on_time_and_the_next_day_is_overdue() -> None:
    assert state(due=TODAY).state is PaymentState.DUE_SOON
    assert describe_invoice_state(state(due=TODAY), "EUR") == "due today"
    late = state(due=TODAY - timedelta(days=1))
    assert late.state is PaymentState.OVERDUE and late.days_overdue == 1
    assert describe_invoice_state(late, "EUR") == "overdue 1 day"


def test_due_soon_window() -> None:
    assert state(due=TODAY + timedelta(days=7)).state is PaymentState.DUE_SOON
    assert state(due=TODAY + timedelta(days=8)).state is PaymentState.OPEN
    assert state(due=TODAY + timedelta(days=3), soon=2).state is PaymentState.OPEN
    assert describe_invoice_state(state(due=TODAY + timedelta(days=1)), "EUR") == "due tomorrow"
    assert describe_invoice_state(state(due=TODAY + timedelta(days=9)), "EUR") == "due in 9 days"
    assert state(due=None).state is PaymentState.OPEN


def test_partly_paid_and_overdue() -> None:
    s = state(due=TODAY - timedelta(days=5), paid=(40_000,))
    assert s.state is PaymentState.OVERDUE and s.partly_paid
    assert (s.paid_minor, s.outstanding_minor, s.days_overdue) == (40_000, 60_000, 5)
    assert describe_invoice_state(s, "EUR") == "overdue 5 days · 400.00 of 1 000.00 EUR paid"


def test_paid_in_parts_records_the_day_it_was_settled() -> None:
    s = state(due=TODAY - timedelta(days=5), paid=(40_000, 60_000))
    assert s.state is PaymentState.PAID and not s.partly_paid and s.outstanding_minor == 0
    assert s.settled_on == TODAY - timedelta(days=9)
    assert describe_invoice_state(s, "EUR") == f"paid {TODAY - timedelta(days=9)}"


def test_payments_are_checked_against_what_is_still_owed() -> None:
    paid = [Payment(40_000, TODAY)]
    kwargs = {"invoice_amount_minor": 100_000, "payments": paid, "currency": "EUR"}
    assert check_payment(60_000, status="issued", **kwargs) == 60_000  # type: ignore[arg-type]
    with pytest.raises(InputError) as error:
        check_payment(60_001, status="issued", **kwargs)  # type: ignore[arg-type]
    assert str(error.value) == (
        "a payment of 600.01 EUR is more than the 600.00 EUR still owed on this invoice"
    )
    for amount, status, says in (
        (0, "issued", "more than 0"),
        (-5, "issued", "more than 0"),
        (100, "draft", "issue it first"),
        (100, "void", "cancelled"),
    ):
        with pytest.raises(InputError, match=says):
            check_payment(amount, status=status, **kwargs)  # type: ignore[arg-type]


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError):
        state("paid")


@given(st.lists(st.integers(1, 10**9), max_size=8), st.integers(1, 10**10))
def test_accepted_payments_never_overpay(attempts: list[int], amount: int) -> None:
    accepted: list[Payment] = []
    for attempt in attempts:
        try:
            check_payment(
                attempt,
                invoice_amount_minor=amount,
                status="issued",
                payments=accepted,
                currency="JPY",
            )
        except InputError:
            continue
        accepted.append(Payment(attempt, TODAY))
    s = invoice_state(
        amount_minor=amount, status="issued", due_on=TODAY, payments=accepted, today=TODAY
    )
    assert s.paid_minor + s.outstanding_minor == amount
    assert (s.state is PaymentState.PAID) == (s.paid_minor == amount)


def test_invoice_numbers_restart_each_year_and_skip_nothing() -> None:
    taken = ["2026-0001", "2026-0007", "2025-0042", "INV-9", "2026-x"]
    assert next_invoice_number("{year}-{seq:04d}", TODAY, taken) == "2026-0008"
    assert next_invoice_number("{year}-{seq:04d}", date(2027, 1, 2), taken) == "2027-0001"
    assert next_invoice_number("INV-{seq}", TODAY, taken) == "INV-10"
    assert next_invoice_number("A{seq:03d}/{year}", TODAY, ["A099/2026"]) == "A100/2026"


@pytest.mark.parametrize("pattern", ["{year}", "no sequence", "{seq}-{seq}", "{seq}-{month}"])
def test_bad_number_patterns(pattern: str) -> None:
    with pytest.raises(InputError, match="must contain"):
        check_number_pattern(pattern)


def test_an_invoice_is_dated_today_or_earlier_where_it_is_issued_or_received() -> None:
    check_issue_date(TODAY, today=TODAY)
    check_issue_date(TODAY - timedelta(days=40), today=TODAY)  # entered late: fine
    with pytest.raises(InputError, match="cannot be dated after today: 2026-11-26 is later"):
        check_issue_date(TODAY + timedelta(days=1), today=TODAY)
    # A client already on tomorrow (Tokyo, while it is still today here) may get its date…
    check_issue_date(TODAY + timedelta(days=1), today=TODAY, client_today=TODAY + timedelta(1))
    # …but not the day after, and a client still on yesterday does not hold today back.
    with pytest.raises(InputError, match="2026-11-27 is later than 2026-11-26"):
        check_issue_date(TODAY + timedelta(2), today=TODAY, client_today=TODAY + timedelta(1))
    check_issue_date(TODAY, today=TODAY, client_today=TODAY - timedelta(days=1))

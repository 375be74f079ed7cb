"""The plain values a proposal or invoice document is rendered from."""

from __future__ import annotations

from datetime import date

import pytest

from amtui.core.documents import InvoiceDoc, InvoiceLine, Party, ProposalDoc
from amtui.core.errors import InputError
from amtui.core.estimates import make_line_item
from amtui.core.invoicing import Payment, PaymentState

DAY = date(2026, 11, 25)
ITEM = make_line_item(
    stage="Design", who="designer", centihours=150, rate_minor=8_000, currency="EUR"
)


def proposal(**changes: object) -> ProposalDoc:
    values: dict[str, object] = {
        "title": "Website redesign",
        "lead_ref": "L7",
        "version": 2,
        "client": Party("Гранель"),
        "agency": Party("Kettle Studio"),
        "issued_on": DAY,
        "items": (ITEM,),
    }
    return ProposalDoc(**{**values, **changes})  # type: ignore[arg-type]


def test_a_proposal_has_a_number_and_totals() -> None:
    doc = proposal()
    assert doc.number == "L7-v2"
    assert dict(doc.totals.totals) == {"EUR": 12_000}


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"items": ()}, "at least one line item"),
        ({"title": " "}, "proposal title cannot be empty"),
        ({"version": 0}, "starts at 1"),
        ({"valid_until": date(2026, 11, 1)}, "expire before"),
        ({"client": Party("")}, "client name cannot be empty"),
    ],
)
def test_bad_proposals(changes: dict[str, object], says: str) -> None:
    with pytest.raises(InputError, match=says):
        proposal(**changes)


def test_an_invoice_sums_its_lines_and_derives_its_state() -> None:
    invoice = InvoiceDoc(
        number="2026-0007",
        client=Party("Гранель"),
        agency=Party("Kettle Studio"),
        currency="RUB",
        issued_on=DAY,
        due_on=date(2026, 11, 20),
        lines=(InvoiceLine("Design", 30_000_000), InvoiceLine("Build", 24_300_000)),
        payments=(Payment(10_000_000, DAY),),
    )
    assert invoice.amount_minor == 54_300_000
    state = invoice.state(DAY)
    assert state.state is PaymentState.OVERDUE and state.outstanding_minor == 44_300_000
    with pytest.raises(InputError, match="more than 0"):
        InvoiceDoc("1", Party("C"), Party("A"), "EUR", DAY, (InvoiceLine("x", 0),))
    with pytest.raises(InputError, match="ISO 4217"):
        InvoiceDoc("1", Party("C"), Party("A"), "EURO", DAY, (InvoiceLine("x", 1),))

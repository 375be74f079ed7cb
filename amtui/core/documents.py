"""What a proposal or an invoice document says, as plain values (pure).

`amtui.io.documents` renders these to HTML, PDF, XLSX and Markdown; the storage layer only
has to fill them from its records (see the field comments for where each value comes from).
Every text field is untrusted data: the renderers escape it for each format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from amtui.core.currencies import check_currency
from amtui.core.errors import InputError
from amtui.core.estimates import EstimateTotals, LineItem, estimate_totals
from amtui.core.invoicing import InvoiceState, Payment, invoice_state
from amtui.core.money import MAX_MINOR
from amtui.core.money_config import AGENCY_FIELDS, DEFAULT_LOCALE, MoneySettings
from amtui.core.validate import check_name


@dataclass(frozen=True)
class Party:
    """The agency (from the config's `[agency]`) or the client (its record and contact)."""

    name: str
    contact: str = ""  # the person the document is addressed to or signed by
    address: str = ""  # may span lines
    email: str = ""
    phone: str = ""
    website: str = ""
    tax_id: str = ""  # VAT number, INN…
    details: str = ""  # free text, e.g. bank details on an invoice; may span lines


def agency_party(settings: MoneySettings) -> Party:
    """The agency from the config's `[agency]` (an empty name when it names none)."""
    return Party(**{key: settings.agency.get(key, "") for key in AGENCY_FIELDS})


@dataclass(frozen=True)
class ProposalDoc:
    """A costed proposal of a lead, one version of it."""

    title: str  # what is proposed: the lead's title unless the proposal names its own
    lead_ref: str  # "L7"
    version: int  # 1, 2… (each version is a new proposal record)
    client: Party
    agency: Party
    issued_on: date
    items: Sequence[LineItem]
    valid_until: date | None = None
    intro: str = ""  # a paragraph above the estimate
    notes: str = ""  # assumptions and terms under it
    prepared_by: str = ""  # the account manager's name
    locale: str = DEFAULT_LOCALE  # the client's locale, else the config's [documents] locale

    def __post_init__(self) -> None:
        check_name(self.title, "proposal title")
        check_name(self.client.name, "client name")
        if self.version < 1:
            raise InputError("a proposal version starts at 1")
        if not self.items:
            raise InputError("a proposal needs at least one line item")
        if self.valid_until is not None and self.valid_until < self.issued_on:
            raise InputError("a proposal cannot expire before it is issued")

    @property
    def number(self) -> str:
        """What the document is called in mail and file names: `L7-v2`."""
        return f"{self.lead_ref}-v{self.version}"

    @property
    def totals(self) -> EstimateTotals:
        return estimate_totals(self.items)


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    amount_minor: int


@dataclass(frozen=True)
class InvoiceDoc:
    """An invoice of a client; its amount is the sum of its lines (one line is fine)."""

    number: str  # given when issued (`amtui.core.invoicing.next_invoice_number`)
    client: Party
    agency: Party
    currency: str
    issued_on: date
    lines: Sequence[InvoiceLine]
    due_on: date | None = None
    status: str = "issued"
    payments: Sequence[Payment] = field(default_factory=tuple)
    notes: str = ""  # payment terms, a reference to the proposal or contract
    locale: str = DEFAULT_LOCALE

    def __post_init__(self) -> None:
        check_name(self.number, "invoice number")
        check_name(self.client.name, "client name")
        check_currency(self.currency)
        if not self.lines:
            raise InputError("an invoice needs at least one line")
        if any(line.amount_minor <= 0 for line in self.lines):
            raise InputError("every invoice line must be more than 0")
        if self.amount_minor > MAX_MINOR:
            raise InputError("the invoice total is too large")

    @property
    def amount_minor(self) -> int:
        return sum(line.amount_minor for line in self.lines)

    def state(self, today: date) -> InvoiceState:
        return invoice_state(
            amount_minor=self.amount_minor,
            status=self.status,
            due_on=self.due_on,
            payments=self.payments,
            today=today,
        )

"""Invoices in the app: a draft made from a client, a lead or a proposal, its lines added and
removed, its due date and notes edited, issuing it, a payment recorded, voiding an issued
one and deleting a draft; each through the same core services as `amtui invoice
new|add|remove-line|edit|issue|pay|void|rm` (one transaction each, the same checks and the same
one-line messages, shown in the form, which then stays open and writes nothing).

Voiding and deleting ask with `y` first (`ConfirmSpec`); what core would refuse (a draft to
void, an invoice with payments) is said before asking, through the same core checks.
"""

from __future__ import annotations

from amtui.core import invoices
from amtui.core.config import Config
from amtui.core.currencies import check_currency
from amtui.core.dates import local_today
from amtui.core.db import Database
from amtui.core.describe_money import amount_text, invoice_brief
from amtui.core.errors import InputError
from amtui.core.invoice_queries import InvoiceRow
from amtui.core.money import parse_amount
from amtui.core.proposals import get_proposal
from amtui.core.text import one_line
from amtui.core.validate import check_line
from amtui.tui.logic.fields import (
    Check,
    Clock,
    ConfirmSpec,
    FieldSpec,
    FormLoad,
    FormSpec,
    PromptLoad,
    PromptSpec,
    Saved,
    date_check,
)
from amtui.tui.logic.text import safe


def _summary(row: InvoiceRow) -> str:
    return safe(invoice_brief(row), 120)


def _row(db: Database, config: Config, now: Clock, reference: str) -> InvoiceRow:
    return invoices.get_invoice(
        db, reference, today=local_today(now(), config.timezone), config=config
    )


def amount_check(currency: str | None) -> Check:
    """`→ 1 200.00 EUR`: the amount as saving reads it, in the invoice's currency."""

    def check(text: str) -> str:
        if currency is None:
            return ""
        return f"→ {amount_text(parse_amount(text, currency, allow_zero=False), currency)}"

    return check


def _amount_field(currency: str | None, placeholder: str = "1200, 1 200,50, 12k") -> FieldSpec:
    return FieldSpec("amount", "Amount", placeholder, check=amount_check(currency))


def _day(config: Config, now: Clock, text: str) -> object:
    """A day field's value for core: None when empty."""
    text = text.strip()
    return config.read_day(text, now=now()) if text else None


def _currency(text: str) -> str | None:
    return check_currency(text) if text.strip() else None


# --- a new draft ---------------------------------------------------------------------------------


def new_invoice_form(db: Database, config: Config, now: Clock, reference: str) -> FormSpec:
    """A draft invoice of a client (`C3`), of a lead's client billing the lead (`L7`), or of
    a proposal (`P3`: a line per stage, optionally a share of it)."""
    if reference.startswith("P"):
        return _proposal_invoice_form(db, config, now, reference)
    lead = reference if reference.startswith("L") else None
    client = None if lead else reference
    found: dict[str, str] = {}
    fields = [
        FieldSpec("description", "Line", "a first line: Design, November (optional)"),
        _amount_field(config.default_currency),
        FieldSpec("currency", "Currency", config.default_currency or "EUR, USD, RUB…"),
        FieldSpec("due", "Due", "+14d, eom, 2027-01-15 (optional)", check=date_check(config, now)),
        FieldSpec("notes", "Notes", "payment terms, a contract reference"),
    ]

    def load() -> FormLoad:
        owner, code = invoices.invoice_defaults(db, client, config=config, lead=lead)
        found["client"] = owner.ref
        billing = f" (billing {lead})" if lead else ""
        return FormLoad(
            title=f"New invoice for {one_line(owner.name)} {owner.ref}{billing}",
            values={"currency": code} if code else {},
            fields=(_amount_field(code),),
        )

    def save(values: dict[str, str]) -> Saved:
        field = {name: value.strip() for name, value in values.items()}
        row = invoices.new_invoice(
            db,
            found["client"],
            now=now(),
            config=config,
            lines=invoices.first_line(field.get("description"), field.get("amount")),
            currency=_currency(field.get("currency", "")),
            lead=lead,
            due_on=_day(config, now, field.get("due", "")),  # type: ignore[arg-type]
            notes=field.get("notes", ""),
        )
        return Saved(f"Added {_summary(row)}", row.ref)

    return FormSpec(f"New invoice ({reference})", fields, {}, save, load=load)


def _proposal_invoice_form(db: Database, config: Config, now: Clock, reference: str) -> FormSpec:
    fields = [
        FieldSpec("percent", "Share", "100 (%); 50 bills an advance", check=_percent_check),
        FieldSpec("currency", "Currency", "the proposal's (one, if it has several)"),
        FieldSpec("due", "Due", "+14d, eom, 2027-01-15 (optional)", check=date_check(config, now)),
        FieldSpec("notes", "Notes", "default: the proposal's number and title"),
    ]

    def load() -> FormLoad:
        proposal = get_proposal(db, reference).proposal
        return FormLoad(title=f"Invoice {proposal.ref} {proposal.number}: a line per stage")

    def save(values: dict[str, str]) -> Saved:
        field = {name: value.strip() for name, value in values.items()}
        row = invoices.invoice_from_proposal(
            db,
            reference,
            now=now(),
            config=config,
            currency=_currency(field.get("currency", "")),
            percent=invoices.read_percent(field.get("percent") or "100"),
            due_on=_day(config, now, field.get("due", "")),  # type: ignore[arg-type]
            notes=field.get("notes", ""),
        )
        return Saved(f"Added {_summary(row)}", row.ref)

    return FormSpec(f"Invoice {reference}", fields, {"percent": "100"}, save, load=load)


def _percent_check(text: str) -> str:
    return f"→ {invoices.read_percent(text)}% of each stage"


# --- a draft's lines, due date and notes ------------------------------------------------


def line_form(db: Database, config: Config, now: Clock, reference: str) -> FormSpec:
    """A line for a draft: what it bills and its amount, in the invoice's currency."""
    fields = [
        FieldSpec("description", "Line", "Hosting, December"),
        _amount_field(None, "45, 1 200,50, 12k"),
    ]

    def load() -> FormLoad:
        row = _row(db, config, now, reference)
        return FormLoad(
            title=f"Add a line to {_summary(row)}", fields=(_amount_field(row.invoice.currency),)
        )

    def save(values: dict[str, str]) -> Saved:
        row = invoices.add_invoice_line(
            db,
            reference,
            values.get("description", ""),
            values.get("amount", ""),
            now=now(),
            config=config,
        )
        return Saved(f"Updated {_summary(row)}", row.ref)

    return FormSpec(f"Add a line to {reference}", fields, {}, save, load=load)


def _line_number(text: str) -> int:
    raw = text.strip()
    if not raw.isdigit():
        raise InputError(f"{one_line(text)!r} is not a line number; give one such as 2")
    return int(raw)


def remove_line_prompt(db: Database, config: Config, now: Clock, reference: str) -> PromptSpec:
    """Which line to take off the draft; the hint names it before Enter removes it."""

    def load() -> PromptLoad:
        row = _row(db, config, now, reference)
        invoices.check_draft(row.invoice)
        lines = row.lines

        def check(text: str) -> str:
            number = check_line(row.ref, _line_number(text), len(lines))
            line = lines[number - 1]
            amount = amount_text(line.amount_minor, row.invoice.currency)
            return f"→ removes {number}  {one_line(line.description)}  {amount}"

        return PromptLoad(
            title=f"Remove a line from {_summary(row)}",
            detail=f"{len(lines)} line{'s' if len(lines) != 1 else ''}: 1 to {len(lines)}"
            if lines
            else "it has no lines",
            check=check,
        )

    return PromptSpec(
        f"Remove a line from {reference}",
        keys="Enter remove · Esc cancel",
        placeholder="its number, as the detail view numbers them",
        required="give the number of the line to remove",
        load=load,
    )


def save_remove_line(db: Database, config: Config, now: Clock, reference: str, text: str) -> Saved:
    row = invoices.remove_invoice_line(db, reference, _line_number(text), now=now(), config=config)
    return Saved(f"Updated {_summary(row)}", row.ref)


def edit_form(db: Database, config: Config, now: Clock, reference: str) -> FormSpec:
    """A draft's due date and notes; an issued invoice's due date (a client asked for more
    time). Only what was changed is saved, so core's rules apply to exactly that."""
    original: dict[str, str] = {}
    fields = [
        FieldSpec("due", "Due", "+30d, 2027-01-15 (empty: none)", check=date_check(config, now)),
        FieldSpec("notes", "Notes", "payment terms (drafts only)"),
    ]

    def load() -> FormLoad:
        row = _row(db, config, now, reference)
        due = row.invoice.due_on.isoformat() if row.invoice.due_on else ""
        original.update(due=due, notes=row.invoice.notes)
        return FormLoad(title=f"Edit {_summary(row)}", values=dict(original), replace=True)

    def save(values: dict[str, str]) -> Saved:
        changes: dict[str, object] = {}
        if values.get("due", "").strip() != original.get("due", ""):
            changes["due_on"] = _day(config, now, values.get("due", ""))
        if values.get("notes", "").strip() != original.get("notes", "").strip():
            changes["notes"] = values.get("notes", "")
        if not changes:
            raise InputError("nothing changed; change the due date or the notes, or Esc")
        row = invoices.edit_invoice(db, reference, now=now(), config=config, **changes)
        return Saved(f"Updated {_summary(row)}", row.ref)

    return FormSpec(f"Edit {reference}", fields, {}, save, load=load, wait_for_load=True)


# --- issuing, payments, voiding, deleting --------------------------------------------------------


def issue_form(db: Database, config: Config, now: Clock, reference: str) -> FormSpec:
    """Issue the draft: it gets the next number; the issue day (today unless given) and the
    due day (the draft's, else given, else 14 days later)."""
    fields = [
        FieldSpec(
            "issued", "Issued on", "today (or yesterday, 2026-11-30)", check=date_check(config, now)
        ),
        FieldSpec("due", "Due", "the draft's, else 14 days after", check=date_check(config, now)),
    ]

    def load() -> FormLoad:
        row = _row(db, config, now, reference)
        invoices.check_draft(row.invoice)
        return FormLoad(title=f"Issue {_summary(row)}")

    def save(values: dict[str, str]) -> Saved:
        row = invoices.issue_invoice(
            db,
            reference,
            now=now(),
            config=config,
            issued_on=_day(config, now, values.get("issued", "")),  # type: ignore[arg-type]
            due_on=_day(config, now, values.get("due", "")),  # type: ignore[arg-type]
        )
        return Saved(f"Issued {_summary(row)}", row.ref)

    return FormSpec(f"Issue {reference}", fields, {}, save, load=load, enter_saves=True)


def payment_form(db: Database, config: Config, now: Clock, reference: str) -> FormSpec:
    """A payment received: the amount (a part is fine; more than is owed is refused), the day
    (today unless given, never in the future) and a bank reference."""
    fields = [
        _amount_field(None, "what was received"),
        FieldSpec("paid", "On", "today (or yesterday, 2026-11-30)", check=date_check(config, now)),
        FieldSpec("reference", "Reference", "bank reference or note (optional)"),
    ]

    def load() -> FormLoad:
        row = _row(db, config, now, reference)
        currency = row.invoice.currency
        owed = amount_text(row.state.outstanding_minor, currency)
        return FormLoad(
            title=f"Payment on {_summary(row)}",
            fields=(_amount_field(currency, f"{owed} owed; a part is fine"),),
        )

    def save(values: dict[str, str]) -> Saved:
        row = invoices.record_payment(
            db,
            reference,
            values.get("amount", ""),
            now=now(),
            config=config,
            paid_on=_day(config, now, values.get("paid", "")),  # type: ignore[arg-type]
            note=values.get("reference", ""),
        )
        return Saved(f"Paid {_summary(row)}", row.ref)

    return FormSpec(f"Payment on {reference}", fields, {}, save, load=load)


def void_prompt(reference: str) -> PromptSpec:
    return PromptSpec(
        f"Void {reference}: why is it cancelled?",
        keys="Enter next (asks y / n) · Esc cancel",
        placeholder="wrong client, replaced by a new invoice…",
        required="say why it is cancelled (it goes on the client's timeline)",
    )


def void_question(
    db: Database, config: Config, now: Clock, reference: str, reason: str
) -> ConfirmSpec:
    """`Void I4 2026-0003?`, or what core would refuse, said before asking."""
    row = _row(db, config, now, reference)
    invoices.check_voidable(row.invoice, len(row.payments))

    def yes() -> Saved:
        voided = invoices.void_invoice(db, reference, reason, now=now(), config=config)
        return Saved(f"Voided {_summary(voided)}", voided.ref)

    return ConfirmSpec(
        f"Void {_summary(row)}?",
        f"It keeps its number and owes nothing from now on. Reason: {one_line(reason)}",
        yes,
    )


def delete_question(db: Database, config: Config, now: Clock, reference: str) -> ConfirmSpec:
    """`Delete I4 (draft)?`: only a draft is deleted (an issued one is voided)."""
    row = _row(db, config, now, reference)
    invoices.check_draft(row.invoice)
    count = len(row.lines)

    def yes() -> Saved:
        return Saved(f"Deleted {invoices.delete_invoice(db, reference, now=now())}")

    return ConfirmSpec(
        f"Delete {_summary(row)}?",
        f"The draft and its {count} line{'s' if count != 1 else ''} go (u undoes it).",
        yes,
    )

"""What every document format shows, decided once: the document's plain values turned into
words and numbers formatted for the client's locale.

The HTML template, the Markdown writer and the spreadsheet all read these views, so the three
formats can never disagree on a total. Every text that came from outside (names, titles,
notes) passes through `amtui.core.text.clean` here (control, bidi and invisible characters
become visible escapes); escaping for a format (HTML entities, Markdown backslashes,
spreadsheet strings) is each writer's job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from amtui.core.documents import InvoiceDoc, Party, ProposalDoc
from amtui.core.estimates import LineItem, StageTotal
from amtui.core.invoicing import InvoiceState, InvoiceStatus, Payment, PaymentState
from amtui.core.money_locale import (
    check_locale,
    format_day,
    format_hours,
    format_money,
)
from amtui.core.text import clean
from amtui.io.documents.labels import labels_for


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs; single newlines stay (the template keeps them)."""
    return [part.strip() for part in clean(text).split("\n\n") if part.strip()]


@dataclass(frozen=True)
class PartyView:
    name: str
    lines: tuple[str, ...]  # contact, address lines, email, phone, website, tax id
    details: tuple[str, ...]  # e.g. bank details (shown on invoices)

    @property
    def summary(self) -> str:
        """The party in one line: its name, else its other lines ("" when `[agency]` names
        nothing: a document then leaves the sender out instead of printing an empty one)."""
        return self.name or " · ".join(self.lines)


def party_view(party: Party, labels: Mapping[str, str]) -> PartyView:
    lines = [party.contact, *party.address.splitlines(), party.email, party.phone, party.website]
    if party.tax_id.strip():
        lines.append(f"{labels['tax_id']} {party.tax_id.strip()}")
    return PartyView(
        name=clean(party.name.strip()),
        lines=tuple(clean(line.strip()) for line in lines if line.strip()),
        details=tuple(clean(line.rstrip()) for line in party.details.splitlines() if line.strip()),
    )


@dataclass(frozen=True)
class Amount:
    """A sum in one currency: formatted for the locale, and exact for spreadsheets."""

    currency: str
    minor: int
    text: str


@dataclass(frozen=True)
class LineView:
    who: str
    description: str
    hours: str
    rate: str
    amount: str
    item: LineItem


@dataclass(frozen=True)
class StageView:
    name: str
    hours: str
    totals: tuple[Amount, ...]
    lines: tuple[LineView, ...]
    stage: StageTotal


@dataclass(frozen=True)
class ProposalView:
    kind: str  # "proposal"
    t: Mapping[str, str]  # the labels in the client's language
    lang: str  # the HTML lang attribute: "ru", "en"
    locale: str
    number: str
    title: str
    issued: str
    valid_until: str | None
    intro: tuple[str, ...]
    notes: tuple[str, ...]
    prepared_by: str
    agency: PartyView
    client: PartyView
    stages: tuple[StageView, ...]
    totals: tuple[Amount, ...]
    hours: str
    multi_currency: bool  # lines in more than one currency: show the currency per line


def _amounts(totals: Mapping[str, int], locale: str) -> tuple[Amount, ...]:
    return tuple(
        Amount(cur, minor, format_money(minor, cur, locale)) for cur, minor in totals.items()
    )


def proposal_view(doc: ProposalDoc) -> ProposalView:
    locale = check_locale(doc.locale)
    labels = labels_for(locale)
    totals = doc.totals
    stages = tuple(
        StageView(
            name=clean(stage.stage),
            hours=format_hours(stage.centihours, locale),
            totals=_amounts(stage.totals, locale),
            lines=tuple(
                LineView(
                    who=clean(item.who),
                    description=clean(item.description),
                    hours=format_hours(item.centihours, locale),
                    rate=format_money(item.rate_minor, item.currency, locale),
                    amount=format_money(item.amount_minor, item.currency, locale),
                    item=item,
                )
                for item in stage.items
            ),
            stage=stage,
        )
        for stage in totals.stages
    )
    return ProposalView(
        kind="proposal",
        t=labels,
        lang=locale.split("_")[0],
        locale=locale,
        number=clean(doc.number),
        title=clean(doc.title.strip()),
        issued=format_day(doc.issued_on, locale),
        valid_until=format_day(doc.valid_until, locale) if doc.valid_until else None,
        intro=tuple(_paragraphs(doc.intro)),
        notes=tuple(_paragraphs(doc.notes)),
        prepared_by=clean(doc.prepared_by.strip()),
        agency=party_view(doc.agency, labels),
        client=party_view(doc.client, labels),
        stages=stages,
        totals=_amounts(totals.totals, locale),
        hours=format_hours(totals.centihours, locale),
        multi_currency=len(totals.totals) > 1,
    )


@dataclass(frozen=True)
class InvoiceLineView:
    description: str
    amount: Amount


@dataclass(frozen=True)
class PaymentView:
    day: str
    amount: Amount
    payment: Payment


@dataclass(frozen=True)
class InvoiceView:
    kind: str  # "invoice"
    t: Mapping[str, str]
    lang: str
    locale: str
    number: str
    currency: str
    issued: str
    due: str | None
    status: str  # "" for an issued invoice, else the stamp ("Draft", "Void", "Paid")
    agency: PartyView
    client: PartyView
    lines: tuple[InvoiceLineView, ...]
    total: Amount
    paid: Amount
    outstanding: Amount
    payments: tuple[PaymentView, ...]
    notes: tuple[str, ...]
    state: InvoiceState


def invoice_view(doc: InvoiceDoc, today: date) -> InvoiceView:
    locale = check_locale(doc.locale)
    labels = labels_for(locale)
    state = doc.state(today)

    def amount(minor: int) -> Amount:
        return Amount(doc.currency, minor, format_money(minor, doc.currency, locale))

    stamp = {
        InvoiceStatus.DRAFT.value: labels["status_draft"],
        InvoiceStatus.VOID.value: labels["status_void"],
    }.get(doc.status, labels["paid"] if state.state is PaymentState.PAID else "")
    payments: Sequence[Payment] = sorted(doc.payments, key=lambda p: p.paid_on)
    return InvoiceView(
        kind="invoice",
        t=labels,
        lang=locale.split("_")[0],
        locale=locale,
        number=clean(doc.number),
        currency=doc.currency,
        issued=format_day(doc.issued_on, locale),
        due=format_day(doc.due_on, locale) if doc.due_on else None,
        status=stamp,
        agency=party_view(doc.agency, labels),
        client=party_view(doc.client, labels),
        lines=tuple(
            InvoiceLineView(clean(line.description), amount(line.amount_minor))
            for line in doc.lines
        ),
        total=amount(doc.amount_minor),
        paid=amount(state.paid_minor),
        # What the document asks for: the unpaid rest (also on a draft; nothing once void).
        outstanding=amount(
            0 if doc.status == InvoiceStatus.VOID.value else doc.amount_minor - state.paid_minor
        ),
        payments=tuple(
            PaymentView(format_day(p.paid_on, locale), amount(p.amount_minor), p) for p in payments
        ),
        notes=tuple(_paragraphs(doc.notes)),
        state=state,
    )

"""Invoices in the app (issue 10): a draft from the client view, a lead or a proposal; lines
added and removed; issuing; a partial payment; voiding and deleting after `y`. Each form calls
core's invoice services: bad input leaves the form open with core's one-line message and
writes nothing. Assertions are on the database and on the messages the app posted."""

from __future__ import annotations

from datetime import date
from typing import Any

from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.invoices import get_invoice, issue_invoice, new_invoice
from amtui.core.models import Invoice, Payment
from amtui.tui.screens.confirm import ConfirmScreen, PromptScreen
from amtui.tui.screens.detail import DetailScreen
from amtui.tui.screens.forms import FormScreen
from tests.conftest import NOW
from tests.storage import count
from tests.tui.conftest import drive, notes, settle

TODAY = date(2026, 11, 25)


def invoice(db: Database, config: Config, ref: str) -> Any:
    return get_invoice(db, ref, today=TODAY, config=config)


def form_error(app: Any) -> str:
    return str(app.screen.query_one("#form-error").render())


async def fill(pilot: Any, *values: str) -> None:
    """Type each value into the next field (Enter moves on; the last one saves)."""
    for text in values:
        await pilot.press(*text, "enter") if text else await pilot.press("enter")


def test_an_invoice_is_made_lined_issued_and_paid_from_the_client_view(
    make_app, money, config
) -> None:
    app = make_app()

    async def scenario(pilot) -> None:
        app.actions.open_record("C1")
        await settle(pilot)
        await pilot.press("I")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"Design, November", "enter", *"-5")
        await pilot.press("ctrl+s")  # refused by core: the form stays, nothing is written
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "'-5' is negative" in form_error(app)
        assert count(money, Invoice) == 1
        assert app.screen.values()["currency"] == "EUR"  # the client's, as core picks it
        await pilot.press("backspace", "backspace", *"1 200,50", "tab", "ctrl+u", *"XYZ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "'XYZ' is not an ISO 4217 currency code" in form_error(app)
        assert count(money, Invoice) == 1
        await pilot.press("ctrl+u", "ctrl+s")  # empty: the client's currency
        await settle(pilot)
        # The new draft opens in its detail view, where its keys are.
        assert isinstance(app.screen, DetailScreen) and app.screen.ref == "I2"
        draft = invoice(money, config, "I2")
        assert (draft.invoice.status, draft.invoice.currency) == ("draft", "EUR")
        assert draft.invoice.amount_minor == 120_050

        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "Hosting, December", "45")
        await settle(pilot)
        assert [line.description for line in invoice(money, config, "I2").lines] == [
            "Design, November",
            "Hosting, December",
        ]
        await pilot.press("D")  # remove line 1
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("9", "enter")  # no such line: the prompt refuses it and stays
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("backspace", "1", "enter")
        await settle(pilot)
        draft = invoice(money, config, "I2")
        assert [line.description for line in draft.lines] == ["Hosting, December"]
        assert draft.invoice.amount_minor == 4_500

        await pilot.press("S")  # issue: Enter saves (today; due 14 days later)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        issued = invoice(money, config, "I2").invoice
        assert (issued.status, issued.number) == ("issued", "2026-0002")
        assert issued.due_on == date(2026, 12, 9)

        await pilot.press("P")
        await settle(pilot)
        await pilot.press(*"100", "ctrl+s")  # more than the 45.00 EUR owed
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "more than the 45.00 EUR still owed" in form_error(app)
        assert count(money, Payment, "invoice_id = 2") == 0
        await pilot.press("backspace", "backspace", "backspace", *"20", "ctrl+s")
        await settle(pilot)
        paid = invoice(money, config, "I2")
        assert (paid.state.paid_minor, paid.state.outstanding_minor) == (2_000, 2_500)
        assert app.screen.query_one("#detail-fields").text()["owed"] == "25.00 EUR"

        await pilot.press("V")  # voiding one with payments is refused before asking
        await settle(pilot)
        await pilot.press(*"wrong client", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "I2 has payments against it; it cannot be voided" in notes(app)
        assert invoice(money, config, "I2").invoice.status == "issued"

    drive(app, scenario)


async def open_then(pilot: Any, ref: str, key: str) -> None:
    """Open `ref`'s detail view and press `key` there."""
    pilot.app.actions.open_record(ref)
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)


def test_an_invoice_dated_after_today_is_refused_in_the_issue_form(make_app, money, config) -> None:
    """Core's rule (`check_issue_date`), in the form as in `amtui invoice issue --on`: one
    line, the form stays open with what was typed, the draft keeps no number."""
    draft = new_invoice(money, "Granel", now=NOW, config=config, lines=[("Audit", "900")])
    app = make_app()

    async def scenario(pilot) -> None:
        await open_then(pilot, draft.ref, "S")
        await pilot.press(*"tomorrow", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        error = form_error(app)
        assert error.startswith("an invoice cannot be dated after today: 2026-11-26")
        assert "\n" not in error.strip()
        assert invoice(money, config, draft.ref).invoice.status == "draft"
        await pilot.press(*["backspace"] * len("tomorrow"), *"yesterday", "enter")
        await settle(pilot)
        issued = invoice(money, config, draft.ref).invoice
        assert (issued.status, issued.issued_on) == ("issued", date(2026, 11, 24))

    drive(app, scenario)


def test_voiding_and_deleting_ask_with_y(make_app, money, config) -> None:
    issued = new_invoice(money, "Granel", now=NOW, config=config, lines=[("Audit", "900")])
    issue_invoice(money, issued.ref, now=NOW, config=config)
    draft = new_invoice(money, "Granel", now=NOW, config=config, lines=[("Extra", "50")])
    app = make_app()

    async def scenario(pilot) -> None:
        await open_then(pilot, draft.ref, "d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # kept
        await settle(pilot)
        assert count(money, Invoice, "id = :id", {"id": draft.invoice.id}) == 1
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert count(money, Invoice, "id = :id", {"id": draft.invoice.id}) == 0
        assert not isinstance(app.screen, DetailScreen)  # its view closed with it

        app.actions.open_record(issued.ref)
        await settle(pilot)
        await pilot.press("d")  # an issued invoice is voided, never deleted: not offered
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("V")
        await settle(pilot)
        await pilot.press("enter")  # a reason is required
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"sent to the wrong contact", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # no
        await settle(pilot)
        assert invoice(money, config, issued.ref).invoice.status == "issued"
        await pilot.press("V")
        await settle(pilot)
        await pilot.press(*"sent to the wrong contact", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        voided = invoice(money, config, issued.ref).invoice
        assert (voided.status, voided.number) == ("void", "2026-0002")

    drive(app, scenario)


def test_an_invoice_of_a_proposal_bills_a_share_of_each_stage(make_app, money, config) -> None:
    app = make_app()

    async def scenario(pilot) -> None:
        app.actions.open_record("P1")
        await settle(pilot)
        await pilot.press("I")
        await settle(pilot)
        await pilot.press("ctrl+a", "ctrl+k", *"150", "ctrl+s")  # not a share
        await settle(pilot)
        assert "the share to invoice must be a percent" in form_error(app)
        await pilot.press("backspace", "backspace", "backspace", *"50%", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.ref == "I2"

    drive(app, scenario)
    made = invoice(money, config, "I2")
    assert [(line.description, line.amount_minor) for line in made.lines] == [
        ("Design (50%)", 200_000),
        ("Build (50%)", 400_000),
    ]
    assert made.invoice.lead_id == 3 and made.invoice.proposal_id == 1


def test_a_lead_without_a_client_cannot_be_invoiced_and_a_lines_text_is_data(
    make_app, money, config
) -> None:
    app = make_app()
    hostile = "[bold red]x[/] [@click=app.quit]"

    async def scenario(pilot) -> None:
        app.actions.open_record("L2")  # a partner's lead, no client yet
        await settle(pilot)
        await pilot.press("I")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert "L2 has no client yet" in notes(app)
        await pilot.press("escape")
        app.actions.open_record("L3")  # Granel's: the invoice bills the lead
        await settle(pilot)
        await pilot.press("I")
        await settle(pilot)
        await pilot.press(*hostile, "enter", *"10", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.ref == "I2"
        assert hostile in str(app.screen.query_one("#detail-related").render())

    drive(app, scenario)
    made = invoice(money, config, "I2")
    assert (
        made.client_name == "Granel"
        and made.invoice.lead_id == 3
        and made.invoice.amount_minor == 1_000
    )


def test_a_leads_value_previews_in_its_own_currency(seeded, config) -> None:
    """Lead values are in their currency's minor unit (JPY has none): the edit form's preview
    reads the value as saving will, in the lead's currency."""
    import pytest

    from amtui.core.errors import InputError
    from amtui.core.leads import LeadDraft, add_lead
    from amtui.tui.logic.lead_forms import lead_form

    lead = add_lead(
        seeded, LeadDraft(title="Menu app", value="150 000", currency="JPY"), now=NOW, config=config
    ).lead
    spec = lead_form(seeded, config, lambda: NOW, lead.ref)
    assert spec.load is not None
    loaded = spec.load()
    assert (loaded.values["value"], loaded.values["currency"]) == ("150000", "JPY")
    value = next(field for field in loaded.fields if field.name == "value")
    assert value.check is not None and value.check("150000") == "→ 150 000 JPY"
    with pytest.raises(InputError, match="more decimals than JPY allows"):
        value.check("10.5")

"""The app's money views (issue 10): the accounts (`5`, Tab to the pipeline board, whose own
tests are in test_pipeline.py), the client view's money, a proposal and an invoice in the
detail view; snapshots of the accounts and the client view."""

from __future__ import annotations

from datetime import date
from typing import Any

from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.money_views import build_portfolio
from amtui.core.proposals import new_proposal
from amtui.tui.keys import verb_bindings
from amtui.tui.logic.money import portfolio_lines
from tests.conftest import NOW
from tests.tui.conftest import detail_fields, drive, notes, press, settle


def texts(lines: list[Any]) -> list[str]:
    return [line.text for line in lines]


def test_portfolio_lines_mark_key_accounts(money: Database, config: Config) -> None:
    text = texts(portfolio_lines(build_portfolio(money, now=NOW, config=config)))
    granel = next(line for line in text if "Granel" in line)
    assert "80%" in granel and "paid 2 000.00 EUR" in granel and "owed 2 000.00 EUR" in granel
    assert "Pareto by paid, EUR total 2 000.00 EUR" in text


def test_keys_open_the_accounts_and_tab_goes_to_the_pipeline_board(make_app, money) -> None:
    from amtui.tui.screens.money import MoneyList, MoneyScreen
    from amtui.tui.screens.pipeline import PipelineScreen

    app = make_app()

    async def scenario(pilot) -> None:
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MoneyScreen)
        assert "C1" in screen.query_one(MoneyList).lines
        await pilot.press("tab")
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen)
        await pilot.press("tab")
        await settle(pilot)
        assert isinstance(app.screen, MoneyScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen)

    drive(app, scenario)


def test_the_client_view_has_its_money_invoices_and_proposals(make_app, money) -> None:
    from amtui.tui.screens.detail import DetailScreen

    app = make_app()

    async def scenario(pilot) -> None:
        app.actions.open_record("C1")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        related = str(screen.query_one("#detail-related").render())
        assert "Money" in related and "outstanding 2 000.00 EUR" in related
        lines = "\n".join(records(app))
        assert "\nI1  invoice 2026-0001 · Granel  4 000.00 EUR  overdue 10 days" in lines
        proposal = "P1  L3-v1  Website for a new residential complex  12 000.00 EUR  sent today"
        assert f"\n{proposal}" in lines
        await pilot.press("escape")
        app.actions.open_record("I1")
        await settle(pilot)
        fields = app.screen.query_one("#detail-fields").text()
        assert fields["owed"] == "2 000.00 EUR" and fields["number"] == "2026-0001"
        await pilot.press("escape")
        app.actions.open_record("P1")
        await settle(pilot)
        assert app.screen.query_one("#detail-fields").text()["total"] == "12 000.00 EUR"

    drive(app, scenario)


def records(app: Any) -> list[str]:
    """The client view's record lines (headings too), as they read."""
    from amtui.tui.widgets.detail import RecordList

    return [row.content.plain for row in app.screen.query_one(RecordList).row_list.rows]


def test_the_client_views_records_are_rows_that_open(make_app, money) -> None:
    """Enter on an invoice (a proposal, a lead, a task) of the client view opens it; `C`
    there goes back to the client underneath instead of stacking another view of it."""
    from amtui.tui.screens.detail import DetailScreen

    app = make_app()

    async def scenario(pilot) -> None:
        app.actions.open_record("C1")
        await settle(pilot)
        lines = records(app)
        assert lines[0] == "Open leads 1" and lines[1].startswith("L3  proposal-sent  Website")
        assert "Invoices 1" in lines and "Proposals 1" in lines
        screen = app.screen
        # The cursor starts on L3; j goes down the records, over the headings: T4, T2, I1.
        await press(pilot, "j", "j", "j")
        assert screen.focused is not None and screen.focused.current_ref == "I1"
        await press(pilot, "enter")
        assert isinstance(app.screen, DetailScreen) and app.screen.ref == "I1"
        await press(pilot, "C")
        assert app.screen is screen and len(app.screen_stack) == 2
        await press(pilot, "G", "enter")
        assert app.screen.ref == "P1"

    drive(app, scenario)


def test_c_opens_the_client_of_a_lead_task_proposal_or_invoice(make_app, money) -> None:
    """The same key on a record's detail view, a board card, an inbox lead; a record with no
    client says so in one line and opens nothing."""
    from amtui.tui.screens.detail import DetailScreen

    app = make_app()

    async def scenario(pilot) -> None:
        for ref, client in (("L3", "C1"), ("T2", "C1"), ("P1", "C1"), ("I1", "C1"), ("T3", "C2")):
            app.actions.open_record(ref)
            await settle(pilot)
            offered = app.screen.active_bindings["C"]  # in the footer
            assert offered.enabled and offered.binding.show
            assert offered.binding.id == "detail.client"
            await press(pilot, "C")
            assert isinstance(app.screen, DetailScreen) and app.screen.ref == client, ref
            assert detail_fields(app)["time zone"].startswith(
                {"C1": "Europe/Berlin", "C2": "America/New_York"}[client]
            )
            await press(pilot, "escape", "escape")
        assert len(app.screen_stack) == 1
        main = app.main_screen
        await press(pilot, "1")
        main.inbox.row_list.select_key("L2")
        await press(pilot, "C")
        assert len(app.screen_stack) == 1
        assert "L2 has no client yet" in notes(app).splitlines()
        main.inbox.row_list.select_key("L3")
        await press(pilot, "C")
        assert app.screen.ref == "C1"

    drive(app, scenario)
    for place in ("inbox", "board", "agenda", "pipeline", "detail"):
        keys = {binding.id: binding.key for binding in verb_bindings(place)}
        assert keys[f"{place}.client"] == "C", place


def _press(*keys: str):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


def test_snapshot_portfolio(snap_compare, make_app, money) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_press("5"))


def test_snapshot_client_view(snap_compare, make_app, money) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.actions.open_record("C1")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)


def test_a_new_version_takes_a_line_from_its_form_and_is_sent(make_app, money) -> None:
    from amtui.core.proposals import get_proposal
    from amtui.tui.screens.detail import DetailScreen
    from amtui.tui.screens.forms import FormScreen

    app = make_app()

    async def scenario(pilot) -> None:
        app.actions.open_record("L3")
        await settle(pilot)
        await pilot.press("p")  # the next version, a copy of v1, opens in its detail view
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.ref == "P2"
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        for text in ("QA", "tester", "1h30m", "-5"):
            await pilot.press(*text, "enter")
        await pilot.press("ctrl+s")  # refused: the form stays, with the reason
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert len(get_proposal(money, "P2").items) == 2
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        for text in ("QA", "tester", "1h30m", "80"):
            await pilot.press(*text, "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        details = get_proposal(money, "P2")
        assert details.totals.totals == {"EUR": 1_212_000}  # 12 000 + 1.5 h × 80
        await pilot.press("S")
        await settle(pilot)
        assert get_proposal(money, "P2").proposal.status == "sent"
        assert app.screen.query_one("#detail-fields").text()["status"] == "sent today"

    drive(app, scenario)


def test_a_lines_rate_preview_is_in_the_currency_the_line_gets(money, config) -> None:
    """A draft whose lines are in EUR previews a rate in EUR, whatever the config's default
    (the line is saved in EUR: `proposals.line_currency`)."""
    import dataclasses

    from amtui.tui.logic.proposal_forms import line_form

    usd = dataclasses.replace(config, default_currency="USD")
    draft = new_proposal(money, "L3", now=NOW, today=date(2026, 11, 25)).proposal.ref
    form = line_form(money, usd, lambda: NOW, draft)
    before = next(f for f in form.fields if f.name == "rate")
    assert form.load is not None
    loaded = form.load()
    (rate,) = loaded.fields
    assert before.check is not None and rate.check is not None
    assert before.check("95") == "→ 95.00 USD per hour"  # nothing known yet: the default
    assert rate.check("1 500,50") == "→ 1 500.50 EUR per hour"

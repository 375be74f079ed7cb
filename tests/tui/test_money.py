"""The app's money views (issue 10): the pipeline and the accounts (`4`, `5`, Tab), a
pipeline move with the lead workflow's rules, the client view's money, a proposal and an
invoice in the detail view; snapshots of the three main money screens."""

from __future__ import annotations

from datetime import date
from typing import Any

from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.describe import View
from amtui.core.money_views import build_pipeline, build_portfolio
from amtui.core.proposals import new_proposal
from amtui.tui.logic.money import pipeline_lines, portfolio_lines
from tests.conftest import NOW
from tests.tui.conftest import drive, settle


def texts(lines: list[Any]) -> list[str]:
    return [line.text for line in lines]


def test_pipeline_lines_say_stage_totals_values_and_the_forecast(
    money: Database, config: Config
) -> None:
    lines = pipeline_lines(build_pipeline(money, now=NOW, config=config), View(config, NOW))
    text = texts(lines)
    assert "proposal-sent 1  12 000.00 EUR · 50%" in text
    lead = next(line for line in lines if line.key == "L3")
    assert "12 000.00 EUR  Granel  check receipt" in lead.text
    assert text[-1] == "open 12 000.00 EUR · weighted forecast 6 000.00 EUR"


def test_portfolio_lines_mark_key_accounts(money: Database, config: Config) -> None:
    text = texts(portfolio_lines(build_portfolio(money, now=NOW, config=config)))
    granel = next(line for line in text if "Granel" in line)
    assert "80%" in granel and "paid 2 000.00 EUR" in granel and "owed 2 000.00 EUR" in granel
    assert "Pareto by paid, EUR total 2 000.00 EUR" in text


def test_keys_open_the_views_and_a_pipeline_move_follows_the_rules(make_app, money) -> None:
    from amtui.core.lead_queries import get_lead_details
    from amtui.tui.screens.forms import FormScreen
    from amtui.tui.screens.money import MoneyList, MoneyScreen

    app = make_app()

    async def scenario(pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MoneyScreen) and screen.view_name == "pipeline"
        money_list = screen.query_one(MoneyList)
        assert money_list.current_ref == "L2"  # the first lead, in the first stage
        assert money_list.lines["L3"].text.startswith("L3  Website for a new residential")
        await pilot.press("s")  # the stage form of `lead stage`: the next stage preselected
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert get_lead_details(money, "L2").row.lead.stage == "contacted"
        rows = [row.content.plain for row in money_list.row_list.rows]
        contacted = next(i for i, row in enumerate(rows) if row.startswith("contacted"))
        briefed = next(i for i, row in enumerate(rows) if row.startswith("briefed"))
        moved = next(i for i, row in enumerate(rows) if row.startswith("L2  SEO audit"))
        assert contacted < moved < briefed  # the view reloaded after the move
        await pilot.press("tab")
        await settle(pilot)
        assert screen.view_name == "accounts"
        assert "C1" in screen.query_one(MoneyList).lines
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, MoneyScreen) and app.screen.view_name == "accounts"

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
        assert "I1  invoice 2026-0001 · Granel  4 000.00 EUR  overdue 10 days" in related
        assert (
            "P1  L3-v1  Website for a new residential complex  12 000.00 EUR  sent today" in related
        )
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


def _press(*keys: str):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


def test_snapshot_pipeline(snap_compare, make_app, money) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_press("4"))


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

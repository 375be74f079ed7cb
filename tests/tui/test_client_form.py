"""Editing a client in the app (issue 10, key accounts): `e` in the client view or on a client
of the accounts view opens a form with its name, time zone, KAM scores and relationship stage;
saving goes through `edit_client` (as `amtui client edit` does), so what core refuses stays in
the form as one line and writes nothing. Assertions are on the database and posted messages."""

from __future__ import annotations

from typing import Any

from amtui.core.clients import get_client_details
from amtui.core.db import Database
from amtui.core.models import Client
from amtui.tui.screens.detail import DetailScreen
from amtui.tui.screens.forms import FormScreen
from tests.tui.conftest import detail_fields, drive, notes, settle


def client(db: Database, ref: str) -> Client:
    return get_client_details(db, ref).client


def form_error(app: Any) -> str:
    return str(app.screen.query_one("#form-error").render())


async def edit_client_view(pilot: Any) -> None:
    """Open the client view of Granel (C1) and press `e` in it."""
    pilot.app.actions.open_record("C1")
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FormScreen)


async def to_field(pilot: Any, name: str) -> None:
    """Tab to the form's field `name` and clear it."""
    for _ in range(8):
        if pilot.app.focused is not None and pilot.app.focused.id == f"field-{name}":
            break
        await pilot.press("tab")
    await pilot.press("ctrl+u")


def test_the_client_view_edits_the_kam_scores_and_the_stage(make_app, money) -> None:
    app = make_app()
    before = client(money, "C1")
    assert (before.name, before.kam_attractiveness, before.kam_relationship) == ("Granel", 5, 4)

    async def scenario(pilot) -> None:
        app.actions.open_record("C1")
        await settle(pilot)
        assert "Strategic" in detail_fields(app)["KAM"]
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        values = app.screen.values()
        assert (values["attractiveness"], values["relationship"]) == ("5", "4")
        assert values["stage"] == before.relationship_stage
        await to_field(pilot, "attractiveness")
        await pilot.press("7", "ctrl+s")  # refused: the form stays, nothing is written
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "attractiveness must be a score from 1 to 5, not 7" in form_error(app)
        assert client(money, "C1").kam_attractiveness == 5
        await pilot.press("backspace", "3")
        await to_field(pilot, "relationship")
        await pilot.press("2", "down")  # ↓ from a text field: the next relationship stage
        assert app.screen.values()["stage"] == "operational"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        fields = detail_fields(app)
        assert "Streamline" in fields["KAM"]
        assert fields["relationship stage"] == "operational (2 of 4)"

    drive(app, scenario)
    after = client(money, "C1")
    assert (after.kam_attractiveness, after.kam_relationship) == (3, 2)
    assert after.relationship_stage == "operational"
    assert after.name == "Granel"  # only what was changed is saved
    assert "Updated C1 Granel: Streamline" in notes(app)


def test_escape_on_a_client_of_the_accounts_view_changes_nothing(make_app, money) -> None:
    from amtui.tui.screens.money import MoneyList, MoneyScreen

    app = make_app()

    async def scenario(pilot) -> None:
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, MoneyScreen)
        assert app.screen.query_one(MoneyList).current_ref == "C1"
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        await to_field(pilot, "attractiveness")
        await pilot.press("1", "escape")
        await settle(pilot)
        assert isinstance(app.screen, MoneyScreen)

    drive(app, scenario)
    after = client(money, "C1")
    assert (after.kam_attractiveness, after.kam_relationship) == (5, 4)
    assert "Updated" not in notes(app)


def test_an_empty_score_takes_the_client_off_the_quadrant(make_app, money) -> None:
    app = make_app()

    async def scenario(pilot) -> None:
        await edit_client_view(pilot)
        await to_field(pilot, "timezone")
        await pilot.press(*"Mars/Olympus", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "Mars/Olympus" in form_error(app)
        await to_field(pilot, "timezone")
        await pilot.press(*"Asia/Tokyo")
        await to_field(pilot, "relationship")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert detail_fields(app)["KAM"] == "attractiveness 5, relationship -"

    drive(app, scenario)
    after = client(money, "C1")
    assert (after.kam_attractiveness, after.kam_relationship) == (5, None)
    assert after.timezone == "Asia/Tokyo"

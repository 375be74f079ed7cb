"""The pipeline board (`4`, issue 10): a column per stage with its count, totals per currency
and weighted value, the same numbers as `amtui pipeline`; H/L move a lead with the rules of
`amtui lead stage` (proposal-sent starts the ladder, won asks first); Enter, Tab, Esc; a
phone-sized screen; snapshots.

Seed (tests/tui/conftest.py) plus `pipeline`: new L2 (no value) and L3 (Granel, 12k EUR);
contacted L1 (Sakura Foods); negotiating L4 (Sakura, 8 000 USD) and L8 (no client,
5 000 EUR); won L5 three days ago; lost L6 five days ago and L7 sixty days ago (too old to show).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from amtui.core import lead_queries, leads
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.pipeline import change_stage, lose_lead, win_lead
from tests.conftest import NOW
from tests.tui.conftest import after_keys, drive, notes, posted, press, screen_text, settle


def _lead(db: Database, config: Config, title: str, days_ago: int, **fields: Any) -> str:
    at = NOW - timedelta(days=days_ago)
    draft = leads.LeadDraft(title=title, received=at, **fields)
    return leads.add_lead(db, draft, now=at, config=config).lead.ref


@pytest.fixture
def pipeline(seeded: Database, config: Config) -> Database:
    day = timedelta(days=1)
    l4 = _lead(seeded, config, "Brand book", 9, client="Sakura Foods", value="8000", currency="USD")
    change_stage(seeded, l4, "negotiating", now=NOW - 8 * day, config=config)
    l5 = _lead(seeded, config, "Mobile app MVP", 20, client="Blue Harbor Hotels", value="30k",
               currency="EUR")  # fmt: skip
    win_lead(seeded, l5, now=NOW - 3 * day, config=config)
    l6 = _lead(seeded, config, "Newsletter redesign", 10, value="4000", currency="EUR")
    lose_lead(seeded, l6, "price", now=NOW - 5 * day)
    l7 = _lead(seeded, config, "Old portal", 90, value="1000", currency="EUR")
    lose_lead(seeded, l7, "timing", now=NOW - 60 * day)
    l8 = _lead(seeded, config, "Landing page for a fair", 4, value="5000", currency="EUR")
    change_stage(seeded, l8, "negotiating", now=NOW - 2 * day, config=config)
    assert (l4, l5, l6, l7, l8) == ("L4", "L5", "L6", "L7", "L8")
    return seeded


def stage_of(db: Database, ref: str) -> str:
    return lead_queries.get_lead_details(db, ref).row.lead.stage


def board_of(app: Any) -> Any:
    from amtui.tui.screens.pipeline import PipelineScreen

    screen = app.screen
    assert isinstance(screen, PipelineScreen), screen
    return screen.board


def offered(app: Any) -> set[str]:
    """The verbs whose keys the footer offers now."""
    return {
        b.binding.action.removeprefix("verb('").removesuffix("')")
        for b in app.screen.active_bindings.values()
        if b.binding.action.startswith("verb(")
    }


def test_the_board_shows_what_amtui_pipeline_prints(make_app, pipeline, monkeypatch) -> None:
    """Every column: the same leads in the same order, the same count and totals per currency
    (never added across currencies), the same weighted value; the head has the forecast."""
    from typer.testing import CliRunner

    from amtui.cli.context import Runtime
    from amtui.cli.main import app as cli_app
    from amtui.core.describe_money import amount_text

    monkeypatch.setattr(Runtime, "now", NOW)
    result = CliRunner().invoke(cli_app, ["pipeline", "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    printed = json.loads(result.stdout)

    def sums(data: dict[str, Any], between: str = " + ") -> str:
        return between.join(amount_text(v["minor"], cur) for cur, v in data.items())

    app = make_app()

    async def scenario(pilot):
        await press(pilot, "4")
        board = board_of(app)
        columns = {
            column.column_name: (
                column.total,
                [row.key for row in column.row_list.rows],
                column.head.render().plain,
            )
            for column in board.columns
        }
        return columns, str(app.screen.head.render())

    columns, head = drive(app, scenario)
    assert [s["stage"] for s in printed["stages"]] == list(columns)
    for stage in printed["stages"]:
        count, refs, text = columns[stage["stage"]]
        assert count == stage["count"]
        assert refs == [lead["ref"] for lead in stage["leads"]]
        assert text.startswith(sums(stage["totals"], "\n") or "no value")
        if stage["weighted"]:
            chance = f"{stage['probability']}% → "
            weighted = sums(stage["weighted"], "\n" + " " * len(chance))
            assert text.endswith(f"{chance}{weighted}")
    assert columns["negotiating"][2] == (
        "8 000.00 USD\n5 000.00 EUR\n70% → 5 600.00 USD\n      3 500.00 EUR"
    )
    assert columns["won"][:2] == (1, ["L5"]) and columns["lost"][:2] == (1, ["L6"])
    assert "last 30 days" in columns["lost"][2]  # [money] closed_days
    assert f"open {sums(printed['open'])}" in head
    assert f"weighted forecast {sums(printed['forecast'])}" in head


def test_on_a_teams_database_the_board_shows_whose_leads_the_main_screen_does(
    make_app, pipeline, config
) -> None:
    """Mine (and nobody's) by default, as `amtui pipeline` without --owner; `o` on the main
    screen shows the team's here too. Ben's L3 (12k EUR) is in the new column only then."""
    import dataclasses

    from amtui.core.members import add_member, assign

    add_member(pipeline, "anna", "Anna Berg", now=NOW)
    add_member(pipeline, "ben", "Ben Ode", now=NOW)
    anna = dataclasses.replace(config, me="anna")
    assign(pipeline, "L3", "ben", now=NOW, config=anna)
    app = make_app(cfg=anna)

    async def scenario(pilot):
        seen = []
        for keys in (("4",), ("escape", "o", "4")):
            await press(pilot, *keys)
            new = board_of(app).columns[0]
            seen.append((new.total, new.head.render().plain, app.screen.head.render().plain))
        return seen

    (mine_total, mine_head, mine_top), (team_total, team_head, team_top) = drive(app, scenario)
    assert (mine_total, mine_head) == (1, "no value\n10% chance")
    assert mine_top.startswith("Pipeline · mine  open ")
    assert team_total == 2 and team_head.startswith("12 000.00 EUR")
    assert team_top.startswith("Pipeline · whole team  open ")


def test_L_moves_a_lead_to_proposal_sent_and_starts_its_ladder(make_app, pipeline) -> None:
    from amtui.tui.actions import Actions

    app = make_app()

    async def scenario(pilot):
        await press(pilot, "4")
        board = board_of(app)
        assert (board.stage, board.current_ref) == ("new", "L3")  # biggest value first
        await press(pilot, "l")
        assert (board.stage, board.current_ref) == ("contacted", "L1")
        await press(pilot, "L")
        assert stage_of(pipeline, "L1") == "briefed"
        await press(pilot, "L")
        return board.stage, board.current_ref, [row.key for row in board.current_list().rows]

    stage, ref, refs = drive(app, scenario)
    assert stage_of(pipeline, "L1") == "proposal-sent"
    assert (stage, ref, refs) == ("proposal-sent", "L1", ["L1"])  # the cursor followed it
    details = lead_queries.get_lead_details(pipeline, "L1")
    steps = [r for r in details.reminders if r.done_at is None and r.step]
    assert [(r.step, r.kind) for r in steps] == [(1, "check-receipt")]
    saved = [m.saved.note for m in posted(app, Actions.Finished)]
    assert saved[-1].startswith(
        f"L1: stage briefed → proposal-sent, ladder started: R{steps[0].id} step 1 of 6"
    )


@pytest.mark.parametrize(("ref", "cancel"), [("L4", "n"), ("L8", "escape")])
def test_L_into_won_asks_first_and_a_cancel_changes_nothing(
    make_app, pipeline, ref, cancel
) -> None:
    """L4 has a client: the win asks to confirm; L8 has none: it asks which client."""
    from amtui.tui.screens.confirm import ConfirmScreen, PromptScreen

    app = make_app()
    before = lead_queries.get_lead_details(pipeline, ref)

    async def scenario(pilot):
        await press(pilot, "4", "l", "l", "l", "l")
        board = board_of(app)
        assert board.stage == "negotiating"
        if board.current_ref != ref:
            await press(pilot, "j")
        assert board.current_ref == ref
        await press(pilot, "L")
        asked = type(app.screen)
        await press(pilot, cancel)
        return asked, board.stage, board.current_ref

    asked, stage, selected = drive(app, scenario)
    assert asked is (ConfirmScreen if ref == "L4" else PromptScreen)
    assert (stage, selected) == ("negotiating", ref)  # no card moved ahead of the answer
    after = lead_queries.get_lead_details(pipeline, ref)
    assert after.row.lead.stage == "negotiating"
    assert len(after.activities) == len(before.activities)
    assert "Won" not in notes(app)


def test_L_into_won_and_yes_wins_it_with_the_starter_tasks(make_app, pipeline, config) -> None:
    app = make_app()

    async def scenario(pilot):
        await press(pilot, "4", "l", "l", "l", "l", "L", "y")
        board = board_of(app)
        return board.stage, board.current_ref, offered(app)

    stage, ref, keys = drive(app, scenario)
    assert (stage, ref) == ("won", "L4")
    details = lead_queries.get_lead_details(pipeline, "L4")
    assert details.row.lead.stage == "won"
    assert len(details.tasks) == len(config.win_tasks) > 0
    assert "Won L4 · client Sakura Foods" in notes(app)
    # A won lead moves no further; `o` reopens it.
    assert {"move_left", "move_right", "win", "lose"}.isdisjoint(keys) and "reopen" in keys


def test_H_and_L_are_offered_only_where_the_rules_allow(make_app, pipeline) -> None:
    app = make_app()

    async def scenario(pilot):
        seen = {}
        await press(pilot, "4")
        seen["new"] = offered(app)
        await press(pilot, "l")
        seen["contacted"] = offered(app)
        await press(pilot, "l", "l", "l")
        seen["negotiating"] = offered(app)
        await press(pilot, "l", "l")
        seen["lost"] = offered(app)
        await press(pilot, "H")  # hidden, so nothing happens
        return seen

    seen = drive(app, scenario)
    assert {"move_right", "stage", "win", "lose"} <= seen["new"]
    assert "move_left" not in seen["new"]  # the first stage
    assert "move_left" not in seen["contacted"]  # never back to new
    assert {"move_left", "move_right"} <= seen["negotiating"]
    assert {"move_left", "move_right", "stage"}.isdisjoint(seen["lost"])
    assert "reopen" in seen["lost"]
    assert stage_of(pipeline, "L6") == "lost"


def test_a_lead_moved_meanwhile_elsewhere_is_not_moved_again(make_app, pipeline, config) -> None:
    """The board showed L1 as contacted; another terminal moved it to negotiating. L is
    refused (it would have moved it back to briefed) and the board shows where it is."""
    app = make_app()

    async def scenario(pilot):
        await press(pilot, "4", "l")
        board = board_of(app)
        assert board.current_ref == "L1"
        change_stage(pipeline, "L1", "negotiating", now=NOW, config=config)
        await press(pilot, "L")
        return board.stage, board.current_ref

    stage, ref = drive(app, scenario)
    assert stage_of(pipeline, "L1") == "negotiating"
    assert "L1 is negotiating now, not contacted" in notes(app)
    assert (stage, ref) == ("negotiating", "L1")  # the reload after the refusal found it


def test_enter_opens_the_lead_tab_shows_the_accounts_and_esc_closes(make_app, pipeline) -> None:
    from amtui.tui.screens.detail import DetailScreen
    from amtui.tui.screens.main import MainScreen
    from amtui.tui.screens.money import MoneyScreen
    from amtui.tui.screens.pipeline import PipelineScreen

    app = make_app()

    async def scenario(pilot):
        seen = []
        await press(pilot, "4", "enter")
        seen.append((type(app.screen), getattr(app.screen, "ref", None)))
        await press(pilot, "escape")
        seen.append((type(app.screen), board_of(app).current_ref))
        await press(pilot, "tab")
        seen.append((type(app.screen), None))
        await press(pilot, "tab")
        seen.append((type(app.screen), None))
        await press(pilot, "escape")
        seen.append((type(app.screen), None))
        return seen

    assert drive(app, scenario) == [
        (DetailScreen, "L3"),
        (PipelineScreen, "L3"),
        (MoneyScreen, None),
        (PipelineScreen, None),
        (MainScreen, None),
    ]


def test_slash_and_c_filter_the_board_and_e_edits_the_selected_lead(make_app, pipeline) -> None:
    """`/` narrows the board to leads with the words (its numbers too), `c` to one client (the
    main screen's filter: it shows there as well), the cursor goes to the first stage with
    a lead; `e` edits that lead as in the inbox."""
    from amtui.tui.screens.forms import FormScreen

    app = make_app()

    def shown() -> dict[str, list[str | None]]:
        return {
            column.column_name: [row.key for row in column.row_list.rows]
            for column in board_of(app).columns
            if column.row_list.rows
        }

    async def scenario(pilot):
        await press(pilot, "4", "slash")
        await pilot.press(*"BOOK", "enter")
        await settle(pilot)
        board = board_of(app)
        assert shown() == {"negotiating": ["L4"]} and board.current_ref == "L4"
        assert "filter: BOOK" in str(app.screen.head.render())
        assert "open 8 000.00 USD" in str(app.screen.head.render())  # the EUR leads left
        await press(pilot, "slash")
        await pilot.press(*["backspace"] * 4, "enter")  # an empty filter: every lead again
        await settle(pilot)
        await press(pilot, "c")
        await pilot.press(*"sakura", "enter")
        await settle(pilot)
        assert shown() == {"contacted": ["L1"], "negotiating": ["L4"]}
        assert "client: Sakura Foods" in str(app.screen.head.render())
        assert app.main_screen.filters.client.name == "Sakura Foods"
        await press(pilot, "e")
        assert isinstance(app.screen, FormScreen) and app.screen.spec.title == "Edit L4"

    drive(app, scenario)


def test_a_column_reads_a_page_of_leads_and_the_next_at_its_end(
    make_app, pipeline, config, monkeypatch
) -> None:
    """A bounded read (100 leads a column; 2 here): the column's count is of every lead, and
    moving past its last card reads the next page."""
    from amtui.tui.logic import money
    from amtui.tui.screens import pipeline as screen

    monkeypatch.setattr(money, "PIPELINE_PAGE", 2)
    monkeypatch.setattr(screen, "PIPELINE_PAGE", 2)
    for number in range(3):
        _lead(pipeline, config, f"Banner {number}", 1, value=f"{number + 1}00", currency="EUR")
    app = make_app()

    async def scenario(pilot):
        await press(pilot, "4")
        column = board_of(app).current_column
        assert column.column_name == "new" and column.total == 5
        assert [row.key for row in column.row_list.rows] == ["L3", "L11"]
        assert column.row_list.more == 3
        await press(pilot, "j", "j")  # past the last card: the next page
        assert [row.key for row in column.row_list.rows] == ["L3", "L11", "L10", "L9"]
        await press(pilot, "j", "j", "j")
        assert len(column.row_list.rows) == 5 and column.row_list.more == 0
        await press(pilot, "j")  # the cursor stayed on L9 while the page came
        assert board_of(app).current_ref == "L2"  # no value: the last

    drive(app, scenario)


def test_a_change_from_another_terminal_reaches_the_open_board(make_app, pipeline, config) -> None:
    app = make_app()

    async def scenario(pilot):
        await press(pilot, "4")
        board = board_of(app)
        token = app.db.change_token()
        other = Database(pipeline.target)  # another terminal: its own connections
        try:
            leads.add_lead(other, leads.LeadDraft(title="Walk-in", value="700", currency="EUR"),
                           now=NOW, config=config)  # fmt: skip
        finally:
            other.dispose()
        # PostgreSQL hears of it by a notification, a moment after the commit
        await asyncio.to_thread(app.db.wait_for_change, token, 60)
        app.main_screen._poll()  # the main screen's look for changes (its timer is off here)
        await settle(pilot)
        return board.columns[0].total, [row.key for row in board.columns[0].row_list.rows]

    total, refs = drive(app, scenario)
    assert total == 3 and "L9" in refs


def test_lead_titles_are_shown_as_text_never_as_markup(make_app, pipeline, config) -> None:
    hostile = "[b]Bold[/b] [@click=app.quit]x[/] \x1b[31mred"
    _lead(pipeline, config, hostile, 0, value="90000", currency="EUR")
    app = make_app()

    async def scenario(pilot):
        await press(pilot, "4")
        board = board_of(app)
        return board.current_ref, board.current_list().current.content.plain, screen_text(app)

    ref, card, text = drive(app, scenario, size=(160, 40))
    assert ref == "L9"  # the biggest new lead
    assert card.startswith("L9 [b]Bold[/b] [@click=app.quit]x[/] \\x1b[31mred\n90 000.00 EUR")
    assert "[b]Bold[/b]" in text and "\x1b" not in text


def test_on_a_phone_one_column_shows_and_the_strip_names_the_current_one(
    make_app, pipeline
) -> None:
    app = make_app()

    async def scenario(pilot):
        await press(pilot, "4", "l", "l", "l", "l", "l")
        board = board_of(app)
        return board.window, board.stage, board.tabs.render().plain, screen_text(app)

    window, stage, strip, text = drive(app, scenario, size=(45, 30))
    assert window == (5, 1) and stage == "won"
    assert "won 1" in strip and strip.startswith("‹ ")
    assert "L5 Mobile app MVP" in text


def test_snapshot_pipeline_board(snap_compare, make_app, pipeline) -> None:
    assert snap_compare(make_app(), terminal_size=(160, 40), run_before=after_keys("4"))


def test_snapshot_pipeline_board_on_a_phone(snap_compare, make_app, pipeline) -> None:
    assert snap_compare(make_app(), terminal_size=(45, 30), run_before=after_keys("4", "l"))

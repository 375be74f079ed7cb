"""Team mode in the app: mine by default, `o` for the team's, `O` for one member's, `t` takes
the selected lead, `A` hands it over (the same core calls as `amtui lead take / assign`)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import subprocess
import sys

import pytest

from amtui.core.lead_queries import get_lead_details
from amtui.core.members import add_member, assign
from amtui.tui.actions import Actions
from amtui.tui.screens.main import MainScreen
from tests.conftest import NOW
from tests.tui.conftest import drive, posted, press, settle, type_text


@pytest.fixture
def team(seeded, config):  # type: ignore[no-untyped-def]
    """Anna (me) and Ben; L2 is Ben's, L1 and L3 nobody's; T1 is Anna's, T2 Ben's."""
    add_member(seeded, "anna", "Anna Berg", now=NOW)
    add_member(seeded, "ben", "Ben Ode", now=NOW)
    assign(seeded, "L2", "ben", now=NOW, config=config)
    anna = dataclasses.replace(config, me="anna")
    assign(seeded, "T1", "anna", now=NOW, config=anna)
    assign(seeded, "T2", "ben", now=NOW, config=anna)
    return anna


def inbox_refs(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.lead.ref for row in app.main_screen.inbox.page.rows]


def card_refs(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.task.ref for page in app.main_screen.snapshot.board for row in page.rows]


def test_mine_by_default_then_the_team_then_one_member(make_app, team) -> None:
    async def scenario(pilot):
        app = pilot.app
        seen = {"mine": (inbox_refs(app), card_refs(app), app.main_screen.snapshot.whose)}
        await press(pilot, "o")
        seen["team"] = (inbox_refs(app), card_refs(app), app.main_screen.snapshot.whose)
        await press(pilot, "O")
        await type_text(pilot, "ben")
        await press(pilot, "enter")
        seen["ben"] = (inbox_refs(app), card_refs(app), app.main_screen.snapshot.whose)
        await press(pilot, "o")
        seen["back"] = (inbox_refs(app), card_refs(app), app.main_screen.snapshot.whose)
        return seen

    seen = drive(make_app(cfg=team), scenario)
    mine, team_view, ben, back = seen["mine"], seen["team"], seen["ben"], seen["back"]
    assert mine[0] == ["L3", "L1"] and mine[2] == "mine"  # Ben's L2 is not mine
    assert team_view[0] == ["L2", "L3", "L1"] and team_view[2] == "whole team"
    assert "T2" in team_view[1] and "T2" not in mine[1] and "T1" in mine[1]
    assert ben[0] == ["L2", "L3", "L1"] and ben[2] == "ben's"
    assert "T1" not in ben[1] and "T2" in ben[1]
    assert back[2] == "whole team"


def test_take_and_assign_from_the_inbox(make_app, team, seeded) -> None:
    async def scenario(pilot):
        app = pilot.app
        await press(pilot, "o", "1", "g")  # the whole team, in the inbox: L2 (Ben's) first
        inbox = app.main_screen.inbox
        offered_on_bens = inbox.offers("take")
        await press(pilot, "j")  # L3, nobody's
        selected = inbox.current_ref
        await press(pilot, "t")
        taken = get_lead_details(seeded, selected).row.owner
        offered_after = inbox.offers("take")
        await press(pilot, "A")
        await type_text(pilot, "ben")
        await press(pilot, "enter")
        return offered_on_bens, selected, taken, offered_after

    app = make_app(cfg=team)
    offered_on_bens, selected, taken, offered_after = drive(app, scenario)
    assert not offered_on_bens  # someone's lead offers no "take"
    assert selected == "L3" and taken == "anna" and not offered_after
    details = get_lead_details(seeded, "L3")
    assert details.row.owner == "ben"
    assert [a.text for a in details.activities if a.kind == "assigned"] == [
        "taken by anna",
        "assigned to ben (was anna) by anna",
    ]
    saved = [m.saved.note for m in posted(app, Actions.Finished)]
    title = "Website for a new residential complex"
    assert saved == [f"L3 is yours now: {title}", f"L3 is ben's now (was anna): {title}"]


def test_a_lead_taken_elsewhere_meanwhile_is_refused_with_a_message(make_app, team, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "o", "1", "g", "j")  # L3, nobody's when the screen loaded
        assign(seeded, "L3", "ben", now=NOW, config=team)  # Ben takes it on his machine
        await press(pilot, "t")

    app = make_app(cfg=team)
    drive(app, scenario)
    (failed,) = posted(app, Actions.Failed)
    assert failed.error.startswith("L3 belongs to Ben Ode (ben) already")
    assert get_lead_details(seeded, "L3").row.owner == "ben"


def test_one_persons_database_has_no_team_keys(make_app) -> None:
    async def scenario(pilot):
        main = pilot.app.main_screen
        return main.snapshot.whose, main.check_action("verb", ("owner_toggle",))

    assert drive(make_app(), scenario) == (None, False)


def test_a_lead_assigned_in_another_process_appears_in_my_open_app(make_app, team, seeded) -> None:
    """Two members on one database: Ben hands L2 to Anna from his shell (a real second
    process); Anna's open app shows it as soon as the change is heard (PostgreSQL: NOTIFY; the
    0.5 s poll looks at it), and each member's agenda is their own."""
    env = {**os.environ, "AMTUI_DB": seeded.target, "AMTUI_ME": "ben"}

    def amtui(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "amtui", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    async def scenario(pilot):
        app = pilot.app
        before = inbox_refs(app)
        token = app.db.change_token()
        done = await asyncio.to_thread(amtui, "lead", "assign", "L2", "anna")
        heard = await asyncio.to_thread(app.db.wait_for_change, token, 60)
        app.main_screen._poll()  # what the 0.5 s timer does next
        await settle(pilot)
        return before, done, heard, inbox_refs(app)

    app = make_app(cfg=team)
    before, done, heard, after = drive(app, scenario)
    assert done.returncode == 0, done.stderr
    assert "L2" not in before and heard and "L2" in after
    assert posted(app, MainScreen.ChangedElsewhere)
    day = NOW.date().isoformat()  # the seed's day, not today's
    bens = json.loads(amtui("agenda", "--date", day, "--format", "json").stdout)
    annas = json.loads(amtui("agenda", "--date", day, "--format", "json", "--owner", "anna").stdout)
    assert (bens["owner"], annas["owner"]) == ("ben", "anna")
    assert "T2" in _refs(bens) and "T2" not in _refs(annas)


def _refs(found: object) -> set[str]:
    """Every record reference anywhere in an agenda's JSON."""
    if isinstance(found, dict):
        own = {str(found["ref"])} if "ref" in found else set()
        return own.union(*(_refs(value) for value in found.values()))
    if isinstance(found, list):
        return {ref for value in found for ref in _refs(value)}
    return set()


def test_whose_prompt_reads_every_word_owner_reads(seeded, team) -> None:
    """`O` takes what `--owner` takes: a member, me, all/team/everyone, none/unassigned/nobody
    (each word of core's, so the app never calls `team` an unknown member)."""
    from amtui.core.members import list_members
    from amtui.tui.logic.team import member_check, owner_choice

    members = list_members(seeded)
    chosen = {
        text: owner_choice(members, text)
        for text in ("", "me", "all", "Team", "everyone", "none", "unassigned", "nobody", "Ben")
    }
    assert chosen == {
        "": None, "me": None, "all": "all", "Team": "all", "everyone": "all",
        "none": "none", "unassigned": "none", "nobody": "none", "Ben": "ben",
    }  # fmt: skip
    check = member_check(members, words=True)
    assert check("everyone") == "→ everyone's records"
    assert check("nobody") == "→ only what nobody owns yet"


def test_take_is_offered_on_the_board_only_for_cards_nobody_owns(make_app, team) -> None:
    async def scenario(pilot):
        app = pilot.app
        await press(pilot, "o", "2")  # the whole team's board
        board = app.screen.query_one("#board")
        offered: dict[str, tuple[bool, bool]] = {}
        for _ in board.column_names:
            seen = None
            while board.current_ref is not None and board.current_ref != seen:
                seen = board.current_ref
                offered[seen] = (board.offers("take"), board.offers("assign"))
                await press(pilot, "j")
            await press(pilot, "l")
        rows = [row for page in app.main_screen.snapshot.board for row in page.rows]
        owners = {row.task.ref: row.owner for row in rows if row.task.done_at is None}
        return offered, owners

    offered, owners = drive(make_app(cfg=team), scenario)
    assert owners["T1"] == "anna" and owners["T2"] == "ben"
    assert offered["T1"] == (False, True)  # mine: nothing to take, still assignable
    assert offered["T2"] == (False, True)  # Ben's: core would refuse a take
    free = [ref for ref, owner in owners.items() if owner is None and ref in offered]
    assert free and all(offered[ref] == (True, True) for ref in free), (free, offered)

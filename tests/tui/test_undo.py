"""The `u` key: takes back the latest change, as `amtui undo` does (issue 11)."""

from __future__ import annotations

import dataclasses

from amtui.core import journal, lead_queries
from amtui.core.db import Database
from amtui.core.drafts import TaskPatch
from amtui.core.members import acting_member, add_member
from amtui.core.tasks import edit_task
from tests.conftest import NOW
from tests.tui.conftest import drive, notes, press


def test_u_brings_back_a_lead_deleted_with_d(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "j", "d", "y")
        after_delete = [r.lead.id for r in lead_queries.list_leads(seeded)]
        await press(pilot, "u")
        return after_delete, notes(pilot.app)

    after_delete, said = drive(make_app(), scenario)
    assert after_delete == [2, 1]
    assert sorted(r.lead.id for r in lead_queries.list_leads(seeded)) == [1, 2, 3]
    assert "Deleted L3 (u undoes it)" in said
    assert "Undid" in said and "lead delete: L3" in said


def test_u_refuses_when_the_record_changed_outside_since(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "r")  # the first response to L2
        with seeded.write(journal=False) as tx:  # another program, without a journal
            tx.run("UPDATE lead SET notes = 'changed elsewhere' WHERE id = 2")
        await press(pilot, "u")
        return notes(pilot.app)

    said = drive(make_app(), scenario)
    assert "L2 was changed since (notes); nothing was undone" in said
    lead = lead_queries.get_lead_details(seeded, "L2").row.lead
    assert lead.first_response_at is not None  # still responded: nothing was undone


def test_a_delete_is_journalled_at_the_apps_clock(make_app, seeded) -> None:
    async def scenario(pilot):
        await press(pilot, "j", "d", "y")

    drive(make_app(), scenario)
    latest = journal.entries(seeded, limit=1)[0]
    assert (latest.action, latest.created_at) == ("lead delete", NOW)  # not the wall clock


def test_u_takes_back_my_change_not_a_teammates_later_one(make_app, seeded, config) -> None:
    add_member(seeded, "anna", "Anna Berg", now=NOW)
    add_member(seeded, "ben", "Ben Ode", now=NOW)
    anna = dataclasses.replace(config, me="anna")
    seeded.actor = acting_member(seeded, anna)  # as `amtui` does before it opens the app
    edit_task(seeded, "T1", TaskPatch(title="Anna's title"), now=NOW, config=anna)
    ben = Database(seeded.target)  # Ben's amtui: another connection, later
    ben.actor = "ben"
    try:
        edit_task(ben, "T2", TaskPatch(title="Ben's title"), now=NOW, config=config)
    finally:
        ben.dispose()

    async def scenario(pilot):
        await press(pilot, "u")
        return notes(pilot.app)

    said = drive(make_app(cfg=anna), scenario)
    assert "Undid" in said and "task edit: T1 Anna's title" in said
    with seeded.read() as tx:
        titles = dict(tx.tuples("SELECT id, title FROM task WHERE id IN (1, 2)"))
    assert titles[2] == "Ben's title" and titles[1] != "Anna's title"

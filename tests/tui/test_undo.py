"""The `u` key: takes back the latest change, as `amtui undo` does (issue 11)."""

from __future__ import annotations

from amtui.core import lead_queries
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

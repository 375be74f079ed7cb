"""Changes committed by another connection or process show up without a key press; the
countdowns tick and the agenda follows the local day.

The screen's timers drive this (a look for changes every 0.5 s, a tick every second). One test
checks that the timers are there; the others run with them off, call their callbacks directly
and wait for the work they start, instead of waiting for wall-clock time to pass on a machine
that may be busy.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from amtui.core import drafts, leads, tasks
from amtui.core.db import Database
from tests.conftest import NOW, sqlite_only
from tests.storage import settled_change_token
from tests.tui.conftest import drive, posted, screen_text, settle


async def poll(pilot) -> None:
    """What the 0.5 s timer does: look at the change token; reload when it moved."""
    pilot.app.main_screen._poll()
    await settle(pilot)


def test_the_main_screen_polls_and_ticks_on_its_own_timers(make_app) -> None:
    from amtui.tui.screens.main import POLL_SECONDS

    async def scenario(pilot):
        screen = pilot.app.main_screen
        return {timer.name: timer._interval for timer in screen._timers}

    timers = drive(make_app(live=True), scenario)
    assert {name: timers[name] for name in ("poll", "tick")} == {"poll": POLL_SECONDS, "tick": 1}


@sqlite_only  # PostgreSQL's change token: tests/core/test_postgres.py
def test_a_row_written_by_another_connection_appears(make_app, seeded, config, now) -> None:
    other = Database(seeded.path)

    async def scenario(pilot):
        before = screen_text(pilot.app)
        leads.add_lead(
            other, leads.LeadDraft("Written elsewhere", partner="Far Away"), now=now, config=config
        )
        tasks.add_task(
            other, drafts.TaskDraft("Card from the shell", column="Backlog"), now=now, config=config
        )
        await poll(pilot)
        return before, screen_text(pilot.app)

    try:
        before, after = drive(make_app(), scenario)
    finally:
        other.dispose()
    assert "Written elsewhere" not in before
    assert "Written elsewhere" in after and "T10 Card from the" in after


@sqlite_only  # PostgreSQL's change token: tests/core/test_postgres.py
def test_amtui_add_in_another_process_appears(make_app, seeded) -> None:
    env = {**os.environ, "AMTUI_DB": str(seeded.path)}

    async def scenario(pilot):
        subprocess.run(
            [sys.executable, "-m", "amtui", "add", "Shell task col:backlog"],
            env=env,
            check=True,
            capture_output=True,
        )
        await poll(pilot)
        return screen_text(pilot.app)

    assert "Shell task" in drive(make_app(), scenario)


@sqlite_only  # PostgreSQL looks in a worker (a socket, maybe a reconnect)
def test_on_sqlite_the_look_for_changes_needs_no_worker(make_app, seeded, config, now) -> None:
    from textual.worker import Worker

    other = Database(seeded.path)

    async def scenario(pilot):
        await poll(pilot)  # a first look opens the watching connection (a worker) if none has
        looks = len(polls(pilot.app))
        before = pilot.app.main_screen.loads_applied
        for _ in range(3):
            await poll(pilot)
        tasks.add_task(other, drafts.TaskDraft("Card", column="Backlog"), now=now, config=config)
        await poll(pilot)
        return looks, len(polls(pilot.app)), before, pilot.app.main_screen.loads_applied

    def polls(app) -> list[Worker]:  # type: ignore[type-arg]
        return [m for m in posted(app, Worker.StateChanged) if m.worker.group == "poll"]

    try:
        looks, later, before, after = drive(make_app(), scenario)
    finally:
        other.dispose()
    assert later == looks  # four more looks, no worker among them
    assert after == before + 1  # the change was seen and shown, once


def test_nothing_reloads_when_nothing_changed(make_app, seeded) -> None:
    settled_change_token(seeded)  # the seed's writes have reached PostgreSQL's counters

    async def scenario(pilot):
        screen = pilot.app.main_screen
        before = screen.loads_applied
        await poll(pilot)
        await poll(pilot)
        return before, screen.loads_applied

    before, after = drive(make_app(), scenario)
    assert before == after == 1


def test_countdowns_tick_and_the_day_rolls_over(seeded, config) -> None:
    from amtui.tui.app import AmtuiApp

    clock = {"now": NOW}
    app = AmtuiApp(seeded, config, clock=lambda: clock["now"], due_seconds=None, live=False)

    async def scenario(pilot):
        screen = pilot.app.main_screen
        before = screen_text(pilot.app)
        clock["now"] = NOW + timedelta(seconds=30)
        screen._tick()
        await settle(pilot)
        ticked = screen_text(pilot.app)
        clock["now"] = NOW + timedelta(hours=14)  # 00:00 in Berlin on Thursday
        screen._tick()
        await settle(pilot)
        return before, ticked, screen_text(pilot.app)

    before, ticked, rolled = drive(app, scenario)
    assert "L3 10:00 left" in before
    assert "L3 09:30 left" in ticked
    assert "3 Agenda Thu 26 Nov" in rolled


def test_a_countdown_is_redrawn_when_its_words_change_not_every_second(
    seeded, config, monkeypatch
) -> None:
    from amtui.tui import render
    from amtui.tui.app import AmtuiApp

    clock = {"now": NOW}
    app = AmtuiApp(seeded, config, clock=lambda: clock["now"], due_seconds=None, live=False)
    rendered: list[str] = []  # the inbox rows rendered by the ticks, by reference
    lead_row = render.lead_row

    def counting(row, **kw):  # type: ignore[no-untyped-def]
        rendered.append(row.lead.ref)
        return lead_row(row, **kw)

    async def scenario(pilot):
        screen = pilot.app.main_screen
        rows = screen.inbox.row_list

        def row(ref: str):  # type: ignore[no-untyped-def]
            return next(row for row in rows.rows if row.key == ref)

        monkeypatch.setattr(render, "lead_row", counting)
        seen = [(row("L2"), row("L3"), screen_text(pilot.app), list(rendered))]
        for seconds in (1, 59, 60):
            clock["now"] = NOW + timedelta(seconds=seconds)
            screen._tick()
            await settle(pilot)
            seen.append((row("L2"), row("L3"), screen_text(pilot.app), list(rendered)))
        return seen

    start, one, fifty_nine, sixty = drive(app, scenario)
    late, running = start[0].content.plain, start[1].content.plain
    assert "L2 respond late 25m" in late and "L3 respond 10:00 left" in running
    # L3's 15 minutes count down by the second, on screen.
    assert "L3 respond 09:59 left" in one[1].content.plain and "09:59 left" in one[2]
    # L2 is 25 minutes late: its row is not even rendered again until the minute turns (L1's
    # answer, days away, not at all).
    assert one[3] == ["L3"] and fifty_nine[3] == ["L3", "L3"]
    assert sixty[3] == ["L3", "L3", "L2", "L3"]
    assert "L2 respond late 26m" in sixty[0].content.plain and "late 26m" in sixty[2]

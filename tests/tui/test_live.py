"""Changes committed by another connection or process show up without a key press."""

from __future__ import annotations

import os
import subprocess
import sys

from amtui.core import drafts, leads, tasks
from amtui.core.db import Database
from tests.tui.conftest import drive, screen_text


async def wait_for(pilot, text: str, seconds: float = 4.0) -> bool:
    """Let the app run (no input) until `text` is on screen."""
    for _ in range(int(seconds / 0.1)):
        await pilot.pause(0.1)
        if text in screen_text(pilot.app):
            return True
    return False


def test_a_row_written_by_another_connection_appears(make_app, seeded, config, now) -> None:
    other = Database(seeded.path)

    async def scenario(pilot):
        assert "Written elsewhere" not in screen_text(pilot.app)
        leads.add_lead(
            other, leads.LeadDraft("Written elsewhere", partner="Far Away"), now=now, config=config
        )
        tasks.add_task(
            other, drafts.TaskDraft("Card from the shell", column="Backlog"), now=now, config=config
        )
        return await wait_for(pilot, "Written elsewhere") and await wait_for(pilot, "Card from")

    try:
        assert drive(make_app(), scenario)
    finally:
        other.dispose()


def test_amtui_add_in_another_process_appears(make_app, seeded) -> None:
    env = {**os.environ, "AMTUI_DB": str(seeded.path)}

    async def scenario(pilot):
        subprocess.run(
            [sys.executable, "-m", "amtui", "add", "Shell task col:backlog"],
            env=env,
            check=True,
            capture_output=True,
        )
        return await wait_for(pilot, "Shell task")

    assert drive(make_app(), scenario)


def test_countdowns_tick_and_the_day_rolls_over(seeded, config) -> None:
    from datetime import timedelta

    from amtui.tui.app import AmtuiApp
    from tests.conftest import NOW

    clock = {"now": NOW}
    app = AmtuiApp(seeded, config, clock=lambda: clock["now"])

    async def scenario(pilot):
        before = screen_text(pilot.app)
        clock["now"] = NOW + timedelta(seconds=30)
        ticked = await wait_for(pilot, "L3 09:30 left")
        clock["now"] = NOW + timedelta(hours=14)  # 00:00 in Berlin on Thursday
        rolled = await wait_for(pilot, "3 Agenda Thu 26 Nov")
        return before, ticked, rolled

    before, ticked, rolled = drive(app, scenario)
    assert "L3 10:00 left" in before
    assert ticked and rolled

"""The app's first frame imports only what it draws (issue 9: first paint ≤ 400 ms at 100k).

The verbs' handlers with their forms and dialogs, the detail, pipeline and accounts screens
and the due-reminder logic wait until the first frame is drawn; then `AmtuiApp.warm_up`
imports them in a thread, so the first key that needs one does not pay for it. `?` help
(markdown-it, Pygments: ~3 MiB) is loaded only by `?`. Each check runs in a fresh interpreter
that imports what `amtui` with no arguments imports (`amtui.tui.app`) and reads `sys.modules`
at the first frame, once the warm-up is done, and once `?` opened the help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from amtui.core.db import Database

ROOT = Path(__file__).resolve().parents[2]

#: Not loaded before the first frame; loaded by the warm-up after it.
DEFERRED = (
    "amtui.tui.actions",
    "amtui.tui.screens.confirm",
    "amtui.tui.screens.forms",
    "amtui.tui.screens.detail",
    "amtui.tui.screens.pipeline",
    "amtui.tui.screens.money",
    "amtui.tui.logic.task_forms",
    "amtui.tui.logic.lead_forms",
    "amtui.tui.logic.invoice_forms",
    "amtui.tui.logic.proposal_forms",
    "amtui.tui.logic.reminder_forms",
    "amtui.tui.logic.client_forms",
    "amtui.tui.logic.fields",  # the forms' specs, with quick-add's parser:
    "amtui.core.drafts",  # `logic.team` (read by the first snapshot) imports them
    "amtui.core.quickadd",  # in the prompts that use them
    "amtui.core.notify",
)
#: Not loaded before the first frame nor by the warm-up: only when `?` opens the help.
HELP = ("textual.widgets._help_panel", "markdown_it", "pygments")

CODE = """
    import asyncio, json, os, sys
    from datetime import UTC, datetime

    from amtui.core.config import Config
    from amtui.core.db import Database
    from amtui.tui.app import AmtuiApp

    watched = json.loads(os.environ["WATCHED"])
    help = json.loads(os.environ["HELP"])
    db = Database(os.environ["AMTUI_DB"])
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    app = AmtuiApp(db, Config(), clock=lambda: now, due_seconds=None, live=False)
    found = {}
    warm_up = app.warm_up

    def first_frame() -> None:  # the main screen calls it once the first data is drawn
        found["first_frame"] = sorted(m for m in watched + help if m in sys.modules)
        found["rows"] = len(app.main_screen.board.current_list().rows)
        warm_up()

    app.warm_up = first_frame

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            while "first_frame" not in found:
                await pilot.pause()
            await app.workers.wait_for_complete()  # the warm-up among them
            found["warmed"] = sorted(m for m in watched if m in sys.modules)
            await pilot.press("enter")  # the inbox's first lead: its detail view
            await app.workers.wait_for_complete()
            found["opened"] = type(app.screen).__name__
            found["before_help"] = sorted(m for m in help if m in sys.modules)
            await pilot.press("escape", "question_mark")
            await app.workers.wait_for_complete()
            found["help"] = sorted(m for m in help if m in sys.modules)

    asyncio.run(main())
    db.dispose()
    print(json.dumps(found))
"""


def test_the_first_frame_waits_for_nothing_it_does_not_draw(seeded: Database) -> None:
    # AMTUI_DB: the seeded database (an SQLite file, or the PostgreSQL test database).
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1", WATCHED=json.dumps(DEFERRED))
    env["HELP"] = json.dumps(HELP)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CODE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["rows"] > 0  # the first frame really showed the data
    assert found["first_frame"] == [], f"imported before the first frame: {found['first_frame']}"
    assert found["warmed"] == sorted(DEFERRED)  # …and right after it, before any key
    assert found["opened"] == "DetailScreen"  # the deferred verbs still run
    assert found["before_help"] == []  # help is not warmed (~3 MiB of peak memory)…
    assert found["help"] == sorted(HELP)  # …`?` loads it

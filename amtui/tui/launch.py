"""Opening the app from the command line: the first read begins before Textual is imported.

`run_app` pauses the garbage collector, makes the app's `Start` (`amtui.tui.logic.start`:
the remembered view state, the watch for other processes' commits) and begins the main
screen's first read in a thread, then imports the app (Textual and the screens, ~60% of the
time to the first frame at 0 records) and runs it. The CLI imports this module to open the
app (`amtui.cli.app`; the import-linter contract "cli never imports the TUI" names it).
"""

from __future__ import annotations

from amtui.core.config import Config
from amtui.core.db import Database
from amtui.tui.logic.start import Start, pause_collection, system_clock


def run_app(db: Database, config: Config) -> None:
    """Open the full-screen app on `db`: the first read begins, then Textual is imported."""
    pause_collection()
    start = Start.prepare(db)
    start.read(db, config, system_clock())
    from amtui.tui.app import AmtuiApp

    AmtuiApp(db, config, start=start).run()

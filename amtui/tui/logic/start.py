"""What the app begins with, made before Textual is imported (issue 9: the first frame).

`amtui` with no command spends most of the time before its first frame importing Textual and
the app's modules (bench/RESULTS.md, `s6start`). Nothing in that needs the database, so
`amtui.tui.launch.run_app` makes the `Start` first and begins the main screen's first read
(`EarlyLoad`) before it imports the app: the read's SQL, which runs without the GIL, is done
by the time the screen is mounted, and the screen's first frame shows the data instead of
"Loading…". An app built without one (the tests, the bench) makes its own and begins the
read as it starts (`AmtuiApp.on_load`).

The cyclic garbage collector is paused from the start until the first frame is drawn
(`pause_collection` / `resume_collection`): start-up builds ~100 000 objects that live as
long as the app and ~5 000 that are garbage, and the collections their allocations set off
walked the growing heap again and again (~110 ms of a ~450 ms start at 0 records, up to
~180 ms at 100 000). Once the frame is drawn the app freezes what start-up built
(`AmtuiApp.settle_heap`: the garbage with it, ~0.3–1 MiB) and collects as usual.
"""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from pathlib import Path

from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.structs import struct
from amtui.tui.logic.data import ChangeWatch, EarlyLoad
from amtui.tui.logic.state import ViewState, load_state, state_path

_paused = False  # the collector was on and `pause_collection` turned it off


def pause_collection() -> None:
    """Turn the cyclic garbage collector off for the start-up (if it is on)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collection() -> None:
    """Turn it back on, if `pause_collection` turned it off (at the first frame, or when the
    app ends without one)."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()


def system_clock() -> datetime:
    return datetime.now(UTC)


@struct
class Start:
    """What the app begins with, made before Textual is imported: where the view state is
    remembered and what it says, the watch for other processes' commits, and the first read
    (`early_load`, None until `read` starts it)."""

    state_file: Path
    view_state: ViewState
    changes: ChangeWatch
    early_load: EarlyLoad | None = None

    @classmethod
    def prepare(cls, db: Database, state_file: Path | None = None) -> Start:
        state_file = state_file or state_path()
        return cls(state_file, load_state(state_file), ChangeWatch(db))

    def read(self, db: Database, config: Config, now: datetime) -> EarlyLoad:
        """Begin reading the main screen's first snapshot in a thread (once)."""
        if self.early_load is None:
            self.early_load = EarlyLoad(
                db,
                config=config,
                now=now,
                sorts=self.view_state.board_sort,
                before=self.changes.start,
            )
        return self.early_load

"""The app's garbage-collector policy (issue 9: key presses at 100 000 records).

CPython's cyclic collector runs a full pass over every object it tracks whenever ten young
passes have run and the survivors grew by a quarter. In the app that was about every second
key press (an `enter` makes ~40 000 new tracked objects: each line Textual draws is a `Strip`
with seven caches), and a full pass walked everything made since start-up, ~45 000 objects at
100 000 records, the drawn lines of the main screen first among them: 30–55 ms of CPU inside
the key (bench/RESULTS.md, `s7detail`).

The policy, in three steps:

- From the start to the first frame the collector is off (`logic.start.pause_collection`):
  start-up makes ~100 000 objects that live as long as the app.
- At the first frame (`first_frame`) what exists is frozen (`gc.freeze`: moved out of the
  collector's sight) and the collector runs as usual on what comes after.
- When the app has been left alone `IDLE_SECONDS` after a key, and enough was made since the
  last time (`SETTLE_AFTER_PASSES` young passes), `settle` unfreezes everything, collects it
  all and freezes what is left: what the keys made and kept (drawn lines, loaded rows, the
  modules imported after the first frame) leaves the full passes of the keys to come, and
  whatever was frozen and has since become garbage in reference cycles (a closed screen, the
  rows start-up showed) is freed. Nothing frozen stays frozen past the next settle, so
  nothing leaks. It costs one full pass (~60 ms at 0 records, ~100 ms at 100 000) while
  nobody is typing; a full pass that still falls inside a key walks only what was made
  since the last settle.

No Textual here: the app calls `touched` on each key and `settle_if_due` from a timer.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

#: How long after the last key the app counts as left alone (seconds).
IDLE_SECONDS = 2.0
#: Young collections since the last settle that make the next one worth its full pass (each
#: young pass follows ~700 new tracked objects; an `enter` at 100k runs ~55).
SETTLE_AFTER_PASSES = 20


def young_passes() -> int:
    """How many young-generation collections ran since the interpreter started."""
    return int(gc.get_stats()[0]["collections"])


class Heap:
    """The collector's state for one app run (`clock`: monotonic seconds, pinned by tests)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.frozen = False
        self.settles = 0
        self._last_key = clock()
        self._passes_at = young_passes()

    def first_frame(self) -> None:
        """The first frame is drawn: what start-up built leaves the collector's sight."""
        if not self.frozen:
            self.frozen = True
            gc.freeze()
            self._passes_at = young_passes()

    def touched(self) -> None:
        """A key (or a paste) came in."""
        self._last_key = self.clock()

    def due(self) -> bool:
        return (
            self.frozen
            and gc.isenabled()
            and self.clock() - self._last_key >= IDLE_SECONDS
            and young_passes() - self._passes_at >= SETTLE_AFTER_PASSES
        )

    def settle(self) -> int:
        """Collect everything, frozen or not, then freeze what is left; the objects freed."""
        gc.unfreeze()
        freed = gc.collect()
        gc.freeze()
        self.settles += 1
        self._passes_at = young_passes()
        return freed

    def settle_if_due(self) -> bool:
        if self.due():
            self.settle()
            return True
        return False

    def release(self) -> None:
        """The app ends: what it froze can be freed again."""
        if self.frozen:
            self.frozen = False
            gc.unfreeze()

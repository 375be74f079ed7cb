"""Undo from the app: the `u` key takes back your latest change, as `amtui undo` does (in
team mode your own, not a teammate's: `Database.actor`)."""

from __future__ import annotations

from amtui.core import journal
from amtui.core.db import Database
from amtui.tui.logic.fields import Clock, Saved
from amtui.tui.logic.text import safe


def undo_latest(db: Database, clock: Clock) -> Saved:
    """Take back your latest change (refusals come back as AmtuiError, shown as a warning)."""
    done = journal.undo_latest(db, now=clock(), actor=db.actor)
    entry = done.entry
    return Saved(f"Undid {entry.ref} {safe(entry.title, 120)} ({entry.size})")

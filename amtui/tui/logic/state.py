"""What the app remembers between runs about how you look at things (not data): each board
column's sort. One small JSON file, `tui-state.json`, in the user state directory
(`platformdirs`: `$XDG_STATE_HOME/amtui`, by default `~/.local/state/amtui` on Linux).

A missing, unreadable or malformed file means the defaults; a value that is not one amtui
knows is ignored. It is written whole to a temporary file and renamed into place, so a crash
never leaves half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from amtui.core.board import COLUMN_SORTS
from amtui.core.structs import field, struct

STATE_FILE = "tui-state.json"


def state_path() -> Path:
    import platformdirs  # ~14 ms; only when the app starts

    return Path(platformdirs.user_state_dir("amtui")) / STATE_FILE


@struct
class ViewState:
    """Each board column's sort (`position`: by hand, `due`, `priority`), by column name."""

    board_sort: dict[str, str] = field(default_factory=dict)

    def sort_of(self, column: str) -> str:
        return self.board_sort.get(column, "position")

    def next_sort(self, column: str) -> str:
        """The sort after the column's current one (the board's `s` cycles through them)."""
        current = self.sort_of(column)
        return COLUMN_SORTS[(COLUMN_SORTS.index(current) + 1) % len(COLUMN_SORTS)]


def load_state(path: Path) -> ViewState:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ViewState()
    sorts = raw.get("board_sort") if isinstance(raw, dict) else None
    if not isinstance(sorts, dict):
        return ViewState()
    return ViewState(
        {
            name: sort
            for name, sort in sorts.items()
            if isinstance(name, str) and sort in COLUMN_SORTS and sort != "position"
        }
    )


def save_state(path: Path, state: ViewState) -> None:
    """Write the state atomically (a temporary file renamed over the old one); raises OSError
    when the directory cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"board_sort": {k: v for k, v in state.board_sort.items() if v != "position"}}
    handle, temporary = tempfile.mkstemp(prefix=".tui-state-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, sort_keys=True)
            out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

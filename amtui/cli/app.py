"""`amtui` with no command, and `amtui tui`: open the full-screen app on the command's database.

Both the Typer app (`amtui.cli.root`) and the fast path (`amtui.cli.fast`, which opens the app
from a terminal without importing Typer) come here. `amtui.tui.launch` begins the first read
before it imports Textual (~250 ms of imports, paid only by the app).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from amtui.cli.context import Runtime


def open_app(rt: Runtime) -> None:
    """Run the app until it quits (the database opened, and upgraded if need be, first)."""
    from amtui.tui.launch import run_app

    run_app(rt.db, rt.config)

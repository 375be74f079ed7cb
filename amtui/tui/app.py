"""The Textual app: holds the Database, Config and clock, polls for changes, routes results.

`AmtuiApp(db, config, clock)` is built by the CLI (`amtui`, `amtui tui`) and by tests with a
temporary database and a fixed clock. Every ~0.5 s a worker reads `Database.change_token()`
(SQLite `PRAGMA data_version`, which moves when any other connection commits, e.g. `amtui add`
in another terminal) and the screens reload when it changed; every second the countdowns tick
and, when the local date rolls over, the agenda is rebuilt for the new day.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import HelpPanel

from amtui.core.config import Config
from amtui.core.dates import local_today
from amtui.core.db import Database
from amtui.core.errors import AmtuiError
from amtui.tui.commands import ActionCommands, RecordCommands
from amtui.tui.data import ALL
from amtui.tui.operations import Operations
from amtui.tui.render import safe
from amtui.tui.screens.detail import DetailScreen
from amtui.tui.screens.main import MainScreen

Clock = Callable[[], datetime]

POLL_SECONDS = 0.5
FULL_RELOAD_SECONDS = 60  # overdue marks move with the clock even when no data changes


def system_clock() -> datetime:
    return datetime.now(UTC)


class AmtuiApp(App[None]):
    """Lead inbox, kanban board and today's agenda on one keyboard-driven screen."""

    CSS_PATH = "app.tcss"
    TITLE = "amtui"
    COMMANDS = App.COMMANDS | {RecordCommands, ActionCommands}
    BINDING_GROUP_TITLE = "App"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "toggle_help", "Help", key_display="?", id="app.help"),
    ]

    def __init__(self, db: Database, config: Config, clock: Clock | None = None) -> None:
        super().__init__()
        self.db = db
        self.config = config
        self.clock: Clock = clock or system_clock
        self.ops = Operations(self)
        self._token: int | None = None
        self._today: date | None = None
        self._ticks = 0

    def now(self) -> datetime:
        return self.clock()

    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    @property
    def main_screen(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def selected_ref(self) -> str | None:
        return self.main_screen.current_ref()

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))
        self._today = local_today(self.now(), self.config.timezone)
        self.set_interval(POLL_SECONDS, self._poll, name="poll")
        self.set_interval(1, self._tick, name="tick")
        self._poll()

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        keys = ", ".join(sorted(binding.key for binding in clashed_bindings))
        self.notify(
            f"[keys] in your config replaced these built-in keys: {keys}",
            severity="warning",
            markup=False,
        )

    # --- live refresh ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll(self) -> None:
        try:
            token = self.db.change_token()
        except NotImplementedError:
            return  # not SQLite: the periodic full reload keeps the screen fresh
        except AmtuiError:
            return  # locked or briefly unreadable: try again on the next tick
        if self._token is not None and token != self._token:
            self.call_from_thread(self.data_changed)
        self._token = token

    def absorb_own_write(self) -> None:
        """After a write of our own (in its worker thread): take the new change token now, so
        the poll does not reload a second time for a change the caller reloads for anyway."""
        with suppress(NotImplementedError, AmtuiError):
            self._token = self.db.change_token()

    def data_changed(self, keep: str | None = None, parts: frozenset[str] = ALL) -> None:
        """Reload what is on screen (the main screen and any open detail views)."""
        self.main_screen.reload(keep, parts)
        for screen in self.screen_stack:
            if isinstance(screen, DetailScreen):
                screen.reload()

    def _tick(self) -> None:
        now = self.now()
        self.main_screen.tick(now)
        self._ticks += 1
        today = local_today(now, self.config.timezone)
        if today != self._today or self._ticks % FULL_RELOAD_SECONDS == 0:
            self._today = today
            self.data_changed()

    # --- results of writes ---------------------------------------------------------------------

    def on_operations_finished(self, message: Operations.Finished) -> None:
        if message.saved.note:
            self.notify(message.saved.note, markup=False, timeout=3)
        if message.closes:
            for screen in list(self.screen_stack):
                if isinstance(screen, DetailScreen) and screen.ref == message.closes:
                    screen.dismiss(None)
        self.data_changed(message.saved.focus, message.parts)

    def on_operations_failed(self, message: Operations.Failed) -> None:
        self.notify(safe(message.error, 300), severity="warning", markup=False)
        self.data_changed()  # undo whatever the screen showed ahead of the write

    # --- help -----------------------------------------------------------------------------------

    def action_toggle_help(self) -> None:
        if self.screen.query(HelpPanel):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

"""The Textual app: holds the Database, Config and clock, and routes results to the screens.

`AmtuiApp(db, config, clock)` is built by the CLI (`amtui`, `amtui tui`) and by tests with a
temporary database and a fixed clock. The main screen owns the timers that touch it (every
~0.5 s a look at `Database.change_token()`, SQLite `PRAGMA data_version`, which moves when any
other connection commits, e.g. `amtui add` in another terminal; every second the countdowns),
so they stop with it and never fire at a screen that is gone while the app shuts down.

Keys run verbs through `actions.Actions`. Keys are handled one at a time, each once the one
before it is done (`typeahead.KeyGate`), so a burst lands where slow typing would. A verb that
opens a dialog asks the app to hold the keys typed meanwhile (`hold_keys`); the dialog hands
them over once its input has the focus (`release_keys`), so type-ahead lands in the prompt,
never on the screen behind it.

Once the first data is on screen, and then every `due_seconds` (15), a worker runs
`notify.collect_due`, the same claim `amtui remind due` makes: each reminder or lead deadline
that came due is shown once, as a toast, with one terminal bell per batch; a claimed item is
not reported to cron again. That timer stays on the app: it only notifies, whatever screens
there are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widgets._toast import Toast

from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.errors import AmtuiError
from amtui.tui import textual_fixes
from amtui.tui.commands import ActionCommands, Palette, RecordCommands
from amtui.tui.keys import verb_bindings
from amtui.tui.logic.data import ALL, EarlyLoad
from amtui.tui.logic.heap import Heap
from amtui.tui.logic.start import Start, pause_collection, resume_collection, system_clock
from amtui.tui.logic.state import ViewState, save_state
from amtui.tui.logic.team import screen_scope
from amtui.tui.logic.verbs import Target
from amtui.tui.render import due_text, safe
from amtui.tui.screens.main import MainScreen
from amtui.tui.typeahead import KeyGate

textual_fixes.apply()  # before anything is drawn

if TYPE_CHECKING:
    from amtui.core.notify import DueItem
    from amtui.tui.actions import Actions

Clock = Callable[[], datetime]

DUE_SECONDS = 15  # how often to look for reminders and lead deadlines that came due
DUE_TOAST_SECONDS = 12
DUE_GROUPED_OVER = 3  # more due at once: one toast listing their references
#: Held keys go to whatever has the focus after this long, should a dialog never say it is
#: ready (a bug: a failed load drops them, a finished one releases them). A safety net, not how
#: keys normally arrive, so long enough that a slow read on a busy machine never races it.
HOLD_KEYS_SECONDS = 30
HEAP_CHECK_SECONDS = 1.0  # how often to look whether the heap is due a settle (`logic.heap`)
#: Not needed for the first frame, so not imported before it (bench/RESULTS.md, issue 9: ~100–
#: 150 ms of a ~650 ms start): the verbs' handlers with every form, dialog and save logic they
#: open; the detail, pipeline and accounts screens. Once the first frame is drawn, `warm_up`
#: imports them in a thread, so the first key that needs one (Enter, `n`, `4`) does not pay
#: for it either. `?` help is not warmed: Textual's HelpPanel brings markdown-it and Pygments
#: (~3 MiB, counted in the peak memory of every run whether or not `?` is pressed); the first
#: `?` imports it (`action_toggle_help`).
DEFERRED = (
    "amtui.tui.actions",
    "amtui.tui.screens.detail",
    "amtui.tui.screens.pipeline",
    "amtui.tui.screens.money",
    "amtui.core.notify",
)


def _expire_late_toasts() -> None:
    """Textual 8.2 hangs the whole app (a busy loop in `Timer._run`) when a toast is mounted
    after its notification's timeout has passed: the toast sets a timer with a negative delay.
    On a busy machine a 3-second toast can be mounted that late. A late toast now expires at
    once instead; one on time keeps the time it has left."""

    def _on_mount(self: Toast, _: events.Mount) -> None:
        left = self._notification.time_left
        if left > 0:
            self.set_timer(left, self._expire)
        else:
            self.call_later(self._expire)

    Toast._on_mount = _on_mount  # type: ignore[method-assign]


_expire_late_toasts()


class AmtuiApp(App[None]):
    """Lead inbox, kanban board and today's agenda on one keyboard-driven screen."""

    CSS_PATH = "app.tcss"
    TITLE = "amtui"
    COMMANDS = App.COMMANDS | {RecordCommands, ActionCommands}
    BINDING_GROUP_TITLE = "App"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "toggle_help", "Help", key_display="?", id="app.help"),
        *verb_bindings("app"),
    ]

    @dataclass
    class DueFound(Message):
        """Reminders and lead deadlines that came due (claimed: nobody else reports them)."""

        items: list[DueItem]

    @dataclass
    class IntakeDone(Message):
        """The configured intake ran: its one-line summary, or why it could not run."""

        summary: str
        new: int
        error: str | None = None  # nothing could run
        failed: int = 0  # sources that failed while the others ran (named in the summary)

    def __init__(
        self,
        db: Database,
        config: Config,
        clock: Clock | None = None,
        *,
        due_seconds: float | None = DUE_SECONDS,
        state_file: Path | None = None,
        live: bool = True,
        start: Start | None = None,
    ) -> None:
        super().__init__()
        self.db = db
        self.config = config
        self.clock: Clock = clock or system_clock
        self._actions: Actions | None = None
        # `start`: made by `launch.run_app` before Textual was imported, the first read begun.
        self.start = start or Start.prepare(db, state_file)
        # How you look at things (each board column's sort), remembered between runs.
        self.state_file = self.start.state_file
        self.view_state = self.start.view_state
        self.due_seconds = due_seconds  # None: no due toasts (tests of other things)
        # The main screen's timers (the look for changes, the countdown tick). Tests turn them
        # off and run their callbacks when they mean to, so nothing fires at a random moment.
        self.live = live
        self.changes = self.start.changes
        #: The database has members (set by each load of the main screen): take and assign.
        self.team_mode = False
        self._checking_due = False
        self._clashes_reported: set[str] = set()
        self._intake_running = False
        self.keys = KeyGate(self, partial(App.on_event, self))
        #: The main screen's first data, read from the start (`on_load`).
        self.early_load: EarlyLoad | None = None
        self._hold_timer: Timer | None = None
        self.heap = Heap()  # the garbage collector's policy (`settle_heap`)

    def now(self) -> datetime:
        return self.clock()

    def settle_heap(self) -> None:
        """Once the first screen is drawn: what start-up built (modules, classes, the app and
        its screens) stays for the whole run, so the garbage collector stops walking it, and
        from then on the heap is settled whenever the app is left alone after keys
        (`logic.heap`: the app's collector policy)."""
        if not self.heap.frozen:
            self.heap.first_frame()
            self.set_interval(HEAP_CHECK_SECONDS, self.heap.settle_if_due, name="heap")
        resume_collection()  # off since the app began (`on_load`, `launch`)

    def on_unmount(self) -> None:
        resume_collection()  # an app that ends before its first frame
        self.heap.release()  # a finished app (and what it froze) can be freed again

    @property
    def actions(self) -> Actions:
        """The verbs' handlers (`amtui.tui.actions`), made on the first verb: the module and
        the forms it opens are not needed for the first frame (`DEFERRED`)."""
        if self._actions is None:
            from amtui.tui.actions import Actions

            self._actions = Actions(self)
        return self._actions

    def first_frame_drawn(self) -> None:
        """The main screen drew its first data: import what that frame did without
        (`DEFERRED`), and take the first look for what came due."""
        self.warm_up()
        if self.due_seconds:
            self.check_due()

    def warm_up(self) -> None:
        """Import what the first frame did without (`DEFERRED`)."""
        self._warm_up()

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        # A thread: an import holds the GIL a few ms at a time, so keys typed meanwhile are
        # still handled at once (on the main thread it would hold a key back for the whole
        # module, up to ~70 ms). A module a key needs first is simply imported by that key.
        for name in DEFERRED:
            try:
                import_module(name)
            except Exception as error:  # a bug: the key that needs it will say so
                self.log.error(f"warm-up: importing {name} failed: {error!r}")

    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    @property
    def main_screen(self) -> MainScreen:
        """The main screen (for key and palette handlers, which only run while it is up)."""
        screen = self.find_main_screen()
        if screen is None:
            raise RuntimeError("the main screen is not open")
        return screen

    def find_main_screen(self) -> MainScreen | None:
        """The main screen, or None while the app starts or shuts down (results of workers
        that finish then, such as a write, must not touch a screen that is gone)."""
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    def expect_selection(self, ref: str | None) -> None:
        """A write just made will select `ref` on the main screen (its reload is on the way):
        keys wait for that selection rather than act on the row selected before."""
        main = self.find_main_screen()
        if main is not None and ref is not None:
            main.expect_selection(ref)

    def selected_ref(self) -> str | None:
        """The record a palette command acts on: the open detail view's, else the list's."""
        from amtui.tui.screens.detail import DetailScreen
        from amtui.tui.screens.pipeline import PipelineScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, DetailScreen):
                return screen.ref
            if isinstance(screen, PipelineScreen):
                return screen.board.current_ref
        main = self.find_main_screen()
        return main.current_ref() if main is not None else None

    def save_view_state(self) -> None:
        self._save_view_state(ViewState(dict(self.view_state.board_sort)))

    @work(thread=True, group="state", exit_on_error=False)
    def _save_view_state(self, state: ViewState) -> None:
        try:
            save_state(self.state_file, state)
        except OSError as error:  # a read-only home: the app works, it just forgets
            self.log.warning(f"could not save {self.state_file}: {error}")

    def action_command_palette(self) -> None:
        """Textual's palette, whose Enter waits for the search the typed text started."""
        # Textual annotates `is_open(app: App[object])`, and App is invariant in its result.
        if self.use_command_palette and not Palette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(Palette(id="--command-palette"))

    def action_verb(self, name: str) -> None:
        self.actions.run(name, Target(self.selected_ref(), "app"))

    def run_from_palette(self, name: str) -> None:
        """A palette command: the verb on the selected record (a detail view's, else the
        list's; on the board, in its current column)."""
        main = self.find_main_screen()
        column = None
        if main is not None and main.active_region() is main.board:
            column = main.board.current_column.column_name
        self.actions.run(name, Target(self.selected_ref(), "palette", column=column))

    # --- keys typed while a dialog opens ------------------------------------------------------

    def hold_keys(self) -> None:
        """Keep the keys typed from now on until `release_keys` (a dialog is opening)."""
        if not self.keys.held:
            self.keys.hold()
            self._stop_hold_timer()
            self._hold_timer = self.set_timer(
                HOLD_KEYS_SECONDS, self.release_keys, name="held keys"
            )

    def release_keys(self) -> None:
        """Hand the held keys, in order, to whatever has the focus now (the dialog's input),
        one at a time, before any key typed after them."""
        self._stop_hold_timer()
        self.keys.release()

    def drop_keys(self) -> None:
        """Forget the held keys (the dialog could not open): typed for a prompt that is not
        there, they must not run commands on the screen behind it."""
        self._stop_hold_timer()
        self.keys.drop()

    def _stop_hold_timer(self) -> None:
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            self.heap.touched()
            await self.keys.take(event)  # one at a time, in order (`typeahead`)
            return
        await super().on_event(event)

    def on_load(self) -> None:
        """Begin reading the main screen's first data now, unless `launch.run_app` began
        before Textual was imported: Textual still has the screen to build and lay out, and
        the read (at 100k records, ~50 ms of SQL that runs without the GIL) overlaps it
        instead of waiting for the screen to be mounted. The garbage collector waits for the
        first frame (`logic.start.pause_collection`, `settle_heap`)."""
        pause_collection()
        self.early_load = self.start.read(self.db, self.config, self.now())

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))
        if self.due_seconds:
            # The first look waits for the first frame with data (`first_frame_drawn`): it is
            # a write (BEGIN IMMEDIATE and an fsync) that would compete with the first read.
            self.set_interval(self.due_seconds, self.check_due, name="due")

    def watch_app_focus(self, focus: bool) -> None:
        """Under `amtui web` the app starts without the page's focus, so the main screen's
        AUTO_FOCUS is skipped and Textual has no widget to give the focus back to: `j` or
        Enter would reach no list. When the app gets the focus (the page focused, a key, a
        click) and nothing has it, the current region gets it."""
        main = self.find_main_screen()
        if focus and main is not None and main is self.screen and main.focused is None:
            main.set_focus(main.active_region(), scroll_visible=False)

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        # Textual reports a binding the user mapped to this very key as a clash too (two ids
        # on one key, such as `inbox.respond` and `inbox.answer`): that replaced nothing.
        mapped = {
            binding_id: {key.strip() for key in keys.split(",")}
            for binding_id, keys in self.config.keys.items()
        }
        replaced = {
            binding.key
            for binding in clashed_bindings
            if not (binding.id and binding.key in mapped.get(binding.id, set()))
        }
        new = replaced - self._clashes_reported
        if not new:
            return  # Textual asks again on every key press: say it once
        self._clashes_reported |= new
        keys = ", ".join(sorted(new))
        self.notify(
            f"[keys] in your config replaced these built-in keys: {keys}",
            severity="warning",
            markup=False,
        )

    # --- live refresh ------------------------------------------------------------------------

    def absorb_own_write(self) -> None:
        """After a write of our own (in its worker thread): take the new change token now, so
        the poll does not reload a second time for a change the caller reloads for anyway."""
        self.changes.absorb()

    def data_changed(self, keep: str | None = None, parts: frozenset[str] = ALL) -> None:
        """Reload what is on screen (the main screen and any open detail views)."""
        main = self.find_main_screen()
        if main is None or not self.is_running:
            return
        main.reload(keep, parts)
        from amtui.tui.screens.detail import DetailScreen
        from amtui.tui.screens.money import MoneyScreen
        from amtui.tui.screens.pipeline import PipelineScreen

        for screen in self.screen_stack:
            if isinstance(screen, DetailScreen | MoneyScreen | PipelineScreen):
                screen.reload()

    # --- due reminders and deadlines ----------------------------------------------------------

    def check_due(self) -> None:
        """Look for what came due (one look at a time: a claimed item must reach the screen)."""
        if not self._checking_due:
            self._checking_due = True
            self._collect_due()

    @work(thread=True, group="due", exit_on_error=False)
    def _collect_due(self) -> None:
        from amtui.core.notify import collect_due  # after the first frame (`DEFERRED`)

        items: list[DueItem] = []
        try:
            # My deadlines (and nobody's), whatever the screen shows: a colleague's are
            # theirs to be told of, by their app or their `remind due`.
            mine = screen_scope(self.db, None, self.config)[0]
            items = collect_due(self.db, now=self.now(), config=self.config, scope=mine)
        except AmtuiError:
            pass  # locked or briefly unreadable: nothing was claimed, look again next time
        except Exception as error:  # a bug: keep the app running, say so in the log
            self.log.error(f"collect_due failed: {error!r}")
        if items:
            self.absorb_own_write()
        self.post_message(self.DueFound(items))

    def on_amtui_app_due_found(self, message: DueFound) -> None:
        self._checking_due = False
        items = message.items
        if not items:
            return
        now = self.now()
        urgent = any(item.kind != "reminder" for item in items)
        if len(items) > DUE_GROUPED_OVER:
            refs = ", ".join(item.ref for item in items[:20]) + (" …" if len(items) > 20 else "")
            self.notify(
                f"{len(items)} due: {refs}",
                title="Due",
                severity="warning" if urgent else "information",
                timeout=DUE_TOAST_SECONDS,
                markup=False,
            )
        else:
            for item in items:
                self.notify(
                    f"{item.ref} {due_text(item, self.config, now)}",
                    title="Due",
                    severity="warning" if item.kind != "reminder" else "information",
                    timeout=DUE_TOAST_SECONDS,
                    markup=False,
                )
        self.bell()

    # --- intake (`i`): mail and form briefs from the configured sources ----------------------

    def action_run_intake(self) -> None:
        """Run `amtui intake run` in a worker; a toast says what came in."""
        if not self.config.intake.has_sources:
            self.notify(
                "No intake sources: add [intake] mail, [intake.imap.NAME] or [intake.forms.NAME]"
                " to the config (see the README)",
                title="Intake",
                severity="warning",
                markup=False,
            )
            return
        if self._intake_running:
            self.notify("Intake is running already", title="Intake", markup=False, timeout=3)
            return
        self._intake_running = True
        self.notify("Looking for new mail and briefs…", title="Intake", markup=False, timeout=3)
        self._run_intake()

    @work(thread=True, exclusive=True, group="intake", exit_on_error=False)
    def _run_intake(self) -> None:
        from amtui.core.intake_store import Intake
        from amtui.io.runner import run_configured  # parsers: only when intake runs

        try:
            with Intake(self.db, now=self.now(), config=self.config, summary="run") as intake:
                tally = run_configured(intake, report=lambda _outcome: None)
            problems = "".join(f"\n{error}" for error in tally.errors)
            done = self.IntakeDone(tally.summary() + problems, tally.new, None, len(tally.errors))
        except AmtuiError as error:
            done = self.IntakeDone("", 0, str(error))
        except Exception as error:  # a bug: keep the app running, say so
            self.log.error(f"intake failed: {error!r}")
            done = self.IntakeDone("", 0, f"intake failed: {type(error).__name__}")
        self.post_message(done)

    def on_amtui_app_intake_done(self, message: IntakeDone) -> None:
        self._intake_running = False
        if message.error is not None:
            self.notify(safe(message.error, 300), title="Intake", severity="warning", markup=False)
            return
        severity: SeverityLevel = "warning" if message.failed else "information"
        self.notify(safe(message.summary, 600), title="Intake", severity=severity, markup=False)
        if message.new:
            self.data_changed()

    # --- results of writes ---------------------------------------------------------------------

    def on_actions_finished(self, message: Actions.Finished) -> None:
        from amtui.tui.screens.detail import DetailScreen

        if message.saved.note:
            self.notify(message.saved.note, markup=False, timeout=3)
        if message.closes:
            for screen in list(self.screen_stack):
                if isinstance(screen, DetailScreen) and screen.ref == message.closes:
                    screen.dismiss(None)
        self.data_changed(message.saved.focus, message.parts)

    def on_actions_failed(self, message: Actions.Failed) -> None:
        self.notify(safe(message.error, 300), severity="warning", markup=False)
        self.data_changed()  # undo whatever the screen showed ahead of the write

    # --- help -----------------------------------------------------------------------------------

    def action_toggle_help(self) -> None:
        from textual.widgets import HelpPanel  # markdown-it and Pygments: not at start-up

        if self.screen.query(HelpPanel):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

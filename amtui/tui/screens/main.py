"""The main screen: inbox, board and agenda side by side (tabs on a narrow terminal).

Data flows one way: a thread worker calls core (`amtui.tui.logic.data`) and posts a typed
message; the handler hands core dataclasses to the regions, which only render. Region keys run
verbs through the app's `Actions`, which call core services in workers. Until the first load
is in, every region says it is loading (never "No open leads" before the data was read).
"""

from __future__ import annotations

import time
from concurrent.futures import Future, wait
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, cast

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, get_current_worker

from amtui.core.board import ClientChoice, ColumnPage, InboxPage
from amtui.core.dates import local_today
from amtui.core.errors import AmtuiError
from amtui.tui import render
from amtui.tui.keys import verb_bindings
from amtui.tui.logic import data
from amtui.tui.logic.verbs import Target
from amtui.tui.widgets.agenda import Agenda
from amtui.tui.widgets.board import Board
from amtui.tui.widgets.footer import FittedFooter
from amtui.tui.widgets.inbox import Inbox
from amtui.tui.widgets.rows import Region, RowList, same_content

if TYPE_CHECKING:
    from amtui.tui.app import AmtuiApp

REGION_NAMES = ("Inbox", "Board", "Agenda")
#: Below this many columns (a phone held upright, `amtui web`), rows wrap instead of cutting
#: titles short, and the help panel takes the whole width (the `-phone` class).
PHONE_COLUMNS = 60
POLL_SECONDS = 0.5
FULL_RELOAD_SECONDS = 60  # overdue marks move with the clock even when no data changes
#: How long the first frame waits for the first read, if it is not in yet (seconds): less than
#: a "Loading…" frame and the layout after it cost at 100 000 records on a busy machine.
EARLY_READ_WAIT = 0.15


class MainScreen(Screen[None]):
    """Everything on one keyboard-driven screen."""

    AUTO_FOCUS = "#inbox"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (160, "-wide")]
    BINDING_GROUP_TITLE = "Screen"
    BINDINGS = [
        Binding("tab", "cycle_region(1)", "Next region", show=False, id="focus.next"),
        Binding("shift+tab", "cycle_region(-1)", "Previous region", show=False, id="focus.prev"),
        *verb_bindings("main"),
    ]

    @dataclass
    class Loaded(Message):
        """Fresh data for some or all regions (`keep`: select this record afterwards)."""

        snapshot: data.Snapshot
        keep: str | None

    @dataclass
    class InboxPageLoaded(Message):
        page: InboxPage

    @dataclass
    class ColumnPageLoaded(Message):
        page: ColumnPage

    @dataclass
    class LoadFailed(Message):
        error: str

    class ChangedElsewhere(Message):
        """Another connection committed (the poll saw the change token move)."""

    def __init__(self) -> None:
        super().__init__()
        self.filters = data.Filters()
        self.snapshot: data.Snapshot | None = None
        self.agenda_rows = data.AGENDA_PAGE
        self.first_paint: float | None = None  # when the first data reached the screen
        self._pending_parts: frozenset[str] = frozenset()
        self._pending_keep: str | None = None
        self._today: date | None = None
        self._ticks = 0
        self._poller: Worker[None] | None = None
        self.loads_applied = 0  # reloads shown so far (tests and bench/run_tui.py wait on it)
        self._loading_more: set[str] = set()
        self._tab_spans: list[tuple[int, int, int]] = []  # (first column, past the end, region)
        self._resumed = False  # `on_screen_resume`

    @property
    def amtui(self) -> AmtuiApp:
        return cast("AmtuiApp", self.app)

    def compose(self) -> ComposeResult:
        width = self.app.size.width
        # Textual sets the breakpoint class on the screen's first Resize, which comes after
        # the first layout: that layout and render (~20 ms at 0 records) would be thrown away
        # by the restyle of every widget that follows. Set before the widgets are even
        # mounted, each is styled once and the first frame is laid out as it will stay; the
        # Resize then finds the classes already there.
        self.update_classes(
            {name: name == breakpoint_class(width) for _, name in self.HORIZONTAL_BREAKPOINTS},
            animate=False,
        )
        self.set_class(width < PHONE_COLUMNS, "-phone")
        self.inbox = Inbox()
        self.inbox.add_class("-active", update=False)  # AUTO_FOCUS; styled as it mounts
        self.board = Board(self.amtui.config.columns)
        self.agenda = Agenda()
        self.topbar = Static(id="topbar", markup=False)
        self.tabbar = Static(id="tabbar", markup=False)
        yield self.topbar
        yield self.tabbar
        with Container(id="regions"):
            yield self.inbox
            yield self.board
            yield self.agenda
        self.footer = FittedFooter()
        yield self.footer

    @property
    def regions(self) -> tuple[Inbox, Board, Agenda]:
        return (self.inbox, self.board, self.agenda)

    def on_click(self, event: events.Click) -> None:
        """A click on a tab (a tap in `amtui web` on a phone) goes to that region."""
        if event.widget is not self.tabbar:
            return
        offset = event.get_content_offset(self.tabbar)
        if offset is None:
            return
        for start, end, index in self._tab_spans:
            if start <= offset.x < end:
                self.focus_region(index)
                return

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < PHONE_COLUMNS, "-phone")
        if event.size == self.size and self._resumed:
            # The terminal's size as the app started, already laid out by the first resume:
            # Textual's handler (after this one) would lay out and draw the whole screen again
            # for nothing (a widget that needs a layout asks for one itself). Its breakpoint
            # classes are the ones `compose` set for this width.
            event.prevent_default()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first resume comes right after the mount, which styled every widget with the
        classes it keeps (`compose`): Textual's restyle of the whole screen there (this runs
        before it) would apply the stylesheet to every widget again, and each list would
        place and draw its rows again (~5% of the instructions to the first frame at 100 000
        records, bench/RESULTS.md `s7start`). A later resume (a dialog closed) restyles."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def on_mount(self) -> None:
        self._update_bars()
        app = self.amtui
        self.board.set_sorts(app.view_state.board_sort)
        self._today = local_today(app.now(), app.config.timezone)
        # The screen's own timers: they stop when it closes, so none fires at widgets that
        # are gone while the app shuts down.
        if app.live:
            self.set_interval(POLL_SECONDS, self._poll, name="poll")
            self.set_interval(1, self._tick, name="tick")
        self._poll()
        self.reload()

    # --- live refresh ------------------------------------------------------------------------

    def _poll(self) -> None:
        """Look for another connection's commit; none while the app shuts down (the screens
        are going). On SQLite the look is a counter read on a connection of its own (~0.01
        ms): it runs here, not in a thread and a Worker twice a second. PostgreSQL's (and
        SQLite's first, which opens that connection) runs in a worker, one at a time; not an
        exclusive one: cancelling a look that already took the new token would drop the
        change it saw."""
        if not self.app.is_running:
            return
        changes = self.amtui.changes
        if changes.at_hand:
            if changes.changed():
                self.post_message(self.ChangedElsewhere())
            return
        if self._poller is None or self._poller.is_finished:
            self._poller = self._look_for_changes()

    @work(thread=True, group="poll", exit_on_error=False)
    def _look_for_changes(self) -> None:
        if self.amtui.changes.changed():
            self.post_message(self.ChangedElsewhere())

    def on_main_screen_changed_elsewhere(self, message: ChangedElsewhere) -> None:
        self.amtui.data_changed()

    def _tick(self) -> None:
        app = self.amtui
        if not app.is_running:
            return
        now = app.now()
        self.tick(now)
        self._ticks += 1
        today = local_today(now, app.config.timezone)
        if today != self._today or self._ticks % FULL_RELOAD_SECONDS == 0:
            self._today = today
            app.data_changed()

    # --- loading ---------------------------------------------------------------------------

    def reload(self, keep: str | None = None, parts: frozenset[str] = data.ALL) -> None:
        """Reload regions in a worker. A newer reload cancels an older one, so a partial
        reload takes over whatever a cancelled one would still have refreshed."""
        self._pending_parts = self._pending_parts | parts
        # A reload without a record to select (the poll's) must not drop the one a pending
        # reload was asked to select (the record just saved).
        self._pending_keep = keep or self._pending_keep
        board = self.board
        sizes = {column.column_name: column.loaded for column in board.columns}
        early = self.amtui.early_load
        read = None
        if early is not None:  # the first reload: the app began reading it as it started
            read = early.take(
                filters=self.filters,
                inbox_rows=self.inbox.loaded,
                column_rows=sizes,
                agenda_rows=self.agenda_rows,
                parts=self._pending_parts,
                sorts=dict(self.amtui.view_state.board_sort),
            )
            # The first data is in before the screen's first frame (the read begins before
            # Textual is even imported, `amtui.tui.launch`), or nearly: that frame shows it,
            # instead of a "Loading…" frame and a second layout and render after it (~50–75
            # ms of the first paint at 0 records, more at 100k: bench/RESULTS.md `s6start`).
            # A read that takes longer (a locked database) is left to the worker.
            if read is not None and wait([read], EARLY_READ_WAIT).done and not read.exception():
                self._show(read.result(), self._pending_keep)
                return
        self._load(
            self._pending_keep,
            self.inbox.loaded,
            sizes,
            self.agenda_rows,
            self._pending_parts,
            read,
        )

    def key_waits(self, typed: events.Key | events.Paste) -> bool:
        """While a reload that selects the record just changed is out, the next key waits
        for it (`amtui.tui.typeahead`): `Ctrl+S j` moves on from the saved record, as typed
        slowly, instead of moving first and being pulled back by the reload."""
        return self._pending_keep is not None

    def expect_selection(self, ref: str) -> None:
        """The reload a write asks for will select `ref`; keys wait for it from now on."""
        self._pending_keep = ref

    def _keep_done(self) -> None:
        if self._pending_keep is not None:
            self._pending_keep = None
            self.amtui.keys.resume()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(
        self,
        keep: str | None,
        inbox_rows: int,
        column_rows: dict[str, int],
        agenda_rows: int,
        parts: frozenset[str],
        early: Future[data.Snapshot] | None = None,
    ) -> None:
        app = self.amtui
        try:
            if early is not None:  # read since the app started (`data.EarlyLoad`)
                snapshot = early.result()
            else:
                snapshot = data.load_snapshot(
                    app.db,
                    config=app.config,
                    now=app.now(),
                    filters=self.filters,
                    inbox_rows=inbox_rows,
                    column_rows=column_rows,
                    sorts=dict(app.view_state.board_sort),
                    agenda_rows=agenda_rows,
                    parts=parts,
                )
        except Exception as error:  # AmtuiError (locked, unreadable), or a bug: say so
            self.post_message(self.LoadFailed(_describe(error)))
            return
        if not get_current_worker().is_cancelled:  # a newer reload is on its way
            self.post_message(self.Loaded(snapshot, keep))

    def on_main_screen_loaded(self, message: Loaded) -> None:
        self._show(message.snapshot, message.keep)

    def _show(self, snapshot: data.Snapshot, keep: str | None) -> None:
        """Hand a loaded snapshot to the regions (`keep`: the record to select)."""
        # Keys typed after a save go on once this has run (the record selected), not before.
        self._keep_done()
        self.snapshot = snapshot
        config = self.amtui.config
        now = snapshot.now
        inbox, board, agenda = self.regions
        active = self.active_region()
        # Only the region the user is working in follows `keep` (the record just changed).
        self._pending_parts = frozenset()
        self.loads_applied += 1
        if self.amtui.team_mode != (snapshot.whose is not None):
            self.amtui.team_mode = snapshot.whose is not None
            self.refresh_bindings()
        if snapshot.inbox is not None:
            inbox.show_page(snapshot.inbox, now=now, config=config, keep=_if(active is inbox, keep))
        if snapshot.board is not None:
            board.show_pages(
                snapshot.board, now=now, config=config, keep=_if(active is board, keep)
            )
        if snapshot.agenda is not None:
            agenda.show_agenda(
                snapshot.agenda, now=now, config=config, keep=_if(active is agenda, keep)
            )
        self._loading_more.clear()
        self._update_bars()
        if self.first_paint is None:
            self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        self.first_paint = time.time()  # read by bench/run_tui.py
        self.amtui.settle_heap()
        self.amtui.first_frame_drawn()  # what waited for it: imports, the due reminders

    def on_main_screen_load_failed(self, message: LoadFailed) -> None:
        self._loading_more.clear()
        self._keep_done()
        self.notify(render.safe(message.error, 300), severity="error", markup=False)

    @on(RowList.EndReached)
    def load_more(self, message: RowList.EndReached) -> None:
        message.stop()
        board = self.board
        column = board.column_of(message.row_list)
        key = column.column_name if column else str(message.row_list.id)
        if key in self._loading_more or message.row_list.more <= 0:
            return
        self._loading_more.add(key)
        if column is not None:
            self._load_column(column.column_name, column.loaded)
        elif message.row_list.id == "inbox-list":
            self._load_inbox(self.inbox.loaded)
        elif message.row_list.id == "agenda-list":
            self.agenda_rows += data.AGENDA_PAGE  # sections are short: rebuild them longer
            self.reload()

    @work(thread=True, group="more", exit_on_error=False)
    def _load_inbox(self, offset: int) -> None:
        app = self.amtui
        try:
            page = data.load_more_inbox(
                app.db, config=app.config, filters=self.filters, offset=offset
            )
        except Exception as error:
            self.post_message(self.LoadFailed(_describe(error)))
            return
        self.post_message(self.InboxPageLoaded(page))

    @work(thread=True, group="more", exit_on_error=False)
    def _load_column(self, name: str, offset: int) -> None:
        app = self.amtui
        try:
            page = data.load_more_column(
                app.db,
                name,
                config=app.config,
                now=app.now(),
                filters=self.filters,
                offset=offset,
                sort=app.view_state.sort_of(name),
            )
        except Exception as error:
            self.post_message(self.LoadFailed(_describe(error)))
            return
        self.post_message(self.ColumnPageLoaded(page))

    def on_main_screen_inbox_page_loaded(self, message: InboxPageLoaded) -> None:
        self._loading_more.discard("inbox-list")
        app = self.amtui
        self.inbox.append_page(message.page, now=app.now(), config=app.config)

    def on_main_screen_column_page_loaded(self, message: ColumnPageLoaded) -> None:
        self._loading_more.discard(message.page.name)
        app = self.amtui
        self.board.append_page(message.page, now=app.now(), config=app.config)

    def tick(self, now: datetime) -> None:
        """Called every second by the app: countdowns and the clock in the top bar."""
        config = self.amtui.config
        self.inbox.tick(now, config)
        self.agenda.tick(now, config)
        self._update_bars(now)

    # --- regions and focus -----------------------------------------------------------------

    def focus_region(self, index: int) -> None:
        # Focus now, not on the next tick (Widget.focus defers): a key typed right after
        # `2` (as tmux or a fast typist sends `2n`) must reach the board, not the inbox.
        region = self.regions[index]
        for other in self.regions:
            other.set_class(other is region, "-active")
        self.set_focus(region)

    def action_cycle_region(self, delta: int) -> None:
        regions = self.regions
        current = next((i for i, r in enumerate(regions) if r.has_class("-active")), 0)
        self.focus_region((current + delta) % len(regions))

    def on_descendant_focus(self) -> None:
        focused = self.focused
        for region in self.regions:
            region.set_class(region is focused, "-active")
        self._update_bars()

    def active_region(self) -> Region:
        return next((r for r in self.regions if r.has_class("-active")), self.regions[0])

    def _update_bars(self, now: datetime | None = None) -> None:
        app = self.amtui
        config = app.config
        now = now or app.now()
        local = now.astimezone(config.timezone)
        parts: list[str | tuple[str, str]] = [
            ("amtui", "bold $text-accent"),
            f"  {local_today(now, config.timezone):%a %-d %b} {local:%H:%M} {config.timezone}",
        ]
        whose = self.snapshot.whose if self.snapshot is not None else None
        if whose is not None:
            parts.append((f"  {render.safe(whose, 30)}", "bold $text-accent"))
            parts.append(("  (o: mine/team)", render.MUTED))
        if self.filters.client is not None:
            parts.append(
                (f"  client: {render.safe(self.filters.client.name, 40)}", "bold $text-warning")
            )
            parts.append(("  (esc clears)", render.MUTED))
        _update(self.topbar, Content.assemble(*parts))
        active = self.active_region()
        tabs: list[tuple[str, str]] = []
        self._tab_spans.clear()
        for index, (name, region) in enumerate(zip(REGION_NAMES, self.regions, strict=True)):
            style = "reverse bold" if region is active else render.MUTED
            label = f" {index + 1} {name} "
            start = sum(len(text) for text, _ in tabs)
            self._tab_spans.append((start, start + len(label), index))
            tabs.extend([(label, style), (" ", "")])
        _update(self.tabbar, Content.assemble(*tabs))

    # --- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "verb" and parameters == ("clear_filters",):
            return self.filters.client is not None or any(self.filters.text.values())
        if action == "verb" and parameters in (("owner_toggle",), ("owner_pick",)):
            return self.amtui.team_mode
        return True

    def action_verb(self, name: str) -> None:
        if self.check_action("verb", (name,)):
            self.amtui.actions.run(name, Target(self.current_ref(), "main"))

    def clear_filters(self) -> None:
        """Esc: the client and text filters go; whose records stay as chosen (`o`)."""
        for region in self.regions:
            region.filter_text = ""
        self.set_filters(data.Filters(owner=self.filters.owner))

    def cycle_sort(self, column: str) -> None:
        """The board's `s`: the column's next sort (by hand → due date → priority), shown in
        its title, remembered across restarts."""
        state = self.amtui.view_state
        sort = state.next_sort(column)
        state.board_sort[column] = sort
        self.amtui.save_view_state()
        self.board.set_sorts(state.board_sort)
        self.reload(parts=frozenset({"board"}))
        label = {
            "position": "by hand (J/K move cards)",
            "due": "by due date",
            "priority": "by priority, then due date",
        }[sort]
        self.notify(f"{render.safe(column, 40)}: sorted {label}", markup=False, timeout=3)

    def set_filters(self, filters: data.Filters) -> None:
        self.filters = filters
        for region in self.regions:
            region.filter_text = filters.text.get(region.PLACE, "")
        self.refresh_bindings()
        self._update_bars()
        self.reload()
        from amtui.tui.screens.pipeline import PipelineScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, PipelineScreen):  # it shows the same client and whose
                screen.reload()

    def set_owner(self, owner: str | None) -> None:
        """Show whose records: None (mine by default), `all`, `none` or a member's handle."""
        self.set_filters(replace(self.filters, owner=owner))

    def set_client(self, client: ClientChoice | None) -> None:
        self.set_filters(replace(self.filters, client=client))

    def set_text_filter(self, region: str, text: str) -> None:
        self.set_filters(replace(self.filters, text={**self.filters.text, region: text.strip()}))

    def current_ref(self) -> str | None:
        return self.active_region().current_ref


def breakpoint_class(width: int) -> str:
    """The class of `MainScreen.HORIZONTAL_BREAKPOINTS` that Textual gives a screen this wide
    (the widest breakpoint the width reaches)."""
    return next(
        name
        for least, name in sorted(MainScreen.HORIZONTAL_BREAKPOINTS, reverse=True)
        if width >= least
    )


def _update(bar: Static, content: Content) -> None:
    """Show `content` unless the bar shows it already: the tick asks every second, the clock
    changes once a minute (each update lays out the whole screen)."""
    shown = bar.content
    if not (isinstance(shown, Content) and same_content(shown, content)):
        bar.update(content)


def _if(condition: bool, value: str | None) -> str | None:
    return value if condition else None


def _describe(error: Exception) -> str:
    if isinstance(error, AmtuiError):
        return str(error)
    return f"could not load: {type(error).__name__}: {error}"

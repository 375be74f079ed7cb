"""A scrolling list of one-widget rows with a cursor, and the focusable region around it.

Rows are plain `Static`s fed `Content` built by `amtui.tui.render` (never markup), so a lead
title cannot run an action or break the screen. A list holds one page of records; when the
cursor reaches the end (or the user scrolls there) it asks for the next page. Widgets are
reused on reload, so a refresh every second costs a few `update` calls, not a re-mount.

Only the rows near what is shown have widgets: one or two screenfuls past the cursor (more as
the cursor or the scroll gets there). Textual lays out and styles every mounted widget on each
frame that changes layout, and the pipeline's seven columns of 100 loaded leads were all
mounted. A card moving to another column moves as one widget (`take`, `put_first`).

A region's verb keys come from the registry (`logic.verbs`) for its place; a key runs the
verb through the app's action layer at once, in the key's own handler, so a dialog it opens
is already there for the keys typed right after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from amtui.tui.keys import verb_bindings
from amtui.tui.logic.verbs import Facts, Target, applies, verb, verbs_at
from amtui.tui.render import RowData

if TYPE_CHECKING:
    from amtui.tui.app import AmtuiApp


class Row(Static):
    """A single record (or a heading) in a `RowList`."""

    def __init__(self, data: RowData) -> None:
        super().__init__(data.content, classes=self._class_names(data, False), markup=False)
        self.data = data

    @staticmethod
    def _class_names(data: RowData, selected: bool) -> str:
        names = ["row", *sorted(data.classes)]
        if not data.selectable:
            names.append("-heading")
        if selected:
            names.append("-selected")
        return " ".join(names)

    def show(self, data: RowData, selected: bool) -> None:
        if data.content != self.data.content:
            self.update(data.content)
        if data.classes != self.data.classes or data.selectable != self.data.selectable:
            self.set_classes(self._class_names(data, selected))
        else:
            self.set_class(selected, "-selected")
        self.data = data

    def on_click(self, event: events.Click) -> None:
        event.stop()
        parent = self.parent
        if isinstance(parent, RowList) and self.data.selectable:
            parent.post_message(RowList.RowClicked(parent, self.data.key, event.chain))


class MoreIndicator(Static):
    """`… 120 more`: clicking it (or reaching it with the cursor) shows the next rows."""

    def on_click(self, event: events.Click) -> None:
        event.stop()
        parent = self.parent
        if isinstance(parent, RowList):
            parent.reveal_more()


class RowList(VerticalScroll, can_focus=False):
    """Rows plus a cursor; the surrounding `Region` has the focus and the keys."""

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another record."""

        row_list: RowList
        key: str | None

    @dataclass
    class RowClicked(Message):
        """A row was clicked (chain 2 means a double click)."""

        row_list: RowList
        key: str
        chain: int

    @dataclass
    class EndReached(Message):
        """The cursor or the scroll position reached the end while more rows exist."""

        row_list: RowList

    def __init__(
        self, *, empty: str = "nothing here", id: str | None = None, first_mount: int = 10
    ) -> None:
        super().__init__(id=id)
        #: Rows mounted at once: what fits on screen; the rest of the window after the frame.
        self.first_mount = first_mount
        self.rows: list[RowData] = []
        self.cursor = -1
        self.more = 0
        # Direct references, not DOM queries: a query walks every widget on the screen, and a
        # reload touches hundreds of rows (measured: queries were 30% of a card move).
        # `_widgets[i]` shows `rows[i]`; rows past the last widget have none yet.
        self._widgets: list[Row] = []
        self._empty = Static(Content(empty), classes="empty")
        self._more = MoreIndicator("", classes="more")

    def compose(self) -> ComposeResult:
        yield self._empty
        yield self._more

    @property
    def current_key(self) -> str | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor].key or None
        return None

    @property
    def current(self) -> RowData | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def show(
        self,
        rows: Sequence[RowData],
        more: int = 0,
        *,
        keep: str | None = None,
        empty: str | None = None,
    ) -> None:
        """Replace the rows (reusing widgets); the cursor stays on `keep` or its old key.
        `empty`: what the list says when it has no rows (it says "Loading…" until then)."""
        if empty is not None:
            self._empty.update(Content(empty))
        old_key, old_index = self.current_key, self.cursor
        self.rows = list(rows)
        self.more = more
        widgets = self._widgets
        cursor = self._index_of(keep)
        if cursor < 0:
            cursor = self._index_of(old_key)
        if cursor < 0 and self.rows:
            cursor = self._nearest_selectable(min(max(old_index, 0), len(self.rows) - 1))
        self.cursor = cursor
        for index, (widget, data) in enumerate(zip(widgets, self.rows, strict=False)):
            widget.show(data, index == cursor)
        extra = widgets[len(self.rows) :]
        if extra:
            self.remove_children(extra)
        self._widgets = widgets[: len(self.rows)]
        # What fits on screen now; the rest of the window right after the frame (a row costs
        # ~1.5 ms to mount, so 400 rows at once held the first screen back by 0.6 s).
        self._mount_to(min(self._wanted(), max(len(self._widgets), self.first_mount)))
        self._update_footer()
        self.call_after_refresh(self._fill)
        self.call_after_refresh(self._scroll_to_cursor)
        if self.current_key != old_key:
            self.post_message(self.Highlighted(self, self.current_key))

    def take(self, key: str) -> RowData | None:
        """Remove row `key` (a card moving to another list) and its widget only; the cursor
        goes to the row that takes its place."""
        index = self._index_of(key)
        if index < 0:
            return None
        old_key = self.current_key
        data = self.rows.pop(index)
        if index < len(self._widgets):
            self._widgets.pop(index).remove()
        if self.cursor > index:
            self.cursor -= 1
        elif self.cursor == index:
            self.cursor = -1
            if self.rows:
                self.cursor = self._nearest_selectable(min(index, len(self.rows) - 1))
            if 0 <= self.cursor < len(self._widgets):
                self._widgets[self.cursor].add_class("-selected")
        self._fill()
        self._update_footer()
        if self.current_key != old_key:
            self.post_message(self.Highlighted(self, self.current_key))
        return data

    def put_first(self, data: RowData) -> None:
        """Add `data` as the first row, selected (a card moved here), mounting one widget."""
        widgets = self._widgets
        if 0 <= self.cursor < len(widgets):
            widgets[self.cursor].remove_class("-selected")
        widget = Row(data)
        widget.add_class("-selected")
        self.mount(widget, before=widgets[0] if widgets else self._more)
        self.rows.insert(0, data)
        widgets.insert(0, widget)
        self.cursor = 0
        self._update_footer()
        self.call_after_refresh(self._scroll_to_cursor)
        self.post_message(self.Highlighted(self, self.current_key))

    def _window(self) -> int:
        """Lines to fill past the cursor: a screenful (`first_mount` before the first layout,
        and while the list is hidden)."""
        return max(self.first_mount, self.scrollable_content_region.height)

    def _wanted(self, start: int | None = None) -> int:
        """How many rows (from the top) to mount: up to a screenful of lines past `start`
        (the cursor), each row as high as its lines at least (a pipeline card has three)."""
        lines, end = self._window(), max(self.cursor if start is None else start, 0)
        rows = self.rows
        while end < len(rows) and lines > 0:
            lines -= 1 + rows[end].content.plain.count("\n")
            end += 1
        return end

    def _fill(self) -> None:
        """Once the rows mounted no longer reach a screenful past the cursor, mount up to two
        screenfuls past it: a mount (and the layout it costs) every screenful the cursor
        moves, not at every key."""
        wanted = self._wanted()
        if wanted >= len(self._widgets) and len(self._widgets) < len(self.rows):
            self._mount_to(self._wanted(wanted))

    def _mount_to(self, count: int) -> None:
        start = len(self._widgets)
        if count <= start:
            return
        new = [Row(data) for data in self.rows[start:count]]
        if start <= self.cursor < count:
            new[self.cursor - start].add_class("-selected")
        self._widgets.extend(new)
        self.mount_all(new, before=self._more)
        self._update_footer()

    def reveal_more(self) -> None:
        """The next screenful of rows; past the loaded ones, ask for the next page."""
        if len(self._widgets) < len(self.rows):
            self._mount_to(self._wanted(len(self._widgets)))
        elif self.more:
            self.post_message(self.EndReached(self))

    def on_resize(self) -> None:
        self._fill()

    def update_contents(self, rows: Sequence[RowData]) -> None:
        """Refresh the text of rows in place (the countdown tick); keys must not change."""
        widgets = self._widgets
        for index, data in enumerate(rows[: len(self.rows)]):
            if self.rows[index].key != data.key or self.rows[index] == data:
                continue
            if index < len(widgets):
                widgets[index].show(data, index == self.cursor)
            self.rows[index] = data

    def move(self, delta: int) -> None:
        """Move the cursor by `delta` selectable rows; past the end asks for more."""
        if not self.rows:
            return
        index = self.cursor if self.cursor >= 0 else -1
        step = 1 if delta > 0 else -1
        for _ in range(abs(delta)):
            probe = index + step
            while 0 <= probe < len(self.rows) and not self.rows[probe].selectable:
                probe += step
            if not 0 <= probe < len(self.rows):
                if step > 0 and self.more:
                    self.post_message(self.EndReached(self))
                break
            index = probe
        self.select_index(index)

    def first(self) -> None:
        self.select_index(self._nearest_selectable(0))

    def last(self) -> None:
        self.select_index(self._nearest_selectable(len(self.rows) - 1, step=-1))
        if self.more:
            self.post_message(self.EndReached(self))

    def select_key(self, key: str) -> bool:
        index = self._index_of(key)
        if index >= 0:
            self.select_index(index)
        return index >= 0

    def select_index(self, index: int) -> None:
        if not 0 <= index < len(self.rows) or index == self.cursor:
            return
        widgets = self._widgets
        if 0 <= self.cursor < len(widgets):
            widgets[self.cursor].remove_class("-selected")
        self.cursor = index
        if index < len(widgets):
            widgets[index].add_class("-selected")
        self._fill()
        if widgets[index].is_mounted:
            self._scroll_to_cursor()
        else:  # mounted just now: scroll once it is laid out
            self.call_after_refresh(self._scroll_to_cursor)
        self.post_message(self.Highlighted(self, self.current_key))

    def _index_of(self, key: str | None) -> int:
        if not key:
            return -1
        return next((i for i, row in enumerate(self.rows) if row.key == key), -1)

    def _nearest_selectable(self, start: int, step: int = 1) -> int:
        """The selectable row at `start`, else the nearest one (first in `step`'s direction)."""
        size = len(self.rows)
        if step > 0:
            order = [*range(start, size), *range(start - 1, -1, -1)]
        else:
            order = [*range(start, -1, -1), *range(start + 1, size)]
        return next((i for i in order if 0 <= i < size and self.rows[i].selectable), -1)

    def _update_footer(self) -> None:
        self._empty.display = not self.rows
        more = self._more
        hidden = self.more + len(self.rows) - len(self._widgets)
        more.display = hidden > 0
        if hidden:
            more.update(Content(f"… {hidden} more"))

    def _scroll_to_cursor(self) -> None:
        widgets = self._widgets
        if 0 <= self.cursor < len(widgets) and widgets[self.cursor].is_mounted:
            self.scroll_to_widget(widgets[self.cursor], animate=False, immediate=True)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if new <= old:
            return
        if len(self._widgets) < len(self.rows):
            # Within half a screen of the last row mounted (the cursor's own fill keeps a
            # screenful past it, so moving the cursor does not get here).
            if new >= self.max_scroll_y - self.scrollable_content_region.height // 2:
                self._mount_to(self._wanted(len(self._widgets)))
        elif self.more and new >= self.max_scroll_y:
            self.post_message(self.EndReached(self))


class Region(Vertical, can_focus=True):
    """A focusable screen region around one or more `RowList`s (inbox, board, agenda).

    Keys live here (on the widget that owns them): the list keys, and the verbs of the
    region's `PLACE` in the registry, which run through the app's `Actions`. A verb that does
    not apply to the selected record is hidden from the footer (`facts` says what is known).
    """

    PLACE = ""
    #: Which of the list verbs (`open`, `filter`) this region offers.
    LIST_VERBS: tuple[str, ...] = ("open", "filter")
    filter_text = ""  # shown in the title; the screen keeps the real filters
    BINDINGS = [
        Binding("j,down", "cursor(1)", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor(-1)", "Up", show=False, id="list.up"),
        Binding("pagedown", "cursor(10)", "Page down", show=False),
        Binding("pageup", "cursor(-10)", "Page up", show=False),
        Binding("g,home", "first", "First", show=False, id="list.first"),
        Binding("G,end", "last", "Last", show=False, id="list.last"),
        *verb_bindings("list"),
    ]

    @property
    def amtui(self) -> AmtuiApp:
        return cast("AmtuiApp", self.app)

    def current_list(self) -> RowList:
        return self.row_list

    @property
    def row_list(self) -> RowList:
        """The region's one list (the board overrides `current_list`)."""
        if not hasattr(self, "_row_list"):
            self._row_list = self.query_one(RowList)
        return self._row_list

    @property
    def current_ref(self) -> str | None:
        return self.current_list().current_key

    @property
    def current_row(self) -> RowData | None:
        return self.current_list().current

    def action_cursor(self, delta: int) -> None:
        self.current_list().move(delta)

    def action_first(self) -> None:
        self.current_list().first()

    def action_last(self) -> None:
        self.current_list().last()

    # --- verbs -------------------------------------------------------------------------------

    def verb_names(self) -> tuple[str, ...]:
        """The verbs this region has keys for."""
        return _verb_names(self.PLACE, self.LIST_VERBS)

    def facts(self) -> Facts:
        """What is known about the selected record (regions add what they know)."""
        return Facts(self.current_ref)

    def target(self) -> Target:
        return Target(self.current_ref, self.PLACE)

    def offers(self, name: str) -> bool:
        """Whether verb `name` applies here to the selected record (hidden if not)."""
        return name in self.verb_names() and applies(verb(name), self.facts())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "verb" or not parameters:
            return True
        return self.offers(str(parameters[0]))

    def action_verb(self, name: str) -> None:
        """Run the verb now (not through a message: a dialog it opens must be there before
        the next key is handled)."""
        if self.offers(name):
            self.amtui.actions.run(name, self.target())

    def on_row_list_highlighted(self, message: RowList.Highlighted) -> None:
        message.stop()
        self.update_bindings()

    def update_bindings(self) -> None:
        """Refresh the footer only when the keys that apply change (it rebuilds itself)."""
        offered = tuple(self.offers(name) for name in self.verb_names())
        if offered != getattr(self, "_offered", None):
            self._offered = offered
            self.refresh_bindings()

    def on_row_list_row_clicked(self, message: RowList.RowClicked) -> None:
        message.stop()
        self.focus()
        message.row_list.select_key(message.key)
        if message.chain >= 2:
            self.action_verb("open")


@cache
def _verb_names(place: str, list_verbs: tuple[str, ...]) -> tuple[str, ...]:
    return (*list_verbs, *(item.name for item, _ in verbs_at(place)))

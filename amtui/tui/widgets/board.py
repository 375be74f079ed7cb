"""The kanban board: one column per configured name, each loaded a page at a time.

Only as many columns as fit at a readable width (`MIN_COLUMN_WIDTH`) are shown, the current one
kept towards the middle; a strip above them names every column with its count, so the hidden
ones are still in view (`h` / `l` walk to them).
"""

from __future__ import annotations

from datetime import datetime

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from amtui.core.board import ColumnPage
from amtui.core.config import Config
from amtui.core.task_queries import TaskRow
from amtui.tui import render
from amtui.tui.keys import verb_bindings
from amtui.tui.logic.verbs import Facts, Target
from amtui.tui.widgets.rows import Region, RowList

MIN_COLUMN_WIDTH = 28  # cells: a card's title, due date and client stay readable

#: How a column's title says its sort (by hand says nothing).
SORT_MARKS = {"due": "↓due", "priority": "↓priority"}


class BoardColumn(Vertical):
    """A titled column of cards (not focusable: the board holds the focus and the keys)."""

    def __init__(self, name: str, index: int) -> None:
        super().__init__(classes="board-column")
        self.column_name = name
        self.index = index
        self.page: ColumnPage | None = None
        self.sort = "position"
        self.border_title = Content.styled(render.safe(name, 40), "bold")
        self.row_list = RowList(empty="Loading…", first_mount=8)

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.row_list

    def show_page(
        self, page: ColumnPage, *, now: datetime, config: Config, keep: str | None
    ) -> None:
        self.page = page
        rows = [render.card(row, now=now, config=config) for row in page.rows]
        self.row_list.show(rows, page.more, keep=keep, empty="—")
        self._title()

    def task_row(self, ref: str | None) -> TaskRow | None:
        """The loaded card `ref` of this column (None: not on the loaded page)."""
        if self.page is None or ref is None:
            return None
        return next((row for row in self.page.rows if row.task.ref == ref), None)

    def set_sort(self, sort: str) -> None:
        self.sort = sort
        self._title()

    def _title(self) -> None:
        parts: list[str | tuple[str, str]] = [(render.safe(self.column_name, 40), "bold")]
        if self.page is not None:
            parts.append((f" {self.page.total}", render.MUTED))
        if self.sort in SORT_MARKS:
            parts.append((f" {SORT_MARKS[self.sort]}", render.SOON))
        self.border_title = Content.assemble(*parts)

    @property
    def loaded(self) -> int:
        return len(self.page.rows) if self.page else 0


class Board(Region):
    """Cards by column: h/l pick a column, H/L move the card, J/K reorder it, s sorts the
    column (by hand, by due date, by priority)."""

    PLACE = "board"
    BINDING_GROUP_TITLE = "Board"
    BINDINGS = [
        Binding("h,left", "column(-1)", "Column left", show=False, id="board.left"),
        Binding("l,right", "column(1)", "Column right", show=False, id="board.right"),
        *verb_bindings(PLACE),
    ]

    column_index: reactive[int] = reactive(0, init=False)

    def __init__(self, columns: tuple[str, ...], *, id: str = "board") -> None:
        super().__init__(id=id, classes="region")
        self.column_names = columns
        self.border_title = Content.assemble(("2 ", render.MUTED), ("Board", "bold"))
        self._columns = [BoardColumn(name, index) for index, name in enumerate(columns)]
        self.tabs = Static("", id="board-tabs", markup=False)
        self.window = (0, 0)  # the first column shown, and how many (set once laid out)

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.tabs
        with Horizontal(id="board-columns"):
            yield from self._columns

    def on_mount(self) -> None:
        self.columns[0].add_class("-current")
        self._fit_columns()

    def on_resize(self) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Show the columns that fit at a readable width, the current one centred."""
        count = len(self.columns)
        width = self.content_size.width
        shown = max(1, min(count, width // MIN_COLUMN_WIDTH)) if width else count
        start = min(max(0, self.column_index - shown // 2), count - shown)
        if (start, shown) != self.window or not self.is_mounted:
            self.window = (start, shown)
            for column in self.columns:
                column.display = start <= column.index < start + shown
        self._show_tabs()

    def _show_tabs(self) -> None:
        """`‹ Backlog 2 · To do 5 · In progress 2 ›`: every column, the hidden ones muted."""
        start, shown = self.window
        self.tabs.display = shown < len(self.columns)
        if not self.tabs.display:
            return
        parts: list[str | tuple[str, str]] = [("‹ " if start else "  ", render.MUTED)]
        for column in self.columns:
            if column.index:
                parts.append((" · ", render.MUTED))
            total = f" {column.page.total}" if column.page is not None else ""
            label = f"{render.safe(column.column_name, 30)}{total}"
            if column.index == self.column_index:
                parts.append((label, "bold reverse"))
            elif start <= column.index < start + shown:
                parts.append((label, ""))
            else:
                parts.append((label, render.MUTED))
        parts.append((" ›" if start + shown < len(self.columns) else "", render.MUTED))
        self.tabs.update(Content.assemble(*parts))

    @property
    def columns(self) -> list[BoardColumn]:
        return self._columns

    @property
    def current_column(self) -> BoardColumn:
        return self.columns[self.column_index]

    def current_list(self) -> RowList:
        return self.current_column.row_list

    def facts(self) -> Facts:
        row = self.current_row
        last = len(self.column_names) - 1
        card = self.current_column.task_row(self.current_ref)
        return Facts(
            self.current_ref,
            done=bool(row and "-done" in row.classes),
            first_column=self.column_index == 0,
            last_column=self.column_index == last,
            team=self.amtui.team_mode,
            owner=card.owner if card is not None else None,
        )

    def target(self) -> Target:
        return Target(self.current_ref, self.PLACE, column=self.current_column.column_name)

    def action_verb(self, name: str) -> None:
        """Moves show at once (the card jumps, then the reload confirms it from the database),
        so H/L/J/K feel instant even when the reload takes 100 ms on a large board."""
        if name in ("move_up", "move_down") and self.current_column.sort != "position":
            column = render.safe(self.current_column.column_name, 40)
            self.notify(
                f"{column} is sorted by {self.current_column.sort}: s until it is in your own "
                "order, then J/K move cards",
                markup=False,
                timeout=4,
            )
            return
        if not self.offers(name):
            return
        target = self.target()  # before the preview moves the cursor
        if name in ("move_left", "move_right"):
            self._preview_shift(-1 if name == "move_left" else 1)
        elif name in ("move_up", "move_down"):
            self._preview_reorder(-1 if name == "move_up" else 1)
        self.amtui.actions.run(name, target)

    def _preview_shift(self, step: int) -> None:
        source = self.current_column
        target = self.columns[self.column_index + step]
        row = source.row_list.current
        if row is None:
            return
        rest = [r for r in source.row_list.rows if r.key != row.key]
        source.row_list.show(rest, source.row_list.more)
        target.row_list.show([row, *target.row_list.rows], target.row_list.more, keep=row.key)
        self.column_index += step

    def _preview_reorder(self, offset: int) -> None:
        rows = list(self.current_list().rows)
        index = self.current_list().cursor
        other = index + offset
        if 0 <= index < len(rows) and 0 <= other < len(rows):
            rows[index], rows[other] = rows[other], rows[index]
            self.current_list().show(rows, self.current_list().more, keep=rows[other].key)

    def action_column(self, delta: int) -> None:
        self.column_index = max(0, min(len(self.column_names) - 1, self.column_index + delta))

    def watch_column_index(self, old: int, new: int) -> None:
        columns = self.columns
        columns[old].remove_class("-current")
        columns[new].add_class("-current")
        self._fit_columns()
        self.update_bindings()

    def set_sorts(self, sorts: dict[str, str]) -> None:
        for column in self.columns:
            column.set_sort(sorts.get(column.column_name, "position"))
        self.update_bindings()

    def select_column(self, name: str) -> None:
        if name in self.column_names:
            self.column_index = self.column_names.index(name)

    def show_pages(
        self, pages: list[ColumnPage], *, now: datetime, config: Config, keep: str | None = None
    ) -> None:
        """Show every column's first page; the cursor follows `keep` to its new column."""
        for column, page in zip(self.columns, pages, strict=False):
            column.show_page(page, now=now, config=config, keep=keep)
            if keep and column.row_list.current_key == keep:
                self.column_index = column.index
        open_cards = sum(p.total for p in pages if p.name != config.done_column)
        parts: list[str | tuple[str, str]] = [
            ("2 ", render.MUTED),
            ("Board", "bold"),
            f" {open_cards} open",
        ]
        if self.filter_text:
            parts.append((f" · /{render.safe(self.filter_text, 30)}", render.MUTED))
        self.border_title = Content.assemble(*parts)
        self._show_tabs()
        self.update_bindings()

    def append_page(self, page: ColumnPage, *, now: datetime, config: Config) -> None:
        for column in self.columns:
            if column.column_name == page.name and column.page and page.offset == column.loaded:
                column.page.rows.extend(page.rows)
                column.page.total = page.total
                column.show_page(column.page, now=now, config=config, keep=None)

    def column_of(self, row_list: RowList) -> BoardColumn | None:
        parent = row_list.parent
        return parent if isinstance(parent, BoardColumn) else None

    def on_row_list_row_clicked(self, message: RowList.RowClicked) -> None:
        column = self.column_of(message.row_list)
        if column is not None:
            self.column_index = column.index
        super().on_row_list_row_clicked(message)

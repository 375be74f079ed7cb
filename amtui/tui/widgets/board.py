"""The kanban board: one column per configured name, each loaded a page at a time.

The columns that fit at a readable width, the strip naming every column and `h` / `l` come
from `widgets.columns` (the pipeline board shares them); this module adds the cards, the
paging, the sort marks and the card moves.
"""

from __future__ import annotations

from datetime import datetime

from textual.binding import Binding
from textual.content import Content

from amtui.core.board import ColumnPage
from amtui.core.config import Config
from amtui.core.task_queries import TaskRow
from amtui.tui import render
from amtui.tui.keys import verb_bindings
from amtui.tui.logic.verbs import Facts, Target
from amtui.tui.widgets.columns import Column, ColumnBoard
from amtui.tui.widgets.rows import retitle

#: How a column's title says its sort (by hand says nothing).
SORT_MARKS = {"due": "↓due", "priority": "↓priority"}


class BoardColumn(Column):
    """A column of task cards, a page at a time."""

    def __init__(self, name: str, index: int) -> None:
        super().__init__(name, index)
        self.page: ColumnPage | None = None
        self._by_ref: dict[str, TaskRow] | None = None  # the page's rows by reference
        self.sort = "position"
        self.border_title = Content.styled(render.safe(name, 40), "bold")

    @property
    def count(self) -> int | None:
        return self.page.total if self.page is not None else None

    def show_page(
        self, page: ColumnPage, *, now: datetime, config: Config, keep: str | None
    ) -> None:
        self.page = page
        self._by_ref = None
        rows = [render.card(row, now=now, config=config) for row in page.rows]
        self.row_list.show(rows, page.more, keep=keep, empty="—")
        self._title()

    def task_row(self, ref: str | None) -> TaskRow | None:
        """The loaded card `ref` of this column (None: not on the loaded page)."""
        if self.page is None or ref is None:
            return None
        if self._by_ref is None or len(self._by_ref) != len(self.page.rows):
            # Asked for each key the footer checks, as the cursor or a card moves: a scan of
            # the page built every card's reference a few hundred times a move at 100k.
            self._by_ref = {row.task.ref: row for row in self.page.rows}
        return self._by_ref.get(ref)

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


class Board(ColumnBoard[BoardColumn]):
    """Cards by column: h/l pick a column, H/L move the card, J/K reorder it, s sorts the
    column (by hand, by due date, by priority)."""

    PLACE = "board"
    BINDING_GROUP_TITLE = "Board"
    BINDINGS = [
        Binding("h,left", "column(-1)", "Column left", show=False, id="board.left"),
        Binding("l,right", "column(1)", "Column right", show=False, id="board.right"),
        *verb_bindings(PLACE),
    ]

    def __init__(self, columns: tuple[str, ...], *, id: str = "board") -> None:
        super().__init__([BoardColumn(name, index) for index, name in enumerate(columns)], id=id)
        self.column_names = columns
        self.border_title = Content.assemble(("2 ", render.MUTED), ("Board", "bold"))

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
            self.preview_shift(-1 if name == "move_left" else 1)
        elif name in ("move_up", "move_down"):
            self._preview_reorder(-1 if name == "move_up" else 1)
        self.amtui.actions.run(name, target)

    def _preview_reorder(self, offset: int) -> None:
        rows = list(self.current_list().rows)
        index = self.current_list().cursor
        other = index + offset
        if 0 <= index < len(rows) and 0 <= other < len(rows):
            rows[index], rows[other] = rows[other], rows[index]
            self.current_list().show(rows, self.current_list().more, keep=rows[other].key)

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
        self.follow(keep)
        open_cards = sum(p.total for p in pages if p.name != config.done_column)
        parts: list[str | tuple[str, str]] = [
            ("2 ", render.MUTED),
            ("Board", "bold"),
            f" {open_cards} open",
        ]
        if self.filter_text:
            parts.append((f" · /{render.safe(self.filter_text, 30)}", render.MUTED))
        retitle(self, Content.assemble(*parts))
        self.show_tabs()
        self.update_bindings()

    def append_page(self, page: ColumnPage, *, now: datetime, config: Config) -> None:
        for column in self.columns:
            if column.column_name == page.name and column.page and page.offset == column.loaded:
                column.page.rows.extend(page.rows)
                column.page.total = page.total
                column.show_page(column.page, now=now, config=config, keep=None)

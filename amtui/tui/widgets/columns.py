"""Columns of cards side by side, the keys and focus on the region around them: what the kanban
board (`widgets.board`) and the pipeline board (`widgets.pipeline`) share.

Only as many columns as fit at a readable width (`MIN_COLUMN_WIDTH`, per board) are shown, the
current one kept towards the middle; a strip above them names every column with its count, so
the hidden ones are still in view (`h` / `l` walk to them). When the strip itself is too
narrow (a phone), it starts late enough to keep the current column's name in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Static

from amtui.tui import render
from amtui.tui.widgets.rows import Region, RowList, retitle, same_content

if TYPE_CHECKING:
    from textual.geometry import Size
    from textual.layout import DockArrangeResult


class ColumnTitle(Widget):
    """A column's top line: its border, with the column's title in it (`.column-title`, and
    `-current` on the board's current column).

    The current column's look sits on this one-line widget, not on the column: a class on
    the column restyled the column and its list, and laid out the screen, on every `h`/`l`
    and card move; here it restyles one line (the list is lit by `RowList.set_lit`)."""

    DEFAULT_CSS = """
    ColumnTitle {
        height: 1;
    }
    """


class Column(Vertical):
    """A titled column of cards (not focusable: the board holds the focus and the keys)."""

    def __init__(self, name: str, index: int) -> None:
        self.title = ColumnTitle(classes="column-title")
        super().__init__(classes="board-column")
        self.column_name = name
        self.index = index
        self.row_list = RowList(empty="Loading…")

    def compose(self) -> ComposeResult:
        yield self.title
        yield self.row_list

    @property
    def border_title(self) -> str | None:
        """The column's title (drawn in its top line, `ColumnTitle`)."""
        return self.title.border_title

    @border_title.setter
    def border_title(self, title: Text | Content | str | None) -> None:
        if not hasattr(self, "title"):  # Widget.__init__ sets the class's BORDER_TITLE first
            return
        if isinstance(title, Content):
            retitle(self.title, title)  # a reload sets every column's: drawn if it changed
        else:
            self.title.border_title = title

    def set_current(self, current: bool) -> None:
        """Draw this column as the current one (its title line and its list), or not."""
        self.title.set_class(current, "-current")
        self.row_list.set_lit(current)

    @property
    def count(self) -> int | None:
        """How many cards the column holds (None until loaded): the strip shows it."""
        return None


ColumnT = TypeVar("ColumnT", bound=Column)


class ColumnRow(Horizontal):
    """The columns side by side. Which of them fit is decided as the row is arranged, at the
    width it is arranged for: the board's own Resize comes after a layout and a render of
    every column (the first frame drew all five at 14 cells, wrapped every card at that
    width, then hid three: at 100 000 records ~10% of the instructions to the first frame,
    bench/RESULTS.md `s7start`)."""

    def arrange(self, size: Size, optimal: bool = False) -> DockArrangeResult:
        board = self.parent
        if isinstance(board, ColumnBoard) and board.fit_width(size.width):
            board.show_tabs()
        return super().arrange(size, optimal)


class ColumnBoard(Region, Generic[ColumnT]):
    """Cards by column: `column_index` is the current one, whose list has the cursor."""

    MIN_COLUMN_WIDTH = 28  # cells: a card's title, due date and client stay readable

    # A var, not a reactive: the board's own lines (its border) do not change with it, and a
    # reactive repainted the whole board on every h/l and card move.
    column_index: var[int] = var(0, init=False)

    def __init__(self, columns: list[ColumnT], *, id: str) -> None:
        super().__init__(id=id, classes="region")
        self._columns = columns
        self.tabs = Static("", classes="board-tabs", markup=False)
        self.window = (0, 0)  # the first column shown, and how many (set once laid out)

    def compose(self) -> ComposeResult:
        yield self.tabs
        with ColumnRow(classes="board-columns"):
            yield from self._columns

    def on_mount(self) -> None:
        self.columns[self.column_index].set_current(True)
        # Which columns fit is decided when their row is first arranged (`ColumnRow`): with
        # no width yet this would show them all and hide the strip, and the strip coming
        # back would shorten every column after their first layout.

    def on_resize(self) -> None:
        self._fit_columns()

    @property
    def columns(self) -> list[ColumnT]:
        return self._columns

    @property
    def current_column(self) -> ColumnT:
        return self.columns[self.column_index]

    def current_list(self) -> RowList:
        return self.current_column.row_list

    def _fit_columns(self) -> None:
        """Show the columns that fit at a readable width, the current one centred."""
        self.fit_width(self.content_size.width)
        self.show_tabs()

    def fit_width(self, width: int) -> bool:
        """Show the columns that fit in `width` cells (all of them before the board has a
        width); True when which ones show changed."""
        count = len(self.columns)
        shown = max(1, min(count, width // self.MIN_COLUMN_WIDTH)) if width else count
        start = min(max(0, self.column_index - shown // 2), count - shown)
        if (start, shown) == self.window and self.is_mounted:
            return False
        self.window = (start, shown)
        for column in self.columns:
            column.display = start <= column.index < start + shown
        return True

    def show_tabs(self) -> None:
        """`‹ Backlog 2 · To do 5 · In progress 2 ›`: every column, the hidden ones muted."""
        start, shown = self.window
        self.tabs.display = shown < len(self.columns)
        if not self.tabs.display:
            return
        labels: list[tuple[str, str]] = []
        for column in self.columns:
            count = column.count
            label = render.safe(column.column_name, 30) + ("" if count is None else f" {count}")
            if column.index == self.column_index:
                labels.append((label, "bold reverse"))
            elif start <= column.index < start + shown:
                labels.append((label, ""))
            else:
                labels.append((label, render.MUTED))
        first = self._first_tab(labels)
        parts: list[str | tuple[str, str]] = [("‹ " if start or first else "  ", render.MUTED)]
        for index, styled in enumerate(labels[first:], start=first):
            if index > first:
                parts.append((" · ", render.MUTED))
            parts.append(styled)
        parts.append((" ›" if start + shown < len(self.columns) else "", render.MUTED))
        strip = Content.assemble(*parts)
        shown_now = self.tabs.content
        if not (isinstance(shown_now, Content) and same_content(shown_now, strip)):
            # One line whatever it says (`.board-tabs` is one line high): a repaint, never a
            # layout of the screen (Static.update's default).
            self.tabs.update(strip, layout=False)

    def _first_tab(self, labels: list[tuple[str, str]]) -> int:
        """The first label the strip shows: 0, unless the current one would not fit then."""
        room = self.tabs.content_size.width or self.content_size.width
        if not room:
            return 0
        current = self.column_index
        first = 0
        while first < current:
            # `‹ `, each label and its ` · `, and room for the ` ›` after the current one
            used = 2 + sum(cell_len(text) + 3 for text, _ in labels[first : current + 1]) - 1
            if used <= room:
                break
            first += 1
        return first

    def action_column(self, delta: int) -> None:
        self.column_index = max(0, min(len(self.columns) - 1, self.column_index + delta))

    def watch_column_index(self, old: int, new: int) -> None:
        columns = self.columns
        columns[old].set_current(False)
        columns[new].set_current(True)
        self._fit_columns()
        self.update_bindings()

    def follow(self, key: str | None) -> None:
        """Make the column holding `key` the current one (after a reload moved it)."""
        if not key:
            return
        for column in self.columns:
            if column.row_list.current_key == key:
                self.column_index = column.index
                return

    def preview_shift(self, step: int) -> None:
        """Move the selected card to the next column on screen before the write confirms it
        (the reload that follows puts it where the database says)."""
        source = self.current_column
        target = self.columns[self.column_index + step]
        key = source.row_list.current_key
        row = source.row_list.take(key) if key else None
        if row is None:
            return
        # One row leaves a list and joins the other; each list redraws its own lines only
        # (re-showing both lists re-rendered every card that shifted by one place).
        target.row_list.put_first(row)
        self.column_index += step

    def column_of(self, row_list: RowList) -> ColumnT | None:
        return next((column for column in self._columns if column is row_list.parent), None)

    def on_row_list_row_clicked(self, message: RowList.RowClicked) -> None:
        column = self.column_of(message.row_list)
        if column is not None:
            self.column_index = column.index
        super().on_row_list_row_clicked(message)

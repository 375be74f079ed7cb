"""A scrolling list of rows with a cursor, drawn as one widget, and the focusable region
around it.

Rows are `Content` built by `amtui.tui.render` (never markup), so a lead title cannot run an
action or break the screen. A list holds one page of records; when the cursor reaches the end
(or the user scrolls there) it asks for the next page.

`RowList` is one widget drawn line by line (Textual's line API, `ScrollView.render_line`), not
one widget per row: Textual styles and lays out every mounted widget on each layout frame, and
a widget per row made the first frame, a card move and the memory grow with the rows shown.
Only the rows on screen are drawn: a row's lines are rendered when they are first shown and
kept until the row, the width or the styles change; a reload or a tick that changes one row
redraws its lines only, and a card moving to another column redraws the two lists' lines.

How a row looks stays in `app.tcss`, as component classes of the list (`row-list--row`, a
state class `-overdue` as `row-list--overdue`, `row-list--selected`, `row-list--heading`, the
`row-list--empty` text and the `row-list--more` line): background, colour, text style, padding,
the left border, margins (blank lines between rows, collapsed as Textual's vertical layout
does), `text-wrap`/`text-overflow` and `max-height`. Selection changes colours, never sizes.
A list the board lights as its current column (`set_lit`) adds `row-list--lit` and
`row-list--lit-selected`: a flag read as the rows are drawn, never a class on a container
(that restyled the column and laid out the screen on every card move).

A region's verb keys come from the registry (`logic.verbs`) for its place; a key runs the
verb through the app's action layer at once, in the key's own handler, so a dialog it opens
is already there for the keys typed right after it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, cast

from rich.style import Style as RichStyle
from textual import events
from textual._styles_cache import StylesCache
from textual.binding import Binding
from textual.color import Color
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Region as Box
from textual.geometry import Size, Spacing
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import RenderOptions
from textual.widget import Widget

from amtui.tui.keys import verb_bindings
from amtui.tui.logic.verbs import Facts, Target, applies, verb, verbs_at
from amtui.tui.render import RowData

if TYPE_CHECKING:
    from textual.css.styles import RenderStyles, RulesMap

    from amtui.tui.app import AmtuiApp


def same_content(one: Content, other: Content) -> bool:
    """The same words in the same styles (`Content`'s own `==` compares the words only, so a
    countdown turning red at the same text would not be redrawn)."""
    return one.plain == other.plain and one.spans == other.spans


def retitle(widget: Widget, title: Content) -> None:
    """Give `widget` the border title `title` unless it has it already: every assignment
    repaints the whole widget (each reload after a card move repainted the whole board, every
    column and the agenda, for titles that had not changed)."""
    shown = getattr(widget, "_amtui_title", None)
    if shown is None or not same_content(shown, title):
        widget._amtui_title = title  # type: ignore[attr-defined]
        widget.border_title = title


def same_row(one: RowData, other: RowData) -> bool:
    """Drawn alike: the same record, words, styles and state classes."""
    return (
        one.key == other.key
        and one.selectable == other.selectable
        and one.classes == other.classes
        and same_content(one.content, other.content)
    )


#: A row's state classes that `app.tcss` styles, in the order they override one another
#: (the selection last: its colours win over `-done`'s, as `.row.-selected` did).
STATES = ("-waiting", "-overdue", "-due-today", "-done")
ROW, HEADING, SELECTED, EMPTY, MORE = (
    "row-list--row",
    "row-list--heading",
    "row-list--selected",
    "row-list--empty",
    "row-list--more",
)
#: The rows, and the selected row, of a list that is lit (the board's current column): read
#: from the list's own flag (`RowList.lit`), not a class on a container, so that the current
#: column moving restyles nothing (a class on the column restyled it and its list, and laid
#: out the screen, on every card move and `h`/`l`).
LIT, LIT_SELECTED = "row-list--lit", "row-list--lit-selected"


@cache
def _names(
    classes: frozenset[str], selectable: bool, selected: bool, lit: bool = False
) -> tuple[str, ...]:
    """The component classes of a row, in the order their rules are merged."""
    names = [ROW]
    if not selectable:
        names.append(HEADING)
    if lit:
        names.append(LIT)
    names += [f"row-list-{state}" for state in STATES if state in classes]
    if selected:
        names.append(SELECTED)
        if lit:
            names.append(LIT_SELECTED)
    return tuple(names)


@dataclass(frozen=True)
class _Look:
    """What one combination of component classes means at the current styles."""

    styles: RenderStyles
    rules: RulesMap  # what `Content.render_strips` reads: wrap, overflow, align
    before: int  # blank lines above (margin-top; collapsed with the row above's `after`)
    after: int  # blank lines below (margin-bottom)
    wrap: bool
    max_lines: int | None  # `max-height` less the padding and borders
    gutter: Spacing  # padding plus border
    visual: VisualStyle  # the text's colours and style, as a child widget's `visual_style`


#: A line below the rows: where it is, what it says, its component class.
_Footer = tuple[int, Content, str]


class RowList(ScrollView, can_focus=False):
    """Rows plus a cursor, drawn as one widget; the surrounding `Region` has the focus and
    the keys."""

    COMPONENT_CLASSES = {
        ROW,
        HEADING,
        SELECTED,
        EMPTY,
        MORE,
        LIT,
        LIT_SELECTED,
        *(f"row-list-{state}" for state in STATES),
    }
    DEFAULT_CSS = """
    RowList {
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

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

    def __init__(self, *, empty: str = "nothing here", id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[RowData] = []
        self.cursor = -1
        self.lit = False  # its rows drawn as the current column's (`set_lit`)
        self.more = 0
        self._empty = Content(empty)
        # Where each row's box starts (after its blank lines above) and how many lines it has,
        # at `_width`; then the footer (the empty text and "… N more"), the total height.
        self._width = -1
        # The list's own width when the rows were placed (`_width` may be less: the
        # scrollbar's column): placed again when the list is drawn at another width.
        self._placed_for = -1
        self._tops: list[int] = []
        self._heights: list[int] = []
        self._footer: list[_Footer] = []
        self._total = 0
        self._looks: dict[tuple[str, ...], _Look] = {}
        # Each row's line count (`_place`): (id of its words, names, width) -> (words, lines).
        self._line_counts: dict[tuple[int, tuple[str, ...], int], tuple[Content, int]] = {}
        # Rendered lines of the rows drawn so far: index -> component names -> (width, lines).
        # Each look a row was drawn in is kept (selected or not, lit or not): the cursor or
        # the current column coming back draws nothing again.
        self._strips: dict[int, dict[tuple[str, ...], tuple[int, list[Strip]]]] = {}
        # Textual's renderer of a widget's padding, border and background, one per list (one
        # per row drawn would be kept alive by its `get_inner_outer` cache, textual#6665).
        self._painter = StylesCache()

    # --- the records and the cursor ---------------------------------------------------------

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
        """Replace the rows; the cursor stays on `keep` or its old key. Rows drawn as before
        keep their lines (a reload every second redraws what changed only).
        `empty`: what the list says when it has no rows (it says "Loading…" until then)."""
        if empty is not None and empty != self._empty.plain:
            self._empty = Content(empty)
            self._refresh_all()
        old_rows, old_key, old_index = self.rows, self.current_key, self.cursor
        self.rows = list(rows)
        self.more = more
        cursor = self._index_of(keep)
        if cursor < 0:
            cursor = self._index_of(old_key)
        if cursor < 0 and self.rows:
            cursor = self._nearest_selectable(min(max(old_index, 0), len(self.rows) - 1))
        self.cursor = cursor
        changed = [
            index
            for index, row in enumerate(self.rows)
            if index >= len(old_rows) or not same_row(old_rows[index], row)
        ]
        for index in [*changed, *(i for i in self._strips if i >= len(self.rows))]:
            self._strips.pop(index, None)
        first = self._relayout()
        if first is not None:  # rows moved from there on: redraw those lines
            self._refresh_from(first)
        # The rows that changed, and the cursor's old and new rows if it moved (a reload that
        # changed nothing draws nothing).
        moved = {old_index, cursor} if cursor != old_index else set()
        for index in {*changed, *moved}:
            self._refresh_row(index)
        self._scroll_to_cursor()
        if self.current_key != old_key:
            self.post_message(self.Highlighted(self, self.current_key))

    def take(self, key: str) -> RowData | None:
        """Remove row `key` (a card moving to another list); the cursor goes to the row that
        takes its place. Redraws this list's lines only."""
        index = self._index_of(key)
        if index < 0:
            return None
        old_key = self.current_key
        top = self._tops[index] if index < len(self._tops) else 0
        data = self.rows.pop(index)
        self._shift_strips(index, -1)
        if self.cursor > index:
            self.cursor -= 1
        elif self.cursor == index:
            self.cursor = -1
            if self.rows:
                self.cursor = self._nearest_selectable(min(index, len(self.rows) - 1))
        first = self._relayout()
        self._refresh_from(top if first is None else min(top, first))  # the rows above stay
        if self.current_key != old_key:
            self.post_message(self.Highlighted(self, self.current_key))
        return data

    def put_first(self, data: RowData) -> None:
        """Add `data` as the first row, selected (a card moved here). Redraws this list's
        lines only."""
        self.rows.insert(0, data)
        self._shift_strips(0, 1)
        self.cursor = 0
        self._relayout()
        self._refresh_from(0)
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self, self.current_key))

    def _shift_strips(self, index: int, step: int) -> None:
        """Row `index` left (`step` -1) or arrived (+1): the rows after it keep their lines."""
        self._strips = {
            (i + step if i >= index else i): entry
            for i, entry in self._strips.items()
            if not (step < 0 and i == index)
        }

    def reveal_more(self) -> None:
        """The "… N more" line was clicked: ask for the next page."""
        if self.more:
            self.post_message(self.EndReached(self))

    def redraw_due(self, now: datetime, render_row: Callable[[int], RowData]) -> None:
        """The countdown tick: render again, with `render_row(index)`, the rows whose words
        may have changed by `now` (`RowData.changes`: a countdown's next second or minute, the
        next day), and redraw the lines of those that changed; the others cost a comparison.
        Lines of rows off screen are drawn when they are shown. Keys stay."""
        changed: list[int] = []
        for index, row in enumerate(self.rows):
            if row.changes is None or row.changes > now:
                continue
            data = render_row(index)
            if data.key != row.key:
                continue
            self.rows[index] = data
            if not same_row(row, data):
                self._strips.pop(index, None)
                changed.append(index)
        if not changed:
            return
        first = self._relayout()
        if first is not None:
            self._refresh_from(first)
        for index in changed:
            self._refresh_row(index)

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
        old = self.cursor
        self.cursor = index
        self._refresh_row(old)
        self._refresh_row(index)
        self._scroll_to_cursor()
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

    # --- geometry -----------------------------------------------------------------------------

    def _look(self, names: tuple[str, ...]) -> _Look:
        look = self._looks.get(names)
        if look is None:
            styles = self.get_component_styles(*names)
            margin = styles.margin
            gutter = styles.gutter
            max_height = styles.max_height
            max_lines = (
                max(1, int(max_height.value) - gutter.height)
                if max_height is not None and max_height.is_cells
                else None
            )
            rules: RulesMap = {
                "text_wrap": styles.text_wrap,
                "text_overflow": styles.text_overflow,
                "text_align": styles.text_align,
                "line_pad": styles.line_pad,
            }
            look = _Look(
                styles,
                rules,
                margin.top,
                margin.bottom,
                styles.text_wrap != "nowrap",
                max_lines,
                gutter,
                self._child_style(styles),
            )
            self._looks[names] = look
        return look

    def _child_style(self, styles: RenderStyles) -> VisualStyle:
        """What `Widget.visual_style` says of a child of this list with `styles` (not
        `get_visual_style`, which blends every component's background: a selected card's
        cursor colour over the card's own, where the cursor colour replaces it)."""
        background = Color(0, 0, 0, 0)
        color = Color(255, 255, 255, 0)
        style = RichStyle()
        opacity = 1.0
        for node_styles in [*(node.styles for node in reversed(self.ancestors_with_self)), styles]:
            has_rule = node_styles.has_rule
            opacity *= node_styles.opacity
            tinted = node_styles.background.tint(node_styles.background_tint)
            text_background = background + tinted if has_rule("background") else background
            if has_rule("background"):
                background += tinted.multiply_alpha(opacity)
            if has_rule("color"):
                color = node_styles.color
            style += node_styles.text_style
            if has_rule("auto_color") and node_styles.auto_color:
                color = text_background.get_contrast_text(color.a)
        return VisualStyle(
            background,
            color,
            bold=style.bold,
            dim=style.dim,
            italic=style.italic,
            reverse=style.reverse,
            underline=style.underline,
            strike=style.strike,
        )

    def _row_names(self, index: int) -> tuple[str, ...]:
        row = self.rows[index]
        return _names(row.classes, row.selectable, index == self.cursor, self.lit)

    def set_lit(self, lit: bool) -> None:
        """Draw the rows as the board's current column's (`row-list--lit`: wrapped, the
        cursor's colours) or not. Rows may change height: the list is placed and drawn again,
        without restyling anything (the looks of both, and the lines drawn in each, are
        kept)."""
        if lit == self.lit:
            return
        self.lit = lit
        self._relayout()
        self._refresh_all()

    def _content_lines(self, content: Content, look: _Look, width: int) -> int:
        """How many lines `content` takes in a box of `look` `width` cells wide (not laid out
        yet, or hidden: its own lines; wrapped once it has a width)."""
        if look.wrap and width > look.gutter.width:
            lines = content.get_height(look.rules, width - look.gutter.width)
        else:
            lines = content.plain.count("\n") + 1
        return lines if look.max_lines is None else min(lines, look.max_lines)

    def _place(self, width: int) -> tuple[list[int], list[int], list[_Footer], int]:
        """Each row's first line and height at `width`, the footer lines, the total height
        (margins collapse as in Textual's vertical layout: the larger of two wins).

        A row's line count is kept while its words, look and width stay (`_line_counts`):
        wrapping every card of a lit column again for each step of a card move (a row
        leaves, one arrives, two columns change light) was most of a move's own work."""
        tops: list[int] = []
        heights: list[int] = []
        y, after = 0, -1
        known, counts = self._line_counts, {}
        for row in self.rows:
            names = _names(row.classes, row.selectable, False, self.lit)
            look = self._look(names)
            y += look.before if after < 0 else max(after, look.before)
            tops.append(y)
            key = (id(row.content), names, width)
            entry = known.get(key)
            if entry is None or entry[0] is not row.content:
                entry = (row.content, self._content_lines(row.content, look, width))
            counts[key] = entry
            height = entry[1] + look.gutter.height
            heights.append(height)
            y += height
            after = look.after
        # The rows' counts in their other looks stay too (lit or not: a column the current
        # one leaves and comes back to); those of rows gone go.
        live = {id(row.content) for row in self.rows}
        self._line_counts = {
            **{key: entry for key, entry in known.items() if key[0] in live},
            **counts,
        }
        footer: list[_Footer] = []
        lines = [(self._empty, EMPTY)] if not self.rows else []
        if self.more:
            lines.append((Content(f"… {self.more} more"), MORE))
        for content, name in lines:
            look = self._look((name,))
            y += look.before if after < 0 else max(after, look.before)
            footer.append((y, content, name))
            y += 1 + look.gutter.height
            after = look.after
        return tops, heights, footer, y + max(after, 0)

    def _relayout(self) -> int | None:
        """Place every row; the first line from which rows (or the footer, or the end) are
        placed differently than before: the lines from there on are to be drawn again (None:
        nothing moved, only the rows that changed are).

        The width is decided here, not read from whether the scrollbar shows now: rows are
        placed at the whole width, and again without the scrollbar's column when they do not
        fit the height (a scrollbar that came and went with the wrapping of the rows would
        make the list lay itself out for ever)."""
        width = self._placed_for = self.size.width
        tops, heights, footer, total = self._place(width)
        overflow = self.styles.overflow_y
        if overflow == "scroll" or (overflow == "auto" and total > self.size.height):
            width = max(0, width - self.styles.scrollbar_size_vertical)
            tops, heights, footer, total = self._place(width)
        first = self._first_moved(tops, heights, footer, total, width)
        self._tops, self._heights, self._footer, self._total = tops, heights, footer, total
        self._width = width
        size = Size(width, total)
        if size != self.virtual_size:
            if self.styles.height is not None and self.styles.height.is_auto:
                self.virtual_size = size  # the list's own height follows: a layout
            else:
                # The list keeps its size: set the scrolling height without laying out the
                # screen (a card move laid out every widget of the screen).
                self.set_reactive(Widget.virtual_size, size)
                self._scroll_update(size)
        return first

    def _first_moved(
        self, tops: list[int], heights: list[int], footer: list[_Footer], total: int, width: int
    ) -> int | None:
        """The first line placed differently by (`tops`, `heights`, `footer`, `total`) at
        `width` than now (None: none)."""
        if width != self._width:
            return 0
        old_tops, old_heights = self._tops, self._heights
        both = min(len(tops), len(old_tops))
        for index in range(both):
            if tops[index] != old_tops[index] or heights[index] != old_heights[index]:
                return min(tops[index], old_tops[index])
        found: list[int] = []
        if len(tops) != len(old_tops):  # rows came or went at the end
            found.append(tops[both] if both < len(tops) else old_tops[both])
        lines = [(top, content.plain) for top, content, _ in footer]
        old_lines = [(top, content.plain) for top, content, _ in self._footer]
        if lines != old_lines:
            found.extend(top for top, _ in [*lines, *old_lines])
        if total != self._total:
            found.append(min(total, self._total))
        return min(found) if found else None

    def _row_box(self, index: int, *, margins: bool = False) -> Box | None:
        if not 0 <= index < len(self._tops):
            return None
        top, height = self._tops[index], self._heights[index]
        if margins:
            row = self.rows[index]
            look = self._look(_names(row.classes, row.selectable, False, self.lit))
            top, height = top - look.before, height + look.before + look.after
        return Box(0, top, max(self._width, 0), height)

    def row_region(self, key: str) -> Box | None:
        """Where row `key` is drawn, in the list's scrolled content (None: no such row)."""
        return self._row_box(self._index_of(key))

    def _refresh_row(self, index: int) -> None:
        box = self._row_box(index)
        if box is not None:
            self.refresh_lines(box.y, box.height)

    def _refresh_all(self) -> None:
        self.refresh()

    def _refresh_from(self, line: int) -> None:
        """Draw again the lines from `line` (of the content) to the end (the lines above
        stay as they are on screen)."""
        end = max(self._total, self.scroll_offset.y + self.size.height)
        if line <= 0:
            self._refresh_all()
        elif line < end:
            self.refresh_lines(line, end - line)

    def _scroll_to_cursor(self) -> None:
        box = self._row_box(self.cursor, margins=True)
        if box is None:
            return
        if self.cursor == len(self.rows) - 1:  # the last row: "… N more" below it too
            box = Box(box.x, box.y, box.width, max(box.height, self._total - box.y))
        if not self.size.height:  # not laid out yet (or hidden): `on_resize` scrolls
            return
        self.scroll_to_region(box, animate=False, immediate=True, x_axis=False)

    def on_resize(self) -> None:
        if self._relayout() is not None:
            self._refresh_all()
        self._scroll_to_cursor()

    def notify_style_update(self) -> None:
        """Styles changed (focus, the current column, the theme): every look and line is
        drawn again, and rows that wrap may change height."""
        super().notify_style_update()
        self._looks.clear()
        self._strips.clear()
        self._line_counts.clear()
        if self.is_mounted:
            # The component styles are read again after this call returns.
            self.call_next(self._restyled)

    def _restyled(self) -> None:
        self._looks.clear()
        self._strips.clear()
        self._line_counts.clear()
        self._relayout()
        self._refresh_all()

    # --- drawing ------------------------------------------------------------------------------

    def _draw(
        self, content: Content, names: tuple[str, ...], lines: int, width: int
    ) -> list[Strip]:
        """`content` in a box of `lines` lines, styled as the component classes `names` say
        (what a `Static` with those classes drew: Textual's own styles renderer)."""
        look = self._look(names)
        styles = look.styles
        inner_width = max(0, width - look.gutter.width)
        inner_height = max(0, lines - look.gutter.height)
        rendered = content.render_strips(
            inner_width, inner_height, look.visual, RenderOptions(self._get_style, look.rules)
        )
        _, base = self.background_colors
        background = base + styles.background.tint(styles.background_tint)
        # Every segment carries a style: a line filter (NO_COLOR's monochrome) reads them all.
        blank = Strip.blank(
            inner_width, RichStyle.from_color(bgcolor=(base + background).rich_color)
        )

        def content_line(y: int) -> Strip:
            return rendered[y] if y < len(rendered) else blank

        app = self.app
        painter = self._painter
        painter.clear()  # it keeps lines by y: each row is a new picture
        return painter.render(
            styles,
            Size(width, lines),
            base,
            background,
            content_line,
            [],
            None,
            None,
            content_size=Size(inner_width, inner_height),
            padding=styles.padding,
            opacity=1.0,
            ansi_theme=app.ansi_theme,
            native_ansi=app.native_ansi_color,
        )

    def _row_strips(self, index: int, width: int) -> list[Strip]:
        names = self._row_names(index)
        drawn = self._strips.setdefault(index, {})
        entry = drawn.get(names)
        if entry is not None and entry[0] == width:
            return entry[1]
        strips = self._draw(self.rows[index].content, names, self._heights[index], width)
        drawn[names] = (width, strips)
        return strips

    def render_line(self, y: int) -> Strip:
        if self._placed_for != self.size.width:
            # Drawn before its Resize arrived (the first frame: rows shown before the layout
            # placed at no width would draw their boxes without their words).
            self._relayout()
        width = self._width
        line = y + round(self.scroll_y)
        index = bisect_right(self._tops, line) - 1
        if index >= 0 and line < self._tops[index] + self._heights[index]:
            return self._row_strips(index, width)[line - self._tops[index]]
        for top, content, name in self._footer:
            if line == top:
                return self._draw(content, (name,), 1, width)[0]
        # A blank line between rows: the list's background, as a container draws it.
        return Strip.blank(
            width, RichStyle.from_color(bgcolor=self.background_colors[1].rich_color)
        )

    # --- mouse and scrolling ------------------------------------------------------------------

    def _hit(self, event: events.MouseEvent) -> tuple[int, bool]:
        """The row under the pointer (-1: none), and whether it is the "… N more" line."""
        offset = event.get_content_offset(self)
        if offset is None:
            return -1, False
        line = offset.y + round(self.scroll_y)
        index = bisect_right(self._tops, line) - 1
        if index >= 0 and line < self._tops[index] + self._heights[index]:
            return index, False
        return -1, any(top == line and name == MORE for top, _, name in self._footer)

    def on_click(self, event: events.Click) -> None:
        index, more = self._hit(event)
        if more:
            event.stop()
            self.reveal_more()
        elif index >= 0:
            event.stop()
            row = self.rows[index]
            if row.selectable:
                self.post_message(self.RowClicked(self, row.key, event.chain))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if new > old and self.more and new >= self.max_scroll_y:
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
        facts = self.facts()  # once, not once a verb (the board's looks up its card)
        offered = tuple(applies(verb(name), facts) for name in self.verb_names())
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

"""RowList: one widget; only the rows on screen are drawn, and a card moves as one row."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from textual.app import App, ComposeResult
from textual.content import Content
from textual.widget import Widget

from amtui.tui.render import RowData
from amtui.tui.widgets.rows import RowList
from tests.tui.conftest import drive, posted, settle


def rows(prefix: str, count: int) -> list[RowData]:
    return [RowData(f"{prefix}{n}", Content(f"{prefix}{n} card")) for n in range(count)]


class Lists(App[None]):
    CSS = """
    RowList { height: 1fr; }
    RowList > .row-list--row { padding: 0 1; }
    RowList > .row-list--selected { text-style: reverse; }
    """

    def compose(self) -> ComposeResult:
        yield RowList(id="left")
        yield RowList(id="right")


def screen(row_list: RowList) -> list[str]:
    """The lines the list draws now, as text."""
    height = row_list.scrollable_content_region.height
    return [row_list.render_line(y).text.strip() for y in range(height)]


def unique(messages: list[Any]) -> list[Any]:
    """Each message once (the hook sees it at every node it bubbles through)."""
    return list({id(message): message for message in messages}.values())


def once(pilot: Any, kind: type[Any]) -> int:
    return len(unique(posted(pilot.app, kind)))


def drawn(row_list: RowList) -> set[int]:
    """The rows whose lines have been rendered (and are kept)."""
    return set(row_list._strips)


def test_a_long_list_draws_only_the_rows_on_screen() -> None:
    async def scenario(pilot: Any) -> dict[str, Any]:
        left = pilot.app.query_one("#left", RowList)
        left.show(rows("T", 200), more=50)
        await settle(pilot)
        height = left.scrollable_content_region.height
        seen: dict[str, Any] = {"height": height, "widgets": len(list(left.query(Widget)))}
        seen["first"] = (screen(left), drawn(left))
        for _ in range(height + 5):
            left.move(1)
        await settle(pilot)
        seen["moved"] = (left.current_key, screen(left)[-1], max(drawn(left)), len(drawn(left)))
        left.last()
        await settle(pilot)
        seen["last"] = (left.current_key, screen(left)[-2:], once(pilot, RowList.EndReached))
        right = pilot.app.query_one("#right", RowList)
        counting = rows("T", 200)
        turn = datetime(2026, 11, 25, 9, 4, tzinfo=UTC)  # a countdown off screen turns
        counting[150] = RowData("T150", Content("T150 in 5 min"), changes=turn)
        right.show(counting)
        await settle(pilot)
        ticked = rows("T", 200)
        ticked[150] = RowData("T150", Content("T150 in 4 min"))
        asked: list[int] = []
        right.redraw_due(turn, lambda index: asked.append(index) or ticked[index])
        seen["tick"] = (asked, right.rows[150].content.plain, 150 in drawn(right))
        right.move(150)
        await settle(pilot)
        seen["tick shown"] = "T150 in 4 min" in screen(right)
        return seen

    seen = drive(Lists(), scenario, size=(40, 24))
    height = seen["height"]
    assert 0 < height < 24
    # One widget (and its scrollbars at most), not one per row; a screenful drawn of 200.
    assert seen["widgets"] <= 3
    lines, rendered = seen["first"]
    assert lines == [f"T{n} card" for n in range(height)]
    assert rendered == set(range(height))
    # The cursor moved a screenful and more: the list scrolled with it, drawing what it showed.
    current, bottom, highest, count = seen["moved"]
    assert (current, bottom) == (f"T{height + 5}", f"T{height + 5} card")
    assert highest == height + 5 and count <= 2 * height + 5
    # The end: the last row and the rows still to load, and the next page asked for.
    current, bottom, asked = seen["last"]
    assert (current, bottom) == ("T199", ["T199 card", "… 50 more"]) and asked >= 1
    # The tick renders the row due for it only; its lines wait until it is on screen.
    assert seen["tick"] == ([150], "T150 in 4 min", False)
    assert seen["tick shown"]


def lines_of(row_list: RowList) -> dict[int, Any]:
    """The lines each row of `row_list` is drawn with now (in its present look), by index."""
    found = {}
    for index, looks in row_list._strips.items():
        entry = looks.get(row_list._row_names(index)) if index < len(row_list.rows) else None
        if entry is not None:
            found[index] = entry[1]
    return found


def test_taking_a_row_and_putting_it_first_redraws_the_two_lists_only() -> None:
    async def scenario(pilot: Any) -> dict[str, Any]:
        left = pilot.app.query_one("#left", RowList)
        right = pilot.app.query_one("#right", RowList)
        left.show(rows("L", 30))
        right.show(rows("R", 3))
        await settle(pilot)
        left.select_key("L1")
        await settle(pilot)
        kept = {right.rows[i].key: strips for i, strips in lines_of(right).items()}
        taken = left.take("L1")
        assert taken is not None
        right.put_first(taken)
        await settle(pilot)
        reused = {right.rows[i].key: strips for i, strips in lines_of(right).items()}
        return {
            "left": (screen(left)[:3], left.current_key, len(left.rows)),
            "right": (screen(right)[:4], right.current_key),
            "reused": sorted(key for key in kept if reused[key] is kept[key]),
            "gone": left.take("L99"),
        }

    seen = drive(Lists(), scenario, size=(40, 24))
    assert seen["left"] == (["L0 card", "L2 card", "L3 card"], "L2", 29)
    assert seen["right"] == (["L1 card", "R0 card", "R1 card", "R2 card"], "L1")
    # The rows that stayed kept their drawn lines: only the new one, and R0 that lost the
    # cursor to it, were rendered.
    assert seen["reused"] == ["R1", "R2"] and seen["gone"] is None


def test_a_reload_redraws_the_rows_that_changed_only() -> None:
    async def scenario(pilot: Any) -> dict[str, Any]:
        left = pilot.app.query_one("#left", RowList)
        left.show(rows("T", 10))
        await settle(pilot)
        before = lines_of(left)
        fresh = rows("T", 10)
        fresh[4] = RowData("T4", Content("T4 renamed"))
        left.show(fresh)
        await settle(pilot)
        after = lines_of(left)
        return {
            "same": [i for i in range(10) if after[i] is before[i]],
            "shown": screen(left)[4],
        }

    seen = drive(Lists(), scenario, size=(40, 24))
    assert seen["same"] == [i for i in range(10) if i != 4]
    assert seen["shown"] == "T4 renamed"


def test_clicks_select_open_and_page_in() -> None:
    async def scenario(pilot: Any) -> dict[str, Any]:
        left = pilot.app.query_one("#left", RowList)
        left.show(rows("T", 3), more=7)
        await settle(pilot)
        await pilot.click(left, offset=(2, 1))
        await pilot.click(left, offset=(2, 3))  # "… 7 more"
        await settle(pilot)
        return {
            "clicked": [(m.key, m.chain) for m in unique(posted(pilot.app, RowList.RowClicked))],
            "paged": once(pilot, RowList.EndReached),
            "lines": screen(left)[:4],
        }

    seen = drive(Lists(), scenario, size=(40, 24))
    assert seen["clicked"] == [("T1", 1)]
    assert seen["paged"] == 1
    assert seen["lines"] == ["T0 card", "T1 card", "T2 card", "… 7 more"]


def test_lists_draw_without_colour(monkeypatch) -> None:
    """NO_COLOR: Textual's monochrome filter reads every segment's style, the blank lines of a
    list filled before it had a width included (the app hung at start without colour)."""
    monkeypatch.setenv("NO_COLOR", "1")

    class Early(Lists):
        def on_mount(self) -> None:  # before the first layout: no width yet
            rows = [RowData("T1", Content("T1 card\n\nthird line"))]
            self.query_one("#left", RowList).show(rows, more=2)

    async def scenario(pilot: Any) -> list[str]:
        return [strip.text.strip() for strip in pilot.app.screen._compositor.render_strips()]

    lines = drive(Early(), scenario, size=(40, 24))
    assert lines[:4] == ["T1 card", "", "third line", "… 2 more"]


def test_a_reload_that_changes_nothing_draws_nothing_and_a_taken_row_keeps_those_above() -> None:
    """The reload that confirms a card move finds the list as the move left it: no line is
    drawn again. A row leaving redraws from its place down, not the rows above it."""

    async def scenario(pilot: Any) -> dict[str, Any]:
        left = pilot.app.query_one("#left", RowList)
        left.show(rows("T", 8))
        await settle(pilot)
        asked: list[tuple[int, ...]] = []
        refresh = left.refresh

        def recorded(*regions: Any, **options: Any) -> Any:
            asked.append(tuple(region.y for region in regions) or (-1,))
            return refresh(*regions, **options)

        left.refresh = recorded  # type: ignore[method-assign]
        left.show(rows("T", 8))
        same = list(asked)
        asked.clear()
        left.take("T5")
        taken = list(asked)
        left.refresh = refresh  # type: ignore[method-assign]
        await settle(pilot)
        return {"same": same, "taken": taken, "lines": screen(left)[:8]}

    seen = drive(Lists(), scenario, size=(40, 24))
    assert seen["same"] == []
    assert seen["taken"] and all(y >= 5 for ys in seen["taken"] for y in ys)  # row 5 down
    assert seen["lines"] == [f"T{n} card" for n in (0, 1, 2, 3, 4, 6, 7)] + [""]

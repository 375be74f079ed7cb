"""RowList: only the rows near what is shown have widgets, and a card moves as one widget."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.content import Content

from amtui.tui.render import RowData
from amtui.tui.widgets.rows import Row, RowList
from tests.tui.conftest import drive, settle


def rows(prefix: str, count: int) -> list[RowData]:
    return [RowData(f"{prefix}{n}", Content(f"{prefix}{n} card")) for n in range(count)]


class Lists(App[None]):
    CSS = "RowList { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield RowList(id="left", first_mount=4)
        yield RowList(id="right", first_mount=4)


def shown(row_list: RowList) -> list[str]:
    """The keys of the mounted rows, in screen order (each widget must show its row)."""
    widgets = list(row_list.query(Row))
    assert [w.data for w in widgets] == row_list.rows[: len(widgets)]
    return [w.data.key for w in widgets]


def selected(row_list: RowList) -> list[str]:
    return [w.data.key for w in row_list.query(Row) if w.has_class("-selected")]


def test_a_long_list_mounts_a_screenful_past_the_cursor_and_more_as_it_moves() -> None:
    async def scenario(pilot: Any) -> dict[str, Any]:
        left = pilot.app.query_one("#left", RowList)
        left.show(rows("T", 200), more=50)
        await settle(pilot)
        height = left.scrollable_content_region.height
        seen: dict[str, Any] = {"height": height, "first": len(shown(left))}
        seen["more"] = str(left.query_one(".more").render())
        for _ in range(height + 5):
            left.move(1)
        await settle(pilot)
        seen["moved"] = (len(shown(left)), left.current_key, selected(left))
        left.last()
        await settle(pilot)
        seen["last"] = (len(shown(left)), left.current_key, selected(left))
        right = pilot.app.query_one("#right", RowList)
        right.show(rows("T", 200))
        await settle(pilot)
        ticked = rows("T", 200)
        ticked[150] = RowData("T150", Content("T150 in 4 min"))  # a countdown, not mounted
        seen["unmounted"] = len(shown(right)) < 150
        right.update_contents(ticked)
        seen["tick"] = right.rows[150].content.plain
        right.move(150)
        await settle(pilot)
        seen["tick shown"] = [str(w.render()) for w in right.query(Row) if w.data.key == "T150"]
        return seen

    seen = drive(Lists(), scenario, size=(40, 24))
    height = seen["height"]
    assert 0 < height < 24
    # Two screenfuls (a row is at least a line), not the 200 loaded; the rest are counted.
    assert seen["first"] == 2 * height
    assert seen["more"] == f"… {200 - 2 * height + 50} more"
    # Past the cursor a screenful at least (scrolling to it may add one more), not all 200.
    mounted, current, marked = seen["moved"]
    assert 2 * height + 5 <= mounted <= 5 * height + 5
    assert (current, marked) == (f"T{height + 5}", [f"T{height + 5}"])
    assert seen["last"] == (200, "T199", ["T199"])
    # A tick reaches rows without widgets too: they show it once mounted.
    assert seen["unmounted"] and seen["tick"] == "T150 in 4 min"
    assert seen["tick shown"] == ["T150 in 4 min"]


def test_taking_a_row_and_putting_it_first_moves_one_widget() -> None:
    async def scenario(pilot: Any) -> dict[str, Any]:
        left = pilot.app.query_one("#left", RowList)
        right = pilot.app.query_one("#right", RowList)
        left.show(rows("L", 30))
        right.show(rows("R", 3))
        await settle(pilot)
        left.select_key("L1")
        kept = {key: w for w in right.query(Row) if (key := w.data.key)}
        taken = left.take("L1")
        assert taken is not None
        right.put_first(taken)
        await settle(pilot)
        return {
            "left": (shown(left)[:3], left.current_key, selected(left), len(left.rows)),
            "right": (shown(right), right.current_key, selected(right)),
            "reused": all(kept[k] is w for w in right.query(Row) if (k := w.data.key) in kept),
            "gone": left.take("L99"),
        }

    seen = drive(Lists(), scenario, size=(40, 24))
    assert seen["left"] == (["L0", "L2", "L3"], "L2", ["L2"], 29)
    assert seen["right"] == (["L1", "R0", "R1", "R2"], "L1", ["L1"])
    assert seen["reused"] and seen["gone"] is None

"""The detail view's two columns (`widgets.detail.FieldColumns`): labels padded to the longest,
each value wrapped into the rest of the width and continued under its own first line."""

from __future__ import annotations

from textual.content import Content
from textual.style import Style

from amtui.tui.widgets.detail import MIN_LABEL_WIDTH, FieldColumns

MUTED = Style(dim=True)


def plain(columns: FieldColumns, width: int) -> list[str]:
    return [line.plain for line in columns.lines(width)]


def test_labels_are_as_wide_as_the_longest_and_values_wrap_under_themselves() -> None:
    rows = [
        ("due", Content("today 15:00")),
        ("then, if no reply", Content("step 2 Mon 01:00 · step 3 Mon 7 Dec 01:00")),
    ]
    columns = FieldColumns(rows, MUTED)
    assert columns.label_width == len("then, if no reply") + 1
    lines = plain(columns, 40)
    assert lines == [
        "due               today 15:00",
        "then, if no reply step 2 Mon 01:00 ·",
        "                  step 3 Mon 7 Dec 01:00",
    ]
    assert columns.get_height({}, 40) == len(lines) == 3
    assert len(plain(columns, 120)) == 2  # wide enough: one line a field


def test_short_labels_keep_the_minimum_width_and_labels_keep_their_style() -> None:
    columns = FieldColumns([("tags", Content("+video"))], MUTED)
    assert columns.label_width == MIN_LABEL_WIDTH
    (line,) = columns.lines(60)
    assert line.plain == "tags".ljust(MIN_LABEL_WIDTH) + "+video"
    assert [(span.start, span.end, span.style) for span in line.spans] == [
        (0, MIN_LABEL_WIDTH, MUTED)
    ]


def test_text_that_looks_like_markup_is_shown_as_typed() -> None:
    hostile = "[bold]x[/] [@click=app.quit]y[/]"
    (line,) = FieldColumns([("title", Content(hostile))], MUTED).lines(80)
    assert line.plain.endswith(hostile)


def test_narrower_than_the_labels_still_draws_every_value() -> None:
    columns = FieldColumns([("client time", Content("Europe/Berlin"))], MUTED)
    lines = plain(columns, 8)
    assert "".join(line[7:] for line in lines) == "Europe/Berlin"
    assert all(len(line) <= 8 for line in lines)

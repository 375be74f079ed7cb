"""A phone-sized screen (`amtui web` on a phone held upright: 40–45 columns): one region at a
time, rows that wrap instead of cutting titles short, tabs that take a tap, keys and dialogs
that fit."""

from __future__ import annotations

import re

import pytest

from tests.tui.conftest import drive, press, screen_text

PHONE = (45, 30)
SMALL_PHONE = (40, 25)
TITLES = (
    "SEO audit for a hotel chain",
    "Website for a new residential complex",
    "Instagram campaign for the spring menu",
)


def flowed(text: str) -> str:
    """The screen's words in reading order, without the region's border, row marks and
    scroll bar, so a title wrapped over two lines reads as one."""
    return re.sub(r"\s+", " ", re.sub(r"[│▌▏╭╮╰╯─▁▂▃▄▅▆▇█]", " ", text))


@pytest.mark.parametrize("size", [PHONE, SMALL_PHONE])
def test_inbox_rows_wrap_so_every_title_is_whole(make_app, size) -> None:
    async def scenario(pilot):
        return pilot.app.main_screen.classes, screen_text(pilot.app)

    classes, text = drive(make_app(), scenario, size=size)
    assert {"-narrow", "-phone"} <= classes
    assert "…" not in text.split("\n", 3)[3]  # below the bars: no row is cut short
    for title in TITLES:
        assert title in flowed(text), title
    assert "2 Board" in text and "Backlog" not in text  # one region at a time


def test_the_agenda_on_a_phone_keeps_whole_lines(make_app) -> None:
    async def scenario(pilot):
        await press(pilot, "3")
        return screen_text(pilot.app)

    text = drive(make_app(), scenario, size=SMALL_PHONE)
    assert "3 Agenda" in text and "Explainer video · Granel · +video" in flowed(text)
    assert "SEO audit for a hotel chain" in flowed(text)  # waiting for a first response


def test_wider_screens_keep_one_line_rows(make_app) -> None:
    async def scenario(pilot):
        return pilot.app.main_screen.classes

    assert "-phone" not in drive(make_app(), scenario, size=(80, 24))


def test_a_tap_on_a_tab_switches_the_region(make_app) -> None:
    """` 1 Inbox   2 Board   3 Agenda `: a click (a tap in the browser) on a tab goes there."""

    async def scenario(pilot):
        main = pilot.app.main_screen
        seen = []
        for name in ("3 Agenda", "2 Board", "1 Inbox"):
            column = main.tabbar.render_line(0).text.index(name)
            await pilot.click("#tabbar", offset=(column + 1, 0))
            await press(pilot)  # settle
            seen.append(main.active_region().id)
        return seen

    assert drive(make_app(), scenario, size=PHONE) == ["agenda", "board", "inbox"]


def test_help_covers_a_phone_screen_instead_of_squeezing_it(make_app) -> None:
    async def scenario(pilot):
        from textual.widgets import HelpPanel

        await press(pilot, "question_mark")
        panel = pilot.app.screen.query_one(HelpPanel)
        return panel.outer_size.width, screen_text(pilot.app)

    width, text = drive(make_app(), scenario, size=PHONE)
    assert width == PHONE[0]
    assert "Filter this region by text" in flowed(text)


@pytest.mark.parametrize(("keys", "title"), [(("2", "n"), "New task"), (("d",), "Delete L")])
def test_dialogs_fit_a_small_phone(make_app, keys, title) -> None:
    async def scenario(pilot):
        await press(pilot, *keys)
        dialog = pilot.app.screen.query_one(".dialog")
        return dialog.region, pilot.app.screen.region, screen_text(pilot.app)

    region, screen, text = drive(make_app(), scenario, size=SMALL_PHONE)
    assert screen.contains_region(region)
    assert title in text
    assert "Esc" in text  # how to get out is on screen

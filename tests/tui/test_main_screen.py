"""The main screen: three regions with titles and counts, focus keys, layout by width."""

from __future__ import annotations

from tests.tui.conftest import drive, screen_text


def test_first_screen_shows_inbox_board_and_agenda(make_app) -> None:
    app = make_app()

    async def scenario(pilot):
        inbox = pilot.app.main_screen.inbox.current_list().rows
        return screen_text(pilot.app), [row.content.plain for row in inbox]

    text, inbox = drive(app, scenario)
    assert "1 Inbox 3 · 2 waiting" in text
    assert "2 Board 5 open" in text
    assert "3 Agenda Wed 25 Nov · 1 overdue" in text
    # Waiting leads first, the late one on top, each with its next action and countdown; the
    # origin in core's words (as the agenda and `amtui` say it).
    assert inbox == [
        "L2 respond late 25m SEO audit for a hotel chain\nemail from partner Pixel Partners · 40m",
        "L3 respond 10:00 left Website for a new residential complex\n"
        "web-brief from client · Granel · 5m",
        "L1 answer late 1d Instagram campaign for the spring menu\n"
        "contacted · social from client · Sakura Foods · 2d",
    ]
    assert "L2 respond late 25m SEO audit" in text  # and on screen
    # Two columns fit at 120; the strip above them names all five with their counts.
    assert "Backlog 1 · To do 2 · In progress 1 · Review 1 · Done 1 ›" in text
    assert "Overdue 1" in text and "Today 2" in text and "Reminders and follow-ups 1" in text
    assert "Answers due 1" in text and "L1 late 1d answer due: Instagram" in text


def test_the_first_frame_says_it_is_loading(make_app, monkeypatch) -> None:
    """Before the first load is in, no region claims to be empty."""
    from amtui.tui.screens.main import MainScreen

    monkeypatch.setattr(MainScreen, "reload", lambda self, keep=None, parts=None: None)

    async def scenario(pilot):
        return screen_text(pilot.app)

    text = drive(make_app(), scenario)
    assert "Loading leads…" in text and "Loading the agenda…" in text
    assert "No open leads" not in text and "Nothing due" not in text


def test_the_board_shows_the_columns_that_fit_the_current_one_centred(make_app) -> None:
    from tests.tui.conftest import press

    def shown(pilot) -> list[str]:
        board = pilot.app.main_screen.board
        return [c.column_name for c in board.columns if c.display]

    async def scenario(pilot):
        first = shown(pilot)
        await press(pilot, "2", "l", "l")  # In progress
        middle = shown(pilot), screen_text(pilot.app)
        await press(pilot, "l", "l")  # Done
        return first, middle, shown(pilot)

    first, (middle, text), last = drive(make_app(), scenario, size=(200, 50))
    assert first == ["Backlog", "To do", "In progress"]
    assert middle == ["To do", "In progress", "Review"]
    assert last == ["In progress", "Review", "Done"]
    assert "‹ Backlog 1 · To do 2 · In progress 1 · Review 1 · Done 1 ›" in text
    assert "T4 Explainer video" in text and "1/3" in text  # the card whole, with its progress

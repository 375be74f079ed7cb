"""The main screen: three regions with titles and counts, focus keys, layout by width."""

from __future__ import annotations

from tests.tui.conftest import drive, screen_text


def test_first_screen_shows_inbox_board_and_agenda(make_app) -> None:
    app = make_app()

    async def scenario(pilot):
        return screen_text(pilot.app)

    text = drive(app, scenario)
    assert "1 Inbox 3 · 2 waiting" in text
    assert "2 Board 5 open" in text
    assert "3 Agenda Wed 25 Nov · 1 overdue" in text
    # Waiting leads first, the late one on top, each with its next action and countdown.
    assert text.index("L2 respond late 25m SEO audit") < text.index("L3 respond 10:00 left Website")
    assert "partner Pixel Partners · email · Blue" not in text  # no client on L2
    assert "client · web-brief · Granel · 5m" in text
    assert "L1 answer late 1d Instagram" in text  # responded two days ago, not answered
    assert "contacted · client · social · Sakura" in text
    for column in ("Backlog 1", "To do 2", "Review 1", "Done 1"):
        assert column in text
    assert "1/3" in text  # subtask progress on the video card
    assert "Overdue 1" in text and "Today 2" in text and "Reminders and follow-ups 1" in text
    assert "Answers due 1" in text and "L1 late 1d answer due: Instagram" in text

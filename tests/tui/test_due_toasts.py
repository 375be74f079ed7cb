"""Reminders and lead deadlines that come due while the app is open: a toast each (one grouped
toast for many), one terminal bell per batch, and never the same item twice (the app claims
them like `amtui remind due`, so cron does not report them again)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amtui.core import reminders
from amtui.core.notify import collect_due
from tests.conftest import NOW
from tests.tui.conftest import drive, posted, settle


@pytest.fixture
def bells(monkeypatch) -> list[int]:
    from amtui.tui.app import AmtuiApp

    rung: list[int] = []
    monkeypatch.setattr(AmtuiApp, "bell", lambda self: rung.append(1))
    return rung


def due_toasts(app) -> list[tuple[str, str, str]]:
    """The "Due" notifications the app posted so far (not the toasts still on screen: those
    time out, and on a loaded machine a test may read them late)."""
    from textual.notifications import Notify

    found = [message.notification for message in posted(app, Notify)]
    return [(n.title, n.severity, n.message) for n in found if n.title == "Due"]


def test_deadlines_toast_once_with_one_bell(make_app, seeded, config, bells) -> None:
    async def scenario(pilot):
        first = due_toasts(pilot.app), len(bells)
        pilot.app.check_due()
        await settle(pilot)
        again = due_toasts(pilot.app), len(bells)
        # A reminder falls due while the app is open (written by another connection).
        reminders.add_reminder(
            seeded, "Send the contract", NOW - timedelta(minutes=1), now=NOW, config=config
        )
        pilot.app.check_due()
        await settle(pilot)
        return first, again, due_toasts(pilot.app), len(bells)

    (first, bells_first), (again, bells_again), later, bells_later = drive(
        make_app(due=15), scenario
    )
    assert [(title, severity) for title, severity, _ in first] == [("Due", "warning")] * 3
    assert [message for _, _, message in first] == [
        "L1 answer due yesterday 10:00 (client yesterday 18:00 Asia/Tokyo): Instagram campaign "
        "for the spring menu · social from client",
        "L2 first response due today 09:35: SEO audit for a hotel chain · email from partner "
        "Pixel Partners",
        "L3 first response due today 10:10: Website for a new residential complex · web-brief "
        "from client",
    ]
    assert bells_first == 1
    assert again == first and bells_again == 1  # nothing new: no toast, no bell
    assert later[-1] == ("Due", "information", "R2 due today 09:59: Send the contract")
    assert bells_later == 2
    # Claimed: `amtui remind due` (cron) will not report them again.
    assert collect_due(seeded, now=NOW, config=config) == []


def test_many_at_once_make_one_grouped_toast(make_app, seeded, config, bells) -> None:
    collect_due(seeded, now=NOW, config=config)  # the seeded leads: reported already
    for n in range(4):
        reminders.add_reminder(seeded, f"Chase invoice {n}", NOW, now=NOW, config=config)

    async def scenario(pilot):
        return due_toasts(pilot.app), len(bells)

    toasts, rung = drive(make_app(due=15), scenario)
    assert toasts == [("Due", "information", "4 due: R2, R3, R4, R5")]
    assert rung == 1


def test_due_toasts_show_hostile_text_literally(make_app, seeded, config, bells) -> None:
    collect_due(seeded, now=NOW, config=config)  # the seeded leads: reported already
    reminders.add_reminder(
        seeded,
        "[@click=app.quit]x[/] a[/b]c \x1b[31mred",
        NOW,
        now=NOW,
        config=config,
        about="L2",
    )

    async def scenario(pilot):
        return due_toasts(pilot.app), pilot.app.is_running

    toasts, running = drive(make_app(due=15), scenario)
    assert toasts == [
        (
            "Due",
            "information",
            "R2 due today 10:00: [@click=app.quit]x[/] a[/b]c \\x1b[31mred · L2 SEO audit for a "
            "hotel chain",
        )
    ]
    assert running

"""TUI fixtures: a seeded temporary database, an app with a fixed clock, and pilot helpers.

Async pilot scenarios run inside plain tests through `drive()` (asyncio.run), so the suite
needs no async plugin and `snap_compare` (which calls `app.run()`) works next to them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from amtui.core import clients, drafts, leads, reminders, tasks
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.pipeline import respond_lead
from tests.conftest import NOW

SIZE = (120, 40)


def seed(db: Database, config: Config, now: datetime = NOW) -> None:
    """A small, fixed week: two waiting leads (one late), cards in every column, a reminder."""
    clients.add_client(db, "Granel", now=now - timedelta(days=30), timezone="Europe/Berlin")
    clients.add_client(
        db, "Blue Harbor Hotels", now=now - timedelta(days=30), timezone="America/New_York"
    )
    clients.add_client(db, "Sakura Foods", now=now - timedelta(days=30), timezone="Asia/Tokyo")

    def lead(title: str, minutes_ago: int, **fields: Any) -> None:
        leads.add_lead(
            db,
            leads.LeadDraft(title=title, received=now - timedelta(minutes=minutes_ago), **fields),
            now=now - timedelta(minutes=minutes_ago),
            config=config,
        )

    lead("Instagram campaign for the spring menu", 2 * 24 * 60, client="Sakura Foods",
         channel="social")  # fmt: skip
    respond_lead(db, "L1", now=now - timedelta(days=2) + timedelta(minutes=9), config=config)
    lead("SEO audit for a hotel chain", 40, partner="Pixel Partners", channel="email",
         contact_name="Oliver Brandt")  # fmt: skip
    lead("Website for a new residential complex", 5, client="Granel", channel="web-brief",
         value="12k", currency="EUR")  # fmt: skip

    def task(text: str, **fields: Any) -> str:
        draft = drafts.draft_from_text(text, now=now, config=config)
        for name, value in fields.items():
            setattr(draft, name, value)
        return f"T{tasks.add_task(db, draft, now=now, config=config).task.id}"

    task('Storyboard ideas client:"Sakura Foods" col:backlog')
    task("Quarterly SEO report due:+3d client:Granel @seo +report", column="To do")
    task(
        'Send the estimate due:yesterday client:"Blue Harbor Hotels" pri:urgent +urgent',
        column="To do",
    )
    video = task("Explainer video due:today 15:00 client:Granel @copywriter +video col:progress")
    task("Script", parent=video)
    task("Storyboard", parent=video)
    done_sub = task("Voice-over casting", parent=video)
    tasks.complete_task(db, done_sub, now=now, config=config)
    task('Fix the booking form due:today client:"Blue Harbor Hotels" @developer col:review')
    finished = task("Kick-off notes client:Granel col:progress")
    tasks.complete_task(db, finished, now=now, config=config)
    reminders.add_reminder(db, "Call Oliver about the audit", "today 16:00", now=now,
                           config=config, about="L2")  # fmt: skip


@pytest.fixture
def seeded(db: Database, config: Config) -> Database:
    seed(db, config)
    return db


@pytest.fixture
def make_app(seeded: Database, config: Config) -> Iterator[Callable[..., Any]]:
    from amtui.tui.app import AmtuiApp

    def make(
        *, database: Database | None = None, cfg: Config | None = None, due: float | None = None
    ) -> AmtuiApp:
        """`due`: look for due reminders every so many seconds (default: never, so the
        toasts do not cover what other tests look at)."""
        app = AmtuiApp(database or seeded, cfg or config, clock=lambda: NOW, due_seconds=due)
        app.theme = "textual-dark"
        return app

    yield make


def drive(app: Any, scenario: Callable[[Pilot[Any]], Awaitable[Any]], size=SIZE) -> Any:
    """Run `scenario(pilot)` against `app` at a fixed size and return what it returns."""

    async def run() -> Any:
        async with app.run_test(size=size, notifications=True) as pilot:
            await settle(pilot)
            return await scenario(pilot)

    return asyncio.run(run())


async def settle(pilot: Pilot[Any], rounds: int = 4) -> None:
    """Wait until the workers started so far (loads, writes) have finished and been applied."""
    await pilot.pause()
    for _ in range(rounds):
        running = [w for w in pilot.app.workers if w.is_running and w.group != "poll"]
        if not running:
            return
        for worker in running:
            with suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
        await pilot.pause()


def screen_text(app: Any) -> str:
    """What the terminal shows right now, as plain lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def press(pilot: Pilot[Any], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Put `text` into the focused input at the cursor, as a paste would (one Changed each)."""
    from textual.widgets import Input

    focused = pilot.app.focused
    assert isinstance(focused, Input), f"no input has the focus ({focused!r})"
    focused.insert_text_at_cursor(text)
    await settle(pilot, rounds=1)


def toasts(app: Any) -> str:
    """The toasts on screen now, one per line as `title: message` (a toast wraps its text,
    so `screen_text` would split it)."""
    from textual.widgets._toast import Toast

    lines = []
    for toast in app.screen.query(Toast):
        note = toast._notification
        lines.append(f"{note.title}: {note.message}" if note.title else note.message)
    return "\n".join(lines)


def shown(app: Any) -> str:
    """The screen's lines, then the toasts' full texts."""
    return screen_text(app) + "\n" + toasts(app)

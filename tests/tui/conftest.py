"""TUI fixtures: a seeded temporary database, an app with a fixed clock, and pilot helpers.

Async pilot scenarios run inside plain tests through `drive()` (asyncio.run), so the suite
needs no async plugin and `snap_compare` (which calls `app.run()`) works next to them.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import suppress
from datetime import date, datetime, timedelta
from pathlib import Path
from time import monotonic
from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from amtui.core import clients, drafts, leads, reminders, tasks
from amtui.core.clients import edit_client
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.invoices import issue_invoice, new_invoice, record_payment
from amtui.core.pipeline import respond_lead
from amtui.core.proposals import add_item, new_proposal, send_proposal
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
def money(seeded: Database, config: Config) -> Database:
    """L3 (Granel, 12k EUR) gets a sent proposal; Granel an invoice, half paid and overdue;
    Granel and Sakura Foods their KAM scores."""
    edit_client(seeded, "Granel", now=NOW, kam_attractiveness=5, kam_relationship=4)
    edit_client(seeded, "Sakura Foods", now=NOW, kam_attractiveness=2, kam_relationship=4)
    ref = new_proposal(seeded, "L3", now=NOW, today=date(2026, 11, 25)).proposal.ref
    add_item(seeded, ref, stage="Design", who="designer", hours="40", rate="100", now=NOW,
             config=config)  # fmt: skip
    add_item(seeded, ref, stage="Build", who="developer", hours="80", rate="100", now=NOW,
             config=config)  # fmt: skip
    send_proposal(seeded, ref, now=NOW, config=config)
    invoice = new_invoice(seeded, "Granel", now=NOW, config=config, lines=[("Design", "4 000")])
    issue_invoice(seeded, invoice.ref, now=NOW, config=config, issued_on=date(2026, 11, 1))
    record_payment(seeded, invoice.ref, "2 000", now=NOW, config=config)
    return seeded


@pytest.fixture
def make_app(seeded: Database, config: Config) -> Iterator[Callable[..., Any]]:
    from amtui.tui.app import AmtuiApp

    def make(
        *,
        database: Database | None = None,
        cfg: Config | None = None,
        due: float | None = None,
        state_file: Path | None = None,
        live: bool = False,
    ) -> AmtuiApp:
        """`due`: look for due reminders every so many seconds (default: never, so the
        toasts do not cover what other tests look at); `state_file`: the remembered view
        state (default: the test's own state directory); `live`: the main screen's timers
        (default: off; a test runs `_poll` or `_tick` itself, so no timer fires at a moment
        that depends on how busy the machine is)."""
        app = AmtuiApp(
            database or seeded,
            cfg or config,
            clock=lambda: NOW,
            due_seconds=due,
            state_file=state_file,
            live=live,
        )
        app.theme = "textual-dark"
        return app

    yield make


#: The messages each test app received, recorded by `run_test(message_hook=…)`; emptied after
#: each test (`forget_posted`). Not a WeakKeyDictionary: the messages refer to the app (their
#: senders, callbacks), so a value would keep its own key, and every app of the session with it.
_POSTED: dict[Any, list[Message]] = {}


@pytest.fixture(autouse=True)
def forget_posted() -> Iterator[None]:
    yield
    _POSTED.clear()


def drive(app: Any, scenario: Callable[[Pilot[Any]], Awaitable[Any]], size=SIZE) -> Any:
    """Run `scenario(pilot)` against `app` at a fixed size and return what it returns.

    Every message the app receives is recorded (`posted`, `notes`), so a test asserts on what
    the app said rather than on a toast that may have timed out on a loaded machine.
    """
    posted: list[Message] = []
    _POSTED[app] = posted

    async def run() -> Any:
        async with app.run_test(size=size, notifications=True, message_hook=posted.append) as pilot:
            await settle(pilot)
            result = await scenario(pilot)
            await settle(pilot)  # nothing left half-done when the app shuts down
            return result

    return asyncio.run(run())


def posted(app: Any, kind: type[Message] = Message) -> list[Any]:
    """The messages of type `kind` the app (or any widget in it) received so far."""
    return [message for message in _POSTED.get(app, []) if isinstance(message, kind)]


def notes(app: Any) -> str:
    """Every notification the app posted so far, one per line as `title: message`."""
    from textual.notifications import Notify

    lines = []
    for message in posted(app, Notify):
        note = message.notification
        lines.append(f"{note.title}: {note.message}" if note.title else note.message)
    return "\n".join(lines)


SETTLE_TIMEOUT = 120.0  # seconds; only reached when something never finishes (a bug)


async def settle(pilot: Pilot[Any], timeout: float = SETTLE_TIMEOUT) -> None:
    """Wait until the app is quiet: no worker pending or running (loads, writes, polls, the
    palette's search), every message queued on any screen of the stack processed, and the
    callbacks run after a refresh. Twice in a row, because handling a message may start a
    worker or post another message. No wall-clock sleep: it waits for work, not for time."""
    from textual.worker import WorkerState

    app = pilot.app
    deadline = monotonic() + timeout
    quiet = 0
    while quiet < 2:
        await _drain(app)
        await pilot.pause()  # the top screen's queue, then a refresh (after-refresh callbacks)
        busy = [
            worker
            for worker in app.workers
            if worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
        ]
        if busy:
            quiet = 0
            for worker in busy:
                with suppress(WorkerCancelled, WorkerFailed):
                    await worker.wait()
        elif _queued(app):
            quiet = 0
        elif _keys_waiting(app):
            # Keys the gate still holds wait on no message: a marker lost with a closed
            # dialog is noticed by its timer (amtui.tui.typeahead.LIVENESS_SECONDS).
            quiet = 0
            await pilot.pause(0.05)
        else:
            quiet += 1
        if monotonic() > deadline:
            raise AssertionError(f"the app did not settle in {timeout:.0f}s: {busy}")


def _nodes(app: Any) -> list[Any]:
    nodes = [app]
    for screen in app.screen_stack:
        nodes.extend(screen.walk_children(with_self=True))
    return nodes


def _busy_nodes(app: Any) -> list[Any]:
    """The running nodes that still have messages to process or callbacks to run."""
    return [
        node
        for node in _nodes(app)
        if node.is_running and (not node._message_queue.empty() or node._next_callbacks)
    ]


def _keys_waiting(app: Any) -> bool:
    """Typed keys the app has not handed out yet (`amtui.tui.typeahead.KeyGate`), other than
    those held for a dialog the test has not opened."""
    gate = getattr(app, "keys", None)
    return gate is not None and bool(gate.waiting or gate.busy) and not gate.held


def _queued(app: Any) -> bool:
    return bool(_busy_nodes(app)) or any(screen._callbacks for screen in app.screen_stack)


async def _drain(app: Any) -> None:
    """Wait until every node with queued messages, on every screen of the stack (not only
    the top one, as `Pilot.pause` does), has processed what was queued before this call."""
    waits = []
    for node in _busy_nodes(app):
        done = asyncio.Event()
        if node.call_later(done.set):
            waits.append(asyncio.create_task(done.wait()))
    if waits:
        # A node removed meanwhile never runs its callback: give up on it after a while and
        # let `settle` look again (this bounds a wait; it is not what the test relies on).
        _, pending = await asyncio.wait(waits, timeout=2)
        for task in pending:
            task.cancel()
    else:
        await asyncio.sleep(0)


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
    await settle(pilot)


def after_keys(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A snapshot's `run_before`: press `keys` one at a time, settled after each, with every
    input's cursor steady (a blinking cursor would make the picture depend on the moment)."""

    async def run_before(pilot: Pilot[Any]) -> None:
        from textual.widgets import Input

        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await settle(pilot)

    return run_before


def shown(app: Any) -> str:
    """The screen's lines, then every notification posted so far (a toast times out, and it
    wraps its text, so neither the screen nor the toast rack is a reliable record)."""
    return screen_text(app) + "\n" + notes(app)


def detail_fields(app: Any) -> dict[str, str]:
    """The open detail view's fields, label → what the value says (as core words it)."""
    from amtui.tui.widgets.detail import FieldTable

    return app.screen.query_one("#detail-fields", FieldTable).text()


def timeline(app: Any) -> list[str]:
    """The open detail view's timeline, one `kind  what it did` per entry."""
    from amtui.tui.widgets.detail import FieldTable

    return [value.plain for _, value in app.screen.query_one("#timeline", FieldTable).rows]


@pytest.fixture
def held_read(monkeypatch: pytest.MonkeyPatch) -> Callable[[Any, str], threading.Event]:
    """`held_read(module, "name")`: every call of `module.name` (a read the app makes in a
    worker) waits until the returned event is set: a slow database read, made deterministic."""

    def hold(module: Any, name: str) -> threading.Event:
        read = getattr(module, name)
        release = threading.Event()

        def held(*args: Any, **kwargs: Any) -> Any:
            assert release.wait(60), "the test never released the load"
            return read(*args, **kwargs)

        monkeypatch.setattr(module, name, held)
        return release

    return hold

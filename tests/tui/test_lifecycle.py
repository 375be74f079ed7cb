"""Starting and stopping: timers and late worker results never touch screens that are gone."""

from __future__ import annotations

from typing import Any

from amtui.tui.logic.fields import Saved
from tests.tui.conftest import drive


def test_timers_and_results_arriving_during_shutdown_do_nothing(make_app, monkeypatch) -> None:
    """A timer is its own task: it can fire after the screens were closed and before the app
    is. Fire every timer of every node at exactly that moment, then deliver a write's result."""
    from textual._callback import invoke

    from amtui.tui.actions import Actions
    from amtui.tui.app import AmtuiApp

    fired: list[str] = []
    original = AmtuiApp._close_all

    async def close_all_then_fire(self: AmtuiApp) -> None:
        timers = [timer for node in [self, *self._registry] for timer in node._timers]
        await original(self)  # every screen is gone now; the app is not closed yet
        assert list(self.screen_stack) == []
        for timer in timers:
            await invoke(timer._callback)
            fired.append(timer.name)
        self.on_actions_finished(Actions.Finished(Saved("T1 done", "T1")))
        self.on_actions_failed(Actions.Failed("locked"))
        self.data_changed()

    monkeypatch.setattr(AmtuiApp, "_close_all", close_all_then_fire)

    async def scenario(pilot):
        return pilot.app.is_running

    assert drive(make_app(due=15, live=True), scenario)  # run_test re-raises what the app raised
    assert {"tick", "poll", "due"} <= set(fired)


def test_a_toast_mounted_after_its_timeout_expires_instead_of_hanging_the_app(
    make_app, monkeypatch
) -> None:
    """On a busy machine a 3-second toast can be mounted after its 3 seconds: Textual then set a
    timer with a negative delay, which spins forever and freezes the app. It goes at once."""
    from time import time

    from textual.notifications import Notification
    from textual.widgets._toast import Toast

    from tests.tui.conftest import settle

    delays: list[float] = []
    original = Toast.set_timer

    def recorded(self, delay, *args, **kwargs):  # type: ignore[no-untyped-def]
        delays.append(delay)
        if delay > 0:  # a non-positive one would hang this very test
            return original(self, delay, *args, **kwargs)
        return None

    monkeypatch.setattr(Toast, "set_timer", recorded)

    async def scenario(pilot):
        late = Toast(Notification("written", timeout=3, raised_at=time() - 45))
        on_time = Toast(Notification("still showing", timeout=30))
        await pilot.app.screen.mount(late, on_time)
        await settle(pilot)
        return [toast._notification.message for toast in pilot.app.screen.query(Toast)]

    assert drive(make_app(), scenario) == ["still showing"]
    assert len(delays) == 1 and 25 < delays[0] <= 30  # the one on time keeps its time left


def test_a_finished_app_is_freed_with_its_screens_and_widgets(make_app) -> None:
    """Nothing keeps an app, or a screen or widget it opened, once it has finished: each one
    (with its database handle and rendered frames) would otherwise stay in memory for as long
    as the process lives (10 MB an app)."""
    import asyncio
    import gc
    import weakref

    from tests.tui.conftest import SIZE, press, settle

    app = make_app(due=15)
    seen: list[weakref.ref[Any]] = []

    def keep(pilot: Any) -> None:
        for screen in pilot.app.screen_stack:
            seen.extend(weakref.ref(node) for node in screen.walk_children(with_self=True))

    async def run(app: Any) -> None:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            await press(pilot, "2", "l", "l", "enter")  # a task's detail view
            keep(pilot)
            await press(pilot, "escape", "ctrl+p")  # the command palette
            keep(pilot)
            await press(pilot, "escape", "1", "n")  # the new-task form
            keep(pilot)
            await press(pilot, "escape")

    asyncio.run(run(app))
    finished = weakref.ref(app)
    del app
    gc.collect()
    assert finished() is None
    assert {type(node).__name__ for ref in seen if (node := ref()) is not None} == set()


def test_start_up_is_frozen_out_of_garbage_collection_while_the_app_runs(make_app) -> None:
    """Once the first screen is drawn, what start-up built is left out of the collector's full
    passes (each walked ~260 000 objects, 100–150 ms inside a key press, at 100 000 records);
    a finished app gives it back, so it and its screens can be freed (the test above)."""
    import gc

    async def scenario(pilot):  # drive() settles first: the first snapshot is on screen
        return pilot.app.main_screen.first_paint is not None, gc.get_freeze_count()

    painted, frozen = drive(make_app(), scenario)
    assert painted and frozen > 10_000
    assert gc.get_freeze_count() == 0


def test_a_widget_that_drew_is_not_kept_by_textuals_style_cache() -> None:
    """Textual's `StylesCache.get_inner_outer` cached its answers by the widget's own cache
    (Textualize/textual#6665), so every screen ever closed stayed in memory with the lines it
    drew, and each full garbage collection walked them all (`amtui.tui.textual_fixes`)."""
    import weakref

    from textual._styles_cache import StylesCache
    from textual.color import Color

    import amtui.tui.app  # noqa: F401  (applies the fixes)

    cache = StylesCache()
    gone = weakref.ref(cache)
    inner, outer = cache.get_inner_outer(Color(18, 18, 18), Color(36, 47, 56, 0.5))
    del cache
    assert gone() is None
    # The same answer as Textual's own.
    assert (inner.background, outer.background) == (
        Color(18, 18, 18) + Color(36, 47, 56, 0.5),
        Color(18, 18, 18),
    )


def test_closed_detail_views_are_freed(make_app) -> None:
    """Open and close a record's view a few times: the widgets of the closed ones do not stay
    in memory (each one kept its whole screen's lines before the fix above). Run without
    `drive`, whose record of every message would keep them."""
    import asyncio
    import weakref

    from tests.tui.conftest import SIZE, settle

    refs: list[weakref.ref[Any]] = []

    async def run() -> list[bool]:
        async with make_app().run_test(size=SIZE) as pilot:
            await settle(pilot)
            for _ in range(3):
                pilot.app.actions.open_record("T4")
                await settle(pilot)
                refs.append(weakref.ref(pilot.app.screen.query_one("#detail-head")._styles_cache))
                pilot.app.heap.settle()  # as the app does when left alone: the view is frozen
                await pilot.press("escape")
                await settle(pilot)
            # A view open at one of the collector policy's settles (`amtui.tui.logic.heap`) was
            # frozen with the rest, and is freed by the next one, which collects the frozen
            # objects too (a plain `gc.collect()` would not).
            pilot.app.heap.settle()
            return [ref() is None for ref in refs]

    freed = asyncio.run(run())
    # The last one may still be referred to by its finished worker's context; not the others.
    assert freed[:2] == [True, True], freed

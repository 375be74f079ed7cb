"""The app's garbage-collector policy (`amtui.tui.logic.heap`, issue 9).

- The heap is settled only once the app was left alone after its last key for a while and
  enough was made since the last settle; never before the first frame.
- A settle frees what was frozen and has since become garbage in a reference cycle (a closed
  screen), and takes what is left out of the collector's sight; nothing stays frozen for good.
- In the app: a key postpones the settle; the app's end unfreezes what it froze.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from amtui.tui.logic import heap
from amtui.tui.logic.heap import Heap
from tests.tui.conftest import drive, press


class Node:
    """A node in a reference cycle: only the cyclic collector can free it."""

    def __init__(self) -> None:
        self.me = self


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Passes:
    """Young collections, counted by the test (the interpreter's own run at any allocation)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> int:
        return self.count


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> Passes:
    counted = Passes()
    monkeypatch.setattr(heap, "young_passes", counted)
    return counted


@pytest.fixture
def policy(passes: Passes) -> Iterator[tuple[Heap, Clock]]:
    clock = Clock()
    kept = Heap(clock)
    try:
        yield kept, clock
    finally:
        kept.release()


def test_a_settle_waits_for_the_first_frame_quiet_and_enough_made(policy, passes) -> None:
    kept, clock = policy
    passes.count += heap.SETTLE_AFTER_PASSES
    clock.now += heap.IDLE_SECONDS
    assert not kept.due()  # before the first frame
    kept.first_frame()
    passes.count += heap.SETTLE_AFTER_PASSES - 1
    assert not kept.due()  # not enough made since
    passes.count += 1
    assert kept.due()
    kept.touched()  # a key
    assert not kept.due()
    clock.now += heap.IDLE_SECONDS - 0.1
    assert not kept.due()
    clock.now += 0.1
    assert kept.settle_if_due() and kept.settles == 1
    assert not kept.due()  # nothing made since


def test_a_settle_frees_frozen_garbage_and_freezes_the_rest(policy) -> None:
    kept, _ = policy
    dropped, alive = Node(), Node()
    gone = weakref.ref(dropped)
    kept.first_frame()
    del dropped
    gc.collect()
    assert gone() is not None  # frozen garbage: the collector does not see it
    kept.settle()
    assert gone() is None
    assert gc.get_freeze_count() > 0
    assert not any(item is alive for item in gc.get_objects())  # out of the collector's sight
    kept.release()
    assert gc.get_freeze_count() == 0


def test_in_the_app_a_key_postpones_the_settle_and_the_end_unfreezes(make_app, passes) -> None:
    app = make_app()
    clock = Clock()

    async def scenario(pilot):
        app.heap.clock = clock
        app.heap.touched()  # the pinned clock's now
        frozen = app.heap.frozen and gc.get_freeze_count() > 0
        passes.count += heap.SETTLE_AFTER_PASSES
        clock.now += heap.IDLE_SECONDS
        quiet = app.heap.due()
        await press(pilot, "j")
        return frozen, quiet, app.heap.due()

    frozen, quiet, after_key = drive(app, scenario)
    assert frozen and quiet and not after_key
    assert not app.heap.frozen and gc.get_freeze_count() == 0

"""Keys are handled one at a time, each where it would have landed typed slowly.

Textual gives a key to the widget focused when the app takes the key off its queue; the key
then climbs the widget tree through each widget's own message queue, and only at the top do
the focused widget's bindings run (an Input's Ctrl+U, the screen's Tab to the next field).
Enter in an Input goes further: its binding posts `Input.Submitted`, which climbs the tree
again before the form moves the cursor on. Keys that arrive together (a fast typist, `tmux
send-keys`, a terminal's paste of keystrokes) are all handed out before the first has done
any of that, so each went to the field focused before the Tab or Enter that should have
moved it: `Tab Tab Ctrl+U 3` put the 3 in the first field and cleared the third.

`KeyGate` hands the app one key at a time. A key is done when it has been given to its
widget (or run a priority binding), has climbed from that widget to the app, and what its
handlers posted to those widgets (a `Submitted`, a Select opening its list) has climbed after
it: a marker (`call_later`) follows it up the same chain of queues, twice; then, a few passes
at most, until what was queued on the top screen and the app when the marker looked has run
(what a key sets off away from its own path: the palette's list picking a command, which
then opens a screen from the app's queue). Only then does the next key go out, to whatever
has the focus by then. A key typed alone goes out at once. Characters for the focused input
go straight on (they move no focus and run no binding; a key after them queues behind them
in that input), so a burst of text costs what it did: 300 characters in 0.40 s against 0.37 s
without the gate, on this 2-core machine at load 13. Every other key of a burst waits for its
few dozen queue hops, about 18 ms at that load, and repaints wait until the burst is through.
A marker queued at a widget removed before it runs is noticed (`LIVENESS_SECONDS`), so the
keyboard never stays stuck.

Keys also wait while the top screen is still being mounted (a dialog just pushed: the
command palette) and while the app holds them (`hold`: a dialog reads what it needs first, a
form is saving); `release` lets them go on, `drop` forgets them (the dialog could not open).
A screen may also keep the next key back while it works out what that key will act on
(`key_waits(key)`, then `resume`: the command palette while it searches, so Enter picks what
the typed text finds, not an earlier list; a form while its load is out, for the keys that
move between fields and choices).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.dom import DOMNode
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

#: The marker follows a key up the tree twice: once behind the key itself, once behind what
#: the key's handlers posted on the way (Enter's `Submitted`, which moves to the next field).
ROUNDS = 2
#: How often, while keys wait behind one, to look whether the widget its marker is queued at
#: was removed before it ran the marker (then the key is done). Not a timeout: a slow machine
#: only makes the keys wait longer, never sends one early.
LIVENESS_SECONDS = 0.1
#: Then the marker waits, this many times at most, for whatever is queued on the top screen
#: and the app (a bound: a screen that never stops posting cannot hold the keys forever).
DRAIN_PASSES = 6

Typed = events.Key | events.Paste


class KeyGate:
    """One key at a time for `app`; `dispatch(key)` is Textual's own handling of a key."""

    def __init__(self, app: App[Any], dispatch: Callable[[Typed], Awaitable[None]]):
        self.app = app
        self.dispatch = dispatch
        self.waiting: deque[Typed] = deque()
        self._batching = False  # repaints are off while a burst goes through
        self._typed_into: DOMNode | None = None  # the input characters went to, unfollowed
        self.held = False
        self._journey = 0  # the key on its way (stale markers of an earlier one do nothing)
        self._busy = False
        self._at: set[DOMNode] = set()  # where the markers are queued
        self._liveness: Timer | None = None

    @property
    def busy(self) -> bool:
        return self._busy

    async def take(self, event: Typed) -> None:
        """A key (or a paste) from the terminal: it goes out once everything before it is
        done."""
        self.waiting.append(event)
        self._check_lost_marker()
        await self.pump()
        if self.waiting and self._liveness is None:
            self._liveness = self.app.set_interval(
                LIVENESS_SECONDS, self._check_lost_marker, name="key gate"
            )

    def hold(self) -> None:
        self.held = True

    def release(self) -> None:
        """Let the held keys go on (from any task: they go out from the app's queue)."""
        self.held = False
        self.app.call_later(self.pump)

    def resume(self) -> None:
        """A screen whose `key_waits(key)` held the next key is ready for it now."""
        self.app.call_later(self.pump)

    def drop(self) -> None:
        """Forget the keys waiting: typed for a dialog that did not open."""
        self.held = False
        self.waiting.clear()
        self._stop_liveness()
        self._batch(False)

    async def pump(self) -> None:
        try:
            await self._pump()
        finally:
            if not self._busy:
                self._batch(False)  # waiting for a dialog, a search or nothing: paint
            if not self.waiting:
                self._stop_liveness()

    async def _pump(self) -> None:
        while self.waiting and not self._busy and not self.held:
            try:
                screen = self.app.screen
            except Exception:  # no screen: the app is starting or shutting down
                return
            if not screen.is_mounted:
                # Just pushed: its compose and mount (where the focus is set) come first.
                self._start(screen, rounds=1)
                return
            event = self.waiting[0]
            # A character for the focused input goes straight on: the input takes it (it
            # moves no focus, runs no binding), and a key after it queues behind it there.
            quick = (
                isinstance(event, events.Key)
                and event.is_printable
                and isinstance(self.app.focused, Input)
            )
            if not quick and self._typed_into is not None:
                # Anything else waits for those characters, and what they set off (the
                # palette's search, a hint), before it is even looked at.
                typed_into, self._typed_into = self._typed_into, None
                self._start(typed_into, rounds=ROUNDS)
                return
            waits = getattr(screen, "key_waits", None)
            if waits is not None and waits(event):
                return  # the screen calls `resume` when it is ready for the key
            self.waiting.popleft()
            # More keys behind this one: paint once they are all in, not after each (a
            # frame per key would make a burst crawl on a busy machine).
            self._batch(bool(self.waiting))
            target: DOMNode = self.app.focused or screen
            self._busy = True
            try:
                await self.dispatch(event)
            except BaseException:
                self._start(target, rounds=ROUNDS)
                raise
            if quick and event.is_forwarded:  # no priority binding took it: the input will
                self._busy = False
                self._typed_into = target
            else:
                self._start(target, rounds=ROUNDS)

    def _batch(self, on: bool) -> None:
        if on and not self._batching:
            self.app._begin_batch()
            self._batching = True
        elif not on and self._batching:
            self._batching = False
            self.app._end_batch()

    def _start(self, node: DOMNode, rounds: int) -> None:
        self._busy = True
        self._journey += 1
        chain: list[DOMNode] = [node, *node.ancestors] if node is not self.app else [node]
        self._mark(self._journey, chain, 0, rounds)

    def _mark(self, journey: int, chain: list[DOMNode], index: int, rounds: int) -> None:
        """Queue the marker at `chain[index]`, behind what is queued there now; a node that
        takes no more messages (being removed) is skipped."""
        for at in range(index, len(chain)):
            node = chain[at]
            if node.call_later(self._marked, journey, chain, at, rounds):
                self._at = {node}
                return
        self._done(journey, chain, rounds)

    def _marked(self, journey: int, chain: list[DOMNode], index: int, rounds: int) -> None:
        if journey != self._journey:
            return
        if index + 1 < len(chain):
            self._mark(journey, chain, index + 1, rounds)
        else:
            self._done(journey, chain, rounds)

    def _done(self, journey: int, chain: list[DOMNode], rounds: int) -> None:
        if rounds > 1:
            self._mark(journey, chain, 0, rounds - 1)
        else:
            self._drain(journey, DRAIN_PASSES)

    def _drain(self, journey: int, passes: int) -> None:
        """Wait for what is queued anywhere on the top screen and on the app, a few times
        over: a key's effect may travel through widgets off its own path (the palette's list
        picking a command, which then opens a screen from the app's queue)."""
        busy: set[DOMNode] = set()
        if passes > 0:
            try:
                nodes = [self.app, *self.app.screen.walk_children(with_self=True)]
            except Exception:  # no screen: the app is shutting down
                nodes = []
            busy = {node for node in nodes if node.is_running and not node._message_queue.empty()}
        self._at = set()
        for node in busy:
            if node.call_later(self._drained, journey, node, passes):
                self._at.add(node)
        if not self._at:
            self._finish()

    def _drained(self, journey: int, node: DOMNode, passes: int) -> None:
        if journey != self._journey:
            return
        self._at.discard(node)
        if not self._at:
            self._drain(journey, passes - 1)

    def _finish(self) -> None:
        self._journey += 1
        self._busy = False
        self._at = set()
        self.app.call_later(self.pump)

    def _check_lost_marker(self) -> None:
        """A marker queued at a widget removed before it ran never comes back: the key it
        followed is done there."""
        if not self._busy:
            return
        lost = {
            node for node in self._at if node._closed or (node._closing and not node.is_running)
        }
        if lost and lost == self._at:
            self._finish()
        else:
            self._at -= lost

    def _stop_liveness(self) -> None:
        if self._liveness is not None:
            self._liveness.stop()
            self._liveness = None

"""The footer of the main screen and the detail view: the keys that apply, and only whole ones.

Textual's footer scrolls keys that do not fit out of sight, cutting the last visible one in
half (`s Sta`). In the compact style (below 160 columns) this one leaves out the keys that
would not fit whole, from the end, but always keeps `?` (help lists every key) and the
palette key docked on the right.

Textual rebuilds a footer (removes and mounts every key) whenever any widget refreshes the
screen's bindings; the main screen does so for each region as its first rows come in, eight
rebuilds before the first frame, each mounting and styling a dozen keys (a third of the CPU
from start to the first frame at 0 records). This one changes only when what it would show
changed, and then mounts and removes only the keys that come or go (a card moved out of the
first column shows `H`: one key mounted, not twelve).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import cast

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.compose import compose  # what Widget.recompose composes with
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTION = "toggle_help"
COMPACT_BELOW = 160  # columns: a narrower terminal fits more keys when they are packed tightly


def key_width(key: FooterKey) -> int:
    """The cells a compact key takes: its key, a space and its description, then a margin."""
    described = 1 + cell_len(key.description) if key.description else 0
    return cell_len(key.key_display) + described + 1


def fitting(keys: list[FooterKey], room: int) -> list[FooterKey]:
    """The keys, in order, that fit whole in `room` cells, help always among them."""
    # `app.toggle_help` in a modal screen (whose bindings hide the app's own).
    helper = next((key for key in keys if key.action.split(".")[-1] == HELP_ACTION), None)
    budget = room - (key_width(helper) if helper is not None else 0)
    kept: list[FooterKey] = []
    for key in keys:
        if key is helper:
            continue
        if key_width(key) > budget:
            break
        budget -= key_width(key)
        kept.append(key)
    if helper is not None:
        kept.append(helper)
    return kept


class FittedFooter(Footer):
    _shown: Hashable = None  # what the keys on screen were made from (`_showing`)

    def _showing(self) -> Hashable:
        """Everything `compose` reads: the screen's bindings with their state, key displays
        and tooltips, the style and the width."""
        bindings = tuple(
            (binding, enabled, tooltip, self.app.get_key_display(binding))
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
        )
        return (
            self._bindings_ready,
            self.compact,
            self.size.width,
            self.show_command_palette,
            self.app.ENABLE_COMMAND_PALETTE,
            bindings,
        )

    async def recompose(self) -> None:
        if not self.is_attached or self._pruning:
            return
        showing = self._showing()
        if showing == self._shown:
            return
        self._shown = showing
        async with self.batch():
            await self._show_keys(list(compose(self)))

    async def _show_keys(self, keys: list[Widget]) -> None:
        """Show `keys` (as `compose` made them), keeping the keys on screen that stay: only
        the keys that come or go are mounted or removed. Rebuilding the whole footer (what
        Textual does) mounted and styled a dozen keys each time one key came or went, as
        on a card move into or out of the first column, or a region change."""
        old = [child for child in self.children if not child.has_class("-textual-system")]
        if not (_plain(old) and _plain(keys)):
            await self.remove_children(old)
            await self.mount_all(keys)
            return
        shown: list[Widget] = []  # `keys`, with each key already on screen in its place
        pool = cast("list[FooterKey]", old)
        for key in cast("list[FooterKey]", keys):
            same = next((index for index, on in enumerate(pool) if _same_key(on, key)), -1)
            shown.append(pool[same] if same >= 0 else key)
            if same >= 0:
                pool = pool[same + 1 :]  # the order stays: later keys match later ones
        staying = {id(widget) for widget in shown}
        gone = [widget for widget in old if id(widget) not in staying]
        if gone:
            await self.remove_children(gone)
        for index, widget in enumerate(shown):
            if widget.is_attached:
                continue
            after = next((w for w in shown[index + 1 :] if w.is_attached), None)
            await (self.mount(widget, before=after) if after is not None else self.mount(widget))

    def compose(self) -> ComposeResult:
        items: list[Widget] = list(super().compose())
        for item in items:
            if isinstance(item, FooterKey) and (self.compact or item.has_class("-command-palette")):
                # The class each key's `compact` watcher would add once mounted (the bound
                # keys follow the footer, the palette key is always compact): given here, a
                # key is styled once as it mounts instead of again, with a layout, after it
                # (a dozen restyles and layouts each time the keys change, as on a card move
                # into or out of the first column).
                item.add_class("-compact", update=False)
        if not self.compact or not self.size.width or not _plain(items):
            yield from items
            return
        docked = [w for w in items if isinstance(w, FooterKey) and w.has_class("-command-palette")]
        keys = [w for w in items if isinstance(w, FooterKey) and w not in docked]
        room = self.size.width - sum(key_width(w) for w in docked)
        yield from fitting(keys, room)
        yield from docked

    def on_resize(self) -> None:
        self.compact = self.app.size.width < COMPACT_BELOW
        self.refresh(recompose=True)


def _same_key(shown: FooterKey, made: FooterKey) -> bool:
    """`shown` (on screen) already is the key `made` (just composed)."""
    return (
        shown.key == made.key
        and shown.key_display == made.key_display
        and shown.description == made.description
        and shown.action == made.action
        and shown._disabled == made._disabled
        and shown.tooltip == made.tooltip
        and shown.classes == made.classes
    )


def _plain(items: Iterable[Widget]) -> bool:
    """Only keys (no binding groups, which this does not measure)."""
    return all(isinstance(item, FooterKey) for item in items)

"""Command palette (Ctrl+P): jump to any record, and "noun: verb" commands.

Record titles come from outside, so hits are built from `Content` and highlighted without
`Matcher.highlight` (which parses markup); a title like `[@click=app.quit]` is only text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual import events
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.worker import Worker

from amtui.core.errors import AmtuiError
from amtui.core.refs import parse_ref
from amtui.core.search import SearchHit, search
from amtui.tui.logic.text import safe
from amtui.tui.logic.verbs import palette_verbs

if TYPE_CHECKING:
    from amtui.tui.app import AmtuiApp


def safe_highlight(matcher: Matcher, candidate: str) -> Content:
    """Highlight the matched letters of untrusted text without parsing it as markup."""
    content = Content(candidate)
    _, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    for offset in offsets:
        content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class RecordCommands(Provider):
    """`T12` opens task 12; any other text searches tasks, leads, clients and reminders."""

    async def search(self, query: str) -> Hits:
        app = cast("AmtuiApp", self.app)
        text = query.strip()
        if not text:
            return
        try:
            reference = str(parse_ref(text))
        except AmtuiError:
            reference = None
        if reference is not None:
            yield Hit(
                1.0,
                Content.assemble(("Open ", "dim"), (reference, "bold")),
                partial(app.actions.open_record, reference),
                text=f"Open {reference}",
                help="Open this record",
            )
        if len(text) < 2:
            return
        try:
            hits = await asyncio.to_thread(search, app.db, text, limit=10)
        except AmtuiError:
            return
        for hit in hits:
            yield self._hit(app, hit)

    def _hit(self, app: AmtuiApp, hit: SearchHit) -> Hit:
        title = safe(hit.title, 100)
        label = f"{hit.ref} {title}"
        detail = safe(hit.detail, 40) if hit.detail else ""
        return Hit(
            0.9 if hit.open else 0.5,
            Content.assemble((hit.ref, "bold"), " ", title, (f"  {hit.kind}", "dim")),
            partial(app.actions.open_record, hit.ref),
            text=label,
            # Content, so the record's text is never read as markup: Textual passes `help`
            # through Content.from_markup, which keeps a Content as it is (annotated as str).
            help=Content(f"{hit.kind} · {detail}" if detail else hit.kind),  # type: ignore[arg-type]
        )


class ActionCommands(Provider):
    """The registry's "noun: verb" commands (`task: new`, `lead: log`, `reminder: snooze`,
    `client: filter`, …); the record verbs act on the selected record, in a detail view or a
    list."""

    def commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("AmtuiApp", self.app)
        return [
            (item.palette, item.help, partial(app.run_from_palette, item.name))
            for item in palette_verbs()
            if item.palette
        ]

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            described = Content(help_text)  # text, not markup (see `search` above)
            yield DiscoveryHit(Content(name), callback, text=name, help=described)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    safe_highlight(matcher, name),
                    callback,
                    text=name,
                    help=Content(help_text),  # type: ignore[arg-type]
                )


class Palette(CommandPalette):
    """Textual's palette, except that keys which act on the list (Enter, ↑/↓, Page Up/Down)
    wait while a search is running: typed in one burst (`T12` Enter), Enter picks what the
    text finds, as it does typed slowly, not whatever the list showed before."""

    LIST_KEYS = frozenset({"enter", "up", "down", "pageup", "pagedown", "tab", "shift+tab"})

    def key_waits(self, typed: events.Key | events.Paste) -> bool:
        return isinstance(typed, events.Key) and typed.key in self.LIST_KEYS and self._searching()

    def _searching(self) -> bool:
        return any(
            worker.group == self._GATHER_COMMANDS_GROUP and not worker.is_finished
            for worker in self.workers
            if worker.node is self
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == self._GATHER_COMMANDS_GROUP and event.worker.is_finished:
            cast("AmtuiApp", self.app).keys.resume()

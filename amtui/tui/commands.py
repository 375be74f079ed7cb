"""Command palette (Ctrl+P): jump to any record, and "noun: verb" commands.

Record titles come from outside, so hits are built from `Content` and highlighted without
`Matcher.highlight` (which parses markup); a title like `[@click=app.quit]` is only text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from amtui.core.errors import AmtuiError
from amtui.core.refs import parse_ref
from amtui.core.search import SearchHit, search
from amtui.tui.render import safe

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
                partial(app.ops.open_record, reference),
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
            partial(app.ops.open_record, hit.ref),
            text=label,
            help=Content(f"{hit.kind} · {detail}" if detail else hit.kind),
        )


class ActionCommands(Provider):
    """`task: new`, `lead: new`, `lead: stage`, `reminder: snooze`, `client: filter`, … (the
    lead and reminder verbs act on the selected record, in a detail view or a list)."""

    def commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("AmtuiApp", self.app)
        ops = app.ops
        return [
            ("task: new", "Add a task to the board", ops.new_task),
            ("lead: new", "Record an incoming lead", ops.new_lead),
            ("reminder: new", "Schedule a reminder", ops.new_reminder),
            (
                "lead: respond",
                "Record the first response (or the answer) of the selected lead",
                partial(ops.on_selected, "respond"),
            ),
            ("lead: log", "Log contact with the selected lead", partial(ops.on_selected, "log")),
            (
                "lead: stage",
                "Move the selected lead to another stage",
                partial(ops.on_selected, "stage"),
            ),
            ("lead: win", "Close the selected lead as won", partial(ops.on_selected, "win")),
            ("lead: lose", "Close the selected lead as lost", partial(ops.on_selected, "lose")),
            (
                "lead: reopen",
                "Reopen the selected lead (won or lost)",
                partial(ops.on_selected, "reopen"),
            ),
            (
                "reminder: snooze",
                "Put the selected reminder (or lead's follow-up step) off",
                partial(ops.on_selected, "snooze"),
            ),
            (
                "client: filter",
                "Show one client everywhere",
                lambda: app.main_screen.action_client_filter(),
            ),
            (
                "filter: clear",
                "Clear the client and text filters",
                lambda: app.main_screen.action_clear_filters(),
            ),
            ("view: inbox", "Go to the lead inbox", lambda: app.main_screen.action_focus_region(0)),
            ("view: board", "Go to the board", lambda: app.main_screen.action_focus_region(1)),
            (
                "view: agenda",
                "Go to today's agenda",
                lambda: app.main_screen.action_focus_region(2),
            ),
            ("view: refresh", "Reload everything now", lambda: app.main_screen.reload()),
            (
                "intake: run",
                "Read new mail and form briefs from the sources in the config",
                app.action_run_intake,
            ),
        ]

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, safe_highlight(matcher, name), callback, text=name, help=help_text)

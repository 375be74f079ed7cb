"""The lead inbox: open leads, those waiting for a first response first, with live countdowns."""

from __future__ import annotations

from datetime import datetime

from textual.binding import Binding
from textual.content import Content

from amtui.core.board import InboxPage
from amtui.core.config import Config
from amtui.tui import render
from amtui.tui.widgets.rows import Region, RowList


class Inbox(Region):
    """Leads, most urgent first; `r` records the first response."""

    REGION = "inbox"
    BINDING_GROUP_TITLE = "Inbox"
    BINDINGS = [
        Binding("n", "request('new')", "New lead", id="inbox.new"),
        Binding("e", "request('edit')", "Edit", id="inbox.edit"),
        Binding("r", "request('respond')", "Responded", id="inbox.respond"),
        Binding("d", "request('delete')", "Delete", id="inbox.delete"),
    ]
    VERBS = {**Region.VERBS, "new": "", "edit": "L", "respond": "L", "delete": "L"}

    def __init__(self, *, id: str = "inbox") -> None:
        super().__init__(id=id, classes="region")
        self.page: InboxPage | None = None
        self.border_title = Content("Inbox")

    def compose(self):  # type: ignore[no-untyped-def]
        yield RowList(empty="No open leads", id="inbox-list", first_mount=8)

    def allows(self, verb: str) -> bool:
        if verb == "respond":
            row = self.current_row
            return super().allows(verb) and row is not None and "-waiting" in row.classes
        return super().allows(verb)

    def show_page(
        self, page: InboxPage, *, now: datetime, config: Config, keep: str | None = None
    ) -> None:
        """Show a fresh first page (or a longer one after "load more")."""
        self.page = page
        rows = [render.lead_row(row, now=now, config=config) for row in page.rows]
        self.current_list().show(rows, page.more, keep=keep)
        self._title()

    def append_page(self, page: InboxPage, *, now: datetime, config: Config) -> None:
        if self.page is None or page.offset != len(self.page.rows):
            return
        self.page.rows.extend(page.rows)
        self.page.total, self.page.waiting = page.total, page.waiting
        self.show_page(self.page, now=now, config=config)

    @property
    def loaded(self) -> int:
        return len(self.page.rows) if self.page else 0

    def tick(self, now: datetime, config: Config) -> None:
        """Countdowns move every second: re-render only the leads still waiting."""
        if self.page is None:
            return
        rows = self.current_list().rows
        fresh = [
            render.lead_row(row, now=now, config=config)
            if row.lead.first_response_at is None
            else old
            for row, old in zip(self.page.rows, rows, strict=False)
        ]
        self.current_list().update_contents(fresh)

    def _title(self) -> None:
        page = self.page
        parts: list[str | tuple[str, str]] = [("1 ", render.MUTED), ("Inbox", "bold")]
        if page is not None:
            parts.append((f" {page.total}", ""))
            if page.waiting:
                parts.append((f" · {page.waiting} waiting", render.SOON))
        if self.filter_text:
            parts.append((f" · /{render.safe(self.filter_text, 30)}", render.MUTED))
        self.border_title = Content.assemble(*parts)

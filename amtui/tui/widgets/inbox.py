"""The lead inbox: open leads, the most urgent first, each with its next action and countdown."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.content import Content

from amtui.core.board import InboxPage
from amtui.core.config import Config
from amtui.core.lead_queries import LeadRow
from amtui.core.sla import ResponseRule, response_owed
from amtui.tui import render
from amtui.tui.keys import verb_bindings
from amtui.tui.logic.verbs import Facts
from amtui.tui.widgets.rows import Region, RowList, retitle


class Inbox(Region):
    """Leads, most urgent first; `r` records the response (then the answer), `l` logs
    contact, `s` moves the stage, `w` / `W` win or lose."""

    PLACE = "inbox"
    BINDING_GROUP_TITLE = "Inbox"
    BINDINGS = verb_bindings(PLACE)

    def __init__(self, *, id: str = "inbox") -> None:
        super().__init__(id=id, classes="region")
        self.page: InboxPage | None = None
        self.rule: ResponseRule | None = None
        self._rows: dict[str, LeadRow] = {}
        self.border_title = Content.assemble(("1 ", render.MUTED), ("Inbox", "bold"))

    def compose(self) -> ComposeResult:
        yield RowList(empty="Loading leads…", id="inbox-list")

    def lead_row(self, ref: str | None) -> LeadRow | None:
        return self._rows.get(ref) if ref else None

    def facts(self) -> Facts:
        row = self.lead_row(self.current_ref)
        owed = response_owed(row.lead, self.rule) if row is not None and self.rule else None
        return Facts(
            self.current_ref,
            owed=owed,
            team=self.amtui.team_mode,
            owner=row.owner if row is not None else None,
        )

    def show_page(
        self, page: InboxPage, *, now: datetime, config: Config, keep: str | None = None
    ) -> None:
        """Show a fresh first page (or a longer one after "load more")."""
        self.page = page
        self.rule = config.response_rule
        self._rows = {row.lead.ref: row for row in page.rows}
        rows = [render.lead_row(row, now=now, config=config) for row in page.rows]
        self.current_list().show(rows, page.more, keep=keep, empty="No open leads")
        self._title()
        self.update_bindings()

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
        """Countdowns move: redraw the leads whose words change by now (a running deadline
        every second, `late 2h 10m` once a minute), not every lead every second."""
        page = self.page
        if page is not None:
            self.current_list().redraw_due(
                now, lambda index: render.lead_row(page.rows[index], now=now, config=config)
            )

    def _title(self) -> None:
        page = self.page
        parts: list[str | tuple[str, str]] = [("1 ", render.MUTED), ("Inbox", "bold")]
        if page is not None:
            parts.append((f" {page.total}", ""))
            if page.waiting:
                parts.append((f" · {page.waiting} waiting", render.SOON))
        if self.filter_text:
            parts.append((f" · /{render.safe(self.filter_text, 30)}", render.MUTED))
        retitle(self, Content.assemble(*parts))

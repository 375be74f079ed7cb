"""The lead inbox: open leads, the most urgent first, each with its next action and countdown."""

from __future__ import annotations

from datetime import datetime

from textual.binding import Binding
from textual.content import Content

from amtui.core.board import InboxPage
from amtui.core.config import Config
from amtui.core.lead_queries import LeadRow
from amtui.core.sla import ResponseRule, response_owed
from amtui.tui import render
from amtui.tui.widgets.rows import Region, RowList

#: The lead workflow keys, shared with the lead's detail view (same verbs, own ids).
LEAD_KEYS = (
    ("r", "respond", "Responded", "Record the first response (new → contacted)"),
    ("r", "answer", "Answered", "Record that the substantive answer went out"),
    ("l", "log", "Log", "Log an email, call, meeting or note (a reply stops the ladder)"),
    ("s", "stage", "Stage", "Move to another stage (proposal-sent starts the ladder)"),
    ("w", "win", "Win", "Close as won: link the client, add the starter tasks"),
    ("W", "lose", "Lose", "Close as lost, with the reason"),
)


def lead_bindings(prefix: str, action: str) -> list[Binding]:
    """`prefix.respond`, `prefix.log`, …: the workflow keys as bindings of one widget."""
    return [
        Binding(
            key,
            f"{action}('{verb}')",
            label,
            tooltip=tip,
            id=f"{prefix}.{verb}",
        )
        for key, verb, label, tip in LEAD_KEYS
    ]


class Inbox(Region):
    """Leads, most urgent first; `r` records the response (then the answer), `l` logs
    contact, `s` moves the stage, `w` / `W` win or lose."""

    REGION = "inbox"
    BINDING_GROUP_TITLE = "Inbox"
    BINDINGS = [
        Binding("n", "request('new')", "New lead", id="inbox.new"),
        Binding("e", "request('edit')", "Edit", id="inbox.edit"),
        *lead_bindings("inbox", "request"),
        Binding("d", "request('delete')", "Delete", id="inbox.delete"),
    ]
    VERBS = {
        **Region.VERBS,
        "new": "",
        "edit": "L",
        "respond": "L",
        "answer": "L",
        "log": "L",
        "stage": "L",
        "win": "L",
        "lose": "L",
        "delete": "L",
    }

    def __init__(self, *, id: str = "inbox") -> None:
        super().__init__(id=id, classes="region")
        self.page: InboxPage | None = None
        self.rule: ResponseRule | None = None
        self._rows: dict[str, LeadRow] = {}
        self.border_title = Content("Inbox")

    def compose(self):  # type: ignore[no-untyped-def]
        yield RowList(empty="No open leads", id="inbox-list", first_mount=8)

    def lead_row(self, ref: str | None) -> LeadRow | None:
        return self._rows.get(ref) if ref else None

    def allows(self, verb: str) -> bool:
        if verb in ("respond", "answer"):
            row = self.lead_row(self.current_ref)
            return (
                row is not None
                and self.rule is not None
                and response_owed(row.lead, self.rule) == verb
            )
        return super().allows(verb)

    def show_page(
        self, page: InboxPage, *, now: datetime, config: Config, keep: str | None = None
    ) -> None:
        """Show a fresh first page (or a longer one after "load more")."""
        self.page = page
        self.rule = config.response_rule
        self._rows = {f"L{row.lead.id}": row for row in page.rows}
        rows = [render.lead_row(row, now=now, config=config) for row in page.rows]
        self.current_list().show(rows, page.more, keep=keep)
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
        """Countdowns move every second: re-render the leads that have a next action."""
        if self.page is None:
            return
        rows = self.current_list().rows
        fresh = [
            render.lead_row(row, now=now, config=config) if row.next_action is not None else old
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

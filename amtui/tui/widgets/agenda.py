"""Today's agenda: overdue, today by time, leads waiting for a response, reminders, next days."""

from __future__ import annotations

from datetime import datetime

from textual.binding import Binding
from textual.content import Content

from amtui.core.agenda import Agenda as AgendaData
from amtui.core.config import Config
from amtui.tui import render
from amtui.tui.widgets.rows import Region, RowData, RowList


class Agenda(Region):
    """The user's local day; `x` completes a task or reminder, `r` answers a waiting lead."""

    REGION = "agenda"
    BINDING_GROUP_TITLE = "Agenda"
    BINDINGS = [
        Binding("n", "request('new')", "New reminder", id="agenda.new"),
        Binding("e", "request('edit')", "Edit", id="agenda.edit"),
        Binding("x,space", "request('done')", "Done", id="agenda.done"),
        Binding("r", "request('respond')", "Responded", id="agenda.respond"),
        Binding("d", "request('delete')", "Delete", id="agenda.delete"),
    ]
    VERBS = {
        **Region.VERBS,
        "new": "",
        "edit": "TL",
        "done": "TR",
        "respond": "L",
        "delete": "TL",
    }

    def __init__(self, *, id: str = "agenda") -> None:
        super().__init__(id=id, classes="region")
        self.agenda: AgendaData | None = None
        self.border_title = Content("Agenda")

    def compose(self):  # type: ignore[no-untyped-def]
        yield RowList(empty="Nothing due", id="agenda-list", first_mount=30)

    def show_agenda(
        self, agenda: AgendaData, *, now: datetime, config: Config, keep: str | None = None
    ) -> None:
        self.agenda = agenda
        sections = (agenda.overdue, agenda.today, agenda.waiting, agenda.reminders, agenda.upcoming)
        more = sum(section.more for section in sections)
        self.current_list().show(self._rows(now, config), more, keep=keep)
        parts: list[str | tuple[str, str]] = [
            ("3 ", render.MUTED),
            ("Agenda", "bold"),
            (f" {agenda.day:%a %-d %b}", ""),
        ]
        if agenda.overdue.total:
            parts.append((f" · {agenda.overdue.total} overdue", render.LATE))
        if self.filter_text:
            parts.append((f" · /{render.safe(self.filter_text, 30)}", render.MUTED))
        self.border_title = Content.assemble(*parts)

    def tick(self, now: datetime, config: Config) -> None:
        """Keep the waiting leads' countdowns moving (other rows are unchanged)."""
        if self.agenda is not None and self.agenda.waiting.items:
            self.current_list().update_contents(self._rows(now, config))

    def _rows(self, now: datetime, config: Config) -> list[RowData]:
        agenda = self.agenda
        assert agenda is not None
        sections = [
            ("Overdue", agenda.overdue),
            ("Today", agenda.today),
            ("Waiting for a first response", agenda.waiting),
            ("Reminders", agenda.reminders),
            (f"Next {agenda.days} days", agenda.upcoming),
        ]
        rows: list[RowData] = []
        for title, section in sections:
            items = [render.agenda_row(item, now=now, config=config) for item in section.items]
            if not items and not section.total:
                continue
            rows.append(render.heading(title, section.total, len(items)))
            rows.extend(items)
        return rows

"""Today's agenda: overdue, today by time, lead deadlines, reminders and follow-ups, next days."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.content import Content

from amtui.core.agenda import Agenda as AgendaData
from amtui.core.agenda import AgendaItem
from amtui.core.config import Config
from amtui.core.describe_agenda import agenda_sections
from amtui.tui import render
from amtui.tui.keys import verb_bindings
from amtui.tui.logic.verbs import Facts
from amtui.tui.render import RowData
from amtui.tui.widgets.rows import Region, RowList, retitle


class Agenda(Region):
    """The user's local day; `x` completes a task or reminder, `r` records a lead's response
    or answer, `z` snoozes a reminder."""

    PLACE = "agenda"
    BINDING_GROUP_TITLE = "Agenda"
    BINDINGS = verb_bindings(PLACE)
    #: which verb records each lead deadline
    DEADLINE_OF = {"first-response": "respond", "answer": "answer"}

    def __init__(self, *, id: str = "agenda") -> None:
        super().__init__(id=id, classes="region")
        self.agenda: AgendaData | None = None
        self._items: dict[str, AgendaItem] = {}
        self._row_items: list[AgendaItem | None] = []
        self.border_title = Content.assemble(("3 ", render.MUTED), ("Agenda", "bold"))

    def compose(self) -> ComposeResult:
        yield RowList(empty="Loading the agenda…", id="agenda-list")

    def item(self, ref: str | None) -> AgendaItem | None:
        return self._items.get(ref) if ref else None

    def facts(self) -> Facts:
        item = self.item(self.current_ref)
        owed = self.DEADLINE_OF.get(item.deadline or "") if item is not None else None
        return Facts(self.current_ref, owed=owed)

    def show_agenda(
        self, agenda: AgendaData, *, now: datetime, config: Config, keep: str | None = None
    ) -> None:
        self.agenda = agenda
        sections = [part.section for part in agenda_sections(agenda)]
        self._items = {item.ref: item for section in sections for item in section.items}
        more = sum(section.more for section in sections)
        self.current_list().show(self._rows(now, config), more, keep=keep, empty="Nothing due")
        self.update_bindings()
        parts: list[str | tuple[str, str]] = [
            ("3 ", render.MUTED),
            ("Agenda", "bold"),
            (f" {agenda.day:%a %-d %b}", ""),
        ]
        if agenda.overdue.total:
            parts.append((f" · {agenda.overdue.total} overdue", render.LATE))
        if self.filter_text:
            parts.append((f" · /{render.safe(self.filter_text, 30)}", render.MUTED))
        retitle(self, Content.assemble(*parts))

    def tick(self, now: datetime, config: Config) -> None:
        """Keep the lead deadlines' countdowns moving and mark what turns late or changes day
        (only the rows due for it; headings and the other rows are unchanged)."""
        items = self._row_items

        def redraw(index: int) -> RowData:
            item = items[index]
            assert item is not None  # a heading never changes with the clock
            return render.agenda_row(item, now=now, config=config)

        self.current_list().redraw_due(now, redraw)

    def _rows(self, now: datetime, config: Config) -> list[RowData]:
        """The sections in core's order and words (`amtui agenda` shows the same)."""
        agenda = self.agenda
        assert agenda is not None
        rows: list[RowData] = []
        self._row_items = []  # the item of each row (None: a heading), for the tick
        for part in agenda_sections(agenda):
            section = part.section
            items = [render.agenda_row(item, now=now, config=config) for item in section.items]
            if not items and not section.total:
                continue
            rows.append(render.heading(part.title, section.total, len(items)))
            rows.extend(items)
            self._row_items += [None, *section.items]
        return rows

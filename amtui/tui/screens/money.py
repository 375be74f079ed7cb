"""The money views (modal): the pipeline by stage with values, next deadlines and the weighted
forecast, and the account portfolio (KAM quadrants and the clients who bring 80% of the
revenue). `4` and `5` on the main screen, or the palette's "view: pipeline" / "view: accounts";
Tab switches between them.

The lines come from `amtui.tui.logic.money` (core's words), loaded in a worker; the screen
reloads when the app sees a change. On the pipeline, `s` `w` `W` move the selected lead with
the same rules as `amtui lead stage` / `win` / `lose` (proposal-sent starts the ladder), and
Enter opens the lead or client.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from amtui.core.errors import AmtuiError
from amtui.tui.keys import verb_bindings
from amtui.tui.logic.money import VIEWS, Line, load_view
from amtui.tui.logic.text import safe
from amtui.tui.logic.verbs import Facts
from amtui.tui.render import RowData, phrase
from amtui.tui.widgets.footer import FittedFooter
from amtui.tui.widgets.rows import Region, RowList

if TYPE_CHECKING:
    from amtui.tui.app import AmtuiApp


class MoneyList(Region):
    """The view's lines; the pipeline's leads take the stage keys."""

    PLACE = "money"
    LIST_VERBS = ("open",)
    BINDING_GROUP_TITLE = "Money"
    BINDINGS = verb_bindings(PLACE)

    def __init__(self) -> None:
        super().__init__(id="money-list")
        self.lines: dict[str, Line] = {}

    def compose(self) -> ComposeResult:
        yield RowList(empty="Loading…", first_mount=60)

    def show_lines(self, lines: list[Line]) -> None:
        self.lines = {line.key: line for line in lines if line.key}
        rows = [
            RowData(line.key, phrase(line.parts), selectable=not line.heading)
            if line.key
            else RowData("", phrase(line.parts), frozenset({"-section"}), selectable=False)
            for line in lines
        ]
        self.row_list.show(rows, empty="Nothing here yet")
        self.update_bindings()

    def facts(self) -> Facts:
        line = self.lines.get(self.current_ref or "")
        return Facts(self.current_ref, closed=line.closed if line else False)


class MoneyScreen(ModalScreen[None]):
    """One money view; Esc closes, Tab shows the other one."""

    BINDING_GROUP_TITLE = "Money"
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="money.close"),
        Binding("tab", "switch", "Other view", id="money.switch"),
    ]

    @dataclass
    class Loaded(Message):
        name: str
        lines: list[Line]

    @dataclass
    class LoadFailed(Message):
        error: str

    def __init__(self, name: str) -> None:
        super().__init__(classes="detail-screen")
        self.view_name = name

    @property
    def amtui(self) -> AmtuiApp:
        return cast("AmtuiApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="money"):
            yield Static("", id="money-head", markup=False)
            yield MoneyList()
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one(MoneyList).focus()
        self.reload()

    def reload(self) -> None:
        self.query_one("#money-head", Static).update(self._title())
        self._load(self.view_name)

    def _title(self) -> Content:
        other = next(title for key, title in VIEWS.items() if key != self.view_name)
        return Content.assemble(
            (VIEWS[self.view_name], "bold"), (f"   Tab: {other} · Esc: close", "dim")
        )

    @work(thread=True, exclusive=True, group="money", exit_on_error=False)
    def _load(self, name: str) -> None:
        app = self.amtui
        try:
            lines = load_view(app.db, name, config=app.config, now=app.now())
        except AmtuiError as error:
            self.post_message(self.LoadFailed(str(error)))
            return
        self.post_message(self.Loaded(name, lines))

    def on_money_screen_loaded(self, message: Loaded) -> None:
        if message.name == self.view_name:
            self.query_one(MoneyList).show_lines(message.lines)

    def on_money_screen_load_failed(self, message: LoadFailed) -> None:
        self.notify(safe(message.error, 300), severity="warning", markup=False)
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_switch(self) -> None:
        self.view_name = next(key for key in VIEWS if key != self.view_name)
        self.reload()

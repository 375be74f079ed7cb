"""The accounts view (modal): the account portfolio, KAM quadrants and the clients who bring
80% of the revenue. `5` on the main screen, or the palette's "view: accounts"; Tab switches to
the pipeline board (`screens.pipeline`, `4`).

The lines come from `amtui.tui.logic.money` (core's words), loaded in a worker; the screen
reloads when the app sees a change. Enter opens the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from amtui.core.errors import AmtuiError
from amtui.tui.keys import verb_bindings, view_bindings
from amtui.tui.logic.money import VIEWS, Line, load_accounts
from amtui.tui.logic.text import safe
from amtui.tui.logic.verbs import Target
from amtui.tui.render import RowData, phrase
from amtui.tui.widgets.footer import FittedFooter
from amtui.tui.widgets.rows import Region, RowList

if TYPE_CHECKING:
    from amtui.tui.app import AmtuiApp


class MoneyList(Region):
    """The view's lines: clients, under their headings."""

    PLACE = "money"
    LIST_VERBS = ("open",)
    BINDING_GROUP_TITLE = "Money"
    BINDINGS = verb_bindings(PLACE)

    def __init__(self) -> None:
        super().__init__(id="money-list")
        self.lines: dict[str, Line] = {}

    def compose(self) -> ComposeResult:
        yield RowList(empty="Loading…")

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


class MoneyScreen(ModalScreen[None]):
    """The accounts; Esc closes, Tab shows the pipeline board."""

    BINDING_GROUP_TITLE = "Money"
    BINDINGS = view_bindings(VIEWS["pipeline"])

    @dataclass
    class Loaded(Message):
        lines: list[Line]

    @dataclass
    class LoadFailed(Message):
        error: str

    view_name = "accounts"

    def __init__(self) -> None:
        super().__init__(classes="detail-screen")

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
        self._load()

    def _title(self) -> Content:
        return Content.assemble(
            (VIEWS[self.view_name], "bold"), (f"   Tab: {VIEWS['pipeline']} · Esc: close", "dim")
        )

    @work(thread=True, exclusive=True, group="money", exit_on_error=False)
    def _load(self) -> None:
        app = self.amtui
        try:
            lines = load_accounts(app.db, config=app.config, now=app.now())
        except AmtuiError as error:
            self.post_message(self.LoadFailed(str(error)))
            return
        self.post_message(self.Loaded(lines))

    def on_money_screen_loaded(self, message: Loaded) -> None:
        self.query_one(MoneyList).show_lines(message.lines)

    def on_money_screen_load_failed(self, message: LoadFailed) -> None:
        self.notify(safe(message.error, 300), severity="warning", markup=False)
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_switch(self) -> None:
        self.amtui.actions.run("view_pipeline", Target(None, "money"))

"""The pipeline board (`4` on the main screen, the palette's "view: pipeline"): open leads by
stage, the won and lost of the last `[money] closed_days` days, each column's count, totals per
currency and weighted value, and above them the open total and the weighted forecast.

The numbers are `amtui pipeline`'s: both read `money_views.build_pipeline`, here in a worker
thread; the screen reloads whenever the app sees a change (its own moves, another terminal's).
Keys are the kanban board's: `h` `l` pick a column, `H` `L` move the lead (the rules of
`amtui lead stage`), `Enter` opens it, `s` `w` `W` `o` as in the inbox and the detail
view. `Tab` goes to the accounts, `Esc` back to the main screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from amtui.core.describe import View
from amtui.core.errors import AmtuiError
from amtui.core.money_views import PipelineBoard as PipelineData
from amtui.tui.keys import view_bindings
from amtui.tui.logic.data import Filters
from amtui.tui.logic.money import PIPELINE_PAGE, VIEWS, forecast_line, load_pipeline
from amtui.tui.logic.text import safe
from amtui.tui.logic.verbs import Target
from amtui.tui.render import phrase
from amtui.tui.widgets.footer import FittedFooter
from amtui.tui.widgets.pipeline import PipelineBoard, StageColumn
from amtui.tui.widgets.rows import RowList

if TYPE_CHECKING:
    from amtui.tui.app import AmtuiApp


class PipelineScreen(Screen[None]):
    """The pipeline board on a screen of its own; Esc closes, Tab shows the accounts."""

    BINDING_GROUP_TITLE = "Pipeline"
    BINDINGS = view_bindings(VIEWS["accounts"])

    @dataclass
    class Loaded(Message):
        """The board as core read it, and the lead to keep selected."""

        board: PipelineData
        view: View
        keep: str | None
        whose: str | None  # whose leads (None: one person's database)
        filters: Filters  # the client and text filters it was read with

    @dataclass
    class LoadFailed(Message):
        error: str

    def __init__(self) -> None:
        super().__init__(id="pipeline-screen")
        self.board = PipelineBoard()
        self.head = Static(Content.styled("Pipeline", "bold"), id="pipeline-head", markup=False)
        self.loads_applied = 0  # tests wait on it, as on the main screen's
        #: Cards read per stage beyond the first page (the end of a column reached asks more).
        self.limits: dict[str, int] = {}
        self.shown_filters: Filters | None = None  # what the board on screen was read with

    @property
    def amtui(self) -> AmtuiApp:
        return cast("AmtuiApp", self.app)

    def compose(self) -> ComposeResult:
        yield self.head
        yield self.board
        yield FittedFooter()

    def on_mount(self) -> None:
        self.set_focus(self.board)
        self.reload()

    def reload(self, keep: str | None = None) -> None:
        """Read the board again in a worker (a newer reload replaces an older one), with
        whose leads the main screen shows (`o` / `O` there)."""
        main = self.amtui.find_main_screen()
        filters = main.filters if main is not None else Filters()
        self._load(keep or self.board.current_ref, filters, dict(self.limits))

    @on(RowList.EndReached)
    def load_more(self, message: RowList.EndReached) -> None:
        """The end of a column: read its next page of leads."""
        message.stop()
        column = message.row_list.parent
        if isinstance(column, StageColumn):
            stage = column.column_name
            shown = len(column.row_list.rows)
            self.limits[stage] = max(self.limits.get(stage, 0), shown + PIPELINE_PAGE)
            self.reload()

    @work(thread=True, exclusive=True, group="pipeline", exit_on_error=False)
    def _load(self, keep: str | None, filters: Filters, limits: dict[str, int]) -> None:
        app = self.amtui
        now = app.now()
        try:
            board, whose = load_pipeline(
                app.db,
                config=app.config,
                now=now,
                owner=filters.owner,
                client=filters.client_id,
                text=filters.for_region(self.board.PLACE),
                limits=limits,
            )
        except AmtuiError as error:  # locked, unreadable
            self.post_message(self.LoadFailed(str(error)))
            return
        except Exception as error:  # a bug: say so rather than show a stale board silently
            self.post_message(self.LoadFailed(f"could not load: {type(error).__name__}: {error}"))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(board, View(app.config, now), keep, whose, filters))

    def on_pipeline_screen_loaded(self, message: Loaded) -> None:
        fresh = message.filters != self.shown_filters
        self.shown_filters = message.filters
        self.board.show_board(message.board, message.view, keep=message.keep, fresh=fresh)
        whose = f" · {safe(message.whose, 30)}" if message.whose else ""
        filters = message.filters
        client = filters.client.name if filters.client else ""
        text = filters.for_region(self.board.PLACE) or ""
        self.head.update(
            Content.assemble(
                ("Pipeline", "bold"),
                (whose, "bold $text-accent"),
                (f"  client: {safe(client, 40)}" if client else "", "bold $text-warning"),
                (f"  filter: {safe(text, 40)}" if text else "", "bold $text-warning"),
                "  ",
                phrase(forecast_line(message.board)),
            )
        )
        self.loads_applied += 1

    def on_pipeline_screen_load_failed(self, message: LoadFailed) -> None:
        self.notify(safe(message.error, 300), severity="warning", markup=False)
        if not self.board.loaded:
            self.dismiss(None)  # nothing to show; a reload that failed keeps what is shown

    def action_close(self) -> None:
        self.dismiss(None)

    def action_switch(self) -> None:
        self.amtui.actions.run("view_accounts", Target(None, "pipeline"))

"""The pipeline board: one column per stage (new … negotiating, then the won and lost of the
last `[money] closed_days` days), a card per lead, each column headed by its count, its total
per currency and, for an open stage, its weighted value.

It shares the column layout, the strip and `h` / `l` with the kanban board
(`widgets.columns`). `H` / `L` move the selected lead one column with the rules of
`amtui lead stage` (`pipeline_rules.plan_column_move` says where, and the keys are hidden
where it says no): an open stage moves at once (proposal-sent starts the ladder), won asks
what `w` asks. Cards and heads are core's words (`logic.money`), never markup.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from amtui.core.describe import Tone, View
from amtui.core.errors import InputError
from amtui.core.money_views import PipelineBoard as PipelineData
from amtui.core.pipeline_rules import plan_column_move
from amtui.core.vocabulary import CLOSED_STAGES, STAGES, Stage
from amtui.tui.keys import verb_bindings
from amtui.tui.logic.money import PipelineCard, pipeline_card, stage_head
from amtui.tui.logic.verbs import Facts, Target
from amtui.tui.render import RowData, phrase
from amtui.tui.widgets.columns import Column, ColumnBoard

#: A card's state class from its next deadline's tone (the kanban board's colours).
CARD_CLASSES = {Tone.LATE: "-overdue", Tone.WARNING: "-due-today"}


def card_row(card: PipelineCard) -> RowData:
    classes = {CARD_CLASSES[card.tone]} if card.tone in CARD_CLASSES else set()
    if card.stage in CLOSED_STAGES:
        classes.add("-done")
    content = Content("\n").join(phrase(line) for line in card.lines)
    return RowData(card.key, content, frozenset(classes))


class StageColumn(Column):
    """One stage: its head (count in the title, totals and weighted value below), its cards."""

    def __init__(self, stage: str, index: int) -> None:
        super().__init__(stage, index)
        self.border_title = Content.styled(stage, "bold")
        self.head = Static("", classes="column-head", markup=False)
        self.total: int | None = None

    def compose(self) -> ComposeResult:
        yield self.title
        yield self.head
        yield self.row_list

    @property
    def count(self) -> int | None:
        return self.total


class PipelineBoard(ColumnBoard[StageColumn]):
    """Leads by stage: h/l pick a column, H/L move the lead, Enter opens it."""

    PLACE = "pipeline"
    LIST_VERBS = ("open", "filter")
    BINDING_GROUP_TITLE = "Pipeline"
    #: Narrower than the kanban board's: five of seven stages fit at 120 columns, all at 160.
    MIN_COLUMN_WIDTH = 22
    BINDINGS = [
        Binding("h,left", "column(-1)", "Column left", show=False, id="pipeline.left"),
        Binding("l,right", "column(1)", "Column right", show=False, id="pipeline.right"),
        *verb_bindings(PLACE),
    ]

    def __init__(self) -> None:
        columns = [StageColumn(stage, index) for index, stage in enumerate(STAGES)]
        super().__init__(columns, id="pipeline-board")
        self.border_title = Content.styled("Leads by stage", "bold")
        self.loaded = False

    @property
    def stage(self) -> str:
        """The current column's stage (the selected lead's, as the board shows it)."""
        return self.current_column.column_name

    def show_board(
        self, data: PipelineData, view: View, *, keep: str | None = None, fresh: bool = False
    ) -> None:
        """Show every column's head and cards; the cursor stays on the selected lead (or
        `keep`), into whichever column it is in now. The first time, and when the filters
        changed (`fresh`), an empty current column gives way to the first one with leads."""
        keep = keep or self.current_ref
        for column, summary in zip(self.columns, data.summary.columns, strict=True):
            head = stage_head(summary, data.closed_days)
            column.total = summary.count
            column.border_title = phrase(head.title)
            column.head.update(Content("\n").join(phrase(line) for line in head.lines))
            rows = [card_row(pipeline_card(row, view)) for row in data.columns[column.column_name]]
            more = data.more(column.column_name)
            column.row_list.show(rows, more, keep=keep, empty="—")
        if (fresh or not self.loaded) and not self.current_column.row_list.rows:
            self.column_index = next((c.index for c in self.columns if c.row_list.rows), 0)
        self.loaded = True
        self.follow(keep)
        self.show_tabs()
        self.update_bindings()

    def moves(self) -> tuple[str | None, str | None]:
        """Where H and L would take the selected lead (None: nowhere, by the pipeline rules)."""
        ref = self.current_ref
        if ref is None:
            return None, None
        found: list[str | None] = []
        for step in (-1, 1):
            try:
                found.append(plan_column_move(ref, self.stage, step))
            except InputError:
                found.append(None)
        return found[0], found[1]

    def facts(self) -> Facts:
        return Facts(
            self.current_ref,
            closed=self.stage in CLOSED_STAGES,
            stage_moves=self.moves(),
        )

    def target(self) -> Target:
        return Target(self.current_ref, self.PLACE, column=self.stage)

    def action_verb(self, name: str) -> None:
        """A move to an open stage shows at once (the card jumps, the reload confirms it); a
        move to won waits for the answer to what the win asks."""
        if not self.offers(name):
            return
        target = self.target()  # before the preview moves the cursor
        if name in ("move_left", "move_right"):
            left, right = self.moves()
            to = left if name == "move_left" else right
            if to is not None and to != Stage.WON.value:
                self.preview_shift(-1 if name == "move_left" else 1)
        self.amtui.actions.run(name, target)

"""A dialog over the dimmed screen beneath it, drawing that screen once per change of it.

A `ModalScreen` with a translucent background (`.detail-screen`: `$background 60%`, DESIGN §7's
one screen with the dialog over it) shows the screen beneath through its own background:
Textual's `Screen.render` returns a `BackgroundScreen`, which renders the whole screen beneath
and re-styles each of its segments. Textual calls that on every repaint of the dialog's
screen, and a dialog is repainted on each of its own changes (its first layout and the
repaint after it, its footer's keys, a reload, the scroll), although what lies beneath did
not change. Measured at 100 000 records (bench/RESULTS.md, `s7detail`): three such renders an
`enter`, ~6–10 ms of CPU each on a quiet machine, and each made ~40 new lines of strips for
the garbage collector to walk.

`DimmedScreen` keeps the drawn backdrop until the screen beneath changes: Textual tells the
top screen which of its regions to repaint when a screen beneath it changes
(`Screen._compositor_refresh` → `app.screen.refresh(*regions)`), and that, a new size or
colour, or the dialog coming back on top (`ScreenResume`, after a dialog over it closed) draws
it afresh. It looks exactly as before (the same `BackgroundScreen` output, kept).
"""

from __future__ import annotations

from typing import Self, TypeVar

from textual.app import RenderResult
from textual.css.styles import RulesMap
from textual.geometry import Region
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual, visualize

ResultType = TypeVar("ResultType")


class Backdrop(Visual):
    """What `visual` draws, kept for the last size and style it was drawn at."""

    def __init__(self, visual: Visual, background: BackgroundScreen) -> None:
        self.visual = visual
        self.beneath = background.screen
        self.color = background.color
        self._drawn: tuple[tuple[int, int | None, Style], list[Strip]] | None = None

    def shows(self, background: BackgroundScreen) -> bool:
        return background.screen is self.beneath and background.color == self.color

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        key = (width, height, style)
        if self._drawn is None or self._drawn[0] != key:
            self._drawn = (key, self.visual.render_strips(width, height, style, options))
        return self._drawn[1]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.visual.get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.visual.get_height(rules, width)


class DimmedScreen(ModalScreen[ResultType]):
    """A modal screen whose translucent background draws the screen beneath once per change
    of it (`Backdrop`)."""

    _backdrop: Backdrop | None = None

    def render(self) -> RenderResult:  # type: ignore[override]  # Screen's says Rich only
        drawn = super().render()  # what Textual would draw (it also takes the screen beneath)
        if not isinstance(drawn, BackgroundScreen):
            return drawn
        if self._backdrop is None or not self._backdrop.shows(drawn):
            self._backdrop = Backdrop(visualize(self, drawn), drawn)
        return self._backdrop

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        if regions:  # the screen beneath changed there (or a region of this one: draw afresh)
            self._backdrop = None
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def on_screen_resume(self) -> None:
        # Back on top after a dialog over this one closed: the screen beneath may have changed
        # meanwhile (it told that dialog, not this one). Textual repaints after this.
        self._backdrop = None

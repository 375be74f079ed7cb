"""Small modal questions: yes/no before deleting, and a one-line prompt (filters)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from amtui.tui.render import safe


class ConfirmScreen(ModalScreen[bool]):
    """`Delete T12 "…"?` — y or Enter confirms, n or Esc keeps the record."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__(classes="confirm-screen")
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm"):
            yield Static(Content.styled(safe(self.question, 300), "bold"), classes="dialog-title")
            if self.detail:
                yield Static(Content(safe(self.detail, 300)))
            yield Static(Content("y / Enter: yes · n / Esc: no"), classes="dialog-keys")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class PromptScreen(ModalScreen[str | None]):
    """One line of text (a filter); Enter applies it (empty clears), Esc leaves it as it was."""

    AUTO_FOCUS = "Input"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, title: str, value: str = "", suggestions: list[str] | None = None) -> None:
        super().__init__(classes="prompt-screen")
        self.prompt_title = title
        self.value = value
        self.suggestions = suggestions or []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="prompt"):
            yield Static(Content.styled(self.prompt_title, "bold"), classes="dialog-title")
            suggester = (
                SuggestFromList(self.suggestions, case_sensitive=False)
                if self.suggestions
                else None
            )
            yield Input(value=self.value, id="prompt-input", compact=True, suggester=suggester)
            yield Static(Content("Enter apply (empty clears) · Esc cancel"), classes="dialog-keys")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)

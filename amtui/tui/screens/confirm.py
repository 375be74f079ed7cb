"""Small modal questions: yes/no (delete, win), and a one-line prompt (filters, snooze, lose)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from amtui.core.errors import AmtuiError
from amtui.tui.render import safe
from amtui.tui.screens.forms import Check


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
    """One line of text; Enter applies it, Esc leaves things as they were.

    With `check`, the line under the input shows what the text means (`→ today 12:05`) or why
    it can't be read, and Enter refuses text the check rejects; with `required`, Enter refuses
    an empty answer and says `required`. Either way the prompt stays open with what was typed.
    """

    AUTO_FOCUS = "Input"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        suggestions: list[str] | None = None,
        *,
        keys: str = "Enter apply (empty clears) · Esc cancel",
        detail: str = "",
        placeholder: str = "",
        check: Check | None = None,
        required: str | None = None,
    ) -> None:
        super().__init__(classes="prompt-screen")
        self.prompt_title = title
        self.value = value
        self.suggestions = suggestions or []
        self.keys = keys
        self.detail = detail
        self.placeholder = placeholder
        self.check = check
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="prompt"):
            yield Static(
                Content.styled(safe(self.prompt_title, 200), "bold"), classes="dialog-title"
            )
            if self.detail:
                yield Static(Content(safe(self.detail, 300)), classes="dialog-detail")
            suggester = (
                SuggestFromList(self.suggestions, case_sensitive=False)
                if self.suggestions
                else None
            )
            yield Input(
                value=self.value,
                placeholder=self.placeholder,
                id="prompt-input",
                compact=True,
                suggester=suggester,
            )
            yield Static("", id="prompt-hint", classes="hint", markup=False)
            yield Static(Content(self.keys), classes="dialog-keys")

    def on_mount(self) -> None:
        hint = self.query_one("#prompt-hint", Static)
        hint.display = self.check is not None or self.required is not None
        self._preview(self.value)

    def _preview(self, text: str, *, submitting: bool = False) -> bool:
        """Show what `text` means; False when it cannot be used (the reason is shown; that
        an answer is required only once Enter was pressed)."""
        hint = self.query_one("#prompt-hint", Static)
        ok, preview = True, ""
        if not text.strip():
            ok = self.required is None
            preview = self.required or "" if submitting else ""
        elif self.check is not None:
            try:
                preview = self.check(text)
            except (AmtuiError, ValueError) as error:
                ok, preview = False, str(error)
        hint.update(Content(safe(preview, 300)))
        hint.set_class(not ok, "-error")
        return ok

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._preview(event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._preview(event.value, submitting=True):
            self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""Small modal questions: yes/no before a delete or a win, and a one-line prompt (filters,
snooze, lose, the client of a win). Both open at once; a prompt's `load` (in a worker) may
bring a fuller title, the preview check or the suggestions, while what is typed already lands.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from amtui.core.errors import AmtuiError
from amtui.tui.logic.fields import ConfirmSpec, PromptLoad, PromptSpec
from amtui.tui.logic.text import safe
from amtui.tui.screens.forms import CallSuggester, attach_suggester

if TYPE_CHECKING:
    from amtui.tui.app import AmtuiApp


class ConfirmScreen(ModalScreen[bool]):
    """`Delete T12 "…"?` — `y` confirms, `n` or Esc keeps the record. Enter does neither: a
    key meant for something else must not confirm what cannot be taken back."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, spec: ConfirmSpec) -> None:
        super().__init__(classes="confirm-screen")
        self.spec = spec

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm"):
            yield Static(
                Content.styled(safe(self.spec.question, 300), "bold"), classes="dialog-title"
            )
            if self.spec.detail:
                yield Static(Content(safe(self.spec.detail, 300)))
            yield Static(Content(self.spec.keys), classes="dialog-keys")

    def on_mount(self) -> None:
        cast("AmtuiApp", self.app).release_keys()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class PromptScreen(ModalScreen[str | None]):
    """One line of text; Enter applies it, Esc leaves things as they were.

    With a `check`, the line under the input shows what the text means (`→ today 12:05`) or
    why it can't be read, and Enter refuses text the check rejects; with `required`, Enter
    refuses an empty answer and says so. Either way the prompt stays open with what was typed.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    @dataclass
    class Loaded(Message):
        load: PromptLoad

    @dataclass
    class LoadFailed(Message):
        error: str

    def __init__(self, spec: PromptSpec) -> None:
        super().__init__(classes="prompt-screen")
        self.spec = spec
        self.waiting_for_load = spec.load is not None
        self.submit_pending: str | None = None  # Enter was pressed while the load was out

    @property
    def amtui(self) -> AmtuiApp:
        return cast("AmtuiApp", self.app)

    def compose(self) -> ComposeResult:
        spec = self.spec
        with Vertical(classes="dialog", id="prompt"):
            yield Static(self._title(), classes="dialog-title", id="prompt-title")
            yield Static(
                Content(safe(spec.detail, 300)), classes="dialog-detail", id="prompt-detail"
            )
            yield Input(
                value=spec.value,
                placeholder=spec.placeholder,
                id="prompt-input",
                compact=True,
                suggester=CallSuggester(spec.suggest) if spec.suggest else None,
            )
            yield Static("", id="prompt-hint", classes="hint", markup=False)
            yield Static(Content(spec.keys), classes="dialog-keys")

    def _title(self) -> Content:
        return Content.styled(safe(self.spec.title, 200), "bold")

    def on_mount(self) -> None:
        self.query_one("#prompt-detail").display = bool(self.spec.detail)
        self._show_hint()
        self.set_focus(self.query_one("#prompt-input", Input))
        self.amtui.release_keys()
        self._preview(self.spec.value)
        if self.spec.load is not None:
            self._load()

    def _show_hint(self) -> None:
        hint = self.query_one("#prompt-hint", Static)
        hint.display = self.spec.check is not None or self.spec.required is not None

    @work(thread=True, exclusive=True, group="prompt-load", exit_on_error=False)
    def _load(self) -> None:
        assert self.spec.load is not None
        try:
            loaded = self.spec.load()
        except AmtuiError as error:
            self.post_message(self.LoadFailed(str(error)))
        except Exception as error:  # a bug: say so rather than leave the prompt half-loaded
            self.app.log.error(f"prompt load failed: {error!r}")
            self.post_message(self.LoadFailed(f"could not load: {type(error).__name__}: {error}"))
        else:
            self.post_message(self.Loaded(loaded))

    def on_prompt_screen_load_failed(self, message: LoadFailed) -> None:
        self.notify(safe(message.error, 300), severity="warning", markup=False)
        self.submit_pending = None
        self.dismiss(None)
        self.amtui.keys.resume()

    def on_prompt_screen_loaded(self, message: Loaded) -> None:
        load = message.load
        spec = self.spec
        self.spec = replace(
            spec,
            title=load.title if load.title is not None else spec.title,
            detail=load.detail if load.detail is not None else spec.detail,
            check=load.check or spec.check,
            suggest=load.suggest or spec.suggest,
        )
        self.waiting_for_load = False
        self.query_one("#prompt-title", Static).update(self._title())
        detail = self.query_one("#prompt-detail", Static)
        detail.update(Content(safe(self.spec.detail, 300)))
        detail.display = bool(self.spec.detail)
        field = self.query_one("#prompt-input", Input)
        if load.suggest is not None:
            attach_suggester(field, load.suggest)
        self._show_hint()
        self._preview(field.value)
        if self.submit_pending is not None:
            text, self.submit_pending = self.submit_pending, None
            self._submit(text)
            self.amtui.keys.resume()  # the keys typed after Enter go on (see `key_waits`)

    def key_waits(self, typed: events.Key | events.Paste) -> bool:
        """Keys typed after an Enter that waits for the load belong to what comes after this
        prompt (it closes once the load is back), not to its input (the typeahead gate asks)."""
        return self.submit_pending is not None

    def _preview(self, text: str, *, submitting: bool = False) -> bool:
        """Show what `text` means; False when it cannot be used (the reason is shown; that
        an answer is required only once Enter was pressed)."""
        hint = self.query_one("#prompt-hint", Static)
        ok, preview = True, ""
        if not text.strip():
            ok = self.spec.required is None
            preview = (self.spec.required or "") if submitting else ""
        elif self.spec.check is not None:
            try:
                preview = self.spec.check(text)
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
        self._submit(event.value)

    def _submit(self, text: str) -> None:
        if self.waiting_for_load:
            self.submit_pending = text  # checked and applied once the load is back
            return
        if self._preview(text, submitting=True):
            self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)  # keys typed after Esc are for the screen behind

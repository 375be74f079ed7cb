"""Modal forms for tasks, leads, reminders and the lead workflow: keyboard-first, checked as
you type, open at once.

A form shows a `FormSpec` (built without Textual in `amtui.tui.logic`). It opens with the
cursor in its first text field (or the spec's `focus`) in the key handler that asked for it;
what needs the database (a lead's title and stage, an edit's values, the client names) loads
in a worker afterwards. Keys typed in the meantime wait for the form (the app holds them) and
land in it; an edit form holds them until its values are in. Saving before the load is back
waits for it, and keys typed after a save wait for its outcome. However fast keys come, each
goes to the field the keys before it left the cursor in (`amtui.tui.typeahead`).

Fields with a `check` show what the text means right under them (`→ Fri 27 Nov 15:00`), or
the one-line error. A `primary` choice (the log's kind, the stage) is a strip of its options
changed with ↑/↓ from any text field. Saving runs the spec's `save` (a core call) in a worker;
an `InputError` is shown inline and the form stays open with everything typed.
Keys: Enter next field (saves on the last; short forms save on Enter anywhere), Ctrl+S save,
Esc cancel.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import Suggester, SuggestionReady
from textual.widgets import Input, Label, Select, Static

from amtui.core.errors import AmtuiError
from amtui.tui.logic.fields import (
    FieldSpec,
    FormLoad,
    FormSpec,
    Saved,
    cycle,
    empty_to_confirm,
)
from amtui.tui.logic.text import safe

if TYPE_CHECKING:
    from collections.abc import Callable

    from amtui.tui.app import AmtuiApp


class CallSuggester(Suggester):
    """An inline suggestion from a plain function (the client matcher's completion)."""

    def __init__(self, suggest: Callable[[str], str | None]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.suggest = suggest

    async def get_suggestion(self, value: str) -> str | None:
        return self.suggest(value)


def attach_suggester(field: Input, suggest: Callable[[str], str | None] | None) -> None:
    """Give `field` its suggestions once what they need has loaded. Input only asks when its
    value changes, so text typed before the load gets its suggestion here, at once."""
    field.suggester = CallSuggester(suggest) if suggest else None
    if suggest is not None and field.value:
        suggestion = suggest(field.value)
        if suggestion is not None:
            field.post_message(SuggestionReady(field.value, suggestion))


class ChoiceStrip(Static):
    """A primary choice: its options on one line, the current one highlighted; ↑/↓ in the
    form (or a click) move it. Not focusable: the cursor stays in the text."""

    @dataclass
    class Changed(Message):
        strip: ChoiceStrip
        value: str

    def __init__(self, spec: FieldSpec, value: str, *, id: str) -> None:
        super().__init__(id=id, classes="choice-strip", markup=False)
        self.spec = spec
        self.value = value

    def on_mount(self) -> None:
        self._render_options()

    def set_spec(self, spec: FieldSpec, value: str | None = None) -> None:
        self.spec = spec
        keys = [key for _, key in spec.options]
        if value is not None and value in keys:
            self.value = value
        elif self.value not in keys and keys:
            self.value = keys[0]
        self._render_options()
        self.post_message(self.Changed(self, self.value))

    def move(self, step: int) -> None:
        self.value = cycle(self.spec, self.value, step)
        self._render_options()
        self.post_message(self.Changed(self, self.value))

    def _render_options(self) -> None:
        parts: list[str | tuple[str, str]] = []
        for _, key in self.spec.options:
            if parts:
                parts.append("  ")
            style = "reverse bold" if key == self.value else "$text-muted"
            parts.append((f" {safe(key, 30)} ", style))
        self.update(Content.assemble(*parts) if parts else Content("…"))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.move(1)


#: Keys that wait for a form's load (`FormScreen.key_waits`); Enter and Ctrl+S save once it
#: is in anyway.
WAIT_FOR_LOAD_KEYS = frozenset({"tab", "shift+tab", "up", "down", "enter"})


class FormScreen(ModalScreen[Saved | None]):
    """One form (`FormSpec`); `save(values)` runs in a thread and may raise AmtuiError."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", priority=True, id="form.save"),
        Binding("up", "choose(-1)", "Previous", show=False, id="form.choice_previous"),
        Binding("down", "choose(1)", "Next", show=False, id="form.choice_next"),
    ]

    @dataclass
    class SaveFailed(Message):
        error: str

    @dataclass
    class SaveSucceeded(Message):
        saved: Saved

    @dataclass
    class Loaded(Message):
        load: FormLoad

    @dataclass
    class LoadFailed(Message):
        error: str

    def __init__(self, spec: FormSpec) -> None:
        super().__init__(classes="form-screen")
        self.spec = spec
        self.fields = list(spec.fields)
        self.saving = False
        self.waiting_for_load = spec.load is not None
        self.save_pending = False  # saving was asked for while the load was out
        self.asked_empty: set[str] = set()
        self._baseline: dict[str, str] = {}  # what each field showed before the user typed
        self.after_save: Callable[[], None] | None = None  # runs in the save thread

    @property
    def amtui(self) -> AmtuiApp:
        return cast("AmtuiApp", self.app)

    @property
    def primary(self) -> FieldSpec | None:
        return next((spec for spec in self.fields if spec.primary), None)

    # --- building -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form", classes="dialog"):
            yield Static(self._title(self.spec.title), classes="dialog-title", id="form-title")
            with VerticalScroll(id="form-fields", can_focus=False):
                for spec in self.fields:
                    yield self._row(spec)
            yield Static("", id="form-error", classes="error", markup=False)
            yield Static(Content(self._keys()), classes="dialog-keys", id="form-keys")

    def _title(self, title: str) -> Content:
        suffix = "  loading…" if self.waiting_for_load else ""
        return Content.assemble((safe(title, 80), "bold"), (suffix, "$text-muted"))

    def _keys(self) -> str:
        if self.spec.enter_saves:
            parts = ["Enter save", "Tab next field"]
        else:
            parts = ["Enter next field", "Ctrl+S save"]
        primary = self.primary
        if primary is not None:
            parts.insert(1, f"↑↓ {primary.label.lower()}")
        parts.append("Esc cancel")
        return " · ".join(parts)

    def _row(self, spec: FieldSpec) -> Horizontal:
        return Horizontal(
            Label(Content(spec.label), classes="field-label"),
            Vertical(
                self._input(spec),
                Static("", id=f"hint-{spec.name}", classes="hint", markup=False),
                classes="field-body",
            ),
            classes="field",
            id=f"row-{spec.name}",
        )

    def _input(self, spec: FieldSpec) -> Input | Select[str] | ChoiceStrip:
        value = self.spec.values.get(spec.name, "")
        if spec.primary:
            keys = [key for _, key in spec.options]
            start = value if value in keys else (keys[0] if keys else "")
            return ChoiceStrip(spec, start, id=f"field-{spec.name}")
        if spec.options:
            options = [(Content(safe(label, 60)), key) for label, key in spec.options]
            start = value if value in {key for _, key in spec.options} else spec.options[0][1]
            return Select(
                options, value=start, allow_blank=False, id=f"field-{spec.name}", compact=True
            )
        return Input(
            value=value,
            placeholder=spec.placeholder,
            id=f"field-{spec.name}",
            compact=True,
            suggester=CallSuggester(spec.suggest) if spec.suggest else None,
            select_on_focus=False,
        )

    def on_mount(self) -> None:
        values = self.values()
        self._baseline = dict(values)
        for spec in self.fields:
            self._check(spec, values.get(spec.name, ""))
        self._show_dependent(values)
        self.set_focus(self._first_focus())
        if self.spec.load is not None:
            self._load()
        if not (self.waiting_for_load and self.spec.wait_for_load):
            self.amtui.release_keys()

    def _first_focus(self) -> Input | Select[str] | None:
        name = self.spec.focus
        if name is None:
            name = next((s.name for s in self.fields if not s.primary), None)
        if name is None:
            return None
        widget = self.query_one(f"#field-{name}")
        return widget if isinstance(widget, Input | Select) else None

    # --- loading ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="form-load", exit_on_error=False)
    def _load(self) -> None:
        assert self.spec.load is not None
        try:
            loaded = self.spec.load()
        except AmtuiError as error:
            self.post_message(self.LoadFailed(str(error)))
        except Exception as error:  # a bug: say so rather than leave the form half-loaded
            self.app.log.error(f"form load failed: {error!r}")
            self.post_message(self.LoadFailed(f"could not load: {type(error).__name__}: {error}"))
        else:
            self.post_message(self.Loaded(loaded))

    def key_waits(self, typed: events.Key | events.Paste) -> bool:
        """While the load is out, keys that move between fields or choices wait for it (the
        typeahead gate asks): the load may bring the choices and the preselected one (the
        stage form's), or add fields. Text goes on into the field it is typed in, unless
        Ctrl+S is waiting for the load: then every key waits (the save, then the screen
        behind it or the form again, takes it), so nothing typed after Ctrl+S is saved."""
        if self.save_pending:
            return True
        return (
            self.waiting_for_load
            and isinstance(typed, events.Key)
            and typed.key in WAIT_FOR_LOAD_KEYS
        )

    def on_form_screen_load_failed(self, message: LoadFailed) -> None:
        self.amtui.drop_keys()
        self.notify(safe(message.error, 300), severity="warning", markup=False)
        self.dismiss(None)

    async def on_form_screen_loaded(self, message: Loaded) -> None:
        load = message.load
        if load.title is not None:
            self.spec = replace(self.spec, title=load.title)
        for spec in load.fields:
            await self._apply_field(spec)
        for name, value in load.values.items():
            if load.replace or not self._touched(name):
                self._set_value(name, value)
        self.waiting_for_load = False
        self.query_one("#form-title", Static).update(self._title(self.spec.title))
        self.query_one("#form-keys", Static).update(Content(self._keys()))
        values = self.values()
        for spec in self.fields:
            self._check(spec, values.get(spec.name, ""))
        self._show_dependent(values)
        if self.spec.wait_for_load:
            self.set_focus(self._first_focus())
        self.amtui.release_keys()
        if self.save_pending:
            self.save_pending = False
            self.action_save()

    async def _apply_field(self, spec: FieldSpec) -> None:
        """A field the load changed (options, check, suggestions), or one it adds."""
        index = next((i for i, s in enumerate(self.fields) if s.name == spec.name), None)
        if index is None:
            self.fields.append(spec)
            await self.query_one("#form-fields").mount(self._row(spec))
            self._baseline[spec.name] = self.values()[spec.name]
            return
        touched = self._touched(spec.name)
        self.fields[index] = spec
        widget = self.query_one(f"#field-{spec.name}")
        if isinstance(widget, ChoiceStrip):
            widget.set_spec(spec)
        elif isinstance(widget, Select):
            current = "" if widget.is_blank() else str(widget.value)
            widget.set_options([(Content(safe(label, 60)), key) for label, key in spec.options])
            if current in {key for _, key in spec.options}:
                widget.value = current
        elif isinstance(widget, Input):
            attach_suggester(widget, spec.suggest)
        if not touched:
            self._baseline[spec.name] = self.values()[spec.name]

    def _touched(self, name: str) -> bool:
        """Whether the user changed the field (it no longer shows what the form put there)."""
        return self.values().get(name, "") != self._baseline.get(name, "")

    def _set_value(self, name: str, value: str) -> None:
        self._baseline[name] = value
        widget = self.query_one(f"#field-{name}")
        if isinstance(widget, ChoiceStrip):
            widget.set_spec(widget.spec, value)
        elif isinstance(widget, Select):
            if value in {key for _, key in self._spec(name).options}:
                widget.value = value
        elif isinstance(widget, Input):
            widget.value = value
            widget.cursor_position = len(value)

    def _spec(self, name: str) -> FieldSpec:
        return next(spec for spec in self.fields if spec.name == name)

    # --- values and checks --------------------------------------------------------------------

    def _show_dependent(self, values: dict[str, str]) -> None:
        """Show the fields that only apply to one choice of another (awaits reply: email-out)."""
        for spec in self.fields:
            if spec.shown_if is not None:
                name, wanted = spec.shown_if
                self.query_one(f"#row-{spec.name}").display = values.get(name) == wanted

    def values(self) -> dict[str, str]:
        values = {}
        for spec in self.fields:
            widget = self.query_one(f"#field-{spec.name}")
            if isinstance(widget, ChoiceStrip):
                values[spec.name] = widget.value
            elif isinstance(widget, Select):
                values[spec.name] = "" if widget.is_blank() else str(widget.value)
            else:
                assert isinstance(widget, Input)
                values[spec.name] = widget.value
        return values

    def _check(self, spec: FieldSpec, text: str) -> None:
        hint = self.query_one(f"#hint-{spec.name}", Static)
        ok = True
        check = spec.check_with(self.values()) if spec.check_with is not None else spec.check
        if check is not None:
            try:
                preview = check(text) if text.strip() else ""
            except (AmtuiError, ValueError) as error:
                preview, ok = str(error), False
        elif spec.primary:
            preview = next((label for label, key in spec.options if key == text), "")
        else:
            preview = ""
        hint.update(Content(safe(preview, 400)))
        hint.set_class(not ok, "-error")
        hint.display = bool(preview) or check is not None or spec.primary

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        spec = next((s for s in self.fields if s.name == name), None)
        if spec is not None:
            self.asked_empty.discard(name)
            self._check(spec, event.value)
            values = None
            for other in self.fields:
                if name in other.depends_on:  # its check reads this field: say it again
                    values = values or self.values()
                    self._check(other, values[other.name])

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        name = (event.select.id or "").removeprefix("field-")
        spec = next((s for s in self.fields if s.name == name), None)
        if spec is not None:
            self._check(spec, "" if event.select.is_blank() else str(event.value))
        self._show_dependent(self.values())

    @on(ChoiceStrip.Changed)
    def _strip_changed(self, event: ChoiceStrip.Changed) -> None:
        self._check(event.strip.spec, event.value)
        self._show_dependent(self.values())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose":
            return self.primary is not None and not isinstance(self.focused, Select)
        return True

    def action_choose(self, step: int) -> None:
        primary = self.primary
        if primary is not None:
            self.query_one(f"#field-{primary.name}", ChoiceStrip).move(step)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = [s for s in self.fields if not s.options]
        shown = [s for s in inputs if self.query_one(f"#row-{s.name}").display]
        if self.spec.enter_saves or (shown and event.input.id == f"field-{shown[-1].name}"):
            self.action_save()
        else:
            self.focus_next()

    # --- saving ---------------------------------------------------------------------------

    def action_cancel(self) -> None:
        # Keys typed after Esc are for the screen behind (held keys never get here: Esc
        # typed while the form loads waits with them).
        self.dismiss(None)

    def action_save(self) -> None:
        if self.saving:
            return
        if self.waiting_for_load:
            self.save_pending = True  # saved as soon as what the form needs is in
            return
        values = self.values()
        error = self.query_one("#form-error", Static)
        ask = empty_to_confirm(self.fields, values, self.asked_empty)
        if ask is not None:
            name, question = ask
            self.asked_empty.add(name)
            hint = self.query_one(f"#hint-{name}", Static)
            hint.update(Content(safe(question, 400)))
            hint.set_class(True, "-error")
            hint.display = True
            self.set_focus(self.query_one(f"#field-{name}"))
            return
        self.saving = True
        error.update("")
        # Keys typed after Ctrl+S wait for the outcome: the form again if the save fails,
        # the screen behind once it has closed.
        self.amtui.hold_keys()
        self._save(values)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, values: dict[str, str]) -> None:
        try:
            saved = self.spec.save(values)
        except AmtuiError as error:
            self.post_message(self.SaveFailed(str(error)))
        except Exception as error:  # a bug: show it rather than hang the form
            self.app.log.error(f"save failed: {error!r}")
            self.post_message(self.SaveFailed(f"unexpected error: {type(error).__name__}: {error}"))
        else:
            if self.after_save is not None:
                self.after_save()
            self.post_message(self.SaveSucceeded(saved))

    def on_form_screen_save_failed(self, message: SaveFailed) -> None:
        self.saving = False
        self.query_one("#form-error", Static).update(Content(safe(message.error, 500)))
        self.amtui.release_keys()

    def on_form_screen_save_succeeded(self, message: SaveSucceeded) -> None:
        # The screen behind will select the saved record: keys typed after Ctrl+S act there
        # once it has (the reload comes after this dialog's callback, which runs later).
        self.amtui.expect_selection(message.saved.focus)
        self.dismiss(message.saved)
        self.amtui.release_keys()

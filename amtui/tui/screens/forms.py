"""Modal forms for tasks, leads and reminders: keyboard-first, checked as you type.

A form is a list of `FieldSpec`s. Fields with a `check` show what the text means right under
it while typing (`→ Fri 27 Nov 15:00`, or the one-line error). Saving runs the caller's `save`
function (a core service) in a worker; an `InputError` is shown inline and the form stays open
with everything typed, so nothing is lost. Keys: Enter next field (saves on the last),
Ctrl+S save, Esc cancel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Select, Static

from amtui.core.config import Config
from amtui.core.dates import parse_when
from amtui.core.display import format_money
from amtui.core.drafts import draft_from_text
from amtui.core.errors import AmtuiError
from amtui.core.refs import parse_ref
from amtui.core.validate import parse_money
from amtui.tui.render import safe

Check = Callable[[str], str]
"""Turns a field's text into a preview line; raises an error (ValueError) for bad input."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    placeholder: str = ""
    options: tuple[tuple[str, str], ...] = ()  # (label, value): shown as a Select
    check: Check | None = None
    suggestions: tuple[str, ...] = ()
    shown_if: tuple[str, str] | None = None  # (field, value): shown only while it has it


@dataclass(frozen=True)
class Saved:
    """What a successful save reports: a note for the user and the record to select."""

    note: str
    focus: str | None = None


class FormScreen(ModalScreen[Saved | None]):
    """One record's fields; `save(values)` runs in a thread and may raise AmtuiError."""

    AUTO_FOCUS = "Input, Select"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", priority=True, id="form.save"),
    ]

    @dataclass
    class SaveFailed(Message):
        error: str

    @dataclass
    class SaveSucceeded(Message):
        saved: Saved

    def __init__(
        self,
        title: str,
        fields: list[FieldSpec],
        values: dict[str, str],
        save: Callable[[dict[str, str]], Saved],
        *,
        focus: str | None = None,
        enter_saves: bool = False,
    ) -> None:
        super().__init__(classes="form-screen")
        self.form_title = title
        self.fields = fields
        self.initial = values
        self.save = save
        self.focus_field = focus  # the field with the cursor at first (default: the first)
        self.enter_saves = enter_saves  # short forms: Enter in any input saves
        self.saving = False
        self.after_save: Callable[[], None] | None = None  # runs in the save thread

    def compose(self) -> ComposeResult:
        with Vertical(id="form", classes="dialog"):
            yield Static(Content.styled(safe(self.form_title, 80), "bold"), classes="dialog-title")
            with VerticalScroll(id="form-fields", can_focus=False):
                for spec in self.fields:
                    with Horizontal(classes="field", id=f"row-{spec.name}"):
                        yield Label(Content(spec.label), classes="field-label")
                        with Vertical(classes="field-body"):
                            yield self._input(spec)
                            yield Static("", id=f"hint-{spec.name}", classes="hint", markup=False)
            yield Static("", id="form-error", classes="error", markup=False)
            keys = (
                "Enter save · Tab next field · Esc cancel"
                if self.enter_saves
                else "Enter next field · Ctrl+S save · Esc cancel"
            )
            yield Static(Content(keys), classes="dialog-keys")

    def _input(self, spec: FieldSpec) -> Input | Select[str]:
        value = self.initial.get(spec.name, "")
        if spec.options:
            options = [(Content(safe(label, 60)), key) for label, key in spec.options]
            start = value if value in {key for _, key in spec.options} else spec.options[0][1]
            return Select(
                options, value=start, allow_blank=False, id=f"field-{spec.name}", compact=True
            )
        suggester = (
            SuggestFromList(spec.suggestions, case_sensitive=False) if spec.suggestions else None
        )
        return Input(
            value=value,
            placeholder=spec.placeholder,
            id=f"field-{spec.name}",
            compact=True,
            suggester=suggester,
            select_on_focus=False,
        )

    def on_mount(self) -> None:
        values = self.values()
        for spec in self.fields:
            if spec.check is not None:
                self._check(spec, values.get(spec.name, ""))
        self._show_dependent(values)
        if self.focus_field is not None:
            self.set_focus(self.query_one(f"#field-{self.focus_field}"))

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
            if isinstance(widget, Select):
                values[spec.name] = "" if widget.is_blank() else str(widget.value)
            else:
                assert isinstance(widget, Input)
                values[spec.name] = widget.value
        return values

    def _check(self, spec: FieldSpec, text: str) -> None:
        hint = self.query_one(f"#hint-{spec.name}", Static)
        if spec.check is None:
            return
        try:
            preview = spec.check(text) if text.strip() else ""
            ok = True
        except (AmtuiError, ValueError) as error:
            preview, ok = str(error), False
        hint.update(Content(safe(preview, 400)))
        hint.set_class(not ok, "-error")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        spec = next((s for s in self.fields if s.name == name), None)
        if spec is not None:
            self._check(spec, event.value)

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        name = (event.select.id or "").removeprefix("field-")
        spec = next((s for s in self.fields if s.name == name), None)
        if spec is not None:
            self._check(spec, "" if event.select.is_blank() else str(event.value))
        self._show_dependent(self.values())

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = [s for s in self.fields if not s.options]
        if self.enter_saves or (inputs and event.input.id == f"field-{inputs[-1].name}"):
            self.action_save()
        else:
            self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.query_one("#form-error", Static).update("")
        self._save(self.values())

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, values: dict[str, str]) -> None:
        try:
            saved = self.save(values)
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

    def on_form_screen_save_succeeded(self, message: SaveSucceeded) -> None:
        self.dismiss(message.saved)


# --- live checks -------------------------------------------------------------------------------


def when_label(value: date | datetime, config: Config, now: datetime) -> str:
    """`Fri 27 Nov 15:00` (in the user's zone; the year only when it is not this year)."""
    day = value.astimezone(config.timezone) if isinstance(value, datetime) else value
    label = f"{day:%a %-d %b}" if day.year == now.year else f"{day:%a %-d %b %Y}"
    if isinstance(day, datetime):
        return f"{label} {day:%H:%M}"
    return f"{label} (all day)"


def date_check(config: Config, now: Callable[[], datetime], *, reminder: bool = False) -> Check:
    """`→ Fri 27 Nov 15:00` for any expression `parse_when` accepts (the same parser as saving)."""

    def check(text: str) -> str:
        at = now()
        value = parse_when(
            text,
            now=at,
            tz=config.timezone,
            date_order=config.date_order,
            workdays=config.work_days,
        )
        if reminder and not isinstance(value, datetime):
            value = config.work_start_at(value)
        return f"→ {when_label(value, config, at)}"

    return check


def quick_add_check(config: Config, now: Callable[[], datetime]) -> Check:
    """What the quick-add tokens in a title mean: `→ "Send estimate" · due … · +urgent`."""

    def check(text: str) -> str:
        draft = draft_from_text(text, now=now(), config=config)
        parts = [f'→ "{draft.title}"']
        if draft.due:
            parts.append(f"due {date_check(config, now)(str(draft.due))[2:]}")
        if draft.client:
            parts.append(f"client {draft.client}")
        if draft.column:
            parts.append(f"column {draft.column}")
        if draft.priority:
            parts.append(f"priority {draft.priority}")
        if draft.assignee:
            parts.append(f"@{draft.assignee}")
        parts.extend(f"+{tag}" for tag in draft.tags)
        return " · ".join(parts) if len(parts) > 1 else ""

    return check


def money_check(currency: str | None) -> Check:
    def check(text: str) -> str:
        return f"→ {format_money(parse_money(text), currency)}"

    return check


def reference_check(text: str) -> str:
    found = parse_ref(text)
    if found.kind.value == "R":
        raise ValueError("a reminder is about a lead, client or task (L7, C3, T12)")
    return f"→ {found.kind.noun} {found}"

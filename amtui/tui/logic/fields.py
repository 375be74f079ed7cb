"""What a dialog is made of, without Textual: fields, live checks, and what a save reports.

A form is a `FormSpec`: its fields (`FieldSpec`), the values they start with, the `save`
function (a core call, run in a worker thread), and optionally a `load` that runs in a thread
once the form is already on screen (the dialog opens at once, so keys typed right after the key
that opened it land in it; the load fills in what needs the database). Prompts (one line) and
confirmations are `PromptSpec` and `ConfirmSpec`.

A field with a `check` shows what its text means right under it while typing
(`→ Fri 27 Nov 15:00`) or why it can't be read; every check is the same parser the save uses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from amtui.core.config import Config
from amtui.core.drafts import draft_from_text
from amtui.core.money import format_value, parse_value
from amtui.core.refs import parse_ref

Check = Callable[[str], str]
"""Turns a field's text into a preview line; raises an error (ValueError) for bad input."""

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    placeholder: str = ""
    options: tuple[tuple[str, str], ...] = ()  # (label, value): a choice, not free text
    check: Check | None = None
    #: The inline completion for what was typed (the client fields: the core matcher's).
    suggest: Callable[[str], str | None] | None = None
    shown_if: tuple[str, str] | None = None  # (field, value): shown only while it has it
    #: A choice changed with ↑/↓ from any text field of the form (the log's kind, the stage),
    #: shown as a strip of its options, so it is one obvious key away while typing.
    primary: bool = False
    #: Saving with this field empty asks once (this text) and saves on the second try.
    confirm_empty: str | None = None
    #: Fields whose value changes what this one's check says (the value's preview follows
    #: the currency typed): a change there checks this field again.
    depends_on: tuple[str, ...] = ()
    #: The check, made from the form's current values (used instead of `check` when set).
    check_with: Callable[[Mapping[str, str]], Check] | None = None


@dataclass(frozen=True)
class Saved:
    """What a successful save reports: a note for the user and the record to select."""

    note: str
    focus: str | None = None


@dataclass(frozen=True)
class FormLoad:
    """What a form's `load` found, applied once it is back: a fuller title, values for the
    fields (untouched ones only, unless `replace`), and fields whose options changed."""

    title: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    fields: tuple[FieldSpec, ...] = ()
    replace: bool = False  # an edit form: the loaded values are the form's starting point


@dataclass
class FormSpec:
    title: str
    fields: list[FieldSpec]
    values: dict[str, str]
    save: Callable[[dict[str, str]], Saved]
    focus: str | None = None  # the field with the cursor at first (default: the first)
    enter_saves: bool = False  # short forms: Enter in any field saves
    load: Callable[[], FormLoad] | None = None
    #: Keys typed before the load is back wait for it (an edit form: they belong in the
    #: loaded values, not in empty fields the load would overwrite).
    wait_for_load: bool = False

    def field(self, name: str) -> FieldSpec | None:
        return next((spec for spec in self.fields if spec.name == name), None)


@dataclass
class PromptSpec:
    """One line of text: `check` previews it (and refuses what it rejects), `required` refuses
    an empty answer; `load` (in a thread, after the prompt is open) may supply a new check,
    detail or suggestion."""

    title: str
    value: str = ""
    keys: str = "Enter apply (empty clears) · Esc cancel"
    detail: str = ""
    placeholder: str = ""
    check: Check | None = None
    required: str | None = None
    #: The inline completion for what was typed (None: no suggestion).
    suggest: Callable[[str], str | None] | None = None
    load: Callable[[], PromptLoad] | None = None


@dataclass(frozen=True)
class PromptLoad:
    title: str | None = None
    detail: str | None = None
    check: Check | None = None
    suggest: Callable[[str], str | None] | None = None


@dataclass(frozen=True)
class ConfirmSpec:
    """A yes/no question before something that cannot be taken back; `yes` is the write."""

    question: str
    detail: str
    yes: Callable[[], Saved]
    keys: str = "y yes · n / Esc no"


def empty_to_confirm(
    fields: list[FieldSpec], values: dict[str, str], asked: set[str]
) -> tuple[str, str] | None:
    """The first shown field that must not be saved empty without asking, and what to say
    (None: nothing to ask). `asked` holds the fields already asked about once."""
    for spec in fields:
        if spec.confirm_empty is None or spec.name in asked:
            continue
        if spec.shown_if is not None and values.get(spec.shown_if[0]) != spec.shown_if[1]:
            continue
        if not values.get(spec.name, "").strip():
            return spec.name, spec.confirm_empty
    return None


def cycle(spec: FieldSpec, current: str, step: int) -> str:
    """The option `step` places after `current` (wrapping): what ↑/↓ picks."""
    keys = [key for _, key in spec.options]
    if not keys:
        return current
    index = keys.index(current) if current in keys else -1
    return keys[(index + step) % len(keys)]


# --- live checks -------------------------------------------------------------------------------


def when_label(value: date | datetime, config: Config, now: datetime) -> str:
    """`Fri 27 Nov 15:00` (in the user's zone; the year only when it is not this year)."""
    day = value.astimezone(config.timezone) if isinstance(value, datetime) else value
    label = f"{day:%a %-d %b}" if day.year == now.year else f"{day:%a %-d %b %Y}"
    if isinstance(day, datetime):
        return f"{label} {day:%H:%M}"
    return f"{label} (all day)"


def date_check(
    config: Config,
    now: Clock,
    *,
    reminder: bool = False,
    client_zone: str | tzinfo | None = None,
) -> Check:
    """`→ Fri 27 Nov 15:00` for any expression the config's reader accepts (the same reader
    as saving); a reminder's bare date means the start of the working day; with the record's
    `client_zone`, a trailing `client` (`mon 10:00 client`) means that zone."""
    zones = _client_zones(client_zone)

    def check(text: str) -> str:
        at = now()
        value = config.read_when(text, now=at, zones=zones)
        if reminder and not isinstance(value, datetime):
            value = config.work_start_at(value)
        return f"→ {when_label(value, config, at)}"

    return check


def _client_zones(zone: str | tzinfo | None) -> dict[str, tzinfo] | None:
    if isinstance(zone, tzinfo):
        return {"client": zone}
    if not zone:
        return None
    try:
        return {"client": ZoneInfo(zone)}
    except (ValueError, KeyError):
        return None


def quick_add_check(config: Config, now: Clock) -> Check:
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
    """`→ 12 000 EUR`: a lead's value as saving reads it (in `currency`'s minor units)."""

    def check(text: str) -> str:
        return f"→ {format_value(parse_value(text, currency), currency)}"

    return check


def reference_check(text: str) -> str:
    found = parse_ref(text)
    if found.kind.value == "R":
        raise ValueError("a reminder is about a lead, client or task (L7, C3, T12)")
    return f"→ {found.kind.noun} {found}"

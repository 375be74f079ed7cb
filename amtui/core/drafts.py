"""What a user asks of a task before it touches the database: drafts, patches, quick-add text.

`task_draft` / `task_patch` are the one place where quick-add tokens (`due:fri client:Granel
+urgent`) meet the fields given apart from the text (CLI options, form fields): a field given
both ways with two different values is refused, never silently decided. The other functions
resolve what a draft says (a column by name, a priority, tags, an estimate, a due date in the
client's zone) into stored values.

Pure: no SQLAlchemy, no SQLModel (plain values in, plain values out), so any storage path and
both front ends share it; `amtui.core.tasks` applies the result in a transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from amtui.core.dates import DateParseError, to_utc
from amtui.core.errors import InputError
from amtui.core.quickadd import Tokens, parse_tokens
from amtui.core.text import fold, one_line
from amtui.core.validate import UNSET, check_choice, parse_hours, refuse_empty
from amtui.core.vocabulary import PRIORITIES

if TYPE_CHECKING:
    from amtui.core.config import Config

_PRIORITY_DIGITS = {"1": "low", "2": "normal", "3": "high", "4": "urgent"}
NONE = "none"  # `due:none`, `--client none`: clear the field when editing


@dataclass
class TaskDraft:
    """A task to create. `due` may be raw text, resolved against the client's zone."""

    title: str
    notes: str = ""
    client: str | None = None
    lead: str | None = None
    parent: str | None = None
    column: str | None = None
    due: str | date | datetime | None = None
    priority: str | None = None
    tags: Sequence[str] = ()
    assignee: str | None = None
    estimate: str | float | None = None
    recur: str | None = None  # a repeat rule (`+1m`, `2w`): amtui.core.recurrence
    owner: str | None = None  # a member (handle, name or `me`); None: the usual owner


@dataclass
class TaskPatch:
    """Changes to a task; fields left UNSET stay as they are, None clears a field."""

    title: str | object = UNSET
    notes: str | object = UNSET
    client: str | object | None = UNSET
    lead: str | object | None = UNSET
    due: str | date | datetime | object | None = UNSET
    priority: str | object = UNSET
    add_tags: Sequence[str] = ()
    remove_tags: Sequence[str] = ()
    assignee: str | object | None = UNSET
    estimate: str | float | object | None = UNSET
    recur: str | object | None = UNSET

    def is_empty(self) -> bool:
        return (
            not self.add_tags
            and not self.remove_tags
            and all(
                getattr(self, name) is UNSET
                for name in (
                    "title",
                    "notes",
                    "client",
                    "lead",
                    "due",
                    "priority",
                    "assignee",
                    "estimate",
                    "recur",
                )
            )
        )


@dataclass
class TaskOptions:
    """Fields given apart from the quick-add text (CLI options, form fields); None: not given.

    When editing, `none` clears a field (`--due none`), as `due:none` does in the text."""

    title: str | None = None  # editing only; adding takes the title from the text
    notes: str | None = None
    due: str | None = None
    client: str | None = None
    lead: str | None = None
    parent: str | None = None
    column: str | None = None
    priority: str | None = None
    assignee: str | None = None
    estimate: str | None = None
    recur: str | None = None
    owner: str | None = None  # adding only; a card changes hands with `task assign`
    tags: Sequence[str] = field(default_factory=tuple)


#: Token name → TaskOptions field, for the fields both the text and an option can give.
_TOKEN_FIELDS = {
    "due": "due",
    "client": "client",
    "lead": "lead",
    "parent": "parent",
    "col": "column",
    "pri": "priority",
    "est": "estimate",
    "rec": "recur",
    "owner": "owner",
}
_OPTION_NAMES = {
    "due": "--due",
    "client": "--client",
    "lead": "--lead",
    "parent": "--parent",
    "column": "--col",
    "priority": "--pri",
    "estimate": "--estimate",
    "recur": "--rec",
    "assignee": "--assignee",
    "owner": "--owner",
}


#: The fields `none` clears when editing (`due:none`, `--client none`, `@none`).
_CLEARABLE = frozenset({"due", "client", "lead", "estimate", "recur", "assignee"})


def date_checker(config: Config, now: datetime) -> Callable[[str], bool]:
    """A predicate for the quick-add parser: does this phrase read as a date expression?"""
    zones = {"client": ZoneInfo("UTC")}  # a stand-in: only the shape is checked here

    def is_date(text: str) -> bool:
        try:
            config.read_when(text, now=now, zones=zones)
        except (DateParseError, ValueError):
            return False
        return True

    return is_date


def _reader(config: Config, now: datetime) -> Callable[[str], object]:
    """The parser itself, for the quick-add parser's message about a half-read date."""
    zones = {"client": ZoneInfo("UTC")}
    return lambda text: config.read_when(text, now=now, zones=zones)


def _merged(tokens: Tokens, options: TaskOptions) -> dict[str, str | None]:
    """The one merge of quick-add tokens with explicit options: each field from whichever
    gave it; the same field given both ways must say the same thing (any case; the text's
    spelling is kept)."""
    values: dict[str, str | None] = {
        name: tokens.fields.get(t) for t, name in _TOKEN_FIELDS.items()
    }
    values["assignee"] = tokens.assignee
    for name, flag in _OPTION_NAMES.items():
        given = getattr(options, name)
        if given is None:
            continue
        given = given.strip().lstrip("@") if name == "assignee" else given.strip()
        # `--client "$CLIENT"` with the variable unset: never "not given"
        refuse_empty({flag: given}, clearable=[flag] if name in _CLEARABLE else [])
        token = values[name]
        if token is not None and fold(token) != fold(given):
            shown = f"@{token}" if name == "assignee" else f"{_token_of(name)}:{token}"
            raise InputError(
                f"{one_line(shown)!r} in the text and {flag} {one_line(given)!r} disagree; "
                "give it once"
            )
        if token is None:
            values[name] = given
    return values


def _token_of(name: str) -> str:
    return next(token for token, option in _TOKEN_FIELDS.items() if option == name)


def task_draft(
    text: str, options: TaskOptions | None = None, *, now: datetime, config: Config
) -> TaskDraft:
    """Quick-add text (`Send estimate due:fri 15:00 client:Granel +urgent @copywriter`) and
    the options given beside it → one TaskDraft."""
    options = options or TaskOptions()
    tokens = parse_tokens(text, is_date=date_checker(config, now), read_date=_reader(config, now))
    values = _merged(tokens, options)
    return TaskDraft(
        title=tokens.title,
        notes=options.notes or "",
        client=values["client"],
        lead=values["lead"],
        parent=values["parent"],
        column=values["column"],
        due=values["due"],
        priority=values["priority"],
        tags=[*tokens.add_tags, *options.tags],
        assignee=values["assignee"],
        estimate=values["estimate"],
        recur=values["recur"],
        owner=values["owner"],
    )


def draft_from_text(text: str, *, now: datetime, config: Config) -> TaskDraft:
    """`Send estimate due:fri 15:00 client:Granel +urgent @copywriter` → a TaskDraft."""
    return task_draft(text, now=now, config=config)


def task_patch(
    text: str, options: TaskOptions | None = None, *, now: datetime, config: Config
) -> tuple[TaskPatch, str | None]:
    """Quick-edit tokens (`due:mon -urgent +later @seo`) and the options given beside them →
    a patch and an optional column to move to. `none` clears a field (not the priority)."""
    options = options or TaskOptions()
    tokens = parse_tokens(
        text, is_date=date_checker(config, now), allow_removal=True, read_date=_reader(config, now)
    )
    if "parent" in tokens.fields or options.parent is not None:
        raise InputError("parent: cannot be changed by editing; add a new subtask instead")
    if "owner" in tokens.fields or options.owner is not None:
        raise InputError(
            "owner: a card changes hands with `amtui task assign T12 anna` (or `task take`), "
            "which its timeline records"
        )
    if tokens.title and options.title is not None:
        raise InputError("give the new title once: as words or with --title, not both")
    values = _merged(tokens, options)
    patch = TaskPatch(
        add_tags=[*tokens.add_tags, *options.tags],
        remove_tags=tokens.remove_tags,
    )
    title = options.title if options.title is not None else tokens.title
    if title:
        patch.title = title
    if options.notes is not None:
        patch.notes = options.notes
    for name in ("due", "client", "lead", "priority", "assignee", "estimate", "recur"):
        value = values[name]
        if value is not None:
            cleared = value.lower() == NONE and name != "priority"
            setattr(patch, name, None if cleared else value)
    return patch, values["column"]


def patch_from_text(text: str, *, now: datetime, config: Config) -> tuple[TaskPatch, str | None]:
    """Quick-edit tokens (`due:mon -urgent +later @seo`) → a patch and an optional column."""
    return task_patch(text, now=now, config=config)


def resolve_column(text: str, config: Config) -> str:
    """A board column by name, case-insensitively, or by unambiguous prefix (`prog`)."""

    def key(name: str) -> str:  # `in-progress` finds "In progress", `follow-up` "Follow-up"
        return " ".join(name.casefold().replace("-", " ").replace("_", " ").split())

    wanted = key(text)
    columns = list(config.columns)
    exact = [c for c in columns if key(c) == wanted]
    if exact:
        return exact[0]
    partial = [c for c in columns if wanted and wanted in key(c)]
    if len(partial) == 1:
        return partial[0]
    raise InputError(f"unknown column {one_line(text)!r}; columns are: {', '.join(columns)}")


def resolve_priority(text: str) -> str:
    """`high`, `HIGH` or `3` → `high`; anything else is refused with the accepted values."""
    return check_choice(_PRIORITY_DIGITS.get(text.strip(), text), list(PRIORITIES), "priority")


def resolve_due(
    value: str | date | datetime | None,
    *,
    now: datetime,
    config: Config,
    zone: str | None = None,
) -> tuple[date | None, datetime | None]:
    """(due_date, due_at): an all-day date or a UTC instant. Text is parsed strictly; `client`
    in it means the client's IANA `zone`."""
    if value is None:
        return None, None
    if isinstance(value, str):
        zones = {"client": ZoneInfo(zone)} if zone else {}
        value = config.read_when(value, now=now, zones=zones)
    if isinstance(value, datetime):
        return None, to_utc(value)
    return value, None


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Single lower-case words without the `+`, each once; anything else is refused."""
    cleaned = []
    for tag in tags:
        tag = tag.strip().lstrip("+").lower()
        if not tag or any(ch.isspace() for ch in tag):
            raise InputError(f"{one_line(tag)!r} is not a tag; tags are single words like +urgent")
        if tag not in cleaned:
            cleaned.append(tag)
    return cleaned


def resolve_estimate(value: str | float | None) -> float | None:
    """`2h`, `90m`, `1d` or a number of hours → hours."""
    if value is None or isinstance(value, float | int):
        return None if value is None else float(value)
    return parse_hours(value)

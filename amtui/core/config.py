"""User configuration: one TOML file, every key optional, unknown keys refused.

Where the file lives: `AMTUI_CONFIG` if set, else `config.toml` in the user config directory.
Where the data lives: `--db`, then `AMTUI_DB`, then the file's `db`, then `amtui.db` in the user
data directory. Both directories come from platformdirs, imported only when needed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date, datetime, time, tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from amtui.core.currencies import EXPONENTS
from amtui.core.errors import InputError
from amtui.core.intake_config import IntakeSettings, read_intake
from amtui.core.money_config import MoneySettings, read_money
from amtui.core.patterns import lazy
from amtui.core.structs import field, struct

if TYPE_CHECKING:
    from amtui.core.sla import ResponseRule, WorkingHours

APP_NAME = "amtui"
DEFAULT_COLUMNS = ("Backlog", "To do", "In progress", "Review", "Done")
DEFAULT_WORK_HOURS = (time(9), time(18))  # "09:00-18:00"
_WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEK_MINUTES = 7 * 24 * 60
#: A team member's handle: how commands, `me` and `--owner` name a person.
HANDLE = lazy(r"[a-z][a-z0-9._-]{0,31}")
HANDLE_HINT = "a lower-case word such as anna or j.smith: letters, digits, . _ -, up to 32"


class ConfigError(InputError):
    """The config file is unreadable or holds a value amtui cannot use."""


@struct(frozen=True)
class Config:
    """Settings with their defaults; `load_config` fills it from the TOML file."""

    db: str | None = None
    #: Who "I" am on a team: a member's handle (`me = "anna"`, or AMTUI_ME), or None alone.
    me: str | None = None
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    date_order: str = "dmy"
    default_currency: str | None = None
    columns: tuple[str, ...] = DEFAULT_COLUMNS
    new_task_column: str = "To do"
    done_recent_days: int = 7
    agenda_days: int = 7
    first_response_minutes: int = 15
    first_response_clock: str = "always"  # or "working-hours" (the user's own)
    work_start: time = time(9, 0)
    work_end: time = time(18, 0)
    work_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    followup_ladder: str = "1b,3d,1w,2w,1m,3m"
    answer_warning_minutes: int = 60
    win_tasks: tuple[str, ...] = (
        "Brief call due:+1b",
        "Estimate due:+2b",
        "Kickoff meeting due:+5b",
    )
    keys: Mapping[str, str] = field(default_factory=dict)
    intake: IntakeSettings = field(default_factory=IntakeSettings)
    money: MoneySettings = field(default_factory=MoneySettings)
    path: Path | None = None

    @property
    def done_column(self) -> str:
        """The last board column is where finished cards go."""
        return self.columns[-1]

    @property
    def working_hours(self) -> WorkingHours:
        from amtui.core.sla import WorkingHours

        return WorkingHours(self.work_start, self.work_end, self.work_days)

    @property
    def response_rule(self) -> ResponseRule:
        """When a new lead's first response is due (DESIGN §1: 15 minutes)."""
        from amtui.core.sla import ResponseRule

        if self.first_response_clock == "working-hours":
            return ResponseRule(self.first_response_minutes, self.working_hours, self.timezone)
        return ResponseRule(self.first_response_minutes)

    @cached_property
    def ladder_length(self) -> int:
        """How many steps the follow-up ladder has (`1b,3d,1w,2w,1m,3m`: 6). Read once per
        config (the agenda words "step 2 of 6" for every follow-up it lists); a frozen
        struct's fields never change, so neither does this."""
        from amtui.core.sla import parse_ladder

        return len(parse_ladder(self.followup_ladder))

    def deadline_zone(self, client_zone: str | None) -> ZoneInfo:
        """The zone a lead's deadlines and ladder are counted in, given the client's (the
        lead's own first): the user's own when the client's is unknown."""
        return ZoneInfo(client_zone) if client_zone else self.timezone

    def work_start_at(self, day: date) -> datetime:
        """The start of the user's working day on `day`: where a date-only time lands."""
        from amtui.core.dates import localize

        return localize(datetime.combine(day, self.work_start), self.timezone)

    def read_when(
        self, text: str, *, now: datetime, zones: Mapping[str, tzinfo] | None = None
    ) -> date | datetime:
        """A date expression (DESIGN §5) read with the user's zone, day order and work days."""
        from amtui.core.dates import parse_when

        return parse_when(
            text,
            now=now,
            tz=self.timezone,
            date_order=self.date_order,
            workdays=self.work_days,
            zones=zones,
        )

    def read_instant(
        self, text: str, *, now: datetime, zones: Mapping[str, tzinfo] | None = None
    ) -> datetime:
        """A moment in UTC: a date alone means the start of the working day (reminders,
        promises, when a lead arrived)."""
        from amtui.core.dates import to_utc

        value = self.read_when(text, now=now, zones=zones)
        return to_utc(value if isinstance(value, datetime) else self.work_start_at(value))

    def read_day(self, text: str, *, now: datetime) -> date:
        """A local day: a date-time (`now`, `+4h`) names the day it falls on."""
        from amtui.core.dates import local_today

        value = self.read_when(text, now=now)
        return local_today(value, self.timezone) if isinstance(value, datetime) else value

    def read_optional_day(self, text: str | None, *, now: datetime) -> date | None:
        """`read_day` for an option that may be left out (None); given empty (`--on ""`), it
        is refused as every empty date is, never read as "not given"."""
        return None if text is None else self.read_day(text, now=now)


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the config file is read from (it need not exist)."""
    env = os.environ if env is None else env
    if env.get("AMTUI_CONFIG"):
        return Path(env["AMTUI_CONFIG"]).expanduser()
    import platformdirs  # ~14 ms; only when AMTUI_CONFIG is unset

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_db_path() -> Path:
    """The SQLite file used when nothing else names a database."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / "amtui.db"


def system_timezone() -> ZoneInfo:
    """The system's IANA zone (tzlocal reads TZ, /etc/localtime and friends)."""
    import tzlocal  # ~14 ms; only when the config names no zone

    try:
        return ZoneInfo(tzlocal.get_localzone_name() or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read and validate the config file; a missing file means all defaults."""
    path = path or config_path(env)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _with_me(_build({}, path), env)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    from amtui.core.toml_lines import read_plain

    raw = read_plain(text)  # the usual small config, without tomllib's ~17 M instructions
    if raw is None:
        import tomllib

        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    return _with_me(_build(raw, path), env)


def _with_me(config: Config, env: Mapping[str, str] | None) -> Config:
    """AMTUI_ME (who runs this command, e.g. a shared machine's cron job) overrides `me`."""
    env = os.environ if env is None else env
    value = env.get("AMTUI_ME")
    if value is None:
        return config
    from dataclasses import replace

    from amtui.core.text import one_line

    handle = value.strip().lower()
    if not handle:
        return replace(config, me=None)
    if not HANDLE.fullmatch(handle):
        raise ConfigError(f"AMTUI_ME={one_line(value)!r} is not a member handle ({HANDLE_HINT})")
    return replace(config, me=handle)


def _build(raw: dict[str, Any], path: Path) -> Config:
    reader = _Reader(raw, path)
    values: dict[str, Any] = {"path": path}
    values["db"] = reader.string("db")
    if values["db"] is not None and not values["db"].strip():
        raise reader.fail("db", "a database file or URL (leave it out for the default)")
    me = reader.string("me")
    if me is not None:
        if not HANDLE.fullmatch(me.strip().lower()):
            raise reader.fail("me", f"your member handle ({HANDLE_HINT})")
        values["me"] = me.strip().lower()
    zone = reader.string("timezone")
    values["timezone"] = _zone(zone, path) if zone is not None else system_timezone()
    values["date_order"] = reader.choice("date_order", ("dmy", "mdy"), "dmy")
    currency = reader.string("default_currency")
    if currency is not None and currency.strip().upper() not in EXPONENTS:
        raise reader.fail("default_currency", "an ISO 4217 currency code such as EUR or USD")
    values["default_currency"] = currency.strip().upper() if currency else None

    board = reader.table("board")
    columns = tuple(board.string_list("columns") or DEFAULT_COLUMNS)
    if len(columns) < 2 or len({c.casefold() for c in columns}) != len(columns):
        raise ConfigError(f"{path}: board.columns needs at least two distinct names")
    values["columns"] = columns
    new_column = board.string("new_task_column") or ("To do" if "To do" in columns else columns[0])
    if new_column not in columns:
        raise ConfigError(f"{path}: board.new_task_column must be one of {', '.join(columns)}")
    values["new_task_column"] = new_column
    values["done_recent_days"] = board.integer("done_recent_days", 7, minimum=0, maximum=3660)

    values["agenda_days"] = reader.table("agenda").integer("days", 7, minimum=0, maximum=3660)

    leads = reader.table("leads")
    values["first_response_minutes"] = leads.integer(
        "first_response_minutes", 15, minimum=1, maximum=WEEK_MINUTES
    )
    values["first_response_clock"] = leads.choice(
        "first_response_clock", ("always", "working-hours"), "always"
    )
    # The defaults are not run through the checks (each compiles a regex, for every command);
    # tests/core/test_config.py holds them to what the checks make of them.
    hours = leads.string("work_hours")
    values["work_start"], values["work_end"] = (
        _work_hours(hours, path) if hours else DEFAULT_WORK_HOURS
    )
    days = leads.string_list("work_days")
    values["work_days"] = _work_days(days, path) if days is not None else frozenset(range(5))
    ladder = leads.string("followup_ladder")
    if ladder:
        _ladder(ladder, path)
    values["followup_ladder"] = ladder or Config.followup_ladder
    values["answer_warning_minutes"] = leads.integer(
        "answer_warning_minutes", 60, minimum=0, maximum=WEEK_MINUTES
    )
    win_tasks = leads.string_list("win_tasks")
    values["win_tasks"] = tuple(win_tasks) if win_tasks is not None else Config.win_tasks

    keys = reader.table("keys")
    values["keys"] = {name: keys.string(name) or "" for name in keys.names()}
    values["intake"] = read_intake(raw.get("intake"), str(path))
    try:
        values["money"] = read_money(raw, str(path))
    except InputError as error:
        raise ConfigError(str(error)) from None

    reader.check_unknown()
    return Config(**values)


class _Reader:
    """Typed access to one TOML table that remembers which keys were used."""

    _KNOWN: ClassVar[dict[str, set[str]]] = {
        "": {
            "db",
            "me",
            "timezone",
            "date_order",
            "default_currency",
            "board",
            "agenda",
            "leads",
            "keys",
            "intake",
            "money",
            "documents",
            "agency",
        },
        "board": {"columns", "new_task_column", "done_recent_days"},
        "agenda": {"days"},
        "leads": {
            "first_response_minutes",
            "first_response_clock",
            "work_hours",
            "work_days",
            "followup_ladder",
            "answer_warning_minutes",
            "win_tasks",
        },
    }

    def __init__(self, raw: dict[str, Any], path: Path, prefix: str = "") -> None:
        self.raw, self.path, self.prefix = raw, path, prefix
        self.children: list[_Reader] = []

    def _name(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def fail(self, key: str, expected: str) -> ConfigError:
        return ConfigError(f"{self.path}: {self._name(key)} must be {expected}")

    def names(self) -> list[str]:
        return list(self.raw)

    def table(self, key: str) -> _Reader:
        value = self.raw.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, "a table")
        child = _Reader(value, self.path, self._name(key))
        self.children.append(child)
        return child

    def string(self, key: str) -> str | None:
        value = self.raw.get(key)
        if value is not None and not isinstance(value, str):
            raise self.fail(key, "a string")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.string(key)
        value = default if value is None else value
        if value not in choices:
            raise self.fail(key, "one of " + ", ".join(choices))
        return value

    def integer(self, key: str, default: int, *, minimum: int, maximum: int) -> int:
        value = self.raw.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
            raise self.fail(key, f"a whole number from {minimum} to {maximum}")
        return value

    def string_list(self, key: str) -> list[str] | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, "a list of non-empty strings")
        return value

    def check_unknown(self) -> None:
        known = self._KNOWN.get(self.prefix)
        if known is not None:
            unknown = sorted(set(self.raw) - known)
            if unknown:
                raise ConfigError(
                    f"{self.path}: unknown setting {self._name(unknown[0])}; "
                    f"accepted here: {', '.join(sorted(known))}"
                )
        for child in self.children:
            child.check_unknown()


def _zone(name: str, path: Path) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{path}: timezone {name!r} is not an IANA zone (e.g. Europe/Berlin, UTC)"
        ) from None


def _work_hours(text: str, path: Path) -> tuple[time, time]:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text, re.ASCII)
    try:
        if not match:
            raise ValueError
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = time(h1, m1), time(h2, m2)
        if start >= end:
            raise ValueError
    except ValueError:
        raise ConfigError(
            f'{path}: leads.work_hours must look like "09:00-18:00" (start before end)'
        ) from None
    return start, end


def _ladder(text: str, path: Path) -> None:
    from amtui.core.sla import parse_ladder

    try:
        parse_ladder(text)
    except InputError as error:
        raise ConfigError(f"{path}: leads.followup_ladder: {error}") from None


def _work_days(names: list[str], path: Path) -> frozenset[int]:
    if not names:
        raise ConfigError(f"{path}: leads.work_days needs at least one weekday (mon … sun)")
    days = set()
    for name in names:
        key = name.strip().lower()[:3]
        if key not in _WEEKDAY_NAMES:
            raise ConfigError(f"{path}: leads.work_days takes weekday names (mon … sun)")
        days.add(_WEEKDAY_NAMES.index(key))
    return frozenset(days)

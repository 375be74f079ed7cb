"""Date expressions (DESIGN §5): one strict parser plus the small helpers around it.

Every front end reads due dates through `parse_when`, so `fri 15:00` means the same thing in the
CLI and the TUI. The parser is strict: an expression means exactly one thing or is rejected with
a one-line message listing what is accepted. Nothing here reads the clock; callers pass `now`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from amtui.core.errors import InputError
from amtui.core.patterns import lazy
from amtui.core.structs import struct

WEEKDAYS_MON_FRI: frozenset[int] = frozenset({0, 1, 2, 3, 4})

_ACCEPTED = (
    "accepted: 2026-12-01, 2026-12-01 15:00, 2026-12-01T15:00+03:00, 1/12, 1.12.2026, 12-01, "
    "3 dec 2026, dec 3, today, tomorrow, yesterday, now, fri, next mon, this fri, eod, eow, eom, "
    "eoq, sow, som, +3d, -2w, +1m, +1y, +5b, +4h, +30min, in 3 days, in 5 business days; a date "
    "may be followed by a time (fri 15:00, tomorrow at 3pm, noon) and a zone "
    "(mon 10:00 America/New_York)"
)


class DateParseError(InputError):
    """A date expression that means nothing or more than one thing; `str(err)` is one line."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        shown = text if len(text) <= 60 else text[:57] + "..."
        super().__init__(f"can't read {shown!r} as a date: {reason}; {_ACCEPTED}")

    def __reduce__(self) -> tuple[type[DateParseError], tuple[str, str]]:
        return (type(self), (self.text, self.reason))


class UnknownZoneError(InputError):
    """A time zone name that is not in the IANA database; `str(err)` is one line."""


class _Reject(Exception):
    """Internal: why the tokens were refused; `parse_when` wraps it with the whole text."""


# --- helpers -------------------------------------------------------------------------------------


def ensure_aware(dt: datetime) -> datetime:
    """Return `dt` if it carries a zone: a naive datetime is refused, never guessed."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime refused: {dt.isoformat()} has no time zone")
    return dt


def to_utc(dt: datetime) -> datetime:
    """The same instant in UTC, the form every timestamp is stored in."""
    return ensure_aware(dt).astimezone(UTC)


def localize(naive: datetime, tz: tzinfo) -> datetime:
    """Attach `tz` to a wall time, resolving DST deterministically.

    A nonexistent time (spring-forward gap) moves forward by the gap: 02:30 on 2026-03-29 in
    Europe/Berlin becomes 03:30 CEST (01:30Z). A repeated time (fall-back) takes its first,
    earlier occurrence. Both follow from PEP 495 `fold=0`, which reads a gap time with the offset
    in force before the transition; the round trip through UTC then normalises the wall clock.
    `tz` must implement PEP 495 (zoneinfo, datetime.timezone).
    """
    if naive.tzinfo is not None:
        raise ValueError(f"localize needs a naive datetime, got {naive.isoformat()}")
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)


def local_today(now: datetime, tz: tzinfo) -> date:
    """The calendar date in `tz` at the instant `now`."""
    global _last_today
    last = _last_today  # one tuple, read and replaced whole: safe across threads
    if last[0] is now and last[1] is tz:  # a command asks for its one `now` per row
        return last[2]
    today = ensure_aware(now).astimezone(tz).date()
    _last_today = (now, tz, today)
    return today


_last_today: tuple[datetime | None, tzinfo | None, date] = (None, None, date.min)


@lru_cache(maxsize=1024)  # pure; the agenda asks for the same few days once per all-day item
def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of the local day `day` in `tz` as aware UTC datetimes (23h/25h on DST days)."""
    # `localize` of each midnight, in UTC: the wall time read with fold=0 is the same instant
    # as localize's round trip through UTC and back into `tz` (half the conversions).
    start = datetime.combine(day, _MIDNIGHT, tz).astimezone(UTC)
    return start, datetime.combine(day + timedelta(days=1), _MIDNIGHT, tz).astimezone(UTC)


_MIDNIGHT = time()


def is_overdue(due: date | datetime | None, cutoff: datetime, tz: tzinfo) -> bool:
    """Past its deadline at `cutoff`: an all-day due counts until the end of its day in `tz`."""
    if due is None:
        return False
    if isinstance(due, datetime):
        return due < cutoff
    return day_bounds(due, tz)[1] <= cutoff


def add_business_days(day: date, n: int, workdays: frozenset[int] = WEEKDAYS_MON_FRI) -> date:
    """The `n`-th working day after `day` (before it when `n` < 0); `n` = 0 returns `day`.

    Constant time: once on a working day, every len(workdays) working days is exactly a week.
    """
    _check_workdays(workdays)
    if n == 0:
        return day
    step = 1 if n > 0 else -1
    weeks, rest = divmod(abs(n) - 1, len(workdays))
    for _ in range(rest + 1):
        day += timedelta(days=step)
        while day.weekday() not in workdays:
            day += timedelta(days=step)
    return day + timedelta(weeks=step * weeks)


def _check_workdays(workdays: frozenset[int]) -> None:
    if not workdays or not workdays <= set(range(7)):
        raise ValueError(f"workdays must be a non-empty set of weekday numbers 0-6: {workdays}")


#: The shape of an IANA zone name (tz's Theory file: ASCII letters, digits, `.` `-` `_` `+`,
#: components joined by `/`, starting with a letter). A word of another shape (`client:Granel`,
#: `+urgent`, `@copywriter`, `15:00`) is no zone, without asking the zone index.
_ZONE_SHAPE = lazy(r"[A-Za-z][A-Za-z0-9._+-]*(?:/[A-Za-z0-9._+-]+)*")


@cache
def _zone_names() -> dict[str, str]:
    # ~9-14 ms once: available_timezones() opens every file of the tz database. Only words
    # shaped like a zone name pay it (a quick-add tries each word after `due:` as a zone).
    return {name.lower(): name for name in available_timezones() - {"localtime"}}


def _zone_key(name: str) -> str | None:
    """The IANA name `name` spells in any case, if it is one."""
    return _zone_names().get(name.lower()) if _ZONE_SHAPE.fullmatch(name) else None


def zone_from_name(name: str) -> ZoneInfo:
    """An IANA zone (`Europe/Berlin`, `UTC`) by name, matched case-insensitively."""
    key = _zone_key(name.strip())
    if key is None:
        example = "Europe/Berlin, America/New_York or UTC"
        raise UnknownZoneError(f"unknown time zone {name!r}: use an IANA name such as {example}")
    return ZoneInfo(key)


_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def format_due(value: date | datetime, tz: tzinfo) -> str:
    """'Fri 2026-11-27' for a date, 'Fri 2026-11-27 15:00' for an instant shown in `tz`."""
    # Weekday names from a table, not strftime's %a, so the output never depends on the locale.
    if isinstance(value, datetime):
        value = ensure_aware(value).astimezone(tz)
        return f"{_DAY_ABBR[value.weekday()]} {value:%Y-%m-%d %H:%M}"
    return f"{_DAY_ABBR[value.weekday()]} {value:%Y-%m-%d}"


# --- the parser: vocabulary ----------------------------------------------------------------------

_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_WEEKDAYS = {name: i for i, full in enumerate(_WEEKDAY_NAMES) for name in (full, full[:3])}
_MONTHS = {name: i for i, full in enumerate(_MONTH_NAMES, 1) for name in (full, full[:3])}


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# Anchors: today's date and the workdays -> a date. `eow` and `sow` use Monday-start weeks.
_ANCHORS: dict[str, Callable[[date, frozenset[int]], date]] = {
    "today": lambda d, w: d,
    "eod": lambda d, w: d,
    "tomorrow": lambda d, w: d + timedelta(days=1),
    "yesterday": lambda d, w: d - timedelta(days=1),
    "sow": lambda d, w: _monday(d),
    "eow": lambda d, w: _monday(d) + timedelta(days=max(w)),
    "som": lambda d, w: d.replace(day=1),
    "eom": lambda d, w: _add_months(d, 0, day=31),
    "eoq": lambda d, w: _add_months(date(d.year, (d.month + 2) // 3 * 3, 1), 0, day=31),
}


#: Words that can mean nothing but a part of a date: right after a `due:` date that does not
#: read with them (`due:3pm tomorrow`, `due:10:00 fri`), quick-add refuses the line rather than
#: fold them into the title. Abbreviations that are also everyday English words (sat, sun,
#: wed, may, mar, march) are left out: `due:fri may slip` keeps "may slip" as title words.
DATE_ONLY_WORDS: frozenset[str] = frozenset(
    {*_ANCHORS, *_WEEKDAYS, *_MONTHS} - {"sat", "sun", "wed", "may", "mar", "march"}
)


def _add_months(start: date, months: int, **fields: int) -> date:
    """dateutil's month arithmetic, which clamps (Jan 31 + 1m = Feb 28/29, no drift); `fields`
    set absolute parts (`day=31`: the month's last day)."""
    from dateutil.relativedelta import relativedelta  # ~3 ms with calendar and six: only here

    return start + relativedelta(months=months, **fields)


# Offset units: short forms after `+3`, words after `in 3`. Hours and minutes are instants.
_UNITS = {"d": "d", "w": "w", "m": "m", "y": "y", "b": "b", "h": "h", "min": "min", "mins": "min"}
_UNIT_WORDS = {
    **{u: u[0] for u in ("day", "days", "week", "weeks", "month", "months", "year", "years")},
    **{"hour": "h", "hours": "h", "minute": "min", "minutes": "min", "min": "min", "mins": "min"},
}
_INSTANT_UNITS = {"h": timedelta(hours=1), "min": timedelta(minutes=1)}
_NAMED_TIMES = {"noon": time(12), "midnight": time(0)}

# [0-9], not \d: \d also matches other scripts' digits, which int() would quietly accept.
_ISO_DATE = lazy(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATETIME = lazy(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[t ]([0-9]{2}:[0-9]{2}(?::[0-9]{2})?)(z|[+-][0-9]{2}:[0-9]{2})?"
)
_NUMERIC_DATE = lazy(r"([0-9]{1,2})([/.])([0-9]{1,2})(?:\2([0-9]+))?")
_ISO_MONTH_DAY = lazy(r"[0-9]{2}-[0-9]{2}")
_OFFSET = lazy(r"([+-])([0-9]+)([a-z]*)")
_CLOCK = lazy(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")
_TWELVE_HOUR = lazy(r"([0-9]{1,2})(?::([0-9]{2}))?(am|pm)")
_NUMBER = lazy(r"[0-9]+")


def parse_when(
    text: str,
    *,
    now: datetime,
    tz: tzinfo,
    date_order: str = "dmy",
    workdays: frozenset[int] = WEEKDAYS_MON_FRI,
    zones: Mapping[str, tzinfo] | None = None,
) -> date | datetime:
    """Read a due-date expression: a `date` for all-day results, an aware datetime otherwise.

    "Today" is `now`'s date in `tz`, or in the trailing zone when the text ends with one
    (an IANA name or a key of `zones`); a timed result carries the zone its wall time was read
    in. Raises DateParseError for any text that is not exactly one of the accepted forms.
    A weekday is the next such day (1-7 days ahead), `next mon` falls in next Monday-start week,
    `this fri` and `eow` may be past, and a date without a year is the nearest such date
    (within half a year of today: in December `3 jan` is next January, in January `20 dec`
    last December). Results run from 1900 to 2999; anything outside is refused.
    """
    ensure_aware(now)
    if date_order not in ("dmy", "mdy"):
        raise ValueError(f"date_order must be 'dmy' or 'mdy', not {date_order!r}")
    _check_workdays(workdays)
    raw = text.split()
    if not raw:
        raise DateParseError(text, "the expression is empty")
    try:
        return _in_range(_parse(raw, now, tz, date_order, workdays, zones), text)
    except _Reject as exc:
        raise DateParseError(text, str(exc)) from None
    except (OverflowError, ValueError):  # arithmetic past year 1 or 9999, huge numbers
        raise DateParseError(text, _RANGE) from None


#: What any date field accepts: wide enough for every real plan, narrow enough that every rule
#: (+7 days of agenda, a 3-month ladder step, strftime) stays clear of the year 1 and 9999 edges.
MIN_YEAR, MAX_YEAR = 1900, 2999


_RANGE = f"amtui keeps dates from {MIN_YEAR} to {MAX_YEAR}"


def _in_range(value: date | datetime, text: str) -> date | datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise _Reject(_RANGE)
    return value


def _parse(
    raw: list[str],
    now: datetime,
    tz: tzinfo,
    date_order: str,
    workdays: frozenset[int],
    zones: Mapping[str, tzinfo] | None,
) -> date | datetime:
    try:
        return _Context(now, tz, date_order, workdays).parse([t.lower() for t in raw])
    except _Reject:
        # Only when the whole text fails is the last word tried as a zone: no IANA name is
        # also a date word (a caller's zone key that is loses to it), and plain text never
        # pays for the zone lookup.
        zone = _trailing_zone(raw[-1], zones) if len(raw) > 1 else None
        if zone is None and raw[-1].casefold() == "client" and len(raw) > 1:
            raise _Reject(
                "'client' stands for the client's time zone, and none is known here (no "
                "client, or one without a time zone); name the zone, e.g. America/New_York"
            ) from None
        if zone is None:
            raise
        ctx = _Context(now, zone, date_order, workdays, zoned=True)
        return ctx.parse([t.lower() for t in raw[:-1]])


def _trailing_zone(token: str, zones: Mapping[str, tzinfo] | None) -> tzinfo | None:
    named = {key.casefold(): zone for key, zone in (zones or {}).items()}
    if token.casefold() in named:
        return named[token.casefold()]
    iana = _zone_key(token)
    return ZoneInfo(iana) if iana else None


@struct
class _Context:
    """One parse: the clock, the zone the text is read in, and the user's conventions."""

    now: datetime
    zone: tzinfo
    date_order: str
    workdays: frozenset[int]
    zoned: bool = False  # the zone came from the text, so an explicit offset would conflict

    def __post_init__(self) -> None:
        self.now = self.now.astimezone(self.zone)
        self.today = self.now.date()

    def parse(self, tokens: list[str]) -> date | datetime:
        iso = _ISO_DATETIME.fullmatch(" ".join(tokens))
        if iso:
            return self._iso_datetime(*iso.groups())
        instant = self._instant(tokens)
        if instant is not None:
            return instant
        day, rest = self._day(tokens)
        if day is not None and not rest:
            return day
        if rest == ["at"]:
            raise _Reject("'at' must be followed by a time such as 15:00 or 3pm")
        rest = rest[1:] if rest[0] == "at" else rest
        when, extra = _time(rest)
        if when is None:
            if day is None:
                raise _Reject(f"{rest[0]!r} is not a date or time")
            raise _Reject(f"{' '.join(rest)!r} is not a time (use 15:00, 9:30, 3pm, noon)")
        if extra:
            raise _Reject(f"unexpected {' '.join(extra)!r} after the time")
        return localize(datetime.combine(day or self.today, when), self.zone)

    def _iso_datetime(self, day: str, clock: str, offset: str | None) -> datetime:
        try:
            value = datetime.fromisoformat(f"{day}T{clock}{(offset or '').replace('z', '+00:00')}")
        except ValueError:
            raise _Reject(f"{day} {clock} is not a valid date and time") from None
        if offset is None:
            return localize(value, self.zone)
        if self.zoned:
            raise _Reject("give either an explicit offset or a zone name, not both")
        return value

    def _instant(self, tokens: list[str]) -> datetime | None:
        """`now`, `+4h`, `in 30 minutes`: exact elapsed time from now, never followed by a time."""
        if tokens[0] == "now":
            if len(tokens) > 1:
                raise _Reject("nothing but a zone may follow 'now'")
            return self.now
        offset = _offset(tokens)
        if offset is None or offset[1] not in _INSTANT_UNITS:
            return None
        amount, unit, used = offset
        if len(tokens) > used:
            raise _Reject("nothing but a zone may follow an hour or minute offset")
        # Add in UTC: aware + timedelta within one zone adds wall-clock time, wrong across DST.
        return (self.now.astimezone(UTC) + amount * _INSTANT_UNITS[unit]).astimezone(self.zone)

    def _day(self, tokens: list[str]) -> tuple[date | None, list[str]]:
        """Read a date form at the start of `tokens`; return it and the tokens left over."""
        first, second = tokens[0], tokens[1] if len(tokens) > 1 else ""
        if first in _ANCHORS:
            return _ANCHORS[first](self.today, self.workdays), tokens[1:]
        if first in _WEEKDAYS:  # the next such day, 1..7 days ahead
            ahead = (_WEEKDAYS[first] - self.today.weekday() - 1) % 7 + 1
            return self.today + timedelta(days=ahead), tokens[1:]
        if first in ("next", "this"):  # that weekday in next / this Monday-start week
            if second not in _WEEKDAYS:
                raise _Reject(f"'{first}' must be followed by a weekday, e.g. '{first} mon'")
            week = _monday(self.today) + timedelta(days=7 if first == "next" else 0)
            return week + timedelta(days=_WEEKDAYS[second]), tokens[2:]
        if _ISO_DATE.fullmatch(first):
            return _calendar_date(*map(int, first.split("-"))), tokens[1:]
        if _ISO_MONTH_DAY.fullmatch(first):  # 01-05: ISO order (month first), whatever the config
            iso_month, iso_day = map(int, first.split("-"))
            return self._yearless(iso_month, iso_day), tokens[1:]
        numeric = _NUMERIC_DATE.fullmatch(first)
        if numeric:  # 1/12, 1.12.2026: day and month in the configured order, 4-digit year
            a, _, b, year = numeric.groups()
            if year is not None and len(year) != 4:
                raise _Reject(f"year {year!r} must have 4 digits")
            day, month = (a, b) if self.date_order == "dmy" else (b, a)
            if year is None:
                return self._yearless(int(month), int(day)), tokens[1:]
            return _calendar_date(int(year), int(month), int(day)), tokens[1:]
        offset = _offset(tokens)
        if offset is not None:
            amount, unit, used = offset
            return self._shift(amount, unit), tokens[used:]
        return self._month_name_date(tokens)

    def _yearless(self, month: int, day: int) -> date:
        """A day and month without a year: the nearest such date, before or after today (a
        tie goes to the future). So planning in December for `3 jan` means next January, and
        logging in January what happened on `20 dec` means last December."""
        candidates = []
        for year in (self.today.year - 1, self.today.year, self.today.year + 1):
            try:
                candidates.append(date(year, month, day))
            except ValueError:
                continue
        if not candidates:
            if (month, day) != (2, 29):
                _calendar_date(self.today.year, month, day)  # raises the usual message
            raise _Reject(
                f"there is no {day} {_MONTH_NAMES[month - 1][:3]} within a year of "
                "today; give the year"
            )
        return min(candidates, key=lambda c: (abs((c - self.today).days), c < self.today))

    def _month_name_date(self, tokens: list[str]) -> tuple[date | None, list[str]]:
        """`3 dec`, `dec 3`, `3 december 2026`, `dec 3, 2026` (no year: the nearest one)."""
        first, second, third = [*tokens, "", ""][:3]
        has_year = len(third) == 4 and _NUMBER.fullmatch(third) is not None
        if has_year:
            second = second.removesuffix(",")  # `dec 3, 2026`
        if first in _MONTHS and _NUMBER.fullmatch(second):
            month, day = _MONTHS[first], second
        elif second in _MONTHS and _NUMBER.fullmatch(first):
            month, day = _MONTHS[second], first
        elif first in _MONTHS:
            raise _Reject(f"'{first}' needs a day, e.g. '3 {first}'")
        else:
            return None, tokens
        if not has_year:
            return self._yearless(month, int(day)), tokens[2:]
        return _calendar_date(int(third), month, int(day)), tokens[3:]

    def _shift(self, amount: int, unit: str) -> date:
        if unit == "b":
            return add_business_days(self.today, amount, self.workdays)
        if unit in ("m", "y"):
            return _add_months(self.today, amount * (12 if unit == "y" else 1))
        return self.today + timedelta(days=amount * (7 if unit == "w" else 1))


def _offset(tokens: list[str]) -> tuple[int, str, int] | None:
    """`+3d` or `in 3 days` at the start of `tokens`: (signed amount, unit key, tokens used)."""
    match = _OFFSET.fullmatch(tokens[0])
    if match:
        sign, digits, unit = match.groups()
        if unit not in _UNITS:
            hint = f"has an unknown unit {unit!r}" if unit else "needs a unit"
            raise _Reject(f"offset {tokens[0]!r} {hint} (use d, w, m, y, b, h or min)")
        return int(sign + digits), _UNITS[unit], 1
    if tokens[0] != "in":
        return None
    number, unit, extra = [*tokens[1:4], "", "", ""][:3]
    if not _NUMBER.fullmatch(number):
        raise _Reject("'in' must be followed by a number and a unit, e.g. 'in 3 days'")
    if unit == "business" and extra in ("day", "days"):
        return int(number), "b", 4
    if unit not in _UNIT_WORDS:
        raise _Reject(f"unknown unit {unit!r} (use days, weeks, months, years, hours, minutes)")
    return int(number), _UNIT_WORDS[unit], 3


def _calendar_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _Reject(f"{year:04d}-{month:02d}-{day:02d} is not a calendar date") from None


def _time(tokens: list[str]) -> tuple[time | None, list[str]]:
    """Read `15:00`, `9:30:15`, `3pm`, `3:30 pm`, `noon` or `midnight`; return it and the rest."""
    if tokens[0] in _NAMED_TIMES:
        return _NAMED_TIMES[tokens[0]], tokens[1:]
    used = 2 if tokens[1:2] in (["am"], ["pm"]) else 1
    text = "".join(tokens[:used])
    twelve = _TWELVE_HOUR.fullmatch(text)
    if twelve:
        hour, minute = int(twelve[1]), int(twelve[2] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise _Reject(f"{text!r} is not a time: 12-hour times run from 12:00am to 11:59pm")
        return time(hour % 12 + (12 if twelve[3] == "pm" else 0), minute), tokens[used:]
    clock = _CLOCK.fullmatch(text)
    if not clock:
        return None, tokens
    hour, minute, second = (int(g or 0) for g in clock.groups())
    if hour > 23 or minute > 59 or second > 59:
        raise _Reject(f"{text!r} is not a time: hours run 0-23 and minutes 0-59")
    return time(hour, minute, second), tokens[used:]

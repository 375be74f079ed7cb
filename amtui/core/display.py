"""Formatting primitives shared by the CLI and the TUI: times, spans, countdowns, money.

Pure functions of their arguments (and of `now`). What a record says with them is decided in
`amtui.core.describe` and its siblings.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from amtui.core.dates import local_today

# English names, as strftime's %a and %b write them in the C locale (amtui never changes
# LC_TIME): indexing is ~10x cheaper than strftime, and `task list` words up to 200 dates.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_when(value: date | datetime, tz: tzinfo, now: datetime) -> str:
    """`today 15:00`, `tomorrow`, `Fri 15:00` (this week), `Mon 7 Dec`, `7 Dec 2027`."""
    today = local_today(now, tz)
    if isinstance(value, datetime):
        local = value.astimezone(tz)
        day, clock = local.date(), f" {local.hour:02d}:{local.minute:02d}"
    else:
        day, clock = value, ""
    delta = (day - today).days
    if delta == 0:
        label = "today"
    elif delta == 1:
        label = "tomorrow"
    elif delta == -1:
        label = "yesterday"
    elif 1 < delta < 7:
        label = _DAYS[day.weekday()]
    elif day.year == today.year:
        label = f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month]}"
    else:
        label = f"{day.day} {_MONTHS[day.month]} {day.year}"
    return label + clock


def format_span(delta: timedelta) -> str:
    """A compact duration: `45s`, `12m`, `3h 05m`, `2d 4h`, `3w`."""
    seconds = int(abs(delta).total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    if days < 14:
        return f"{days}d {hours}h" if hours else f"{days}d"
    return f"{days // 7}w"


#: `format_span`'s units: below so many seconds, its text moves every so many seconds (a
#: week's "3w" moves every 7 days; once a day is a safe bound). Each limit is a whole number
#: of the units on both sides of it, so the wording switches only where a unit turns.
_SPAN_UNITS = ((60, 1), (86_400, 60), (14 * 86_400, 3600))
_DAY_SECONDS = 86_400
_AFTER = timedelta(microseconds=1)


def _unit(span: timedelta) -> timedelta:
    seconds = abs(span).total_seconds()
    return timedelta(seconds=next((u for limit, u in _SPAN_UNITS if seconds < limit), _DAY_SECONDS))


def span_changes(anchor: datetime, now: datetime) -> datetime:
    """The first moment after `now` at which `format_span` of the time between `anchor` and
    `now` may read differently (it may still read the same then: ask again). A list that
    shows such a span redraws it then, not every second: `3h 05m` once a minute.

    Time since `anchor` (`now` past it) shows whole units passed, so its text turns at
    `anchor` + n units. Time until it shows whole units left, which drops just after
    `anchor` - n units: the moment itself still shows the larger number."""
    since = now - anchor
    if since >= timedelta(0):
        unit = _unit(since)
        return anchor + (since // unit + 1) * unit
    left = -since
    unit = _unit(left)
    return anchor - (left // unit) * unit + _AFTER


def countdown_changes(deadline: datetime, now: datetime) -> datetime:
    """The first moment after `now` at which `format_countdown(deadline, …)` may read
    differently: every second under an hour (`14:32 left`), else as `span_changes`."""
    left = deadline - now
    if timedelta(0) <= left < timedelta(hours=1):
        return deadline - (left // timedelta(seconds=1)) * timedelta(seconds=1) + _AFTER
    return span_changes(deadline, now)


def passes(moment: datetime, now: datetime) -> datetime | None:
    """When `moment < now` first holds (a deadline turns late), or None if it holds already."""
    return moment + _AFTER if moment >= now else None


def clock_changes(now: datetime) -> datetime:
    """The next turn of the minute: when a wall clock (`15:04`) or a day (`today` becomes
    `yesterday` at midnight, in any zone of whole-minute offset) may read differently."""
    return now.replace(second=0, microsecond=0) + timedelta(minutes=1)


def earliest(*moments: datetime | None) -> datetime | None:
    """The first of `moments` that is set (None when none is)."""
    return min((moment for moment in moments if moment is not None), default=None)


def format_relative(target: datetime, now: datetime) -> str:
    """`in 12m` or `12m ago`."""
    span = format_span(target - now)
    return f"in {span}" if target >= now else f"{span} ago"


def format_countdown(deadline: datetime, now: datetime) -> str:
    """A response countdown: `14:32 left` under an hour, else `2h 05m left`; `late 3m` after."""
    remaining = deadline - now
    if remaining >= timedelta(0):
        seconds = int(remaining.total_seconds())
        if seconds < 3600:
            return f"{seconds // 60:02d}:{seconds % 60:02d} left"
        return f"{format_span(remaining)} left"
    return f"late {format_span(remaining)}"


def client_local_time(zone: tzinfo, now: datetime) -> str:
    """What the clock says at the client's: `Tue 18:05 (UTC+09:00)`."""
    local = now.astimezone(zone)
    offset = local.strftime("%z")
    return f"{local:%a %H:%M} (UTC{offset[:3]}:{offset[3:]})"

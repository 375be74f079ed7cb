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

"""Plain-text presentation shared by the CLI and the TUI: times, ages, money.

Pure functions of their arguments (and of `now`), so both front ends say the same thing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from amtui.core.dates import local_today
from amtui.core.text import one_line

if TYPE_CHECKING:
    from amtui.core.leads import NextAction
    from amtui.core.notify import DueItem


def format_when(value: date | datetime, tz: tzinfo, now: datetime) -> str:
    """`today 15:00`, `tomorrow`, `Fri 15:00` (this week), `Mon 7 Dec`, `7 Dec 2027`."""
    today = local_today(now, tz)
    if isinstance(value, datetime):
        local = value.astimezone(tz)
        day, clock = local.date(), f" {local:%H:%M}"
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
        label = f"{day:%a}"
    elif day.year == today.year:
        label = f"{day:%a} {day.day} {day:%b}"
    else:
        label = f"{day.day} {day:%b} {day.year}"
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


def describe_next_action(action: NextAction, tz: tzinfo, now: datetime) -> str:
    """`respond 12:04 left`, `answer late 2h 10m`, `follow-up 2 tomorrow 10:00`, `call Mon`."""
    if action.kind == "first-response":
        return f"respond {format_countdown(action.due, now)}"
    if action.kind == "answer":
        return f"answer {format_countdown(action.due, now)}"
    step = f" {action.step}" if action.step else ""
    kind = _KIND_WORDS.get(action.kind, action.kind)
    return f"{kind}{step} {format_when(action.due, tz, now)}"


_KIND_WORDS = {"custom": "reminder", "check-receipt": "check receipt"}


def describe_due(item: DueItem, tz: tzinfo, now: datetime) -> str:
    """One due item on one line (`remind due`, the app's toasts):
    `first response due today 10:15 (client: …): Title · email from client` or
    `due today 16:00 [step 2]: Follow up… · L7 Title`."""
    when = format_when(item.due, tz, now)
    client = ""
    if item.zone is not None and item.zone != tz:
        client = f" (client: {format_when(item.due, item.zone, now)} {item.zone})"
    if item.reminder is not None:
        row = item.reminder
        step = f" [step {row.reminder.step}]" if row.reminder.step else ""
        about = f" · {row.subject_ref} {row.subject_title or ''}" if row.subject_ref else ""
        return one_line(f"due {when}{client}{step}: {row.reminder.text}{about}".rstrip())
    assert item.lead is not None
    lead = item.lead.lead
    what = "first response" if item.kind == "first-response" else "answer"
    origin = f"partner {lead.partner}" if lead.partner else lead.source
    return one_line(f"{what} due {when}{client}: {lead.title} · {lead.channel} from {origin}")


def format_money(cents: int | None, currency: str | None) -> str:
    """`12 000 EUR`, `1 250.50 USD` (thin grouping that reads in any locale)."""
    if cents is None:
        return ""
    whole, fraction = divmod(cents, 100)
    text = f"{whole:,}".replace(",", " ")
    if fraction:
        text += f".{fraction:02d}"
    return f"{text} {currency}" if currency else text


def client_local_time(zone: tzinfo, now: datetime) -> str:
    """What the clock says at the client's: `Tue 18:05 (UTC+09:00)`."""
    local = now.astimezone(zone)
    offset = local.strftime("%z")
    return f"{local:%a %H:%M} (UTC{offset[:3]}:{offset[3:]})"

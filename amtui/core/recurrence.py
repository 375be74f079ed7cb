"""Recurring tasks: what a `rec:` rule says and when the next occurrence falls. Pure: plain
values in and out (the task service creates the occurrence, `amtui.core.tasks`).

A rule is a count and a unit, as in todo.txt's `rec:` (and Taskwarrior's `recur`):
`d` days, `w` weeks, `m` months, `q` quarters, `y` years, `b` working days (the configured
`work_days`). With a leading `+` it is a fixed schedule, counted from the due date (`rec:+1m`:
the same day every month, however late the last one was done); without it, it is counted from
the day the task was done (`rec:2w`: two weeks after it was last done). The words `daily`,
`weekly`, `biweekly`, `monthly`, `quarterly`, `yearly` and `weekdays` are fixed schedules
(`+1d`, `+1w`, `+2w`, `+1m`, `+3m`, `+1y`, `+1b`).

Months never drift: a series that started on the 31st falls on each month's last day when the
month is shorter and back on the 31st when it is not (the series' first due day, `anchor_day`).
A fixed schedule done late skips the occurrences already past, so the next one is never due
before the day it was done. A timed task keeps its local time of day across DST changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from amtui.core.dates import WEEKDAYS_MON_FRI, add_business_days, local_today, localize, to_utc
from amtui.core.errors import InputError

ACCEPTED = (
    "rec:1w (a week after it is done), rec:+1m (every month from the due date), units d w m q "
    "y b (working days), or daily, weekly, biweekly, monthly, quarterly, yearly, weekdays"
)
_RULE = re.compile(r"(\+?)([0-9]{1,3})\s*([dwmqyb])")
_WORDS = {
    "daily": "+1d",
    "weekly": "+1w",
    "biweekly": "+2w",
    "fortnightly": "+2w",
    "monthly": "+1m",
    "quarterly": "+3m",
    "yearly": "+1y",
    "annually": "+1y",
    "weekdays": "+1b",
}


@dataclass(frozen=True)
class Rule:
    count: int
    unit: str  # d, w, m, q, y, b
    from_due: bool  # a fixed schedule (`+`), else counted from completion

    @property
    def text(self) -> str:
        """The stored, canonical form: `+1m`, `2w`."""
        return f"{'+' if self.from_due else ''}{self.count}{self.unit}"

    @property
    def label(self) -> str:
        """What it means, in words: `every month`, `2 weeks after it is done`."""
        noun = {"d": "day", "w": "week", "m": "month", "q": "quarter", "y": "year"}.get(
            self.unit, "working day"
        )
        if self.from_due:
            return f"every {noun}" if self.count == 1 else f"every {self.count} {noun}s"
        span = f"a {noun}" if self.count == 1 else f"{self.count} {noun}s"
        return f"{span} after it is done"


#: What marks a repeating task in lists and on board cards.
REPEAT_MARK = "↻"


def repeat_mark(recur: str | None) -> str | None:
    """`↻ every month`, `↻ 2 weeks after done`: a repeating task's mark on a card or in a
    list (None for a task that does not repeat; the detail view says it in full)."""
    if not recur:
        return None
    rule = parse_rule(recur)
    return f"{REPEAT_MARK} {rule.label.replace(' it is done', ' done')}"


def parse_rule(text: str) -> Rule:
    """`+1m`, `2w`, `1b`, `monthly` → a Rule; anything else is refused, saying what is."""
    cleaned = text.strip().lower()
    cleaned = _WORDS.get(cleaned, cleaned)
    match = _RULE.fullmatch(cleaned)
    if match is None:
        raise InputError(f"can't read {text.strip()!r} as a repeat; accepted: {ACCEPTED}")
    plus, count, unit = match.groups()
    if int(count) < 1:
        raise InputError(f"a repeat counts from 1, not {text.strip()!r}; accepted: {ACCEPTED}")
    return Rule(int(count), unit, from_due=bool(plus))


def _add(
    day: date, rule: Rule, times: int, anchor_day: int | None, workdays: frozenset[int]
) -> date:
    count = rule.count * times
    if rule.unit == "d":
        return day + timedelta(days=count)
    if rule.unit == "w":
        return day + timedelta(weeks=count)
    if rule.unit == "b":
        return add_business_days(day, count, workdays)
    from dateutil.relativedelta import relativedelta  # month arithmetic: only here

    months = count * {"m": 1, "q": 3, "y": 12}[rule.unit]
    moved = day + relativedelta(months=months)
    if anchor_day is not None and anchor_day > moved.day:  # back to the 31st after Feb 28
        moved = moved + relativedelta(day=anchor_day)
    return moved


def next_due(
    rule: Rule,
    *,
    due: date | datetime | None,
    done_at: datetime,
    tz: tzinfo,
    anchor_day: int | None = None,
    workdays: frozenset[int] = WEEKDAYS_MON_FRI,
) -> date | datetime:
    """When the occurrence after one due `due` and done at `done_at` is due: a date for an
    all-day task, an aware UTC instant for a timed one (the same local time of day)."""
    done_day = local_today(done_at, tz)
    clock: time | None = None
    if isinstance(due, datetime):
        local = due.astimezone(tz)
        day, clock = local.date(), local.time().replace(tzinfo=None)
    else:
        day = due if due is not None else done_day
    if rule.from_due:
        if due is None:
            raise InputError(f"rec:{rule.text} repeats from the due date; give the task one")
        times = 1
        while (after := _add(day, rule, times, anchor_day, workdays)) <= done_day:
            times += 1  # done late: skip what is already past
    else:
        after = _add(done_day, rule, 1, None, workdays)
    if clock is None:
        return after
    return to_utc(localize(datetime.combine(after, clock), tz))


def describe_next(ref: str, due: date | datetime, tz: tzinfo, now: datetime) -> str:
    """What completing a recurring task made: `next: T7 due Thu 31 Dec`."""
    from amtui.core.display import format_when

    return f"next: {ref} due {format_when(due, tz, now)}"

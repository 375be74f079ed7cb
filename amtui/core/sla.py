"""Lead rules as pure functions of `now` (DESIGN §2): response deadlines and follow-up timing.

As account managers state them:
- The first response to a lead is due 15 minutes after it arrives (configurable).
- The substantive answer is due within one working day *in the client's time zone*: one
  working day's worth of working hours (default Mon–Fri 09:00–18:00, i.e. 9 hours) counted
  from arrival, skipping nights and weekends. A manager may promise an earlier time instead.
- After a proposal, follow-ups climb a ladder (default `1b,3d,1w,2w,1m,3m`): each step is
  counted from the previous one on the client's calendar, keeping the wall-clock time, and
  moved into the client's working hours when it would fall outside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from amtui.core.dates import add_business_days, localize, to_utc
from amtui.core.errors import InputError
from amtui.core.vocabulary import CLOSED_STAGES

if TYPE_CHECKING:
    from amtui.core.models import Lead


@dataclass(frozen=True)
class WorkingHours:
    """When a client's (or the user's) working day runs: `start`–`end` on `days` (0 = Monday)."""

    start: time = time(9, 0)
    end: time = time(18, 0)
    days: frozenset[int] = frozenset({0, 1, 2, 3, 4})

    @property
    def day_length(self) -> timedelta:
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)

    def opens(self, day: date, zone: tzinfo) -> datetime:
        return localize(datetime.combine(day, self.start), zone)

    def closes(self, day: date, zone: tzinfo) -> datetime:
        return localize(datetime.combine(day, self.end), zone)


def next_working_moment(at: datetime, zone: tzinfo, hours: WorkingHours) -> datetime:
    """`at` itself if it falls in working hours in `zone`, else when work next starts there."""
    local = at.astimezone(zone)
    day = local.date()
    for _ in range(8):
        if day.weekday() in hours.days:
            opens, closes = hours.opens(day, zone), hours.closes(day, zone)
            if at < opens:
                return to_utc(opens)
            if at < closes:
                return to_utc(at)
        day += timedelta(days=1)
        at = max(at, hours.opens(day, zone))
    raise ValueError("working hours have no working day")


def add_working_time(
    start: datetime, duration: timedelta, zone: tzinfo, hours: WorkingHours
) -> datetime:
    """`start` plus `duration` of working time in `zone`: nights and days off don't count."""
    moment = next_working_moment(start, zone, hours)
    remaining = duration
    while True:
        closes = hours.closes(moment.astimezone(zone).date(), zone)
        available = closes - moment
        if remaining <= available:
            return to_utc(moment + remaining)
        remaining -= available
        moment = next_working_moment(closes + timedelta(microseconds=1), zone, hours)


@dataclass(frozen=True)
class ResponseRule:
    """When a first response is due: `minutes` after arrival, around the clock, or (with
    `hours`) counted in the user's own working hours in `zone`."""

    minutes: int = 15
    hours: WorkingHours | None = None
    zone: tzinfo | None = None

    def due(self, received_at: datetime) -> datetime:
        window = timedelta(minutes=self.minutes)
        if self.hours is None or self.zone is None:
            return to_utc(received_at) + window
        return add_working_time(received_at, window, self.zone, self.hours)


def answer_due(received_at: datetime, zone: tzinfo, hours: WorkingHours) -> datetime:
    """The substantive answer is due one working day after arrival, in the client's zone."""
    return add_working_time(received_at, hours.day_length, zone, hours)


@dataclass(frozen=True)
class Deadline:
    kind: str  # "first-response" or "answer"
    due: datetime
    met_at: datetime | None

    def is_late(self, now: datetime) -> bool:
        """Missed: met after its time, or still open past it."""
        return (self.met_at or now) > self.due


@dataclass(frozen=True)
class LeadDeadlines:
    first_response: Deadline
    answer: Deadline

    def next(self) -> Deadline | None:
        """The earliest deadline not met yet (None when both are met)."""
        pending = [d for d in (self.first_response, self.answer) if d.met_at is None]
        return min(pending, key=lambda d: d.due) if pending else None


def lead_deadlines(
    *,
    received_at: datetime,
    first_response_at: datetime | None,
    answer_due_at: datetime,
    answered_at: datetime | None,
    rule: ResponseRule,
) -> LeadDeadlines:
    """Both service-level deadlines of a lead, and whether each was met."""
    return LeadDeadlines(
        Deadline("first-response", rule.due(received_at), first_response_at),
        Deadline("answer", answer_due_at, answered_at),
    )


def deadlines_of(lead: Lead, rule: ResponseRule) -> LeadDeadlines | None:
    """A stored lead's deadlines; None once it is closed (won or lost)."""
    if lead.stage in CLOSED_STAGES:
        return None
    return lead_deadlines(
        received_at=lead.received_at,
        first_response_at=lead.first_response_at,
        answer_due_at=lead.answer_due_at or lead.received_at + timedelta(days=1),
        answered_at=lead.answered_at,
        rule=rule,
    )


def response_owed(lead: Lead, rule: ResponseRule) -> str | None:
    """What `respond` records next on an open lead: "respond" while the first response is
    owed, then "answer" until the substantive answer went out; None after both."""
    deadlines = deadlines_of(lead, rule)
    if deadlines is None:
        return None
    if deadlines.first_response.met_at is None:
        return "respond"
    return "answer" if deadlines.answer.met_at is None else None


# --- the follow-up ladder ---------------------------------------------------------------------

_STEP = re.compile(r"\s*(\d{1,3})\s*(h|b|d|w|m)\s*")
_UNIT_NAMES = {"h": "hour", "b": "working day", "d": "day", "w": "week", "m": "month"}


@dataclass(frozen=True)
class Interval:
    """One rung of the ladder: `count` units of h(ours), b(usiness days), d, w or m(onths)."""

    count: int
    unit: str

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    def describe(self) -> str:
        name = _UNIT_NAMES[self.unit]
        return f"{self.count} {name}{'' if self.count == 1 else 's'}"


def parse_ladder(text: str) -> tuple[Interval, ...]:
    """`1b,3d,1w,2w,1m,3m` → intervals; each counted from the step before it."""
    steps = []
    for part in text.split(","):
        match = _STEP.fullmatch(part)
        if not match or int(match.group(1)) == 0:
            raise InputError(
                f"follow-up ladder {text!r} is not valid; use comma-separated steps such as "
                "1b,3d,1w,2w,1m,3m (h hours, b working days, d days, w weeks, m months)"
            )
        steps.append(Interval(int(match.group(1)), match.group(2)))
    return tuple(steps)


def step_due(previous: datetime, interval: Interval, zone: tzinfo, hours: WorkingHours) -> datetime:
    """When the next follow-up is due, `interval` after `previous` in the client's zone.

    Calendar steps keep the local wall-clock time (so a DST change does not shift a 10:00
    follow-up to 11:00) and month steps never drift (Jan 31 + 1m = Feb 28). A step landing
    outside working hours on a working day moves to the start of work that day; one landing
    on a day off moves to the next working morning. Hour steps just move forward into work.
    """
    if interval.unit == "h":
        target = to_utc(previous) + timedelta(hours=interval.count)
    else:
        local = previous.astimezone(zone)
        if interval.unit == "b":
            day = add_business_days(local.date(), interval.count, hours.days)
        else:
            delta = {
                "d": relativedelta(days=interval.count),
                "w": relativedelta(weeks=interval.count),
                "m": relativedelta(months=interval.count),
            }[interval.unit]
            day = local.date() + delta
        target = localize(datetime.combine(day, local.time().replace(tzinfo=None)), zone)
        if day.weekday() in hours.days and not hours.opens(day, zone) <= target < hours.closes(
            day, zone
        ):
            # Still that day, at the start of work: a proposal sent at 20:00 is checked the
            # next working morning, not the one after.
            return to_utc(hours.opens(day, zone))
    return next_working_moment(target, zone, hours)


def step_kind(step: int) -> str:
    """Step 1 checks the proposal arrived; later steps are follow-ups proper."""
    return "check-receipt" if step == 1 else "follow-up"

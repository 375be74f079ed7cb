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
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from amtui.core.dates import add_business_days, localize, to_utc
from amtui.core.errors import InputError
from amtui.core.patterns import lazy
from amtui.core.structs import replace, struct
from amtui.core.vocabulary import CLOSED_STAGES, LADDER_KINDS

if TYPE_CHECKING:
    from amtui.core.config import Config


class LeadTimes(Protocol):
    """What the deadline rules read of a lead: a stored `Lead`, or a row read without the ORM.

    These fields are read here and nowhere else; everything else asks `deadlines_of`."""

    @property
    def stage(self) -> str: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def first_response_at(self) -> datetime | None: ...
    @property
    def answer_due_at(self) -> datetime | None: ...
    @property
    def answered_at(self) -> datetime | None: ...


@struct(frozen=True)
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


@struct(frozen=True)
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


@struct(frozen=True)
class Deadline:
    kind: str  # "first-response" or "answer"
    due: datetime
    met_at: datetime | None

    def is_late(self, now: datetime) -> bool:
        """Missed: met after its time, or still open past it."""
        return (self.met_at or now) > self.due


@struct(frozen=True)
class LeadDeadlines:
    first_response: Deadline
    answer: Deadline

    def of(self, kind: str) -> Deadline:
        """The deadline called `kind`: "first-response" or "answer"."""
        return self.first_response if kind == self.first_response.kind else self.answer

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


def deadlines_of(lead: LeadTimes, rule: ResponseRule) -> LeadDeadlines | None:
    """A stored lead's deadlines; None once it is closed (won or lost)."""
    if lead.stage in CLOSED_STAGES:
        return None
    return lead_deadlines(
        received_at=lead.received_at,
        first_response_at=lead.first_response_at,
        answer_due_at=_answer_due_at(lead),
        answered_at=lead.answered_at,
        rule=rule,
    )


def deadline_due(lead: LeadTimes, rule: ResponseRule, kind: str) -> datetime:
    """When an open lead's deadline `kind` ("first-response" or "answer") falls: what
    `deadlines_of(lead, rule).of(kind).due` says, without building both deadlines (the
    agenda asks this of every lead its windows find: three structs a lead, ~35 k
    instructions, for one instant)."""
    if kind == "first-response":
        return rule.due(lead.received_at)
    return _answer_due_at(lead)


def _answer_due_at(lead: LeadTimes) -> datetime:
    # A lead stored before the answer's deadline was kept (schema 2) has none: a day.
    return lead.answer_due_at or lead.received_at + timedelta(days=1)


def response_owed(lead: LeadTimes, rule: ResponseRule) -> str | None:
    """What `respond` records next on an open lead: "respond" while the first response is
    owed, then "answer" until the substantive answer went out; None after both."""
    deadlines = deadlines_of(lead, rule)
    if deadlines is None:
        return None
    if deadlines.first_response.met_at is None:
        return "respond"
    return "answer" if deadlines.answer.met_at is None else None


@struct(frozen=True)
class NextAction:
    """What an open lead needs next, and by when: its first response, its answer, or the
    earliest open reminder about it (a follow-up step among them)."""

    kind: str  # "first-response", "answer", or a reminder kind ("follow-up", "call", …)
    due: datetime
    reminder: int | None = None  # the reminder's id, for reminder kinds
    step: int | None = None  # the follow-up ladder step


def next_action(deadlines: LeadDeadlines | None, reminder: NextAction | None) -> NextAction | None:
    """The earliest of a lead's unmet deadlines and its earliest open reminder (None: nothing
    is due, or the lead is closed). The inbox sorts by this (its SQL form is
    `lead_queries.NEXT_ACTION_SQL`) and shows it."""
    if deadlines is None:
        return None  # a closed lead needs nothing
    candidates = [
        NextAction(d.kind, d.due)
        for d in (deadlines.first_response, deadlines.answer)
        if d.met_at is None
    ]
    if reminder is not None:
        candidates.append(reminder)
    return min(candidates, key=lambda action: action.due) if candidates else None


# --- the follow-up ladder ---------------------------------------------------------------------

_STEP = lazy(r"\s*(\d{1,3})\s*(h|b|d|w|m)\s*", re.ASCII)
_UNIT_NAMES = {"h": "hour", "b": "working day", "d": "day", "w": "week", "m": "month"}


@struct(frozen=True)
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
            from dateutil.relativedelta import relativedelta  # not on the agenda's path

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


def step_text(step: int, ladder: tuple[Interval, ...]) -> str:
    """What a step's reminder says (its number is shown from `Reminder.step`, not repeated)."""
    if step == 1:
        return "Check the proposal arrived"
    return f"Follow up: no reply after {ladder[step - 1].describe()}"


@struct(frozen=True)
class PlannedStep:
    step: int  # 1-based
    kind: str  # "check-receipt" or "follow-up"
    due: datetime


def plan_ladder(
    ladder: tuple[Interval, ...], step: int, due: datetime, zone: tzinfo, hours: WorkingHours
) -> list[PlannedStep]:
    """When each remaining step falls if no reply comes: `step` at `due` (the pending one),
    then each later step counted from the one before, as if done when due (`step_due`, the
    rule that schedules them)."""
    plan = [PlannedStep(step, step_kind(step), due)]
    for number in range(step + 1, len(ladder) + 1):
        due = step_due(due, ladder[number - 1], zone, hours)
        plan.append(PlannedStep(number, step_kind(number), due))
    return plan


# --- where a lead stands on its ladder ----------------------------------------------------------


class StepReminder(Protocol):
    """What the ladder rules read of a reminder: a stored `Reminder` or a plain row."""

    @property
    def id(self) -> int | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def step(self) -> int | None: ...
    @property
    def done_at(self) -> datetime | None: ...
    @property
    def snoozed_until(self) -> datetime | None: ...
    @property
    def effective_due(self) -> datetime: ...
    @property
    def ref(self) -> str: ...


class ColdLead(Protocol):
    @property
    def cold_at(self) -> datetime | None: ...


R = TypeVar("R", bound=StepReminder)


@struct(frozen=True)
class LadderState(Generic[R]):
    """Where one lead stands on its follow-up ladder (`amtui show`, the TUI's detail view)."""

    pending: R | None  # the step waiting to be done, while a ladder runs
    done: int  # steps done: of the running ladder, else every step done (all when cold)
    steps: int  # length of the configured ladder
    cold_at: datetime | None  # the last step was done without a reply

    @property
    def status(self) -> str:
        """`running`, `cold` or `idle` (no ladder, or one stopped by a reply)."""
        if self.cold_at is not None:
            return "cold"
        return "running" if self.pending is not None else "idle"


def ladder_state(lead: ColdLead, reminders: Iterable[R], config: Config) -> LadderState[R]:
    """The ladder state of `lead` from its reminders (any of them; other kinds are ignored)."""
    steps = config.ladder_length
    ladder = [r for r in reminders if r.kind in LADDER_KINDS]
    pending = next((r for r in ladder if r.done_at is None), None)
    if lead.cold_at is not None:
        done = steps
    elif pending is not None:
        done = (pending.step or 1) - 1
    else:
        done = sum(1 for r in ladder if r.done_at is not None)
    return LadderState(pending, done, steps, lead.cold_at)


def ladder_plan(
    state: LadderState[R], config: Config, zone: tzinfo, now: datetime
) -> list[PlannedStep]:
    """The planned dates of every remaining step, from the pending one (snooze counted) on,
    in the lead's `zone` (`Config.deadline_zone`); empty when no ladder runs. A pending step
    already past due counts as done now: the next ones are counted from `now`."""
    pending = state.pending
    if pending is None:
        return []
    ladder = parse_ladder(config.followup_ladder)
    step = min(pending.step or 1, len(ladder))
    plan = plan_ladder(ladder, step, max(pending.effective_due, now), zone, config.working_hours)
    return [replace(plan[0], due=pending.effective_due), *plan[1:]]

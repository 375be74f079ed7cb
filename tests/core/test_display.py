"""Plain-text presentation both front ends share: when, how long, how much."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amtui.core.display import (
    client_local_time,
    clock_changes,
    countdown_changes,
    format_countdown,
    format_relative,
    format_span,
    format_when,
    passes,
    span_changes,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # Wednesday, 10:00 in Berlin


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime(2026, 11, 25, 14, 0, tzinfo=UTC), "today 15:00"),
        (datetime(2026, 11, 25, 23, 30, tzinfo=UTC), "tomorrow 00:30"),  # Berlin's day, not UTC's
        (date(2026, 11, 24), "yesterday"),
        (date(2026, 11, 27), "Fri"),
        (date(2026, 12, 2), "Wed 2 Dec"),
        (date(2026, 11, 2), "Mon 2 Nov"),
        (date(2027, 1, 4), "4 Jan 2027"),
    ],
)
def test_format_when_in_the_users_zone(value: date | datetime, shown: str) -> None:
    assert format_when(value, BERLIN, NOW) == shown


def _format_when_by_strftime(value: date | datetime, tz: ZoneInfo, now: datetime) -> str:
    """What format_when wrote through strftime before it indexed its own names (issue 9)."""
    today = now.astimezone(tz).date()
    if isinstance(value, datetime):
        local = value.astimezone(tz)
        day, clock = local.date(), f" {local:%H:%M}"
    else:
        day, clock = value, ""
    delta = (day - today).days
    labels = {0: "today", 1: "tomorrow", -1: "yesterday"}
    if delta in labels:
        label = labels[delta]
    elif 1 < delta < 7:
        label = f"{day:%a}"
    elif day.year == today.year:
        label = f"{day:%a} {day.day} {day:%b}"
    else:
        label = f"{day.day} {day:%b} {day.year}"
    return label + clock


@settings(max_examples=300)
@given(
    value=st.one_of(
        st.dates(min_value=date(1, 1, 2), max_value=date(9999, 12, 30)),
        st.datetimes(
            min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31), timezones=st.just(UTC)
        ),
    ),
    now=st.datetimes(
        min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(["Europe/Berlin", "Pacific/Kiritimati", "America/St_Johns", "UTC"]),
)
def test_format_when_writes_what_strftime_wrote(
    value: date | datetime, now: datetime, zone: str
) -> None:
    tz = ZoneInfo(zone)
    assert format_when(value, tz, now) == _format_when_by_strftime(value, tz, now)


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(seconds=45), "45s"),
        (timedelta(minutes=12), "12m"),
        (timedelta(hours=3, minutes=5), "3h 05m"),
        (timedelta(days=2, hours=4), "2d 4h"),
        (timedelta(days=3), "3d"),
        (timedelta(days=21), "3w"),
        (-timedelta(minutes=12), "12m"),
    ],
)
def test_format_span(delta: timedelta, shown: str) -> None:
    assert format_span(delta) == shown


def test_relative_and_countdown() -> None:
    assert format_relative(NOW + timedelta(minutes=12), NOW) == "in 12m"
    assert format_relative(NOW - timedelta(minutes=12), NOW) == "12m ago"
    assert format_countdown(NOW + timedelta(minutes=14, seconds=32), NOW) == "14:32 left"
    assert format_countdown(NOW + timedelta(hours=2, minutes=5), NOW) == "2h 05m left"
    assert format_countdown(NOW - timedelta(minutes=3), NOW) == "late 3m"


def test_client_local_time() -> None:
    assert client_local_time(ZoneInfo("Asia/Tokyo"), NOW) == "Wed 18:00 (UTC+09:00)"
    assert client_local_time(ZoneInfo("America/St_Johns"), NOW) == "Wed 05:30 (UTC-03:30)"


def test_format_when_near_now_writes_what_strftime_wrote() -> None:
    # Every day of two years around NOW, all-day and at a time, in a zone far from UTC.
    tz = ZoneInfo("Pacific/Kiritimati")
    for days in range(-400, 400):
        for value in (NOW.date() + timedelta(days=days), NOW + timedelta(days=days, minutes=47)):
            assert format_when(value, tz, NOW) == _format_when_by_strftime(value, tz, NOW)


# --- when a shown span or countdown may next change -------------------------------------------

MICROSECOND = timedelta(microseconds=1)
#: Anchors up to 40 days either side of NOW, to the microsecond (the weeks' wording included).
OFFSETS = st.timedeltas(min_value=-timedelta(days=40), max_value=timedelta(days=40))
FRACTIONS = st.floats(min_value=0, max_value=1, exclude_max=True)


def span_words(anchor: datetime, now: datetime) -> str:
    return format_span(now - anchor)


@pytest.mark.parametrize(
    ("words", "changes"), [(span_words, span_changes), (format_countdown, countdown_changes)]
)
@given(offset=OFFSETS, fraction=FRACTIONS)
def test_a_span_or_countdown_reads_the_same_until_the_moment_it_may_change(
    words: Callable[[datetime, datetime], str],
    changes: Callable[[datetime, datetime], datetime],
    offset: timedelta,
    fraction: float,
) -> None:
    anchor = NOW + offset
    turn = changes(anchor, NOW)
    assert turn > NOW
    last = turn - MICROSECOND
    between = min(NOW + (turn - NOW) * fraction, last)
    assert {words(anchor, moment) for moment in (NOW, between, last)} == {words(anchor, NOW)}


@pytest.mark.parametrize(
    ("anchor", "turn"),
    [
        # Seconds while they show: "12:04 left", "late 45s", "received 45s".
        (NOW + timedelta(minutes=12, seconds=4, microseconds=500), NOW + 501 * MICROSECOND),
        (NOW - timedelta(seconds=45, microseconds=200), NOW + timedelta(microseconds=999_800)),
        # Minutes at the anchor's own second: "late 3m" turns "late 4m" 40 s from now.
        (NOW - timedelta(minutes=3, seconds=20), NOW + timedelta(seconds=40)),
        # Hours past a day: "2d 4h".
        (NOW - timedelta(days=2, hours=4, minutes=10), NOW + timedelta(minutes=50)),
    ],
)
def test_the_next_change_is_the_next_turn_of_the_unit_shown(
    anchor: datetime, turn: datetime
) -> None:
    assert countdown_changes(anchor, NOW) == turn


def test_an_hour_left_turns_into_seconds_just_after_the_hour() -> None:
    deadline = NOW + timedelta(hours=1, minutes=1)
    turn = countdown_changes(deadline, NOW)  # "1h 01m left" until just after 1h 01m left
    assert turn == NOW + MICROSECOND
    again = countdown_changes(deadline, turn)
    assert again == deadline - timedelta(hours=1) + MICROSECOND  # then "59:59 left"
    assert format_countdown(deadline, again - MICROSECOND) == "1h 00m left"
    assert format_countdown(deadline, again) == "59:59 left"


def test_a_deadline_passes_just_after_it_and_the_clock_at_the_next_minute() -> None:
    assert passes(NOW, NOW) == NOW + MICROSECOND
    assert passes(NOW - MICROSECOND, NOW) is None
    assert clock_changes(NOW + timedelta(seconds=59, microseconds=9)) == NOW + timedelta(minutes=1)

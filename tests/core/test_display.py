"""Plain-text presentation both front ends share: when, how long, how much."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amtui.core.display import (
    client_local_time,
    format_countdown,
    format_relative,
    format_span,
    format_when,
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

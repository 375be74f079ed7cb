"""Plain-text presentation both front ends share: when, how long, how much."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

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

"""Tests for amtui.core.dates: every accepted form, the errors, DST and zones.

The clock is pinned: NOW is Wednesday 2026-11-25 12:00 UTC (13:00 in Berlin). No test reads the
real clock, so none depends on the day it runs.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amtui.core.dates import (
    WEEKDAYS_MON_FRI,
    DateParseError,
    UnknownZoneError,
    add_business_days,
    day_bounds,
    ensure_aware,
    format_due,
    local_today,
    localize,
    parse_when,
    to_utc,
    zone_from_name,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
MOSCOW = ZoneInfo("Europe/Moscow")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # Wednesday


def when(text: str, now: datetime = NOW, tz: tzinfo = BERLIN, **kwargs: Any) -> date | datetime:
    return parse_when(text, now=now, tz=tz, **kwargs)


def at(day: date, tz: tzinfo = BERLIN) -> datetime:
    """Noon on `day` in `tz`: a pinned `now` for tests that need another day."""
    return datetime.combine(day, time(12), tzinfo=tz)


def wall(value: object) -> tuple[datetime, str]:
    """A timed result as (naive wall time, zone name), so tests compare what a user sees."""
    assert isinstance(value, datetime)
    assert value.tzinfo is not None and value.utcoffset() is not None
    return value.replace(tzinfo=None), str(value.tzinfo)


def d(text: str) -> date:
    return date.fromisoformat(text)


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- all-day forms -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", "2026-12-01"),
        ("1/12", "2026-12-01"),
        ("01/12/2026", "2026-12-01"),
        ("1.12.2026", "2026-12-01"),
        ("1.12", "2026-12-01"),
        ("3 dec", "2026-12-03"),
        ("dec 3", "2026-12-03"),
        ("3 december 2026", "2026-12-03"),
        ("december 3 2026", "2026-12-03"),
        ("dec 3, 2026", "2026-12-03"),
        ("3 Dec 2027", "2027-12-03"),
        ("1 jan", "2027-01-01"),  # no year: the nearest 1 January (see test_yearless_*)
        ("12-01", "2026-12-01"),  # ISO order without the year: month first
        ("today", "2026-11-25"),
        ("tomorrow", "2026-11-26"),
        ("yesterday", "2026-11-24"),
        ("eod", "2026-11-25"),
        ("eow", "2026-11-27"),
        ("eom", "2026-11-30"),
        ("eoq", "2026-12-31"),
        ("sow", "2026-11-23"),
        ("som", "2026-11-01"),
        ("+3d", "2026-11-28"),
        ("-2d", "2026-11-23"),
        ("+2w", "2026-12-09"),
        ("-1w", "2026-11-18"),
        ("+1m", "2026-12-25"),
        ("+1y", "2027-11-25"),
        ("+5b", "2026-12-02"),
        ("-3b", "2026-11-20"),
        ("+0d", "2026-11-25"),
        ("+0b", "2026-11-25"),
        ("in 3 days", "2026-11-28"),
        ("in 1 day", "2026-11-26"),
        ("in 2 weeks", "2026-12-09"),
        ("in 1 month", "2026-12-25"),
        ("in 1 year", "2027-11-25"),
        ("in 5 business days", "2026-12-02"),
        ("in 1 business day", "2026-11-26"),
        ("  TOMORROW  ", "2026-11-26"),
        ("In   3   Days", "2026-11-28"),
        ("Friday", "2026-11-27"),
        ("\tnext  MON\n", "2026-11-30"),
    ],
)
def test_all_day_forms_return_dates(text: str, expected: str) -> None:
    result = when(text)
    assert type(result) is date
    assert result == d(expected)


# --- timed forms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fri 15:00", "2026-11-27 15:00"),
        ("tomorrow 3pm", "2026-11-26 15:00"),
        ("tomorrow at 3pm", "2026-11-26 15:00"),
        ("2026-12-01 9:30", "2026-12-01 09:30"),
        ("2026-12-01 15:00", "2026-12-01 15:00"),
        ("2026-12-01T15:00", "2026-12-01 15:00"),
        ("2026-12-01 15:00:30", "2026-12-01 15:00:30"),
        ("+2d 10:00", "2026-11-27 10:00"),
        ("in 3 days 10:00", "2026-11-28 10:00"),
        ("3 dec 9am", "2026-12-03 09:00"),
        ("dec 3, 2026 at noon", "2026-12-03 12:00"),
        ("1/12 17:45", "2026-12-01 17:45"),
        ("next mon 9am", "2026-11-30 09:00"),
        ("15:00", "2026-11-25 15:00"),
        ("9:30", "2026-11-25 09:30"),
        ("3pm", "2026-11-25 15:00"),
        ("3 pm", "2026-11-25 15:00"),
        ("3:30pm", "2026-11-25 15:30"),
        ("3:30 PM", "2026-11-25 15:30"),
        ("at 3pm", "2026-11-25 15:00"),
        ("noon", "2026-11-25 12:00"),
        ("midnight", "2026-11-25 00:00"),
        ("tomorrow midnight", "2026-11-26 00:00"),
        ("12am", "2026-11-25 00:00"),
        ("12:30am", "2026-11-25 00:30"),
        ("12pm", "2026-11-25 12:00"),
        ("11:59pm", "2026-11-25 23:59"),
        ("0:00", "2026-11-25 00:00"),
        ("23:59", "2026-11-25 23:59"),
    ],
)
def test_timed_forms_return_aware_wall_times_in_the_user_zone(text: str, expected: str) -> None:
    assert wall(when(text)) == (dt(expected), "Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "instant", "offset_hours"),
    [
        ("2026-12-01T15:00+03:00", "2026-12-01T12:00Z", 3),
        ("2026-12-01 15:00-05:00", "2026-12-01T20:00Z", -5),
        ("2026-12-01T15:00Z", "2026-12-01T15:00Z", 0),
        ("2026-12-01t15:00:30z", "2026-12-01T15:00:30Z", 0),
    ],
)
def test_an_explicit_offset_wins_over_the_user_zone(
    text: str, instant: str, offset_hours: int
) -> None:
    result = when(text)
    assert isinstance(result, datetime)
    assert result == dt(instant)
    assert result.utcoffset() == timedelta(hours=offset_hours)


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("now", timedelta(0)),
        ("+4h", timedelta(hours=4)),
        ("-2h", timedelta(hours=-2)),
        ("+30min", timedelta(minutes=30)),
        ("+30mins", timedelta(minutes=30)),
        ("in 4 hours", timedelta(hours=4)),
        ("in 1 hour", timedelta(hours=1)),
        ("in 30 minutes", timedelta(minutes=30)),
        ("in 1 minute", timedelta(minutes=1)),
    ],
)
def test_now_and_hour_minute_offsets_are_exact_instants(text: str, delta: timedelta) -> None:
    result = when(text)
    assert isinstance(result, datetime)
    assert result - NOW == delta
    assert result.tzinfo is BERLIN


# --- weekdays ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fri", "2026-11-27"),
        ("next fri", "2026-12-04"),
        ("mon", "2026-11-30"),
        ("next mon", "2026-11-30"),
        ("wed", "2026-12-02"),  # never today: the next such day
        ("this fri", "2026-11-27"),
        ("this mon", "2026-11-23"),  # this week's, even if past
        ("this sunday", "2026-11-29"),
        ("next sun", "2026-12-06"),
    ],
)
def test_weekdays_on_a_wednesday(text: str, expected: str) -> None:
    assert when(text) == d(expected)


# (today, `fri`, `next fri`, `this fri`) for every day of the week of 2026-11-23.
FRIDAYS = [
    ("2026-11-23", "2026-11-27", "2026-12-04", "2026-11-27"),
    ("2026-11-24", "2026-11-27", "2026-12-04", "2026-11-27"),
    ("2026-11-25", "2026-11-27", "2026-12-04", "2026-11-27"),
    ("2026-11-26", "2026-11-27", "2026-12-04", "2026-11-27"),
    ("2026-11-27", "2026-12-04", "2026-12-04", "2026-11-27"),
    ("2026-11-28", "2026-12-04", "2026-12-04", "2026-11-27"),
    ("2026-11-29", "2026-12-04", "2026-12-04", "2026-11-27"),
]


@pytest.mark.parametrize(("today", "fri", "next_fri", "this_fri"), FRIDAYS)
def test_friday_forms_from_each_day_of_the_week(
    today: str, fri: str, next_fri: str, this_fri: str
) -> None:
    now = at(d(today))
    assert when("fri", now) == when("friday", now) == d(fri)
    assert when("next fri", now) == d(next_fri)
    assert when("this fri", now) == d(this_fri)


WEEK = [d("2026-11-23") + timedelta(days=i) for i in range(7)]
NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@pytest.mark.parametrize("today", WEEK, ids=[f"from-{n[:3]}" for n in NAMES])
@pytest.mark.parametrize("weekday", range(7), ids=NAMES)
def test_weekday_rules_hold_from_every_day(today: date, weekday: int) -> None:
    now, name = at(today), NAMES[weekday]
    monday = today - timedelta(days=today.weekday())
    plain = when(name, now)
    assert plain == when(name[:3], now)
    assert isinstance(plain, date)
    assert plain.weekday() == weekday
    assert 1 <= (plain - today).days <= 7
    assert when(f"next {name[:3]}", now) == monday + timedelta(days=7 + weekday)
    assert when(f"this {name}", now) == monday + timedelta(days=weekday)


# --- anchors and month arithmetic ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        ("2026-11-28", "eow", "2026-11-27"),  # Saturday: this week's last working day has passed
        ("2026-11-23", "eow", "2026-11-27"),
        ("2026-11-29", "sow", "2026-11-23"),
        ("2028-02-10", "eom", "2028-02-29"),
        ("2026-02-10", "eom", "2026-02-28"),
        ("2026-12-31", "eom", "2026-12-31"),
        ("2026-11-30", "som", "2026-11-01"),
        ("2026-01-01", "eoq", "2026-03-31"),
        ("2026-02-14", "eoq", "2026-03-31"),
        ("2026-03-31", "eoq", "2026-03-31"),
        ("2026-04-01", "eoq", "2026-06-30"),
        ("2026-05-20", "eoq", "2026-06-30"),
        ("2026-08-09", "eoq", "2026-09-30"),
        ("2026-10-01", "eoq", "2026-12-31"),
        ("2026-12-31", "eoq", "2026-12-31"),
    ],
)
def test_anchors(today: str, text: str, expected: str) -> None:
    assert when(text, at(d(today))) == d(expected)


def test_eow_follows_the_configured_workdays() -> None:
    assert when("eow", workdays=frozenset({0, 1, 2, 3})) == d("2026-11-26")
    assert when("eow", workdays=frozenset(range(7))) == d("2026-11-29")


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        ("2026-01-31", "+1m", "2026-02-28"),
        ("2028-01-31", "+1m", "2028-02-29"),
        ("2026-01-31", "+2m", "2026-03-31"),  # counted from the 31st again: no drift
        ("2026-01-31", "in 1 month", "2026-02-28"),
        ("2026-03-31", "-1m", "2026-02-28"),
        ("2028-03-31", "-1m", "2028-02-29"),
        ("2028-02-29", "+1y", "2029-02-28"),
        ("2026-12-15", "+1m", "2027-01-15"),
        ("2026-01-15", "-1m", "2025-12-15"),
    ],
)
def test_month_and_year_offsets_clamp_to_month_end(today: str, text: str, expected: str) -> None:
    assert when(text, at(d(today))) == d(expected)


# --- business days -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-11-27", 1, "2026-11-30"),  # Fri -> Mon
        ("2026-11-27", 0, "2026-11-27"),
        ("2026-11-28", 0, "2026-11-28"),  # 0 keeps a weekend day
        ("2026-11-28", 1, "2026-11-30"),  # Sat -> Mon
        ("2026-11-29", 1, "2026-11-30"),  # Sun -> Mon
        ("2026-11-30", -1, "2026-11-27"),  # Mon -> Fri
        ("2026-11-28", -1, "2026-11-27"),  # Sat -> Fri
        ("2026-11-29", -1, "2026-11-27"),  # Sun -> Fri
        ("2026-11-25", 5, "2026-12-02"),
        ("2026-11-25", -5, "2026-11-18"),
        ("2026-11-25", 10, "2026-12-09"),
        ("2026-11-27", 6, "2026-12-07"),
        ("2026-11-28", 5, "2026-12-04"),
        ("2026-11-28", -5, "2026-11-23"),
    ],
)
def test_add_business_days_skips_weekends_both_ways(start: str, n: int, expected: str) -> None:
    assert add_business_days(d(start), n) == d(expected)


def test_business_days_follow_custom_workdays() -> None:
    sun_to_thu = frozenset({6, 0, 1, 2, 3})
    assert add_business_days(d("2026-11-26"), 1, sun_to_thu) == d("2026-11-29")
    assert add_business_days(d("2026-11-29"), -1, sun_to_thu) == d("2026-11-26")
    assert when("+1b", at(d("2026-11-26")), workdays=sun_to_thu) == d("2026-11-29")
    with pytest.raises(ValueError, match="workdays"):
        add_business_days(d("2026-11-26"), 1, frozenset())
    with pytest.raises(ValueError, match="workdays"):
        when("today", workdays=frozenset({7}))


def _step_business_days(day: date, n: int, workdays: frozenset[int]) -> date:
    step = 1 if n > 0 else -1
    for _ in range(abs(n)):
        day += timedelta(days=step)
        while day.weekday() not in workdays:
            day += timedelta(days=step)
    return day


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    n=st.integers(-60, 60),
    workdays=st.frozensets(st.integers(0, 6), min_size=1),
)
def test_add_business_days_matches_day_by_day_stepping(
    day: date, n: int, workdays: frozenset[int]
) -> None:
    assert add_business_days(day, n, workdays) == _step_business_days(day, n, workdays)


# --- numeric dates and date order ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dmy", "mdy"),
    [
        ("1/12", "2026-12-01", "2027-01-12"),  # no year: the nearest such day
        ("01/12/2026", "2026-12-01", "2026-01-12"),
        ("5.6.2027", "2027-06-05", "2027-05-06"),
        ("12/12", "2026-12-12", "2026-12-12"),
    ],
)
def test_numeric_dates_follow_the_configured_order(text: str, dmy: str, mdy: str) -> None:
    assert when(text, date_order="dmy") == d(dmy)
    assert when(text, date_order="mdy") == d(mdy)


def test_numeric_dates_reject_what_the_order_makes_impossible() -> None:
    assert when("12/31/2026", date_order="mdy") == d("2026-12-31")
    with pytest.raises(DateParseError, match="2026-31-12 is not a calendar date"):
        when("12/31/2026", date_order="dmy")


def test_unknown_date_order_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="date_order") as info:
        when("1/12", date_order="ymd")
    assert not isinstance(info.value, DateParseError)


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("+3", "needs a unit"),
        ("+3x", "unknown unit 'x'"),
        ("+1.5d", "is not a date or time"),
        ("frii", "'frii' is not a date or time"),
        ("tues", "is not a date or time"),
        ("fri 15:00 extra", "unexpected 'extra'"),
        ("fri extra", "'extra' is not a time"),
        ("tomorrow tomorrow", "is not a time"),
        ("31/02/2026", "2026-02-31 is not a calendar date"),
        ("29/02/2026", "2026-02-29 is not a calendar date"),
        ("2026-02-30", "2026-02-30 is not a calendar date"),
        ("2026-12-01T25:00", "is not a valid date and time"),
        ("31 apr", "2026-04-31 is not a calendar date"),
        ("1/12/26", "4 digits"),
        ("1/12.2026", "is not a date or time"),
        ("9.30", "not a calendar date"),
        ("24:00", "hours run 0-23"),
        ("12:60", "minutes 0-59"),
        ("fri 9:5", "is not a time"),
        ("13pm", "12-hour"),
        ("0am", "12-hour"),
        ("3:60pm", "12-hour"),
        ("now 15:00", "'now'"),
        ("+4h 10:00", "hour or minute offset"),
        ("in 30 minutes 10:00", "hour or minute offset"),
        ("in 3 days days", "is not a time"),
        ("next", "must be followed by a weekday"),
        ("next week", "must be followed by a weekday"),
        ("this frii", "must be followed by a weekday"),
        ("in", "number and a unit"),
        ("in three days", "number and a unit"),
        ("in 3", "unknown unit ''"),
        ("in 3 fortnights", "unknown unit 'fortnights'"),
        ("in -3 days", "number and a unit"),
        ("dec", "needs a day"),
        ("dec 3,", "needs a day"),
        ("3 dec 26", "'26' is not a time"),
        ("3", "is not a date or time"),
        ("fri at", "'at' must be followed by a time"),
        ("\u0663 dec", "is not a date or time"),  # Arabic-Indic digit three: ASCII digits only
        ("UTC", "is not a date or time"),
        ("mon 10:00 Mars/Olympus", "unexpected 'mars/olympus' after the time"),
        ("2026-12-01T15:00+03:00 Asia/Tokyo", "either an explicit offset or a zone"),
        ("fri 15:00 Europe/Berlin Asia/Tokyo", "unexpected 'europe/berlin'"),
        ("+99999y", "from 1900 to 2999"),
        ("+99999999999999b", "from 1900 to 2999"),
        ("+99999999999999h", "from 1900 to 2999"),
        ("+" + "9" * 5000 + "d", "from 1900 to 2999"),
    ],
)
def test_rejected_text_says_why_and_what_is_accepted(text: str, reason: str) -> None:
    with pytest.raises(DateParseError) as info:
        when(text)
    message = str(info.value)
    assert reason in info.value.reason
    assert len(message.splitlines()) == 1
    assert "accepted:" in message
    for example in ("2026-12-01", "tomorrow at 3pm", "next mon", "+3d", "America/New_York"):
        assert example in message


def test_error_message_shows_the_input_escaped_and_shortened() -> None:
    with pytest.raises(DateParseError) as info:
        when("fri\x1b[31m 15:00" + " x" * 100)
    message = str(info.value)
    assert "\x1b" not in message
    assert "\\x1b" in message
    assert "..." in message
    assert len(message.splitlines()) == 1


def test_date_parse_error_is_a_value_error_and_pickles() -> None:
    with pytest.raises(ValueError) as info:
        when("frii")
    error = info.value
    assert isinstance(error, DateParseError)
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error)
    assert (copy.text, copy.reason) == ("frii", error.reason)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="naive datetime refused"):
        when("today", now=datetime(2026, 11, 25, 12, 0))


# --- zones ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "zone"),
    [
        ("mon 10:00 America/New_York", "2026-11-30 10:00", "America/New_York"),
        ("mon 10:00 america/new_york", "2026-11-30 10:00", "America/New_York"),
        ("tomorrow 9am Asia/Tokyo", "2026-11-26 09:00", "Asia/Tokyo"),
        ("fri 15:00 UTC", "2026-11-27 15:00", "UTC"),
        ("fri 15:00 utc", "2026-11-27 15:00", "UTC"),
        ("2026-12-01T15:00 Asia/Tokyo", "2026-12-01 15:00", "Asia/Tokyo"),
        ("15:00 Asia/Tokyo", "2026-11-25 15:00", "Asia/Tokyo"),
        ("now America/New_York", "2026-11-25 07:00", "America/New_York"),
        ("+4h Asia/Tokyo", "2026-11-26 01:00", "Asia/Tokyo"),
    ],
)
def test_a_trailing_zone_sets_the_wall_clock(text: str, expected: str, zone: str) -> None:
    assert wall(when(text)) == (dt(expected), zone)


def test_zones_mapping_names_client_zones() -> None:
    zones = {"client": TOKYO, "HQ": NEW_YORK}
    assert wall(when("fri 15:00 client", zones=zones)) == (dt("2026-11-27 15:00"), "Asia/Tokyo")
    assert wall(when("fri 15:00 CLIENT", zones=zones)) == (dt("2026-11-27 15:00"), "Asia/Tokyo")
    assert wall(when("tomorrow 9am hq", zones=zones)) == (
        dt("2026-11-26 09:00"),
        "America/New_York",
    )
    with pytest.raises(DateParseError):
        when("fri 15:00 client")  # no mapping given: not a zone


def test_a_zone_after_a_date_changes_what_today_is() -> None:
    now = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)  # Sat 02:30 in Moscow, Fri 15:30 in LA
    assert when("today", now, MOSCOW) == d("2026-11-28")
    assert when("today America/Los_Angeles", now, MOSCOW) == d("2026-11-27")
    assert when("tomorrow America/Los_Angeles", now, MOSCOW) == d("2026-11-28")
    assert when("sat", now, MOSCOW) == d("2026-12-05")
    assert when("sat America/Los_Angeles", now, MOSCOW) == d("2026-11-28")
    assert wall(when("tomorrow 9am America/Los_Angeles", now, MOSCOW)) == (
        dt("2026-11-28 09:00"),
        "America/Los_Angeles",
    )
    assert local_today(now, MOSCOW) == d("2026-11-28")
    assert local_today(now, LOS_ANGELES) == d("2026-11-27")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("  America/New_York ", "America/New_York"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
    ],
)
def test_zone_from_name(name: str, key: str) -> None:
    assert zone_from_name(name) == ZoneInfo(key)


@pytest.mark.parametrize(
    "name", ["Mars/Olympus", "", "America", "localtime", "../etc/passwd", "/etc/localtime", "a\0b"]
)
def test_zone_from_name_rejects_unknown_names(name: str) -> None:
    with pytest.raises(UnknownZoneError) as info:
        zone_from_name(name)
    assert isinstance(info.value, ValueError)
    assert len(str(info.value).splitlines()) == 1
    assert "Europe/Berlin" in str(info.value)


def test_every_zone_of_this_system_has_the_shape_of_a_zone_name() -> None:
    """The shape check that spares most words the zone index never turns a real zone away."""
    from zoneinfo import available_timezones

    from amtui.core.dates import _ZONE_SHAPE

    assert all(_ZONE_SHAPE.fullmatch(name) for name in available_timezones())


def test_words_that_cannot_be_zones_never_read_the_zone_index() -> None:
    """A quick-add tries each word after `due:` as a trailing zone (`due:fri 15:00
    client:Granel +x @copywriter`): those words must not make it read the whole tz database."""
    code = """
from datetime import UTC, datetime
from zoneinfo import ZoneInfo
from amtui.core.dates import DateParseError, _zone_names, parse_when
now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
for text in ("fri 15:00 client:Granel", "fri 15:00 +x", "fri 15:00 @copywriter", "fri 15:00 12:00"):
    try:
        parse_when(text, now=now, tz=ZoneInfo("Europe/Berlin"))
    except DateParseError:
        pass
    else:
        raise SystemExit(f"{text!r} read as a date")
print(_zone_names.cache_info().currsize)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"


# --- DST -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "naive", "expected_wall", "expected_utc"),
    [
        # nonexistent (spring forward): moved forward by the gap
        (BERLIN, "2026-03-29 02:30", "2026-03-29 03:30", "2026-03-29T01:30Z"),
        (NEW_YORK, "2026-03-08 02:30", "2026-03-08 03:30", "2026-03-08T07:30Z"),
        # repeated (fall back): the first, earlier occurrence
        (BERLIN, "2026-10-25 02:30", "2026-10-25 02:30", "2026-10-25T00:30Z"),
        (NEW_YORK, "2026-11-01 01:30", "2026-11-01 01:30", "2026-11-01T05:30Z"),
        # ordinary times on DST days are untouched
        (BERLIN, "2026-03-29 01:59", "2026-03-29 01:59", "2026-03-29T00:59Z"),
        (BERLIN, "2026-03-29 03:00", "2026-03-29 03:00", "2026-03-29T01:00Z"),
        (BERLIN, "2026-10-25 03:00", "2026-10-25 03:00", "2026-10-25T02:00Z"),
    ],
)
def test_localize_resolves_dst_deterministically(
    zone: ZoneInfo, naive: str, expected_wall: str, expected_utc: str
) -> None:
    result = localize(dt(naive), zone)
    assert result.replace(tzinfo=None) == dt(expected_wall)
    assert to_utc(result) == dt(expected_utc)
    assert result.fold == 0
    assert to_utc(result).astimezone(zone) == result  # stable round trip


@given(
    naive=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)),
    zone=st.sampled_from([BERLIN, NEW_YORK, TOKYO, ZoneInfo("Australia/Lord_Howe"), UTC]),
)
def test_localize_round_trips_and_only_moves_gap_times_forward(
    naive: datetime, zone: tzinfo
) -> None:
    result = localize(naive, zone)
    back = to_utc(result).astimezone(zone)
    assert back.replace(tzinfo=None) == result.replace(tzinfo=None)
    shift = result.replace(tzinfo=None) - naive
    assert timedelta(0) <= shift <= timedelta(hours=1)
    if shift:  # a gap: no instant shows this wall time
        first = naive.replace(tzinfo=zone, fold=0)
        assert to_utc(first).astimezone(zone).replace(tzinfo=None) != naive
    else:  # the earliest instant that shows this wall time
        assert to_utc(result) <= to_utc(naive.replace(tzinfo=zone, fold=1))


def test_localize_refuses_aware_input() -> None:
    with pytest.raises(ValueError, match="naive"):
        localize(NOW, BERLIN)


@pytest.mark.parametrize(
    ("zone", "text", "expected_wall", "expected_utc"),
    [
        (BERLIN, "2026-03-29 02:30", "2026-03-29 03:30", "2026-03-29T01:30Z"),
        (BERLIN, "2026-10-25 2:30am", "2026-10-25 02:30", "2026-10-25T00:30Z"),
        (NEW_YORK, "2026-03-08 2:30am", "2026-03-08 03:30", "2026-03-08T07:30Z"),
        (NEW_YORK, "2026-11-01 01:30", "2026-11-01 01:30", "2026-11-01T05:30Z"),
    ],
)
def test_parsed_times_on_dst_days(
    zone: ZoneInfo, text: str, expected_wall: str, expected_utc: str
) -> None:
    result = when(text, tz=zone)
    assert isinstance(result, datetime)
    assert wall(result) == (dt(expected_wall), str(zone))
    # to_utc, not ==: PEP 495 makes a repeated wall time unequal to every other zone's datetime.
    assert to_utc(result) == dt(expected_utc)


@pytest.mark.parametrize(
    ("zone", "now", "expected_wall"),
    [
        (BERLIN, "2026-03-29T00:30Z", "2026-03-29 06:30"),  # 01:30 CET + 4h = 06:30 CEST
        (BERLIN, "2026-10-25T00:00Z", "2026-10-25 05:00"),  # 02:00 CEST + 4h = 05:00 CET
        (NEW_YORK, "2026-03-08T06:30Z", "2026-03-08 06:30"),  # 01:30 EST + 4h = 06:30 EDT
        (NEW_YORK, "2026-11-01T04:30Z", "2026-11-01 03:30"),  # 00:30 EDT + 4h = 03:30 EST
    ],
)
def test_hour_offsets_across_dst_are_exact_elapsed_time(
    zone: ZoneInfo, now: str, expected_wall: str
) -> None:
    start = dt(now)
    result = when("+4h", start, zone)
    assert isinstance(result, datetime)
    assert result - start == timedelta(hours=4)
    assert to_utc(result) - to_utc(start) == timedelta(hours=4)
    assert wall(result) == (dt(expected_wall), str(zone))
    assert when("in 240 minutes", start, zone) == result


@pytest.mark.parametrize(
    ("zone", "now", "expected_utc"),
    [
        (BERLIN, "2026-03-28T12:00Z", "2026-03-29T07:00Z"),
        (BERLIN, "2026-10-24T12:00Z", "2026-10-25T08:00Z"),
        (NEW_YORK, "2026-03-07T17:00Z", "2026-03-08T13:00Z"),
        (NEW_YORK, "2026-10-31T17:00Z", "2026-11-01T14:00Z"),
    ],
)
def test_tomorrow_9am_across_dst_keeps_the_wall_time(
    zone: ZoneInfo, now: str, expected_utc: str
) -> None:
    result = when("tomorrow 9am", dt(now), zone)
    assert result == dt(expected_utc)
    assert isinstance(result, datetime)
    assert result.astimezone(zone).time() == time(9)


@pytest.mark.parametrize(
    ("zone", "day", "start", "hours"),
    [
        (BERLIN, "2026-03-29", "2026-03-28T23:00Z", 23),
        (BERLIN, "2026-10-25", "2026-10-24T22:00Z", 25),
        (BERLIN, "2026-11-25", "2026-11-24T23:00Z", 24),
        (NEW_YORK, "2026-03-08", "2026-03-08T05:00Z", 23),
        (NEW_YORK, "2026-11-01", "2026-11-01T04:00Z", 25),
        (ZoneInfo("America/Havana"), "2026-03-08", "2026-03-08T05:00Z", 23),  # no 00:00 that day
        (UTC, "2026-11-25", "2026-11-25T00:00Z", 24),
    ],
)
def test_day_bounds(zone: tzinfo, day: str, start: str, hours: int) -> None:
    lo, hi = day_bounds(d(day), zone)
    assert lo == dt(start)
    assert hi - lo == timedelta(hours=hours)
    assert lo.tzinfo is UTC and hi.tzinfo is UTC


# --- small helpers -------------------------------------------------------------------------------


def test_ensure_aware_and_to_utc() -> None:
    aware = datetime(2026, 11, 25, 13, 0, tzinfo=BERLIN)
    assert ensure_aware(aware) is aware
    assert to_utc(aware) == NOW
    assert to_utc(aware).tzinfo is UTC
    for call in (ensure_aware, to_utc):
        with pytest.raises(ValueError, match="naive datetime refused: 2026-11-25T13:00:00"):
            call(datetime(2026, 11, 25, 13, 0))


@pytest.mark.parametrize(
    ("value", "zone", "expected"),
    [
        (date(2026, 11, 27), BERLIN, "Fri 2026-11-27"),
        (datetime(2026, 11, 27, 15, 0, tzinfo=BERLIN), BERLIN, "Fri 2026-11-27 15:00"),
        (datetime(2026, 11, 27, 14, 0, tzinfo=UTC), BERLIN, "Fri 2026-11-27 15:00"),
        (datetime(2026, 11, 27, 15, 0, tzinfo=TOKYO), NEW_YORK, "Fri 2026-11-27 01:00"),
        (
            datetime(2026, 11, 29, 23, 30, tzinfo=timezone(timedelta(hours=-5))),
            UTC,
            "Mon 2026-11-30 04:30",
        ),
    ],
)
def test_format_due(value: date, zone: tzinfo, expected: str) -> None:
    assert format_due(value, zone) == expected


def test_format_due_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_due(datetime(2026, 11, 27, 15, 0), BERLIN)


def test_weekdays_constant() -> None:
    assert frozenset({0, 1, 2, 3, 4}) == WEEKDAYS_MON_FRI


def test_importing_dates_stays_light() -> None:
    code = (
        "import sys, amtui.core.dates; "
        "print(sorted({'textual', 'rich', 'typer', 'sqlmodel', 'sqlalchemy'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- properties ----------------------------------------------------------------------------------

ZONES = [UTC, BERLIN, NEW_YORK, TOKYO, ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Pacific/Niue")]

# Words and near-misses for the token-soup property (split at run time to keep it readable).
VOCABULARY = """
    today tomorrow yesterday now eod eow eom eoq sow som next this in at noon midnight
    fri friday mon dec december may business days day weeks hours minutes am pm
    +3d -2w +1m +1y +5b +4h +30min +0d +3 +3x 3pm 3:30pm 15:00 9:30 24:00 13pm
    1/12 1.12.2026 31/02/2026 2026-12-01 2026-12-01T15:00 2026-12-01T15:00Z Z
    3 12 2026 0 99 , UTC utc Asia/Tokyo America/New_York client Mars/Olympus
""".split()  # noqa: SIM905 (a word list reads better than 65 quoted items)


def _check_outcome(text: str, now: datetime, zone: tzinfo, order: str) -> None:
    try:
        result = parse_when(text, now=now, tz=zone, date_order=order, zones={"client": TOKYO})
    except DateParseError as error:
        assert len(str(error).splitlines()) == 1
        assert "accepted:" in str(error)
        return
    if isinstance(result, datetime):
        assert result.tzinfo is not None and result.utcoffset() is not None
    else:
        assert type(result) is date


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=40),
    now=st.datetimes(timezones=st.sampled_from(ZONES)),
    zone=st.sampled_from(ZONES),
    order=st.sampled_from(["dmy", "mdy"]),
)
def test_any_text_gives_a_result_or_a_date_parse_error(
    text: str, now: datetime, zone: tzinfo, order: str
) -> None:
    _check_outcome(text, now, zone, order)


@settings(max_examples=500, deadline=None)
@given(
    words=st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=5),
    now=st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(ZONES),
    order=st.sampled_from(["dmy", "mdy"]),
)
def test_any_mix_of_date_words_gives_a_result_or_a_date_parse_error(
    words: list[str], now: datetime, zone: tzinfo, order: str
) -> None:
    _check_outcome(" ".join(words), now, zone, order)


@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_iso_dates_round_trip(day: date) -> None:
    assert when(day.isoformat()) == day


@given(day=st.one_of(st.dates(max_value=date(1899, 12, 31)), st.dates(min_value=date(3000, 1, 1))))
def test_dates_outside_1900_to_2999_are_refused(day: date) -> None:
    with pytest.raises(DateParseError, match="from 1900 to 2999"):
        when(day.isoformat())


@given(
    moment=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    zone=st.sampled_from(ZONES),
)
def test_iso_date_times_round_trip(moment: datetime, zone: tzinfo) -> None:
    moment = moment.replace(microsecond=0)
    assert when(moment.isoformat(), tz=zone) == localize(moment, zone)
    aware = moment.replace(tzinfo=timezone(timedelta(hours=3)))
    assert when(aware.isoformat()) == aware


# --- a date without a year: the nearest one ------------------------------------------------------

DECEMBER = datetime(2026, 12, 28, 15, 0, tzinfo=UTC)  # planning in the last week of the year
JANUARY = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # logging what happened before the holidays
JUNE = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        (DECEMBER, "3 jan", "2027-01-03"),
        (DECEMBER, "jan 5", "2027-01-05"),
        (DECEMBER, "january 5", "2027-01-05"),
        (DECEMBER, "01-05", "2027-01-05"),
        (DECEMBER, "5/1", "2027-01-05"),
        (DECEMBER, "5.1", "2027-01-05"),
        (DECEMBER, "3 jan 10:00", "2027-01-03"),
        (DECEMBER, "jan 3, 2026", "2026-01-03"),  # a year given is a year kept
        (DECEMBER, "20 dec", "2026-12-20"),  # a week ago stays in this year
        (DECEMBER, "31 dec", "2026-12-31"),
        (DECEMBER, "1 jun", "2027-06-01"),  # 5 months ahead beats 7 months back
        (DECEMBER, "1 jul", "2026-07-01"),  # 6 months back beats 6 months ahead… by a day
        (JANUARY, "20 dec", "2026-12-20"),
        (JANUARY, "12-20", "2026-12-20"),
        (JANUARY, "20/12", "2026-12-20"),
        (JANUARY, "3 jan", "2027-01-03"),
        (JANUARY, "10 jan", "2027-01-10"),
        (JUNE, "3 jan", "2026-01-03"),
        (JUNE, "20 dec", "2025-12-20"),  # 177 days back is nearer than 188 ahead
        (JUNE, "14 dec", "2026-12-14"),  # 182 days either way: the future wins
    ],
)
def test_yearless_dates_are_the_nearest_such_day(now: datetime, text: str, expected: str) -> None:
    result = when(text, now=now, tz=UTC)
    day = result.date() if isinstance(result, datetime) else result
    assert day == d(expected)


def test_yearless_day_and_month_in_mdy_order() -> None:
    assert when("1/5", now=DECEMBER, tz=UTC, date_order="mdy") == d("2027-01-05")
    assert when("01-05", now=DECEMBER, tz=UTC, date_order="mdy") == d("2027-01-05")
    assert when("01-05", now=DECEMBER, tz=UTC, date_order="dmy") == d("2027-01-05")  # ISO order


def test_29_february_without_a_year_takes_the_nearest_leap_year() -> None:
    assert when("29 feb", now=datetime(2027, 12, 1, tzinfo=UTC), tz=UTC) == d("2028-02-29")
    assert when("29 feb", now=datetime(2025, 1, 10, tzinfo=UTC), tz=UTC) == d("2024-02-29")
    with pytest.raises(DateParseError, match="give the year"):
        when("29 feb", now=datetime(2026, 8, 1, tzinfo=UTC), tz=UTC)


@pytest.mark.parametrize("text", ["31 feb", "13-01", "00-10", "32 jan", "1-5", "1-05"])
def test_impossible_yearless_dates_are_refused(text: str) -> None:
    with pytest.raises(DateParseError):
        when(text, now=DECEMBER, tz=UTC)


@given(
    now=st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2998, 1, 1)),
    month=st.integers(1, 12),
    day=st.integers(1, 28),
)
def test_a_yearless_date_is_never_more_than_half_a_year_away(
    now: datetime, month: int, day: int
) -> None:
    today = now.date()
    result = when(f"{day} {date(2000, month, 1):%b}", now=now.replace(tzinfo=UTC), tz=UTC)
    assert isinstance(result, date)
    assert (result.month, result.day) == (month, day)
    assert abs((result - today).days) <= 184

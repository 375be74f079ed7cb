"""The JSON shapes' building blocks read exactly as the standard library writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import given
from hypothesis import strategies as st

from amtui.cli.serialize import iso

ZONES = sorted(available_timezones())
#: Zones whose offsets have seconds (Local Mean Time) or odd minutes, and fixed offsets down
#: to the microsecond, beside any zone of the system's database.
TIMEZONES: st.SearchStrategy[tzinfo] = st.one_of(
    st.sampled_from(
        ["Europe/Amsterdam", "Africa/Monrovia", "Asia/Kathmandu", "Australia/Lord_Howe"]
    ).map(ZoneInfo),
    st.sampled_from(ZONES).map(ZoneInfo),
    st.timedeltas(
        min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)
    ).map(timezone),
    st.just(UTC),
)
INSTANTS = st.datetimes(
    min_value=datetime(1800, 1, 2), max_value=datetime(9998, 12, 30), timezones=TIMEZONES
)


@given(value=INSTANTS, tz=TIMEZONES)
def test_iso_of_an_instant_is_isoformat_in_the_zone(value: datetime, tz: tzinfo) -> None:
    assert iso(value, tz) == value.astimezone(tz).isoformat(timespec="seconds")


@given(value=st.dates())
def test_iso_of_a_day_is_its_isoformat(value: date) -> None:
    assert iso(value, UTC) == value.isoformat()


def test_iso_of_nothing_is_none() -> None:
    assert iso(None, UTC) is None

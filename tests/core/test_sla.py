"""The lead rules as pure functions: working hours, response deadlines, the follow-up ladder.

Every instant is pinned; expected values were worked out by hand on a calendar (the weekday is
in each comment) and are stated in the client's local time, then compared as instants.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amtui.core.dates import to_utc
from amtui.core.errors import InputError
from amtui.core.models import Lead
from amtui.core.sla import (
    Deadline,
    Interval,
    LeadDeadlines,
    ResponseRule,
    WorkingHours,
    add_working_time,
    answer_due,
    deadline_due,
    deadlines_of,
    lead_deadlines,
    next_working_moment,
    parse_ladder,
    step_due,
    step_kind,
)

BERLIN = ZoneInfo("Europe/Berlin")
LONDON = ZoneInfo("Europe/London")
AUCKLAND = ZoneInfo("Pacific/Auckland")
NEW_YORK = ZoneInfo("America/New_York")
SINGAPORE = ZoneInfo("Asia/Singapore")
DUBAI = ZoneInfo("Asia/Dubai")
HOURS = WorkingHours()  # Mon–Fri 09:00–18:00
DEFAULT_LADDER = "1b,3d,1w,2w,1m,3m"


def at(zone: ZoneInfo, *parts: int) -> datetime:
    """A local wall-clock time in `zone` (never ambiguous in these tests)."""
    return datetime(*parts, tzinfo=zone)  # type: ignore[misc]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


# --- working hours -----------------------------------------------------------------------------


def test_default_working_hours() -> None:
    assert (HOURS.start, HOURS.end) == (time(9), time(18))
    assert HOURS.days == frozenset({0, 1, 2, 3, 4})
    assert HOURS.day_length == timedelta(hours=9)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(BERLIN, 2026, 11, 25, 10, 0), at(BERLIN, 2026, 11, 25, 10, 0)),  # Wed, inside
        (at(BERLIN, 2026, 11, 25, 9, 0), at(BERLIN, 2026, 11, 25, 9, 0)),  # opening is inside
        (at(BERLIN, 2026, 11, 25, 7, 45), at(BERLIN, 2026, 11, 25, 9, 0)),  # before opening
        (at(BERLIN, 2026, 11, 25, 18, 0), at(BERLIN, 2026, 11, 26, 9, 0)),  # closing is outside
        (at(BERLIN, 2026, 11, 25, 23, 59), at(BERLIN, 2026, 11, 26, 9, 0)),  # night
        (at(BERLIN, 2026, 11, 27, 18, 30), at(BERLIN, 2026, 11, 30, 9, 0)),  # Fri eve → Mon
        (at(BERLIN, 2026, 11, 28, 12, 0), at(BERLIN, 2026, 11, 30, 9, 0)),  # Sat → Mon
        (at(BERLIN, 2026, 11, 29, 23, 0), at(BERLIN, 2026, 11, 30, 9, 0)),  # Sun night → Mon
    ],
)
def test_next_working_moment(moment: datetime, expected: datetime) -> None:
    result = next_working_moment(moment, BERLIN, HOURS)
    assert result == expected
    assert result.tzinfo is UTC


def test_next_working_moment_is_counted_in_the_given_zone() -> None:
    # 09:00Z on Wed 25 Nov is 10:00 in Berlin (open) but 22:00 in Auckland (closed).
    moment = utc(2026, 11, 25, 9, 0)
    assert next_working_moment(moment, BERLIN, HOURS) == moment
    assert next_working_moment(moment, AUCKLAND, HOURS) == at(AUCKLAND, 2026, 11, 26, 9, 0)


def test_no_working_day_at_all_is_an_error() -> None:
    with pytest.raises(ValueError, match="no working day"):
        next_working_moment(utc(2026, 11, 25, 9), BERLIN, WorkingHours(days=frozenset()))


# --- the first response and the substantive answer ----------------------------------------------


@pytest.mark.parametrize(
    "received",
    [
        utc(2026, 11, 25, 9, 0),  # Wed mid-morning
        utc(2026, 11, 28, 2, 50),  # Sat night: the 15-minute clock runs around the clock
        utc(2026, 11, 25, 23, 50),  # across midnight
    ],
)
def test_first_response_is_due_fifteen_minutes_after_arrival(received: datetime) -> None:
    assert ResponseRule(15).due(received) == received + timedelta(minutes=15)
    assert ResponseRule(60).due(received) == received + timedelta(hours=1)


def test_first_response_due_is_utc_whatever_zone_it_arrived_in() -> None:
    received = at(AUCKLAND, 2026, 11, 26, 8, 0)
    due = ResponseRule(15).due(received)
    assert due.tzinfo is UTC
    assert due == utc(2026, 11, 25, 19, 15)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # In working hours: 15 minutes, as around the clock.
        (at(BERLIN, 2026, 11, 25, 10, 0), at(BERLIN, 2026, 11, 25, 10, 15)),
        # 17:55 Wednesday: 5 minutes that evening, 10 the next morning.
        (at(BERLIN, 2026, 11, 25, 17, 55), at(BERLIN, 2026, 11, 26, 9, 10)),
        # Saturday night: the clock starts on Monday at 09:00.
        (at(BERLIN, 2026, 11, 28, 3, 0), at(BERLIN, 2026, 11, 30, 9, 15)),
    ],
)
def test_first_response_counted_in_working_hours_when_configured(
    received: datetime, due: datetime
) -> None:
    rule = ResponseRule(15, HOURS, BERLIN)
    assert rule.due(received) == to_utc(due)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # Wed 10:00 → nine working hours later: Thu 10:00.
        (at(BERLIN, 2026, 11, 25, 10, 0), at(BERLIN, 2026, 11, 26, 10, 0)),
        # Exactly at opening: the same day's closing time.
        (at(BERLIN, 2026, 11, 25, 9, 0), at(BERLIN, 2026, 11, 25, 18, 0)),
        # Before opening: the working day starts at 09:00, so 18:00 the same day.
        (at(BERLIN, 2026, 11, 25, 6, 30), at(BERLIN, 2026, 11, 25, 18, 0)),
        # After closing: the whole of the next working day.
        (at(BERLIN, 2026, 11, 25, 20, 0), at(BERLIN, 2026, 11, 26, 18, 0)),
        # Fri 17:00: one hour on Friday, eight on Monday.
        (at(BERLIN, 2026, 11, 27, 17, 0), at(BERLIN, 2026, 11, 30, 17, 0)),
        # Fri 17:59:30 keeps its seconds: Mon 17:59:30.
        (at(BERLIN, 2026, 11, 27, 17, 59, 30), at(BERLIN, 2026, 11, 30, 17, 59, 30)),
        # Saturday and Sunday do not count: Monday's whole day.
        (at(BERLIN, 2026, 11, 28, 11, 0), at(BERLIN, 2026, 11, 30, 18, 0)),
        (at(BERLIN, 2026, 11, 29, 23, 0), at(BERLIN, 2026, 11, 30, 18, 0)),
        # Across New Year's Eve (a Thursday; public holidays are not modelled).
        (at(BERLIN, 2026, 12, 31, 15, 0), at(BERLIN, 2027, 1, 1, 15, 0)),
    ],
)
def test_answer_is_due_one_working_day_after_arrival(
    received: datetime, expected: datetime
) -> None:
    due = answer_due(received, BERLIN, HOURS)
    assert due == expected
    assert due.tzinfo is UTC


def test_answer_across_a_dst_weekend_keeps_the_wall_clock() -> None:
    # Fri 27 Mar 2026 12:00 CET; Berlin springs forward on Sun 29 Mar. Working time only
    # counts on working days, so the answer is due Mon 12:00 CEST (10:00Z, not 11:00Z).
    due = answer_due(at(BERLIN, 2026, 3, 27, 12, 0), BERLIN, HOURS)
    assert due == at(BERLIN, 2026, 3, 30, 12, 0)
    assert due == utc(2026, 3, 30, 10, 0)


def test_answer_for_clients_half_a_day_apart_auckland_and_london() -> None:
    # One lead instant, Wed 25 Nov 09:00Z: in London it is 09:00 (a full day ahead, due 18:00
    # the same day); in Auckland (NZDT, UTC+13) it is 22:00, after hours, so the client's
    # whole Thursday counts: due Thu 18:00 NZDT, which is 05:00Z on Thursday.
    received = utc(2026, 11, 25, 9, 0)
    london = answer_due(received, LONDON, HOURS)
    auckland = answer_due(received, AUCKLAND, HOURS)
    assert london == at(LONDON, 2026, 11, 25, 18, 0) == utc(2026, 11, 25, 18, 0)
    assert auckland == at(AUCKLAND, 2026, 11, 26, 18, 0) == utc(2026, 11, 26, 5, 0)
    # Arriving in the client's night buys the client's whole next working day: Auckland's
    # deadline is 11 hours after London's, not a fixed offset (the zones are 13 hours apart).
    assert auckland - london == timedelta(hours=11)


def test_answer_for_clients_half_a_day_apart_new_york_and_singapore() -> None:
    # Fri 27 Nov 14:00Z: 09:00 Friday in New York (EST), 22:00 Friday in Singapore.
    received = utc(2026, 11, 27, 14, 0)
    assert answer_due(received, NEW_YORK, HOURS) == at(NEW_YORK, 2026, 11, 27, 18, 0)
    # Singapore's Friday is over: the weekend is skipped, Monday's whole day counts.
    assert answer_due(received, SINGAPORE, HOURS) == at(SINGAPORE, 2026, 11, 30, 18, 0)
    assert answer_due(received, SINGAPORE, HOURS) == utc(2026, 11, 30, 10, 0)


def test_answer_for_clients_exactly_twelve_hours_apart_in_summer() -> None:
    # Wed 17 Jun 2026 13:00Z: 09:00 in New York (EDT, UTC-4), 21:00 in Singapore (UTC+8).
    received = utc(2026, 6, 17, 13, 0)
    assert answer_due(received, NEW_YORK, HOURS) == at(NEW_YORK, 2026, 6, 17, 18, 0)
    # Singapore is closed for the night: its Thursday counts, due Thu 18:00 there (10:00Z),
    # twelve hours after New York's deadline (Wed 22:00Z) for a lead of the same instant.
    singapore = answer_due(received, SINGAPORE, HOURS)
    assert singapore == at(SINGAPORE, 2026, 6, 18, 18, 0) == utc(2026, 6, 18, 10, 0)
    assert singapore - answer_due(received, NEW_YORK, HOURS) == timedelta(hours=12)


def test_custom_working_hours_and_days() -> None:
    # A Sunday–Thursday week, 08:00–17:00 (Dubai). Thu 15:00: two hours on Thursday, Friday
    # and Saturday off, seven more hours on Sunday → Sun 15:00.
    week = WorkingHours(time(8), time(17), frozenset({6, 0, 1, 2, 3}))
    assert answer_due(at(DUBAI, 2026, 11, 26, 15, 0), DUBAI, week) == at(DUBAI, 2026, 11, 29, 15, 0)
    # Friday (a day off there) waits for Sunday morning.
    assert next_working_moment(at(DUBAI, 2026, 11, 27, 10, 0), DUBAI, week) == at(
        DUBAI, 2026, 11, 29, 8, 0
    )


def test_short_working_days_make_a_short_answer_window() -> None:
    # 10:00–14:00, four hours a day: Wed 13:00 → one hour on Wednesday, three on Thursday.
    short = WorkingHours(time(10), time(14))
    assert short.day_length == timedelta(hours=4)
    due = answer_due(at(BERLIN, 2026, 11, 25, 13, 0), BERLIN, short)
    assert due == at(BERLIN, 2026, 11, 26, 13, 0)


def test_add_working_time_spans_several_days() -> None:
    # 20 working hours from Thu 16:00: 2 on Thu, 9 on Fri, 9 on Mon → Mon 18:00.
    start = at(BERLIN, 2026, 11, 26, 16, 0)
    assert add_working_time(start, timedelta(hours=20), BERLIN, HOURS) == at(
        BERLIN, 2026, 11, 30, 18, 0
    )
    # 21 hours: one more hour on Tuesday.
    assert add_working_time(start, timedelta(hours=21), BERLIN, HOURS) == at(
        BERLIN, 2026, 12, 1, 10, 0
    )


# --- both deadlines and which is next ------------------------------------------------------------


def _deadlines(
    first_response_at: datetime | None, answered_at: datetime | None
) -> tuple[datetime, datetime, LeadDeadlines]:
    received = at(BERLIN, 2026, 11, 25, 10, 0)
    answer = answer_due(received, BERLIN, HOURS)
    result = lead_deadlines(
        received_at=received,
        first_response_at=first_response_at,
        answer_due_at=answer,
        answered_at=answered_at,
        rule=ResponseRule(15),
    )
    return received, answer, result


def test_a_new_lead_shows_both_deadlines_the_first_response_next() -> None:
    received, answer, deadlines = _deadlines(None, None)
    assert deadlines.first_response == Deadline(
        "first-response", received + timedelta(minutes=15), None
    )
    assert deadlines.answer == Deadline("answer", answer, None)
    assert deadlines.next() is deadlines.first_response


def test_after_the_first_response_the_answer_is_next() -> None:
    received, answer, deadlines = _deadlines(at(BERLIN, 2026, 11, 25, 10, 20), None)
    assert deadlines.next() is deadlines.answer
    # Five minutes late on the first response; the answer is not late yet.
    assert deadlines.first_response.is_late(received)
    assert not deadlines.answer.is_late(received + timedelta(hours=1))
    assert deadlines.answer.is_late(answer + timedelta(seconds=1))


def test_when_both_are_met_nothing_is_next() -> None:
    _, answer, deadlines = _deadlines(
        at(BERLIN, 2026, 11, 25, 10, 5), at(BERLIN, 2026, 11, 25, 15, 0)
    )
    assert deadlines.next() is None
    assert not deadlines.first_response.is_late(answer + timedelta(days=5))
    assert not deadlines.answer.is_late(answer + timedelta(days=5))


def test_deadlines_of_a_stored_lead_and_none_once_closed() -> None:
    received = utc(2026, 11, 25, 9, 0)
    lead = Lead(
        title="Site",
        received_at=received,
        answer_due_at=utc(2026, 11, 26, 9, 0),
        created_at=received,
        updated_at=received,
    )
    deadlines = deadlines_of(lead, ResponseRule(15))
    assert deadlines is not None
    assert deadlines.first_response.due == received + timedelta(minutes=15)
    assert deadlines.answer.due == utc(2026, 11, 26, 9, 0)
    for stage in ("won", "lost"):
        lead.stage = stage
        assert deadlines_of(lead, ResponseRule(15)) is None


@pytest.mark.parametrize("answer_due_at", [utc(2026, 11, 26, 9, 0), None])
@pytest.mark.parametrize(
    "rule", [ResponseRule(15), ResponseRule(15, HOURS, BERLIN), ResponseRule(90, HOURS, NEW_YORK)]
)
def test_deadline_due_is_what_deadlines_of_says(
    answer_due_at: datetime | None, rule: ResponseRule
) -> None:
    """The agenda's windows ask one deadline's time; it must be the one deadlines_of gives,
    around the clock or in working hours, with or without a stored answer deadline (a lead
    from before schema 2 has none: a day after arrival)."""
    received = utc(2026, 11, 27, 17, 50)  # a Friday evening in Berlin
    lead = Lead(
        title="Site",
        received_at=received,
        answer_due_at=answer_due_at,
        created_at=received,
        updated_at=received,
    )
    deadlines = deadlines_of(lead, rule)
    assert deadlines is not None
    for kind in ("first-response", "answer"):
        assert deadline_due(lead, rule, kind) == deadlines.of(kind).due
    assert deadline_due(lead, rule, "answer") == (answer_due_at or received + timedelta(days=1))


# --- the follow-up ladder ----------------------------------------------------------------------


def test_parse_the_default_ladder() -> None:
    ladder = parse_ladder(DEFAULT_LADDER)
    assert ladder == (
        Interval(1, "b"),
        Interval(3, "d"),
        Interval(1, "w"),
        Interval(2, "w"),
        Interval(1, "m"),
        Interval(3, "m"),
    )
    assert ",".join(str(step) for step in ladder) == DEFAULT_LADDER
    assert [step.describe() for step in ladder] == [
        "1 working day",
        "3 days",
        "1 week",
        "2 weeks",
        "1 month",
        "3 months",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2h", (Interval(2, "h"),)),
        (" 1b , 3 d ,1w ", (Interval(1, "b"), Interval(3, "d"), Interval(1, "w"))),
        ("999d", (Interval(999, "d"),)),
        ("1m,1m", (Interval(1, "m"), Interval(1, "m"))),
    ],
)
def test_parse_ladder_accepts(text: str, expected: tuple[Interval, ...]) -> None:
    assert parse_ladder(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        ",",
        "1b,",
        ",1b",
        "1b,,3d",
        "0d",
        "1b,0w",
        "3x",
        "1y",
        "d",
        "b1",
        "1.5d",
        "-1d",
        "+1d",
        "1000d",
        "1b;3d",
        "1b 3d",
        "1min",
        "1B",
        "٣d",  # digits are ASCII, as everywhere amtui reads a number
        "1b,３d",
    ],
)
def test_parse_ladder_rejects_with_a_message_listing_what_is_accepted(text: str) -> None:
    with pytest.raises(InputError) as error:
        parse_ladder(text)
    message = str(error.value)
    assert repr(text) in message
    assert "1b,3d,1w,2w,1m,3m" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        # From Tue 24 Nov 11:30 (Berlin), each rung of the default ladder on its own.
        ("1b", at(BERLIN, 2026, 11, 25, 11, 30)),  # Wed
        ("3d", at(BERLIN, 2026, 11, 27, 11, 30)),  # Fri
        ("1w", at(BERLIN, 2026, 12, 1, 11, 30)),  # Tue
        ("2w", at(BERLIN, 2026, 12, 8, 11, 30)),  # Tue
        ("1m", at(BERLIN, 2026, 12, 24, 11, 30)),  # Thu
        ("3m", at(BERLIN, 2027, 2, 24, 11, 30)),  # Wed
    ],
)
def test_step_due_for_every_rung_of_the_default_ladder(interval: str, expected: datetime) -> None:
    (step,) = parse_ladder(interval)
    due = step_due(at(BERLIN, 2026, 11, 24, 11, 30), step, BERLIN, HOURS)
    assert due == expected
    assert due.tzinfo is UTC


def test_the_default_ladder_climbed_step_by_step() -> None:
    # A proposal goes out Wed 25 Nov 10:00 and every step is done exactly when due.
    expected = [
        at(BERLIN, 2026, 11, 26, 10, 0),  # 1b: Thu, the next working day: check receipt
        at(BERLIN, 2026, 11, 30, 9, 0),  # 3d: Sun 29 → moved to Mon opening
        at(BERLIN, 2026, 12, 7, 9, 0),  # 1w: Mon
        at(BERLIN, 2026, 12, 21, 9, 0),  # 2w: Mon
        at(BERLIN, 2027, 1, 21, 9, 0),  # 1m: Thu
        at(BERLIN, 2027, 4, 21, 9, 0),  # 3m: Wed, now CEST: 07:00Z, the wall clock kept
    ]
    previous = at(BERLIN, 2026, 11, 25, 10, 0)
    seen = []
    for step in parse_ladder(DEFAULT_LADDER):
        previous = step_due(previous, step, BERLIN, HOURS)
        seen.append(previous)
    assert seen == expected
    assert seen[-1] == utc(2027, 4, 21, 7, 0)
    assert [step_kind(n) for n in range(1, 7)] == ["check-receipt"] + ["follow-up"] * 5


def test_check_receipt_on_friday_lands_on_monday() -> None:
    # 1b from Fri 16:00 is Mon 16:00 (working days, not calendar days).
    step = Interval(1, "b")
    assert step_due(at(BERLIN, 2026, 11, 27, 16, 0), step, BERLIN, HOURS) == at(
        BERLIN, 2026, 11, 30, 16, 0
    )


def test_working_day_steps_follow_custom_working_days() -> None:
    # Sunday–Thursday week: 1b from Thursday is Sunday.
    week = WorkingHours(time(8), time(17), frozenset({6, 0, 1, 2, 3}))
    assert step_due(at(DUBAI, 2026, 11, 26, 11, 0), Interval(1, "b"), DUBAI, week) == at(
        DUBAI, 2026, 11, 29, 11, 0
    )


@pytest.mark.parametrize(
    ("previous", "interval", "expected"),
    [
        # Jan 31 + 1 month is Feb 28 (2025: a Friday), not March 3.
        (at(LONDON, 2025, 1, 31, 10, 0), Interval(1, "m"), at(LONDON, 2025, 2, 28, 10, 0)),
        # In a leap year it is Feb 29 (2028: a Tuesday).
        (at(LONDON, 2028, 1, 31, 10, 0), Interval(1, "m"), at(LONDON, 2028, 2, 29, 10, 0)),
        # Nov 30 + 3 months is Feb 28 2027, a Sunday: moved to Monday 1 March, 09:00.
        (at(LONDON, 2026, 11, 30, 10, 0), Interval(3, "m"), at(LONDON, 2027, 3, 1, 9, 0)),
        # Mar 31 + 1 month is Apr 30 (2026: a Thursday).
        (at(LONDON, 2026, 3, 31, 10, 0), Interval(1, "m"), at(LONDON, 2026, 4, 30, 10, 0)),
    ],
)
def test_month_steps_never_drift_past_the_month_end(
    previous: datetime, interval: Interval, expected: datetime
) -> None:
    assert step_due(previous, interval, LONDON, HOURS) == expected


@pytest.mark.parametrize(
    ("zone", "previous", "interval", "expected", "expected_utc"),
    [
        # New York springs forward on Sun 8 Mar 2026: 10:00 EST (15:00Z) + 1w = 10:00 EDT.
        (
            NEW_YORK,
            at(NEW_YORK, 2026, 3, 5, 10, 0),
            Interval(1, "w"),
            at(NEW_YORK, 2026, 3, 12, 10, 0),
            utc(2026, 3, 12, 14, 0),
        ),
        # Auckland springs forward on Sun 27 Sep 2026 (NZST +12 → NZDT +13).
        (
            AUCKLAND,
            at(AUCKLAND, 2026, 9, 24, 10, 0),
            Interval(1, "w"),
            at(AUCKLAND, 2026, 10, 1, 10, 0),
            utc(2026, 9, 30, 21, 0),
        ),
        # Berlin falls back on Sun 25 Oct 2026: Fri 10:00 CEST (08:00Z) + 3d = Mon 10:00 CET.
        (
            BERLIN,
            at(BERLIN, 2026, 10, 23, 10, 0),
            Interval(3, "d"),
            at(BERLIN, 2026, 10, 26, 10, 0),
            utc(2026, 10, 26, 9, 0),
        ),
        # London springs forward on Sun 29 Mar 2026: Thu 15:00 GMT + 2b = Mon 15:00 BST.
        (
            LONDON,
            at(LONDON, 2026, 3, 26, 15, 0),
            Interval(2, "b"),
            at(LONDON, 2026, 3, 30, 15, 0),
            utc(2026, 3, 30, 14, 0),
        ),
    ],
)
def test_a_step_across_a_dst_change_keeps_the_clients_wall_clock(
    zone: ZoneInfo,
    previous: datetime,
    interval: Interval,
    expected: datetime,
    expected_utc: datetime,
) -> None:
    due = step_due(previous, interval, zone, HOURS)
    assert due == expected == expected_utc


def test_a_dst_change_in_the_clients_zone_only() -> None:
    # The user is in Berlin (no change that week); the client in New York springs forward.
    # The step keeps 10:00 *New York* time, so it moves an hour earlier on the user's clock.
    previous = at(NEW_YORK, 2026, 3, 5, 10, 0)  # 16:00 in Berlin
    due = step_due(previous, Interval(1, "w"), NEW_YORK, HOURS)
    assert due.astimezone(BERLIN).hour == 15
    assert due.astimezone(NEW_YORK).hour == 10


def test_hour_steps_count_elapsed_time_not_the_wall_clock() -> None:
    # 2h from 01:00 CET on the night Berlin springs forward (29 Mar 2026) lands at 04:00 CEST,
    # a Sunday, so it moves to Monday's opening.
    assert step_due(at(BERLIN, 2026, 3, 29, 1, 0), Interval(2, "h"), BERLIN, HOURS) == at(
        BERLIN, 2026, 3, 30, 9, 0
    )
    # Inside the working day the hours simply add up.
    assert step_due(at(BERLIN, 2026, 11, 25, 10, 0), Interval(2, "h"), BERLIN, HOURS) == at(
        BERLIN, 2026, 11, 25, 12, 0
    )


@pytest.mark.parametrize(
    ("previous", "interval", "expected"),
    [
        # 3 days from Wed 10:00 is Saturday: moved to Monday's opening.
        (at(BERLIN, 2026, 11, 25, 10, 0), Interval(3, "d"), at(BERLIN, 2026, 11, 30, 9, 0)),
        # 1 week from a Saturday (a step done at the weekend) is a Saturday: Monday.
        (at(BERLIN, 2026, 11, 28, 11, 0), Interval(1, "w"), at(BERLIN, 2026, 12, 7, 9, 0)),
        # 2h from Wed 17:00 is 19:00, after closing: Thursday's opening.
        (at(BERLIN, 2026, 11, 25, 17, 0), Interval(2, "h"), at(BERLIN, 2026, 11, 26, 9, 0)),
        # A step done before opening (07:30) lands at 07:30: moved to 09:00 that day.
        (at(BERLIN, 2026, 11, 24, 7, 30), Interval(3, "d"), at(BERLIN, 2026, 11, 27, 9, 0)),
        # A step done after closing (Wed 20:00): 1b is Thu, after hours, so Thu 09:00 (the
        # next working morning, as "the same or next working day" asks).
        (at(BERLIN, 2026, 11, 25, 20, 0), Interval(1, "b"), at(BERLIN, 2026, 11, 26, 9, 0)),
        # 17:59 stays 17:59: still inside the working day.
        (at(BERLIN, 2026, 11, 24, 17, 59), Interval(3, "d"), at(BERLIN, 2026, 11, 27, 17, 59)),
    ],
)
def test_steps_outside_working_hours_move_into_them(
    previous: datetime, interval: Interval, expected: datetime
) -> None:
    assert step_due(previous, interval, BERLIN, HOURS) == expected


def test_steps_are_counted_on_the_clients_calendar() -> None:
    # A proposal sent Wed 25 Nov 10:00 in Berlin is Wed 22:00 in Auckland. The check-receipt
    # step is the client's next working day (Thu); 22:00 is after hours there, so it is that
    # Thursday's 09:00 in Auckland (Wed 20:00Z) ...
    sent = at(BERLIN, 2026, 11, 25, 10, 0)
    auckland = step_due(sent, Interval(1, "b"), AUCKLAND, HOURS)
    assert auckland == at(AUCKLAND, 2026, 11, 26, 9, 0) == utc(2026, 11, 25, 20, 0)
    # ... while a London client is checked on Thursday at 09:00 London time.
    london = step_due(sent, Interval(1, "b"), LONDON, HOURS)
    assert london == at(LONDON, 2026, 11, 26, 9, 0)


# --- properties --------------------------------------------------------------------------------

ZONES = st.sampled_from([BERLIN, LONDON, AUCKLAND, NEW_YORK, SINGAPORE, DUBAI])
INSTANTS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


def _inside(moment: datetime, zone: ZoneInfo, hours: WorkingHours) -> bool:
    local = moment.astimezone(zone)
    return local.weekday() in hours.days and hours.start <= local.time() < hours.end


@given(INSTANTS, ZONES)
def test_next_working_moment_is_the_first_open_moment(moment: datetime, zone: ZoneInfo) -> None:
    result = next_working_moment(moment, zone, HOURS)
    assert result >= moment
    assert _inside(result, zone, HOURS)
    if result > moment:  # it had to move: so it lands on an opening time
        assert result.astimezone(zone).time() == HOURS.start


@given(INSTANTS, ZONES)
def test_answer_due_is_one_working_day_of_working_time_later(
    moment: datetime, zone: ZoneInfo
) -> None:
    due = answer_due(moment, zone, HOURS)
    assert due > moment
    local = due.astimezone(zone)
    assert local.weekday() in HOURS.days
    assert HOURS.start < local.time() <= HOURS.end
    # Never more than a long weekend plus a day away.
    assert due - moment <= timedelta(days=4)


@given(INSTANTS, ZONES, st.sampled_from(parse_ladder("2h,1b,3d,1w,2w,1m,3m")))
def test_step_due_lands_in_the_clients_working_hours_after_the_previous_step(
    moment: datetime, zone: ZoneInfo, interval: Interval
) -> None:
    due = step_due(moment, interval, zone, HOURS)
    assert due > moment
    assert _inside(due, zone, HOURS)

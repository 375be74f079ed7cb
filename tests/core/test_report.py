"""The lead report on a fixed data set; every expected figure is worked out by hand below.

The period is November 2026 in Berlin (the user's zone): 1 Nov 00:00 CET (31 Oct 23:00Z) up to
1 Dec 00:00 CET (30 Nov 23:00Z). Leads just outside it on either side, by local time but not by
UTC date, check that the days are the user's local days.

Leads received in November (7), with their first-response times:
    L-a  1 Nov 00:30  client   email       3 min
    L-b  2 Nov 10:00  client   email       5 min
    L-c  3 Nov 10:00  partner  web-brief  12 min
    L-d  4 Nov 10:00  client   web-brief  15 min   (exactly the target: counts as within)
    L-e  5 Nov 10:00  partner  phone      40 min
    L-f  6 Nov 10:00  client   web-brief 120 min
    L-g  9 Nov 10:00  client   messenger   never answered

Responded: 6. Sorted times 3, 5, 12, 15, 40, 120 (minutes).
    median = (12 + 15) / 2 = 13.5 min
    p90: rank (6 - 1) × 0.9 = 4.5 → 40 + (120 - 40) × 0.5 = 80 min
    within 15 min: 3, 5, 12, 15 → 4 of 7 received (the unanswered one counts as not) = 4/7
Proposals sent in November: L-old1 (2 Nov), L-b, L-c, L-d, L-d again (v2), L-f → 6.
Replies in November: L-b email-in, L-c call, L-d meeting → 3 (one on 31 Oct 23:30 is out).
Closed in November: won L-old1 (3 Nov), L-b, L-d → 3; lost L-c, L-e → 2 (L-f was lost and
reopened: not closed). Win rate 3 / 5 = 0.6.
Gone cold in November: L-f → 1 (L-old2 went cold in October).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.errors import InputError
from amtui.core.followups import pending_step
from amtui.core.leads import LeadDraft, add_lead
from amtui.core.models import Lead, get
from amtui.core.pipeline import (
    change_stage,
    log_lead,
    lose_lead,
    reopen_lead,
    respond_lead,
    win_lead,
)
from amtui.core.reminders import complete_reminder
from amtui.core.report import LeadReport, build_report, percentile

BERLIN = ZoneInfo("Europe/Berlin")
MIN = timedelta(minutes=1)
#: When the report is run: after the period, so every lead's response window is over.
LATER = datetime(2026, 12, 2, 12, 0, tzinfo=BERLIN)


def berlin(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)  # type: ignore[misc]


class Desk:
    """Builds leads at given times (every service gets its own `now`)."""

    def __init__(self, db: Database, config: Config) -> None:
        self.db, self.config = db, config

    def lead(
        self,
        received: datetime,
        *,
        source: str = "client",
        channel: str = "email",
        response: timedelta | None = None,
        client: str | None = None,
    ) -> str:
        draft = LeadDraft(
            "Lead",
            source=source,
            partner="Pixel Partners" if source == "partner" else None,
            channel=channel,
            received=received,
            client=client,
        )
        lead = add_lead(self.db, draft, now=received, config=self.config).lead
        ref = f"L{lead.id}"
        if response is not None:
            respond_lead(self.db, ref, now=received + response, config=self.config)
        return ref

    def stage(self, ref: str, stage: str, at: datetime) -> None:
        change_stage(self.db, ref, stage, now=at, config=self.config)

    def reply(self, ref: str, kind: str, at: datetime) -> None:
        log_lead(self.db, ref, kind, "reply", now=at, config=self.config)

    def win(self, ref: str, at: datetime) -> None:
        win_lead(self.db, ref, now=at, config=self.config, client="Granel")

    def lose(self, ref: str, at: datetime) -> None:
        lose_lead(self.db, ref, "price", now=at)

    def go_cold(self, ref: str, at: datetime) -> None:
        """Do every ladder step at once, without a reply: the lead goes cold at `at`."""
        while True:
            with self.db.read() as tx:
                lead = get(tx, Lead, int(ref[1:]))
                assert lead is not None
                step = pending_step(tx, lead)
            if step is None:
                return
            complete_reminder(self.db, f"R{step.id}", now=at, config=self.config)


@pytest.fixture
def november(db: Database, config: Config) -> Database:
    desk = Desk(db, config)
    # Before the period: received in October, active in November.
    old1 = desk.lead(berlin(2026, 10, 20, 10, 0), response=5 * MIN)
    desk.stage(old1, "proposal-sent", berlin(2026, 11, 2, 11, 0))
    desk.win(old1, berlin(2026, 11, 3, 12, 0))
    old2 = desk.lead(berlin(2026, 10, 5, 10, 0), response=5 * MIN)
    desk.stage(old2, "proposal-sent", berlin(2026, 10, 5, 12, 0))
    desk.go_cold(old2, berlin(2026, 10, 6, 12, 0))
    old3 = desk.lead(berlin(2026, 10, 30, 10, 0), response=MIN)
    desk.stage(old3, "proposal-sent", berlin(2026, 10, 30, 11, 0))
    desk.reply(old3, "email-in", berlin(2026, 10, 31, 23, 30))  # 22:30Z, a local October day
    desk.lead(berlin(2026, 10, 31, 23, 30), response=MIN)  # 22:30Z Oct 31: out

    # The period.
    desk.lead(berlin(2026, 11, 1, 0, 30), response=3 * MIN)  # 23:30Z on Oct 31: in
    b = desk.lead(berlin(2026, 11, 2, 10, 0), response=5 * MIN)
    c = desk.lead(
        berlin(2026, 11, 3, 10, 0), source="partner", channel="web-brief", response=12 * MIN
    )
    d = desk.lead(berlin(2026, 11, 4, 10, 0), channel="web-brief", response=15 * MIN)
    e = desk.lead(berlin(2026, 11, 5, 10, 0), source="partner", channel="phone", response=40 * MIN)
    f = desk.lead(berlin(2026, 11, 6, 10, 0), channel="web-brief", response=120 * MIN)
    desk.lead(berlin(2026, 11, 9, 10, 0), channel="messenger")  # never answered

    desk.stage(b, "proposal-sent", berlin(2026, 11, 10, 10, 0))
    desk.stage(c, "proposal-sent", berlin(2026, 11, 11, 10, 0))
    desk.stage(d, "proposal-sent", berlin(2026, 11, 12, 10, 0))
    desk.reply(b, "email-in", berlin(2026, 11, 13, 10, 0))
    desk.reply(c, "call", berlin(2026, 11, 14, 10, 0))
    desk.lose(f, berlin(2026, 11, 15, 10, 0))
    reopen_lead(db, f, now=berlin(2026, 11, 16, 9, 0), config=desk.config)  # lost by mistake
    desk.stage(f, "proposal-sent", berlin(2026, 11, 16, 10, 0))
    desk.go_cold(f, berlin(2026, 11, 17, 10, 0))
    desk.stage(d, "negotiating", berlin(2026, 11, 18, 10, 0))
    desk.stage(d, "proposal-sent", berlin(2026, 11, 20, 10, 0))  # v2: a second proposal
    desk.win(b, berlin(2026, 11, 20, 12, 0))
    desk.lose(c, berlin(2026, 11, 21, 10, 0))
    desk.reply(d, "meeting", berlin(2026, 11, 21, 11, 0))
    desk.win(d, berlin(2026, 11, 25, 10, 0))
    desk.lose(e, berlin(2026, 11, 26, 10, 0))

    # After the period: 1 Dec just after midnight in Berlin is still 30 Nov in UTC.
    late = desk.lead(berlin(2026, 12, 1, 0, 5), response=MIN)
    desk.stage(late, "proposal-sent", berlin(2026, 12, 1, 0, 10))
    desk.lose(late, berlin(2026, 12, 1, 0, 20))
    return db


def test_the_november_figures(november: Database, config: Config) -> None:
    report = build_report(
        november, start=date(2026, 11, 1), end=date(2026, 11, 30), config=config, now=LATER
    )
    assert report == LeadReport(
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
        timezone=BERLIN,
        received=7,
        by_source={"client": 5, "partner": 2},
        by_channel={"web-brief": 3, "email": 2, "phone": 1, "messenger": 1},
        responded=6,
        response_median=timedelta(minutes=13, seconds=30),
        response_p90=timedelta(minutes=80),
        within_target=4,
        decided=7,
        target_minutes=15,
        proposals_sent=6,
        replies=3,
        won=3,
        lost=2,
        gone_cold=1,
    )
    assert report.within_target_share == 4 / 7
    assert report.win_rate == 0.6


def test_one_day_of_the_period(november: Database, config: Config) -> None:
    # 4 Nov: one lead, answered in exactly 15 minutes; nothing else happened that day.
    day = date(2026, 11, 4)
    report = build_report(november, start=day, end=day, config=config, now=LATER)
    assert (report.received, report.responded, report.within_target) == (1, 1, 1)
    assert report.response_median == report.response_p90 == timedelta(minutes=15)
    assert report.within_target_share == 1.0
    assert (report.proposals_sent, report.replies, report.won, report.lost) == (0, 0, 0, 0)
    assert report.win_rate is None


def test_a_tighter_target_changes_the_share(november: Database, config: Config) -> None:
    tight = dataclasses.replace(config, first_response_minutes=5)
    report = build_report(
        november, start=date(2026, 11, 1), end=date(2026, 11, 30), config=tight, now=LATER
    )
    assert (report.target_minutes, report.within_target) == (5, 2)  # 3 and 5 minutes
    assert report.within_target_share == 2 / 7


def test_leads_still_inside_their_window_do_not_count_yet(
    november: Database, config: Config
) -> None:
    # Run on 9 Nov 10:05: L-g arrived 5 minutes ago and is not late yet, so the share is over
    # the six leads whose window is over (4 within the target), not over all seven.
    report = build_report(
        november,
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
        config=config,
        now=berlin(2026, 11, 9, 10, 5),
    )
    assert (report.received, report.decided, report.within_target) == (7, 6, 4)
    assert report.within_target_share == 4 / 6


def test_an_empty_period(db: Database, config: Config) -> None:
    report = build_report(
        db, start=date(2026, 11, 1), end=date(2026, 11, 30), config=config, now=LATER
    )
    assert (report.received, report.responded, report.within_target) == (0, 0, 0)
    assert report.by_source == report.by_channel == {}
    assert report.response_median is None and report.response_p90 is None
    assert report.within_target_share is None
    assert report.win_rate is None


def test_the_period_must_not_end_before_it_starts(db: Database, config: Config) -> None:
    with pytest.raises(InputError, match="before it starts"):
        build_report(db, start=date(2026, 11, 2), end=date(2026, 11, 1), config=config, now=LATER)


@pytest.mark.parametrize(
    ("minutes", "share", "expected"),
    [
        ([10], 0.9, 10.0),
        ([10, 20], 0.5, 15.0),
        ([10, 20], 0.9, 19.0),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1),
        ([40, 3, 120, 12, 15, 5], 0.9, 80.0),  # order does not matter
        ([5, 1, 3], 0.0, 1.0),
        ([5, 1, 3], 1.0, 5.0),
    ],
)
def test_percentile_interpolates_between_closest_ranks(
    minutes: list[int], share: float, expected: float
) -> None:
    value = percentile([timedelta(minutes=m) for m in minutes], share)
    assert value is not None
    assert value.total_seconds() / 60 == pytest.approx(expected)


def test_percentile_of_nothing() -> None:
    assert percentile([], 0.9) is None

"""How the lead desk is doing over a date range: volume, response times, proposals, wins.

Leads count in the range they were *received* in (volume, response times, the 15-minute
share); proposals and replies count when they *happened*; wins, losses and cold leads when
they were *closed* or went cold. Days are the user's local days, both ends included.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from amtui.core.activities import ActivityKind
from amtui.core.config import Config
from amtui.core.dates import day_bounds
from amtui.core.db import Database
from amtui.core.errors import InputError
from amtui.core.models import Activity, Lead, Stage
from amtui.core.pipeline import REPLY_KINDS


@dataclass(frozen=True)
class LeadReport:
    start: date
    end: date
    timezone: ZoneInfo
    received: int
    by_source: dict[str, int]
    by_channel: dict[str, int]
    responded: int
    response_median: timedelta | None
    response_p90: timedelta | None
    within_target: int  # first response within the configured minutes
    decided: int  # leads whose response window is over (or who were answered): the share's base
    target_minutes: int
    proposals_sent: int
    replies: int
    won: int
    lost: int
    gone_cold: int

    @property
    def within_target_share(self) -> float | None:
        """Share of leads answered within the target. Leads still inside their window don't
        count yet; unanswered ones past it count as missed."""
        return self.within_target / self.decided if self.decided else None

    @property
    def win_rate(self) -> float | None:
        closed = self.won + self.lost
        return self.won / closed if closed else None


def percentile(values: list[timedelta], share: float) -> timedelta | None:
    """The `share` quantile (0–1) by linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def build_report(
    db: Database, *, start: date, end: date, config: Config, now: datetime
) -> LeadReport:
    """The report for local days `start`…`end` (inclusive)."""
    if end < start:
        raise InputError(f"the report ends ({end}) before it starts ({start})")
    tz = config.timezone
    since, until = day_bounds(start, tz)[0], day_bounds(end, tz)[1]
    in_range = sa.and_(col(Lead.received_at) >= since, col(Lead.received_at) < until)
    with db.read() as session:
        rows = session.execute(
            select(Lead.source, Lead.channel, Lead.received_at, Lead.first_response_at).where(
                in_range
            )
        ).all()
        proposals = _count_activities(session, (ActivityKind.PROPOSAL_SENT,), since, until)
        # One entry per reply: email-in, call or meeting (older databases also hold a
        # `reply-received` twin of each, which is not counted again).
        replies = _count_activities(session, REPLY_KINDS, since, until)
        closed = dict(
            session.execute(
                select(Lead.stage, func.count())
                .where(
                    col(Lead.closed_at) >= since,
                    col(Lead.closed_at) < until,
                    col(Lead.stage).in_([Stage.WON.value, Stage.LOST.value]),
                )
                .group_by(col(Lead.stage))
            ).all()
        )
        cold = session.exec(
            select(func.count())
            .select_from(Lead)
            .where(col(Lead.cold_at) >= since, col(Lead.cold_at) < until)
        ).one()
    times = [responded - received for _, _, received, responded in rows if responded is not None]
    due = config.response_rule.due
    decided = [
        (r, responded) for *_, r, responded in rows if responded is not None or due(r) <= now
    ]
    within = sum(1 for r, responded in decided if responded is not None and responded <= due(r))
    return LeadReport(
        start=start,
        end=end,
        timezone=tz,
        received=len(rows),
        by_source=dict(Counter(source for source, *_ in rows).most_common()),
        by_channel=dict(Counter(channel for _, channel, *_ in rows).most_common()),
        responded=len(times),
        response_median=statistics.median(times) if times else None,
        response_p90=percentile(times, 0.9),
        within_target=within,
        decided=len(decided),
        target_minutes=config.first_response_minutes,
        proposals_sent=proposals,
        replies=replies,
        won=closed.get(Stage.WON.value, 0),
        lost=closed.get(Stage.LOST.value, 0),
        gone_cold=cold,
    )


def _count_activities(
    session: Session, kinds: tuple[str, ...], since: datetime, until: datetime
) -> int:
    query = (
        select(func.count())
        .select_from(Activity)
        .where(
            col(Activity.kind).in_(kinds),
            col(Activity.lead_id).is_not(None),
            col(Activity.occurred_at) >= since,
            col(Activity.occurred_at) < until,
        )
    )
    return int(session.exec(query).one())

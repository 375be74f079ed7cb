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

from amtui.core.activities import ActivityKind
from amtui.core.config import Config
from amtui.core.dates import day_bounds
from amtui.core.errors import InputError
from amtui.core.models import Stage
from amtui.core.pipeline import REPLY_KINDS
from amtui.core.sql import Database, Tx


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
    span = {"since": since, "until": until}
    with db.read() as tx:
        rows = tx.tuples(
            "SELECT source, channel, received_at, first_response_at FROM lead "
            "WHERE received_at >= :since AND received_at < :until ORDER BY id",
            span,
        )
        proposals = _count_activities(tx, (ActivityKind.PROPOSAL_SENT,), since, until)
        # One entry per reply: email-in, call or meeting (older databases also hold a
        # `reply-received` twin of each, which is not counted again).
        replies = _count_activities(tx, REPLY_KINDS, since, until)
        closed = dict(
            tx.tuples(
                "SELECT stage, count(*) FROM lead WHERE closed_at >= :since "
                "AND closed_at < :until AND stage IN :stages GROUP BY stage",
                {**span, "stages": (Stage.WON.value, Stage.LOST.value)},
            )
        )
        cold = int(
            tx.scalar(
                "SELECT count(*) FROM lead WHERE cold_at >= :since AND cold_at < :until", span
            )
        )
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


def _count_activities(tx: Tx, kinds: tuple[str, ...], since: datetime, until: datetime) -> int:
    query = (
        "SELECT count(*) FROM activity WHERE kind IN :kinds AND lead_id IS NOT NULL "
        "AND occurred_at >= :since AND occurred_at < :until"
    )
    return int(
        tx.scalar(query, {"kinds": tuple(str(k) for k in kinds), "since": since, "until": until})
    )

"""The money view of the pipeline and the accounts (pure: plain values in, plain values out).

- `pipeline_summary`: leads per stage with their count and value per currency, and the
  weighted forecast (each open stage's value × its probability from the config).
- `place_accounts`: every client on the KAM quadrant (`amtui.core.kam.kam_quadrant`).
- `pareto`: which clients bring 80% of the revenue, per currency (paid money, or won value:
  the caller says which amounts it passes).

Sums are per currency and never cross currencies; weighted values are rounded once per stage
and currency, half away from zero (`amtui.core.money.percent_of`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from amtui.core.errors import InputError
from amtui.core.kam import QUADRANTS, kam_quadrant
from amtui.core.money import percent_of
from amtui.core.money_config import DEFAULT_PROBABILITIES
from amtui.core.vocabulary import OPEN_STAGES, STAGES


@dataclass(frozen=True)
class Deal:
    """What the forecast reads from a lead: its stage and value (None when not yet known)."""

    stage: str
    amount_minor: int | None = None
    currency: str | None = None
    leads: int = 1  # how many leads it stands for (a database sums them per stage, currency)


@dataclass(frozen=True)
class StageColumn:
    stage: str
    count: int  # every lead at this stage, with or without a value
    totals: Mapping[str, int]  # currency → sum of values
    probability: int | None  # percent; None for won and lost
    weighted: Mapping[str, int]  # currency → totals × probability (open stages only)


@dataclass(frozen=True)
class PipelineSummary:
    columns: tuple[StageColumn, ...]  # every stage in pipeline order
    forecast: Mapping[str, int] = field(default_factory=dict)  # currency → weighted, open only
    open_totals: Mapping[str, int] = field(default_factory=dict)  # currency → unweighted, open

    def column(self, stage: str) -> StageColumn:
        return next(c for c in self.columns if c.stage == stage)


def pipeline_summary(
    deals: Iterable[Deal], probabilities: Mapping[str, int] = DEFAULT_PROBABILITIES
) -> PipelineSummary:
    """Count and total the leads per stage and weigh the open ones (see the module doc).

    Which won and lost leads to pass (e.g. those closed in the last 30 days) is the caller's
    choice; they are counted and totalled in their columns but never in the forecast.
    """
    counts = dict.fromkeys(STAGES, 0)
    totals: dict[str, dict[str, int]] = {stage: {} for stage in STAGES}
    for deal in deals:
        if deal.stage not in counts:
            raise InputError(f"unknown pipeline stage {deal.stage!r}")
        counts[deal.stage] += deal.leads
        if deal.amount_minor is not None and deal.currency:
            sums = totals[deal.stage]
            sums[deal.currency] = sums.get(deal.currency, 0) + deal.amount_minor
    columns = []
    forecast: dict[str, int] = {}
    open_totals: dict[str, int] = {}
    for stage in STAGES:
        percent = probabilities.get(stage) if stage in OPEN_STAGES else None
        weighted = (
            {cur: percent_of(amount, percent) for cur, amount in totals[stage].items()}
            if percent is not None
            else {}
        )
        for currency, amount in weighted.items():
            forecast[currency] = forecast.get(currency, 0) + amount
        if stage in OPEN_STAGES:
            for currency, amount in totals[stage].items():
                open_totals[currency] = open_totals.get(currency, 0) + amount
        columns.append(StageColumn(stage, counts[stage], totals[stage], percent, weighted))
    return PipelineSummary(tuple(columns), forecast, open_totals)


K = TypeVar("K", bound=Hashable)
#: Where clients without both KAM scores go.
UNSCORED = "Unscored"


@dataclass(frozen=True)
class AccountScores(Generic[K]):
    """What the portfolio reads from a client: any key (its id or reference) and its scores."""

    key: K
    attractiveness: int | None
    relationship: int | None


def place_accounts(accounts: Iterable[AccountScores[K]]) -> dict[str, list[K]]:
    """Clients per KAM quadrant, in the order Strategic, Star, Status, Streamline, then
    "Unscored" for those missing a score; each list keeps the order given."""
    placed: dict[str, list[K]] = {name: [] for name in (*QUADRANTS, UNSCORED)}
    for account in accounts:
        quadrant = kam_quadrant(account.attractiveness, account.relationship)
        placed[quadrant or UNSCORED].append(account.key)
    return placed


#: The Pareto share: the clients who together bring this percent of the revenue are "key".
PARETO_PERCENT = 80


@dataclass(frozen=True)
class ParetoRow(Generic[K]):
    key: K
    amount_minor: int
    cumulative_minor: int  # this client and every bigger one
    key_account: bool  # among the fewest clients that together reach the Pareto share


@dataclass(frozen=True)
class ParetoResult(Generic[K]):
    currency: str
    total_minor: int
    rows: tuple[ParetoRow[K], ...]  # biggest first; ties by the order given

    @property
    def key_accounts(self) -> tuple[K, ...]:
        return tuple(row.key for row in self.rows if row.key_account)

    def percent(self, minor: int) -> int:
        """`minor` as a whole percent of the total, rounded down (a row's share of the
        revenue, or its cumulative share)."""
        return minor * 100 // self.total_minor


def pareto(
    revenue: Iterable[tuple[K, str, int]], percent: int = PARETO_PERCENT
) -> dict[str, ParetoResult[K]]:
    """Per currency: clients by revenue, biggest first, and the fewest of them that together
    bring at least `percent`% of it (the client that crosses the line is one of them).

    `revenue` is (client key, currency, amount) and may hold several rows per client and
    currency (they are added up); clients with nothing in a currency are left out of it.
    The comparison is exact: cumulative × 100 ≥ total × percent, in integers.
    """
    if not 0 < percent <= 100:
        raise InputError("the Pareto share must be a percent above 0 and at most 100")
    sums: dict[str, dict[K, int]] = {}
    for key, currency, amount in revenue:
        if amount < 0:
            raise InputError("revenue cannot be negative")
        per_client = sums.setdefault(currency, {})
        per_client[key] = per_client.get(key, 0) + amount
    results: dict[str, ParetoResult[K]] = {}
    for currency, per_client in sums.items():
        ranked = sorted(
            ((key, amount) for key, amount in per_client.items() if amount > 0),
            key=lambda pair: -pair[1],
        )
        total = sum(amount for _, amount in ranked)
        rows = []
        cumulative = 0
        for key, amount in ranked:
            reached_before = cumulative * 100 >= total * percent
            cumulative += amount
            rows.append(ParetoRow(key, amount, cumulative, not reached_before))
        results[currency] = ParetoResult(currency, total, tuple(rows))
    return results

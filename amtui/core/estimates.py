"""A proposal's line items and their totals (pure: plain values in, plain values out).

A line says who does a piece of work (a person or a role such as "copywriter"), in which stage
of the project, for how many hours at what rate. Amounts are minor units of the line's currency,
hours are hundredths of an hour (`amtui.core.money`). Each line is rounded once; totals are sums
of rounded lines, per stage and overall, always per currency: a proposal that mixes EUR and
USD lines has two totals, never one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from amtui.core.currencies import check_currency
from amtui.core.errors import InputError
from amtui.core.money import MAX_CENTIHOURS, MAX_MINOR, line_amount
from amtui.core.validate import check_name


@dataclass(frozen=True)
class LineItem:
    """One line of an estimate. Build it with `make_line_item` to have it checked."""

    stage: str  # the project stage it belongs to: "Discovery", "Design", "Этап 1"
    who: str  # a person or a role: "Anna K.", "copywriter", "SEO"
    centihours: int  # hours × 100 (150 is 1.5 h)
    rate_minor: int  # rate per hour in minor units of `currency`
    currency: str  # ISO 4217
    description: str = ""  # what is done, shown under `who`

    @property
    def amount_minor(self) -> int:
        """hours × rate, rounded once to the minor unit (half away from zero)."""
        return line_amount(self.centihours, self.rate_minor)


def make_line_item(
    *,
    stage: str,
    who: str,
    centihours: int,
    rate_minor: int,
    currency: str,
    description: str = "",
) -> LineItem:
    """A checked line: a stage and a who, hours above 0, a rate of 0 or more, a known
    currency. Bad values raise InputError with one line saying what is accepted."""
    if isinstance(centihours, bool) or not isinstance(centihours, int):
        raise InputError("hours must be a whole number of hundredths of an hour")
    if centihours <= 0:
        raise InputError(f"hours must be more than 0, not {centihours / 100:g}")
    if centihours > MAX_CENTIHOURS:
        raise InputError("a line has at most 100000 hours")
    if isinstance(rate_minor, bool) or not isinstance(rate_minor, int):
        raise InputError("a rate must be a whole number of minor units (cents)")
    if rate_minor < 0:
        raise InputError("a rate cannot be negative")
    if rate_minor > MAX_MINOR:
        raise InputError("the rate is too large")
    item = LineItem(
        stage=check_name(stage, "stage"),
        who=check_name(who, "person or role"),
        centihours=centihours,
        rate_minor=rate_minor,
        currency=check_currency(currency),
        description=description.strip(),
    )
    if item.amount_minor > MAX_MINOR:
        raise InputError("the line's amount (hours × rate) is too large")
    return item


@dataclass(frozen=True)
class StageTotal:
    """A stage's lines (in the order given) with their hours and their sums per currency."""

    stage: str
    items: tuple[LineItem, ...]
    centihours: int
    totals: Mapping[str, int]  # currency → minor units, in the order currencies first appear


@dataclass(frozen=True)
class EstimateTotals:
    stages: tuple[StageTotal, ...]  # in the order each stage first appears
    centihours: int
    totals: Mapping[str, int] = field(default_factory=dict)  # currency → minor units

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(self.totals)


def _sum_by_currency(items: Iterable[LineItem]) -> dict[str, int]:
    sums: dict[str, int] = {}
    for item in items:
        sums[item.currency] = sums.get(item.currency, 0) + item.amount_minor
    return sums


def estimate_totals(items: Iterable[LineItem]) -> EstimateTotals:
    """Group lines by stage (first appearance order) and total them per currency.

    Stages are matched by their exact text, so "Design" and "design" are two stages: what the
    person typed is what the client reads.
    """
    by_stage: dict[str, list[LineItem]] = {}
    for item in items:
        by_stage.setdefault(item.stage, []).append(item)
    stages = tuple(
        StageTotal(
            stage=stage,
            items=tuple(lines),
            centihours=sum(line.centihours for line in lines),
            totals=_sum_by_currency(lines),
        )
        for stage, lines in by_stage.items()
    )
    overall: dict[str, int] = {}
    for stage_total in stages:
        for currency, amount in stage_total.totals.items():
            overall[currency] = overall.get(currency, 0) + amount
    return EstimateTotals(
        stages=stages, centihours=sum(s.centihours for s in stages), totals=overall
    )
